package dev.balancekit.pricing;

import org.jspecify.annotations.Nullable;

/**
 * Long-context pricing: the rates that replace a model's standard rates when a request's whole
 * prompt (input, cache-write and cache-read tokens) is strictly longer than {@code threshold}
 * tokens. The prompt and completion rates always replace the standard ones; the cache rates
 * (LibreChat's {@code premiumCache}) replace the model's cache rates only when given. A model with
 * no cache rate at all bills cache tokens at its effective prompt rate, which above the threshold is
 * {@code prompt}.
 *
 * @param threshold the largest prompt, in tokens, still billed at the standard rates
 * @param prompt the prompt rate above the threshold
 * @param completion the completion rate above the threshold
 * @param cacheWrite the cache-write rate above the threshold, or null to keep the model's
 * @param cacheRead the cache-read rate above the threshold, or null to keep the model's
 */
public record Premium(
        long threshold,
        Rate prompt,
        Rate completion,
        @Nullable Rate cacheWrite,
        @Nullable Rate cacheRead) {

    /**
     * Validates the premium.
     *
     * @param threshold the largest prompt, in tokens, still billed at the standard rates
     * @param prompt the prompt rate above the threshold
     * @param completion the completion rate above the threshold
     * @param cacheWrite the cache-write rate above the threshold, or null to keep the model's
     * @param cacheRead the cache-read rate above the threshold, or null to keep the model's
     * @throws IllegalArgumentException if {@code threshold} is not positive
     * @throws IllegalArgumentException if {@code prompt} is null
     * @throws IllegalArgumentException if {@code completion} is null
     * @throws IllegalArgumentException if only one of {@code cacheWrite} and {@code cacheRead} is given
     */
    public Premium {
        if (threshold <= 0) {
            throw new IllegalArgumentException("threshold must be positive, was " + threshold);
        }
        Checks.notNull(prompt, "prompt");
        Checks.notNull(completion, "completion");
        if ((cacheWrite == null) != (cacheRead == null)) {
            throw new IllegalArgumentException(
                    "cacheWrite and cacheRead must be given together, was " + cacheWrite + " and " + cacheRead);
        }
    }

    /**
     * Returns long-context prompt and completion rates without cache rates of their own.
     *
     * @param threshold the largest prompt, in tokens, still billed at the standard rates
     * @param prompt the prompt rate above the threshold
     * @param completion the completion rate above the threshold
     * @throws IllegalArgumentException if {@code threshold} is not positive
     * @throws IllegalArgumentException if {@code prompt} is null
     * @throws IllegalArgumentException if {@code completion} is null
     */
    public Premium(long threshold, Rate prompt, Rate completion) {
        this(threshold, prompt, completion, null, null);
    }

    /**
     * Returns this premium with cache rates above the threshold (LibreChat's {@code premiumCache}).
     *
     * @param write the cache-write rate above the threshold
     * @param read the cache-read rate above the threshold
     * @return the new premium
     * @throws IllegalArgumentException if {@code write} or {@code read} is null
     */
    public Premium withCache(Rate write, Rate read) {
        return new Premium(threshold, prompt, completion, Checks.notNull(write, "write"), Checks.notNull(read, "read"));
    }

    /**
     * Returns whether a prompt of {@code promptTokens} tokens is billed at these rates.
     *
     * @param promptTokens the whole prompt, in tokens
     * @return {@code promptTokens > threshold}
     */
    public boolean appliesTo(long promptTokens) {
        return promptTokens > threshold;
    }
}
