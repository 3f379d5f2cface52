package dev.balancekit.langchain4j;

import dev.balancekit.Usage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import org.jspecify.annotations.Nullable;

/**
 * Reads the usage a provider reported. LangChain4j's core {@link TokenUsage} has input and output
 * counts only; providers report cache tokens in subclasses of their own, which a host maps with a
 * mapper of its own (docs/langchain4j.md shows one).
 */
@FunctionalInterface
public interface UsageMapper {

    /** Input and output tokens of {@link ChatResponse#tokenUsage()}, no cache tokens. */
    UsageMapper INPUT_OUTPUT = response -> {
        TokenUsage u = response.tokenUsage();
        if (u == null || (count(u.inputTokenCount()) == 0 && count(u.outputTokenCount()) == 0)) {
            return null;
        }
        return Usage.of(count(u.inputTokenCount()), count(u.outputTokenCount()));
    };

    /**
     * Maps a response's usage.
     *
     * @param response the model's response
     * @return the usage, or null when the response reports none (the wrapper then charges the
     *     estimated prompt and the counted answer)
     */
    @Nullable
    Usage map(ChatResponse response);

    /**
     * A token count that may be missing.
     *
     * @param n the count, or null
     * @return the count, or 0
     */
    static long count(@Nullable Integer n) {
        return n == null ? 0 : n;
    }
}
