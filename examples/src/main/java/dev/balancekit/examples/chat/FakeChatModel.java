package dev.balancekit.examples.chat;

import dev.balancekit.Usage;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;

/**
 * A stand-in for a real model: answers with a fixed text, one word per token, stops at the
 * output budget, and reports the prompt tokens it was given plus the tokens it emitted.
 *
 * <p>A {@link Pacer} runs before each token: a delay for the demo, so a stream can be watched
 * with curl, or a gate in tests, which decide exactly when each token may go out.
 */
public final class FakeChatModel implements ChatModel {

    private static final String[] WORDS = ("This answer comes from a fake model . It writes one word per token ,"
                    + " stops at max_tokens , and reports its usage the way a real provider does , so the ledger"
                    + " can charge exactly what was used .")
            .split(" ");

    private final int answerTokens;
    private final Pacer pacer;

    /**
     * Runs before each token; the hook that sets the pace of a stream.
     */
    @FunctionalInterface
    public interface Pacer {
        /**
         * Waits until the token may be emitted.
         *
         * @param index the token's position in the answer, from 0
         * @throws InterruptedException if interrupted while waiting
         */
        void beforeToken(int index) throws InterruptedException;

        /** @return a pacer that never waits */
        static Pacer none() {
            return index -> {};
        }

        /**
         * Waits the same time before every token, like a model producing tokens at a steady rate.
         *
         * @param delay the wait per token
         * @return the pacer
         * @throws IllegalArgumentException if the delay is negative
         */
        static Pacer fixedDelay(Duration delay) {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay must not be negative, was " + delay);
            }
            long millis = delay.toMillis();
            return index -> Thread.sleep(millis);
        }
    }

    /**
     * Creates the model.
     *
     * @param answerTokens how many tokens an answer has when the budget allows
     * @param pacer what runs before each token
     * @throws IllegalArgumentException if {@code answerTokens} is below 1
     */
    public FakeChatModel(int answerTokens, Pacer pacer) {
        if (answerTokens < 1) {
            throw new IllegalArgumentException("answerTokens must be at least 1, was " + answerTokens);
        }
        this.answerTokens = answerTokens;
        this.pacer = Objects.requireNonNull(pacer, "pacer");
    }

    @Override
    public Usage generate(Call call, TokenSink sink) throws IOException, InterruptedException {
        long n = Math.min(answerTokens, call.maxTokens());
        for (int i = 0; i < n; i++) {
            pacer.beforeToken(i);
            sink.accept(token(i));
        }
        return Usage.of(call.promptTokens(), n);
    }

    /**
     * The i-th token of every answer.
     *
     * @param index the token's position, from 0
     * @return the token's text: a word and a space
     */
    static String token(int index) {
        return WORDS[index % WORDS.length] + " ";
    }
}
