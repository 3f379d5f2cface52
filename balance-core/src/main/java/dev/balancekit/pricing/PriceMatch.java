package dev.balancekit.pricing;

import org.jspecify.annotations.Nullable;

/**
 * The price row a model name resolved to, and how it was found.
 *
 * @param valueKey the matched table key, the exact model id of an override or endpoint price, or null
 *     when nothing matched and the table's default price applies; recorded on ledger entries as
 *     {@code valueKey}
 * @param price the price of that row, with its dated changes ({@link ModelPrice#on})
 * @param kind how the row was found; {@link MatchKind#DEFAULT} exactly when {@code valueKey} is null
 */
public record PriceMatch(@Nullable String valueKey, ModelPrice price, MatchKind kind) {

    /**
     * Validates the match.
     *
     * @param valueKey the matched key, or null for the default price
     * @param price the price of that row
     * @param kind how the row was found
     * @throws IllegalArgumentException if {@code valueKey} is blank
     * @throws IllegalArgumentException if {@code price} or {@code kind} is null
     * @throws IllegalArgumentException if {@code valueKey} is null but {@code kind} is not {@link MatchKind#DEFAULT}, or the reverse
     */
    public PriceMatch {
        if (valueKey != null) {
            Checks.notBlank(valueKey, "valueKey");
        }
        Checks.notNull(price, "price");
        Checks.notNull(kind, "kind");
        if ((valueKey == null) != (kind == MatchKind.DEFAULT)) {
            throw new IllegalArgumentException("valueKey must be null exactly for the default price, was '" + valueKey
                    + "' for " + kind.wireName());
        }
    }
}
