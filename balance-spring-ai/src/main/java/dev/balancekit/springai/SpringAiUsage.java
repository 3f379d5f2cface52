package dev.balancekit.springai;

import dev.balancekit.Usage;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.model.ChatResponse;

/** Reads the usage a provider reported into a ledger {@link Usage}. */
final class SpringAiUsage {

    private SpringAiUsage() {}

    /**
     * The usage in a response's metadata. Spring AI's prompt count is the whole prompt, cached
     * tokens included (as OpenAI reports it); the cache-read and cache-write counts are split off it.
     * A provider that reports only its uncached input as the prompt (so the cache counts exceed it)
     * has them added on top instead.
     *
     * @return the usage, or null when the response reports none (no metadata, or all zero)
     */
    static @Nullable Usage of(@Nullable ChatResponse response) {
        if (response == null || response.getMetadata() == null) {
            return null;
        }
        org.springframework.ai.chat.metadata.Usage u = response.getMetadata().getUsage();
        if (u == null) {
            return null;
        }
        long prompt = count(u.getPromptTokens());
        long completion = count(u.getCompletionTokens());
        long read = u.getCacheReadInputTokens() == null ? 0 : u.getCacheReadInputTokens();
        long write = u.getCacheWriteInputTokens() == null ? 0 : u.getCacheWriteInputTokens();
        if (prompt == 0 && completion == 0 && read == 0 && write == 0) {
            return null;
        }
        long cached = Math.addExact(read, write);
        long input = prompt >= cached ? prompt - cached : prompt;
        return new Usage(input, completion, write, read);
    }

    private static long count(@Nullable Integer n) {
        return n == null ? 0 : n;
    }
}
