package dev.balancekit.pricing;

import dev.balancekit.Credits;

/**
 * One charged line of a priced call: the prompt or the completion, as LibreChat writes one
 * transaction for each.
 *
 * <p>For the prompt line, {@code tokens} is the whole prompt and {@code inputTokens},
 * {@code writeTokens} and {@code readTokens} split it; {@code rate} is the prompt rate used for the
 * input part (cache parts may have been billed at their own rates, so {@code cost} is not always
 * {@code tokens x rate}). For the completion line the three split counts are 0.
 *
 * @param tokens the tokens charged on this line
 * @param rate the rate recorded for the line
 * @param cost the charge, not negative
 * @param inputTokens uncached prompt tokens, 0 on the completion line
 * @param writeTokens prompt tokens written to a cache, 0 on the completion line
 * @param readTokens prompt tokens read from a cache, 0 on the completion line
 */
public record PricedLine(long tokens, Rate rate, Credits cost, long inputTokens, long writeTokens, long readTokens) {

    /**
     * Validates the line.
     *
     * @param tokens the tokens charged on this line
     * @param rate the rate recorded for the line
     * @param cost the charge, not negative
     * @param inputTokens uncached prompt tokens, 0 on the completion line
     * @param writeTokens prompt tokens written to a cache, 0 on the completion line
     * @param readTokens prompt tokens read from a cache, 0 on the completion line
     * @throws IllegalArgumentException if {@code tokens} is negative
     * @throws IllegalArgumentException if {@code rate} is null
     * @throws IllegalArgumentException if {@code cost} is null
     * @throws IllegalArgumentException if {@code cost} is negative
     * @throws IllegalArgumentException if {@code inputTokens} is negative
     * @throws IllegalArgumentException if {@code writeTokens} is negative
     * @throws IllegalArgumentException if {@code readTokens} is negative
     */
    public PricedLine {
        notNegative("tokens", tokens);
        Checks.notNull(rate, "rate");
        Checks.notNull(cost, "cost");
        if (cost.isNegative()) {
            throw new IllegalArgumentException("cost must not be negative, was " + cost);
        }
        notNegative("inputTokens", inputTokens);
        notNegative("writeTokens", writeTokens);
        notNegative("readTokens", readTokens);
    }

    private static void notNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
    }
}
