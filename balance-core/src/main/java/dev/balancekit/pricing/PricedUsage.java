package dev.balancekit.pricing;

import dev.balancekit.Credits;
import org.jspecify.annotations.Nullable;

/**
 * A call's usage priced: the prompt line and the completion line LibreChat would record, and the
 * table key that priced them.
 *
 * @param valueKey the matched table key, or null when the default price applied
 * @param prompt the prompt line
 * @param completion the completion line
 */
public record PricedUsage(@Nullable String valueKey, PricedLine prompt, PricedLine completion) {

    /**
     * Validates the priced usage.
     *
     * @param valueKey the matched table key, or null when the default price applied
     * @param prompt the prompt line
     * @param completion the completion line
     * @throws IllegalArgumentException if {@code prompt} is null
     * @throws IllegalArgumentException if {@code completion} is null
     */
    public PricedUsage {
        Checks.notNull(prompt, "prompt");
        Checks.notNull(completion, "completion");
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
