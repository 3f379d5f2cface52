package dev.balancekit.examples.chat;

import dev.balancekit.Usage;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * A chat model as the server sees it: it generates an answer token by token into a sink and reports
 * its usage at the end, as a provider's streaming API does. {@link FakeChatModel} is the one the
 * example runs; a real host would call its provider here.
 */
@FunctionalInterface
public interface ChatModel {

    /**
     * Generates an answer.
     *
     * @param call what to generate: the model (after a fallback, the free model), the messages, the
     *     prompt's token count and the output budget
     * @param sink receives each token as it is generated
     * @return the usage the model reports
     * @throws IOException if the sink failed because the client went away; the model must let it
     *     through and stop
     * @throws InterruptedException if the calling thread was interrupted
     */
    Usage generate(Call call, TokenSink sink) throws IOException, InterruptedException;

    /**
     * Where a model puts its tokens: the server's writer. Call it from the thread that called
     * {@link #generate}, one token after the other.
     */
    @FunctionalInterface
    interface TokenSink {
        /**
         * Takes one token.
         *
         * @param token the token's text
         * @throws IOException if the token could not be delivered to the client
         */
        void accept(String token) throws IOException;
    }

    /**
     * One call of a model.
     *
     * @param model the model to run
     * @param messages the conversation
     * @param promptTokens the prompt's token count, as the server counted it
     * @param maxTokens the most tokens the answer may have
     */
    record Call(String model, List<ChatMessage> messages, long promptTokens, long maxTokens) {

        /**
         * Validates and copies.
         *
         * @throws NullPointerException if the model or messages are null
         * @throws IllegalArgumentException if a count is negative
         */
        public Call {
            Objects.requireNonNull(model, "model");
            messages = List.copyOf(messages);
            Usage.checkTokens("promptTokens", promptTokens);
            Usage.checkTokens("maxTokens", maxTokens);
        }
    }
}
