package dev.balancekit;

/**
 * The tokens one model call used, as the provider reports them.
 *
 * <p>The prompt is split the way cache-aware providers bill it: {@code inputTokens} are the
 * prompt tokens that were neither written to nor read from a prompt cache, {@code cacheWriteTokens}
 * were written to the cache and {@code cacheReadTokens} were read from it, so the whole prompt is
 * {@link #promptTokens()}. A provider without caching reports only input and output:
 * {@link #of(long, long)}.
 *
 * <p>Every count is between 0 and {@link #MAX_TOKENS}, which keeps every sum of counts far inside a
 * {@code long} and rejects garbage (a negative count, a count read from the wrong field) early.
 *
 * @param inputTokens prompt tokens neither written to nor read from a cache
 * @param outputTokens completion tokens
 * @param cacheWriteTokens prompt tokens written to a cache
 * @param cacheReadTokens prompt tokens read from a cache
 */
public record Usage(long inputTokens, long outputTokens, long cacheWriteTokens, long cacheReadTokens) {

    /** The largest token count accepted in one field: one billion. */
    public static final long MAX_TOKENS = 1_000_000_000L;

    /**
     * Validates every count.
     *
     * @param inputTokens prompt tokens neither written to nor read from a cache
     * @param outputTokens completion tokens
     * @param cacheWriteTokens prompt tokens written to a cache
     * @param cacheReadTokens prompt tokens read from a cache
     * @throws IllegalArgumentException if {@code inputTokens} is not between 0 and {@link #MAX_TOKENS}
     * @throws IllegalArgumentException if {@code outputTokens} is not between 0 and {@link #MAX_TOKENS}
     * @throws IllegalArgumentException if {@code cacheWriteTokens} is not between 0 and {@link #MAX_TOKENS}
     * @throws IllegalArgumentException if {@code cacheReadTokens} is not between 0 and {@link #MAX_TOKENS}
     */
    public Usage {
        checkTokens("inputTokens", inputTokens);
        checkTokens("outputTokens", outputTokens);
        checkTokens("cacheWriteTokens", cacheWriteTokens);
        checkTokens("cacheReadTokens", cacheReadTokens);
    }

    /**
     * Returns the usage of a call without prompt caching.
     *
     * @param promptTokens prompt tokens, all of them uncached input
     * @param completionTokens completion tokens
     * @return the usage
     * @throws IllegalArgumentException if {@code promptTokens} is not between 0 and {@link #MAX_TOKENS}
     * @throws IllegalArgumentException if {@code completionTokens} is not between 0 and {@link #MAX_TOKENS}
     */
    public static Usage of(long promptTokens, long completionTokens) {
        return new Usage(
                checkTokens("promptTokens", promptTokens), checkTokens("completionTokens", completionTokens), 0, 0);
    }

    /**
     * Returns this usage with the given cache counts, keeping the input and output counts: the
     * cache tokens come on top of {@link #inputTokens()}, they are not taken out of it.
     *
     * @param cacheWriteTokens prompt tokens written to a cache
     * @param cacheReadTokens prompt tokens read from a cache
     * @return the new usage
     * @throws IllegalArgumentException if {@code cacheWriteTokens} is not between 0 and {@link #MAX_TOKENS}
     * @throws IllegalArgumentException if {@code cacheReadTokens} is not between 0 and {@link #MAX_TOKENS}
     */
    public Usage withCache(long cacheWriteTokens, long cacheReadTokens) {
        return new Usage(inputTokens, outputTokens, cacheWriteTokens, cacheReadTokens);
    }

    /**
     * Returns the whole prompt: input, cache-write and cache-read tokens.
     *
     * @return {@code inputTokens + cacheWriteTokens + cacheReadTokens}
     */
    public long promptTokens() {
        return Math.addExact(Math.addExact(inputTokens, cacheWriteTokens), cacheReadTokens);
    }

    /**
     * Returns every token of the call, prompt and completion.
     *
     * @return {@code promptTokens() + outputTokens}
     */
    public long totalTokens() {
        return Math.addExact(promptTokens(), outputTokens);
    }

    /**
     * Checks one token count: the shared rule for every count the library accepts.
     *
     * @param name the field or parameter name used in the error message
     * @param tokens the count
     * @return {@code tokens}
     * @throws IllegalArgumentException if {@code tokens} is not between 0 and {@link #MAX_TOKENS}
     */
    public static long checkTokens(String name, long tokens) {
        if (tokens < 0 || tokens > MAX_TOKENS) {
            throw new IllegalArgumentException(name + " must be between 0 and " + MAX_TOKENS + ", was " + tokens);
        }
        return tokens;
    }
}
