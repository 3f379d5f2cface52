package dev.balancekit.benchmarks;

import dev.balancekit.BalanceLedger;
import dev.balancekit.memory.InMemoryBalanceStore;
import dev.balancekit.springai.BalanceAdvisor;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import reactor.core.publisher.Flux;

/**
 * What {@code BalanceAdvisor} adds to a Spring AI {@code ChatClient} call on the in-memory store:
 * the same call, with and without the advisor, on a model that answers at once (a fixed response
 * with usage, or a stream of three chunks), so that everything measured is client, advisor and
 * ledger. With the advisor each call estimates the prompt (JTokkit), reserves and charges.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@State(Scope.Benchmark)
public class AdvisorBenchmark {

    private static final String MESSAGE = "What does a ledger entry record, in one sentence?";

    @Param({"100000"})
    int users;

    String[] ids;
    ChatClient plain;
    ChatClient metered;

    /** A model that answers at once with the same response, usage included. */
    static final class InstantModel implements ChatModel {
        private final ChatResponse response = response("A user, an amount and why.", new DefaultUsage(12, 8));
        private final List<ChatResponse> chunks = List.of(
                response("A user,", null),
                response(" an amount", null),
                response(" and why.", new DefaultUsage(12, 8)));

        private static ChatResponse response(String text, DefaultUsage usage) {
            ChatResponseMetadata.Builder md = ChatResponseMetadata.builder();
            if (usage != null) {
                md.usage(usage);
            }
            return new ChatResponse(List.of(new Generation(new AssistantMessage(text))), md.build());
        }

        @Override
        public ChatResponse call(Prompt prompt) {
            return response;
        }

        @Override
        public Flux<ChatResponse> stream(Prompt prompt) {
            return Flux.fromIterable(chunks);
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        BalanceLedger ledger = BalanceLedger.builder()
                .config(Fixtures.config())
                .store(new InMemoryBalanceStore())
                .build();
        ids = Fixtures.users(users);
        Fixtures.fill(ledger.blocking(), ids, 1);
        InstantModel model = new InstantModel();
        plain = ChatClient.builder(model).build();
        metered = ChatClient.builder(model)
                .defaultAdvisors(BalanceAdvisor.builder(ledger).build())
                .build();
    }

    private ChatClient.ChatClientRequestSpec prompt(ChatClient client) {
        String user = ids[ThreadLocalRandom.current().nextInt(users)];
        return client.prompt()
                .user(MESSAGE)
                .options(ChatOptions.builder().model(Fixtures.MODEL).maxTokens(50))
                .advisors(a -> a.param(BalanceAdvisor.USER, user));
    }

    @Benchmark
    public ChatResponse callWithoutAdvisor() {
        return prompt(plain).call().chatResponse();
    }

    @Benchmark
    public ChatResponse callWithAdvisor() {
        return prompt(metered).call().chatResponse();
    }

    @Benchmark
    public ChatResponse streamWithoutAdvisor() {
        return prompt(plain).stream().chatResponse().blockLast();
    }

    @Benchmark
    public ChatResponse streamWithAdvisor() {
        return prompt(metered).stream().chatResponse().blockLast();
    }
}
