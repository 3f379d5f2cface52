package dev.balancekit.pricing;

import org.jspecify.annotations.Nullable;

/**
 * The price of one model: prompt and completion rates, optional prompt-cache rates and optional
 * long-context pricing.
 *
 * <p>A missing cache rate means the model has no separate cache price: those tokens are billed at
 * the standard {@code prompt} rate, as LibreChat does.
 *
 * @param prompt the rate of uncached prompt tokens
 * @param completion the rate of completion tokens
 * @param cacheWrite the rate of prompt tokens written to a cache, or null to use {@code prompt}
 * @param cacheRead the rate of prompt tokens read from a cache, or null to use {@code prompt}
 * @param premium the long-context pricing, or null when the model has none
 */
public record ModelPrice(
        Rate prompt,
        Rate completion,
        @Nullable Rate cacheWrite,
        @Nullable Rate cacheRead,
        @Nullable Premium premium) {

    /**
     * Validates the price.
     *
     * @param prompt the rate of uncached prompt tokens
     * @param completion the rate of completion tokens
     * @param cacheWrite the rate of prompt tokens written to a cache, or null to use {@code prompt}
     * @param cacheRead the rate of prompt tokens read from a cache, or null to use {@code prompt}
     * @param premium the long-context pricing, or null when the model has none
     * @throws IllegalArgumentException if {@code prompt} is null
     * @throws IllegalArgumentException if {@code completion} is null
     */
    public ModelPrice {
        Checks.notNull(prompt, "prompt");
        Checks.notNull(completion, "completion");
    }

    /**
     * Returns a price with only prompt and completion rates.
     *
     * @param prompt the prompt rate
     * @param completion the completion rate
     * @return the price
     * @throws IllegalArgumentException if {@code prompt} is null
     * @throws IllegalArgumentException if {@code completion} is null
     */
    public static ModelPrice of(Rate prompt, Rate completion) {
        return new ModelPrice(prompt, completion, null, null, null);
    }

    /**
     * Returns a price with only prompt and completion rates, each given in credits per token (the
     * same number as USD per 1M tokens), such as {@code perToken("2.5", "10")}.
     *
     * @param prompt the prompt rate as a plain decimal
     * @param completion the completion rate as a plain decimal
     * @return the price
     * @throws IllegalArgumentException if {@code prompt} is not a non-negative decimal with at most nine fractional digits
     * @throws IllegalArgumentException if {@code completion} is not a non-negative decimal with at most nine fractional digits
     */
    public static ModelPrice perToken(String prompt, String completion) {
        return of(Rate.parsePerToken(prompt, "prompt"), Rate.parsePerToken(completion, "completion"));
    }

    /**
     * Returns this price with the given prompt-cache rates.
     *
     * @param write the rate of prompt tokens written to a cache
     * @param read the rate of prompt tokens read from a cache
     * @return the new price
     * @throws IllegalArgumentException if {@code write} is null
     * @throws IllegalArgumentException if {@code read} is null
     */
    public ModelPrice withCache(Rate write, Rate read) {
        return new ModelPrice(prompt, completion, Checks.notNull(write, "write"), Checks.notNull(read, "read"), premium);
    }

    /**
     * Returns this price with the given long-context pricing.
     *
     * @param p the long-context pricing
     * @return the new price
     * @throws IllegalArgumentException if {@code p} is null
     */
    public ModelPrice withPremium(Premium p) {
        return new ModelPrice(prompt, completion, cacheWrite, cacheRead, Checks.notNull(p, "premium"));
    }

    /** The rate of cache writes, falling back to the standard prompt rate. */
    Rate effectiveCacheWrite() {
        return cacheWrite != null ? cacheWrite : prompt;
    }

    /** The rate of cache reads, falling back to the standard prompt rate. */
    Rate effectiveCacheRead() {
        return cacheRead != null ? cacheRead : prompt;
    }

    /** The prompt rate for a prompt of the given length, premium-aware. */
    Rate promptRate(long promptTokens) {
        Premium p = premium;
        return p != null && p.appliesTo(promptTokens) ? p.prompt() : prompt;
    }

    /** The completion rate for a prompt of the given length, premium-aware. */
    Rate completionRate(long promptTokens) {
        Premium p = premium;
        return p != null && p.appliesTo(promptTokens) ? p.completion() : completion;
    }
}
