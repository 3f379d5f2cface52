package dev.balancekit.springai;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.Prompt;
import reactor.core.publisher.Flux;

/** A chat model for tests: answers with fixed tokens and reports the usage it is told to, or fails. */
final class StandInChatModel implements ChatModel {

    final List<String> models = new CopyOnWriteArrayList<>();
    final AtomicInteger calls = new AtomicInteger();
    private final List<String> tokens;
    private final @Nullable DefaultUsage usage;
    private final @Nullable RuntimeException failure;

    StandInChatModel(List<String> tokens, @Nullable DefaultUsage usage, @Nullable RuntimeException failure) {
        this.tokens = List.copyOf(tokens);
        this.usage = usage;
        this.failure = failure;
    }

    static StandInChatModel answering(int promptTokens, String... tokens) {
        return new StandInChatModel(List.of(tokens), new DefaultUsage(promptTokens, tokens.length), null);
    }

    @Override
    public ChatResponse call(Prompt prompt) {
        record(prompt);
        if (failure != null) {
            throw failure;
        }
        return response(String.join("", tokens), usage);
    }

    @Override
    public Flux<ChatResponse> stream(Prompt prompt) {
        return Flux.defer(() -> {
            record(prompt);
            List<ChatResponse> chunks = new ArrayList<>();
            for (int i = 0; i < tokens.size(); i++) {
                chunks.add(response(tokens.get(i), i == tokens.size() - 1 ? usage : null));
            }
            Flux<ChatResponse> body = Flux.fromIterable(chunks);
            return failure == null ? body : body.concatWith(Flux.error(failure));
        });
    }

    private void record(Prompt prompt) {
        calls.incrementAndGet();
        models.add(String.valueOf(
                prompt.getOptions() == null ? null : prompt.getOptions().getModel()));
    }

    private static ChatResponse response(String text, @Nullable DefaultUsage usage) {
        ChatResponseMetadata.Builder md = ChatResponseMetadata.builder();
        if (usage != null) {
            md.usage(usage);
        }
        return new ChatResponse(List.of(new Generation(new AssistantMessage(text))), md.build());
    }
}
