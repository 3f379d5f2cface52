package dev.balancekit.pricing;

import dev.balancekit.Credits;
import org.jspecify.annotations.Nullable;

/**
 * A call's usage priced: the prompt line and the completion line LibreChat would record, and the
 * match that priced them (its key and its {@link MatchKind}).
 *
 * @param match the row that priced the usage and how it was found
 * @param prompt the prompt line
 * @param completion the completion line
 */
public record PricedUsage(PriceMatch match, PricedLine prompt, PricedLine completion) {

    /**
     * Validates the priced usage.
     *
     * @param match the row that priced the usage and how it was found
     * @param prompt the prompt line
     * @param completion the completion line
     * @throws IllegalArgumentException if {@code match} is null
     * @throws IllegalArgumentException if {@code prompt} is null
     * @throws IllegalArgumentException if {@code completion} is null
     */
    public PricedUsage {
        Checks.notNull(match, "match");
        Checks.notNull(prompt, "prompt");
        Checks.notNull(completion, "completion");
    }

    /**
     * Returns the matched key, recorded on the entries as {@code valueKey}.
     *
     * @return the key, or null when the default price applied
     */
    public @Nullable String valueKey() {
        return match.valueKey();
    }

    /**
     * Returns how the price was found.
     *
     * @return the kind of match
     */
    public MatchKind kind() {
        return match.kind();
    }

    /**
     * Returns the whole charge, prompt plus completion.
     *
     * @return the sum of both lines' costs
     * @throws ArithmeticException if the sum does not fit {@link Credits}
     */
    public Credits total() {
        return prompt.cost().plus(completion.cost());
    }
}
