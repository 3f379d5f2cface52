package dev.balancekit.examples.springchat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.tokenizer.JTokkitTokenCountEstimator;
import org.springframework.ai.tokenizer.TokenCountEstimator;
import reactor.core.publisher.Flux;

/**
 * A stand-in for a provider's chat model, so the service runs offline: it answers with a fixed
 * text, one word a token, as many tokens as the request allows ({@code maxTokens}), streams them
 * one at a time with a delay, and reports usage the way a provider does (prompt tokens counted with
 * JTokkit, completion tokens as sent), on the answer or on the stream's last chunk. A message that
 * contains {@code fail} makes it fail after its first token, like a provider that drops a call.
 */
public final class DemoChatModel implements ChatModel {

    private static final String[] WORDS = ("BalanceKit holds the cost of this answer before the model runs "
                    + "and charges what was used when it ends so concurrent requests of one user never spend "
                    + "more than the balance they have")
            .split(" ");

    private final Duration tokenDelay;
    private final TokenCountEstimator counter = new JTokkitTokenCountEstimator();

    /**
     * Creates the model.
     *
     * @param tokenDelay the pause before each streamed token
     */
    public DemoChatModel(Duration tokenDelay) {
        this.tokenDelay = tokenDelay;
    }

    @Override
    public ChatResponse call(Prompt prompt) {
        List<String> tokens = answer(prompt);
        if (fails(prompt)) {
            throw new IllegalStateException("the demo model failed, as asked");
        }
        return response(String.join("", tokens), modelOf(prompt), usage(prompt, tokens.size()));
    }

    @Override
    public Flux<ChatResponse> stream(Prompt prompt) {
        List<String> tokens = answer(prompt);
        String model = modelOf(prompt);
        Flux<ChatResponse> chunks = Flux.range(0, tokens.size())
                .delayElements(tokenDelay)
                .map(i -> response(tokens.get(i), model, i == tokens.size() - 1 ? usage(prompt, tokens.size()) : null));
        return fails(prompt)
                ? chunks.take(1).concatWith(Flux.error(new IllegalStateException("the demo model failed, as asked")))
                : chunks;
    }

    private static boolean fails(Prompt prompt) {
        return prompt.getContents().toLowerCase(Locale.ROOT).contains("fail");
    }

    private static String modelOf(Prompt prompt) {
        ChatOptions o = prompt.getOptions();
        return o != null && o.getModel() != null ? o.getModel() : "gpt-4o-mini";
    }

    private static List<String> answer(Prompt prompt) {
        ChatOptions o = prompt.getOptions();
        int max = o != null && o.getMaxTokens() != null ? o.getMaxTokens() : 64;
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < max; i++) {
            tokens.add((i == 0 ? "" : " ") + WORDS[i % WORDS.length]);
        }
        return tokens;
    }

    private DefaultUsage usage(Prompt prompt, int completionTokens) {
        int promptTokens = 0;
        for (Message m : prompt.getInstructions()) {
            promptTokens += counter.estimate(m.getText());
        }
        return new DefaultUsage(promptTokens, completionTokens);
    }

    private static ChatResponse response(String text, String model, @Nullable DefaultUsage usage) {
        ChatResponseMetadata.Builder md = ChatResponseMetadata.builder().model(model);
        if (usage != null) {
            md.usage(usage);
        }
        return new ChatResponse(List.of(new Generation(new AssistantMessage(text))), md.build());
    }
}
