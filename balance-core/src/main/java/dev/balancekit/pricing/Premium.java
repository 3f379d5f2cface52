package dev.balancekit.pricing;

/**
 * Long-context pricing: the prompt and completion rates that replace a model's standard rates when
 * a request's whole prompt (input, cache-write and cache-read tokens) is strictly longer than
 * {@code threshold} tokens. Cache rates are never raised by it.
 *
 * @param threshold the largest prompt, in tokens, still billed at the standard rates
 * @param prompt the prompt rate above the threshold
 * @param completion the completion rate above the threshold
 */
public record Premium(long threshold, Rate prompt, Rate completion) {

    /**
     * Validates the premium.
     *
     * @param threshold the largest prompt, in tokens, still billed at the standard rates
     * @param prompt the prompt rate above the threshold
     * @param completion the completion rate above the threshold
     * @throws IllegalArgumentException if {@code threshold} is not positive
     * @throws IllegalArgumentException if {@code prompt} is null
     * @throws IllegalArgumentException if {@code completion} is null
     */
    public Premium {
        if (threshold <= 0) {
            throw new IllegalArgumentException("threshold must be positive, was " + threshold);
        }
        Checks.notNull(prompt, "prompt");
        Checks.notNull(completion, "completion");
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
