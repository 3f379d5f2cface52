package dev.balancekit.pricing;

import org.jspecify.annotations.Nullable;

/**
 * The price row a model name resolved to.
 *
 * @param valueKey the matched table key, the exact model id of an override, or null when nothing
 *     matched and the table's default price applies; recorded on ledger entries as {@code valueKey}
 * @param price the price of that row
 */
public record PriceMatch(@Nullable String valueKey, ModelPrice price) {

    /**
     * Validates the match.
     *
     * @param valueKey the matched table key, the exact model id of an override, or null when nothing
     *     matched and the table's default price applies; recorded on ledger entries as {@code valueKey}
     * @param price the price of that row
     * @throws IllegalArgumentException if {@code valueKey} is blank
     * @throws IllegalArgumentException if {@code price} is null
     */
    public PriceMatch {
        if (valueKey != null) {
            Checks.notBlank(valueKey, "valueKey");
        }
        Checks.notNull(price, "price");
    }
}
