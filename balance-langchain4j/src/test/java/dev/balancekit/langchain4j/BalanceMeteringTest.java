package dev.balancekit.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.balancekit.AccountView;
import dev.balancekit.BalanceEvent;
import dev.balancekit.BalanceLedger;
import dev.balancekit.BalanceRefusedException;
import dev.balancekit.Credits;
import dev.balancekit.DenialReason;
import dev.balancekit.EntryContext;
import dev.balancekit.HistoryQuery;
import dev.balancekit.LedgerConfig;
import dev.balancekit.LedgerEntry;
import dev.balancekit.TokenType;
import dev.balancekit.Usage;
import dev.balancekit.policy.ShortfallPolicy;
import dev.balancekit.pricing.ModelPrice;
import dev.balancekit.pricing.PriceTable;
import dev.balancekit.pricing.Rate;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.langchain4j.model.output.TokenUsage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class BalanceMeteringTest {

    /** 1 credit per prompt token, 2 per completion token, 0.1 per cached token read. */
    private static final PriceTable PRICES = PriceTable.builder()
            .defaultPrice(ModelPrice.perToken("1", "2"))
            .model("cached-model", ModelPrice.perToken("1", "2").withCache(Rate.perToken("1"), Rate.perToken("0.1")))
            .build();

    /** One token per character and none per message, so the tests can count. */
    private static final dev.langchain4j.model.TokenCountEstimator CHARS =
            new dev.langchain4j.model.TokenCountEstimator() {
                @Override
                public int estimateTokenCountInText(String text) {
                    return text.length();
                }

                @Override
                public int estimateTokenCountInMessage(dev.langchain4j.data.message.ChatMessage message) {
                    return ApproximateTokenCountEstimator.textOf(message).length();
                }

                @Override
                public int estimateTokenCountInMessages(Iterable<dev.langchain4j.data.message.ChatMessage> messages) {
                    int n = 0;
                    for (var m : messages) {
                        n += estimateTokenCountInMessage(m);
                    }
                    return n;
                }
            };

    private final BlockingQueue<BalanceEvent> events = new LinkedBlockingQueue<>();

    private BalanceLedger ledger(long start, ShortfallPolicy policy) {
        return BalanceLedger.builder()
                .config(LedgerConfig.builder()
                        .startBalance(Credits.of(start))
                        .prices(PRICES)
                        .shortfallPolicy(policy)
                        .build())
                .listener(events::add)
                .build();
    }

    private static BalanceMetering metering(BalanceLedger ledger) {
        return BalanceMetering.builder(ledger).tokenCountEstimator(CHARS).build();
    }

    private static ChatRequest request(String model) {
        return ChatRequest.builder()
                .messages(UserMessage.from("hello"))
                .modelName(model)
                .maxOutputTokens(50)
                .build();
    }

    private static ChatRequestOptions as(String user) {
        return ChatRequestOptions.builder()
                .addListenerAttribute(BalanceMetering.USER, user)
                .addListenerAttribute(BalanceMetering.CONVERSATION_ID, "conv-1")
                .build();
    }

    private static List<LedgerEntry> entries(BalanceLedger ledger, String user) {
        return ledger.transactionHistory(user, HistoryQuery.all()).block().items();
    }

    private static LedgerEntry entry(BalanceLedger ledger, String user, TokenType type) {
        return entries(ledger, user).stream()
                .filter(e -> e.tokenType() == type)
                .findFirst()
                .orElseThrow();
    }

    private static AccountView account(BalanceLedger ledger, String user) {
        return ledger.balance(user).block();
    }

    /** A chat model for tests: answers with fixed tokens and reports the usage it is told to, or fails. */
    static final class StandInModel implements ChatModel, StreamingChatModel {
        final List<String> models = new CopyOnWriteArrayList<>();
        final AtomicInteger calls = new AtomicInteger();
        private final List<String> tokens;
        private final @Nullable TokenUsage usage;
        private final @Nullable RuntimeException failure;

        StandInModel(List<String> tokens, @Nullable TokenUsage usage, @Nullable RuntimeException failure) {
            this.tokens = tokens;
            this.usage = usage;
            this.failure = failure;
        }

        static StandInModel answering(int promptTokens, String... tokens) {
            return new StandInModel(List.of(tokens), new TokenUsage(promptTokens, tokens.length), null);
        }

        @Override
        public java.util.Set<dev.langchain4j.model.chat.Capability> supportedCapabilities() {
            return ChatModel.super.supportedCapabilities();
        }

        @Override
        public dev.langchain4j.model.chat.request.ChatRequestParameters defaultRequestParameters() {
            return ChatModel.super.defaultRequestParameters();
        }

        @Override
        public List<dev.langchain4j.model.chat.listener.ChatModelListener> listeners() {
            return ChatModel.super.listeners();
        }

        @Override
        public dev.langchain4j.model.ModelProvider provider() {
            return ChatModel.super.provider();
        }

        private ChatResponse response() {
            return ChatResponse.builder()
                    .aiMessage(AiMessage.from(String.join("", tokens)))
                    .tokenUsage(usage)
                    .build();
        }

        @Override
        public ChatResponse doChat(ChatRequest request) {
            calls.incrementAndGet();
            models.add(request.modelName());
            if (failure != null) {
                throw failure;
            }
            return response();
        }

        @Override
        public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
            calls.incrementAndGet();
            models.add(request.modelName());
            boolean[] cancelled = new boolean[1];
            StreamingHandle handle = new StreamingHandle() {
                @Override
                public void cancel() {
                    cancelled[0] = true;
                }

                @Override
                public boolean isCancelled() {
                    return cancelled[0];
                }
            };
            for (String t : tokens) {
                if (cancelled[0]) {
                    return; // a cancelled stream ends without another callback
                }
                handler.onPartialResponse(new PartialResponse(t), new PartialResponseContext(handle));
            }
            if (failure != null) {
                handler.onError(failure);
            } else if (!cancelled[0]) {
                handler.onCompleteResponse(response());
            }
        }
    }

    /** Collects a stream; cancels it after {@code cancelAfter} tokens when that is above zero. */
    static final class Collector implements StreamingChatResponseHandler {
        final List<String> tokens = new ArrayList<>();
        final CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        private final int cancelAfter;

        Collector(int cancelAfter) {
            this.cancelAfter = cancelAfter;
        }

        @Override
        public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
            tokens.add(partial.text());
            if (tokens.size() == cancelAfter) {
                context.streamingHandle().cancel();
            }
        }

        @Override
        public void onCompleteResponse(ChatResponse response) {
            done.complete(response);
        }

        @Override
        public void onError(Throwable error) {
            done.completeExceptionally(error);
        }
    }

    @Test
    void chat_allowed_chargesTheReportedUsageAgainstTheHold() {
        BalanceLedger ledger = ledger(1000, ShortfallPolicy.block());
        StandInModel model = StandInModel.answering(7, "Hi", " there");
        ChatResponse response = metering(ledger).wrap((ChatModel) model).chat(request("gpt-x"), as("alice"));

        assertThat(response.aiMessage().text()).isEqualTo("Hi there");
        AccountView a = account(ledger, "alice");
        assertThat(a.balance()).isEqualTo(Credits.of(1000 - 7 - 2 * 2));
        assertThat(a.holds()).isEmpty();
        LedgerEntry prompt = entry(ledger, "alice", TokenType.PROMPT);
        assertThat(prompt.context()).isEqualTo(EntryContext.MESSAGE);
        assertThat(prompt.conversationId()).isEqualTo("conv-1");
        assertThat(prompt.holdId()).isNotNull();
    }

    @Test
    void chat_refused_throwsWithTheDecision_andNeverCallsTheModel() {
        BalanceLedger ledger = ledger(10, ShortfallPolicy.block());
        StandInModel model = StandInModel.answering(7, "Hi");
        assertThatThrownBy(() -> metering(ledger).wrap((ChatModel) model).chat(request("gpt-x"), as("bob")))
                .isInstanceOfSatisfying(BalanceRefusedException.class, e -> {
                    assertThat(e.decision().reason()).isEqualTo(DenialReason.INSUFFICIENT_BALANCE);
                    assertThat(e.decision().estimatedCost()).isEqualTo(Credits.of(5 + 2 * 50));
                });
        assertThat(model.calls).hasValue(0);
    }

    @Test
    void chat_fallback_switchesTheRequestToTheFreeModel_andChargesIt() {
        BalanceLedger ledger = ledger(10, ShortfallPolicy.freeModel("free-model"));
        StandInModel model = StandInModel.answering(5, "ok");
        metering(ledger).wrap((ChatModel) model).chat(request("gpt-x"), as("carol"));
        assertThat(model.models).containsExactly("free-model");
        assertThat(entry(ledger, "carol", TokenType.PROMPT).model()).isEqualTo("free-model");
    }

    @Test
    void chat_modelError_releasesTheHold() {
        BalanceLedger ledger = ledger(1000, ShortfallPolicy.block());
        StandInModel model = new StandInModel(List.of("x"), null, new IllegalStateException("provider down"));
        assertThatThrownBy(() -> metering(ledger).wrap((ChatModel) model).chat(request("gpt-x"), as("dave")))
                .hasMessageContaining("provider down");
        assertThat(account(ledger, "dave").holds()).isEmpty();
        assertThat(account(ledger, "dave").balance()).isEqualTo(Credits.of(1000));
    }

    /** A provider's usage with cache reads, as provider modules subclass {@code TokenUsage}. */
    static final class CachedTokenUsage extends TokenUsage {
        final int cacheRead;

        CachedTokenUsage(int uncachedInput, int output, int cacheRead) {
            super(uncachedInput, output);
            this.cacheRead = cacheRead;
        }
    }

    @Test
    void chat_usageWithCachedTokens_viaAUsageMapper_chargesEachAtItsRate() {
        BalanceLedger ledger = ledger(100_000, ShortfallPolicy.block());
        StandInModel model = new StandInModel(List.of("answer"), new CachedTokenUsage(100, 10, 800), null);
        BalanceMetering metering = BalanceMetering.builder(ledger)
                .tokenCountEstimator(CHARS)
                .usageMapper(r -> {
                    Usage base = UsageMapper.INPUT_OUTPUT.map(r);
                    return r.tokenUsage() instanceof CachedTokenUsage c ? base.withCache(0, c.cacheRead) : base;
                })
                .build();
        metering.wrap((ChatModel) model).chat(request("cached-model"), as("erin"));

        LedgerEntry prompt = entry(ledger, "erin", TokenType.PROMPT);
        assertThat(prompt.inputTokens()).isEqualTo(100);
        assertThat(prompt.readTokens()).isEqualTo(800);
        // 100 x 1 + 800 x 0.1 = 180 for the prompt, 10 x 2 for the completion
        assertThat(account(ledger, "erin").balance()).isEqualTo(Credits.of(100_000 - 180 - 20));
    }

    @Test
    void chat_withoutUser_fails_unlessAResolverSuppliesOne() {
        BalanceLedger ledger = ledger(1000, ShortfallPolicy.block());
        StandInModel model = StandInModel.answering(1, "x");
        assertThatThrownBy(() -> metering(ledger).wrap((ChatModel) model).chat(request("gpt-x")))
                .hasMessageContaining("no user for the metered model");
        assertThat(model.calls).hasValue(0);
        BalanceMetering.builder(ledger)
                .tokenCountEstimator(CHARS)
                .userResolver(r -> "resolved")
                .build()
                .wrap((ChatModel) model)
                .chat(request("gpt-x"));
        assertThat(account(ledger, "resolved").balance()).isEqualTo(Credits.of(1000 - 1 - 2));
    }

    @Test
    void stream_completed_chargesTheFinalUsage() throws Exception {
        BalanceLedger ledger = ledger(1000, ShortfallPolicy.block());
        StandInModel model = StandInModel.answering(6, "a", "b", "c");
        Collector c = new Collector(0);
        metering(ledger).wrap((StreamingChatModel) model).chat(request("gpt-x"), as("gina"), c);
        c.done.get(10, TimeUnit.SECONDS);
        assertThat(c.tokens).containsExactly("a", "b", "c");
        assertThat(account(ledger, "gina").balance()).isEqualTo(Credits.of(1000 - 6 - 2 * 3));
        assertThat(account(ledger, "gina").holds()).isEmpty();
    }

    @Test
    void stream_cancelledMidway_chargesTheTokensStreamedSoFar_asIncomplete() throws InterruptedException {
        BalanceLedger ledger = ledger(1000, ShortfallPolicy.block());
        StandInModel model = StandInModel.answering(6, "a", "b", "c", "d", "e", "f");
        Collector c = new Collector(2);
        metering(ledger).wrap((StreamingChatModel) model).chat(request("gpt-x"), as("hank"), c);
        BalanceEvent event;
        do {
            event = events.poll(10, TimeUnit.SECONDS);
        } while (event != null && !(event instanceof BalanceEvent.Charged));
        assertThat(c.tokens).containsExactly("a", "b");
        LedgerEntry completion = entry(ledger, "hank", TokenType.COMPLETION);
        assertThat(completion.context()).isEqualTo(EntryContext.INCOMPLETE);
        assertThat(completion.rawAmount()).isEqualTo(-2);
        assertThat(entry(ledger, "hank", TokenType.PROMPT).rawAmount()).isEqualTo(-5);
        assertThat(account(ledger, "hank").holds()).isEmpty();
    }

    @Test
    void stream_modelError_releasesTheHold() {
        BalanceLedger ledger = ledger(1000, ShortfallPolicy.block());
        StandInModel model = new StandInModel(List.of("a"), null, new IllegalStateException("stream broke"));
        Collector c = new Collector(0);
        metering(ledger).wrap((StreamingChatModel) model).chat(request("gpt-x"), as("ivy"), c);
        assertThat(c.done).isCompletedExceptionally();
        assertThat(account(ledger, "ivy").holds()).isEmpty();
        assertThat(account(ledger, "ivy").balance()).isEqualTo(Credits.of(1000));
    }

    @Test
    void stream_refused_reachesOnError_beforeTheModel() {
        BalanceLedger ledger = ledger(10, ShortfallPolicy.block());
        StandInModel model = StandInModel.answering(6, "a");
        Collector c = new Collector(0);
        metering(ledger).wrap((StreamingChatModel) model).chat(request("gpt-x"), as("jo"), c);
        assertThat(c.done)
                .failsWithin(java.time.Duration.ZERO)
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(BalanceRefusedException.class);
        assertThat(model.calls).hasValue(0);
    }

    @Test
    void stream_fallback_switchesTheRequestToTheFreeModel() throws Exception {
        BalanceLedger ledger = ledger(10, ShortfallPolicy.freeModel("free-model"));
        StandInModel model = StandInModel.answering(1, "a");
        Collector c = new Collector(0);
        metering(ledger).wrap((StreamingChatModel) model).chat(request("gpt-x"), as("kay"), c);
        c.done.get(10, TimeUnit.SECONDS);
        assertThat(model.models).containsExactly("free-model");
    }

    @Test
    void twentyConcurrentCallsOfOneUser_thatTogetherExceedTheBalance_neverOverspend() throws Exception {
        // each call reserves 5 + 2 x 50 = 105 credits and uses all of it; 20 of them would spend 2100 of 1000
        BalanceLedger ledger = ledger(1000, ShortfallPolicy.block());
        String[] fifty = new String[50];
        Arrays.fill(fifty, "t");
        StandInModel model = StandInModel.answering(5, fifty);
        ChatModel metered = metering(ledger).wrap((ChatModel) model);
        ExecutorService pool = Executors.newFixedThreadPool(20);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Callable<Boolean> call = () -> {
                    start.await();
                    try {
                        metered.chat(request("gpt-x"), as("lee"));
                        return true;
                    } catch (BalanceRefusedException e) {
                        return false;
                    }
                };
                results.add(pool.submit(call));
            }
            start.countDown();
            int allowed = 0;
            for (Future<Boolean> f : results) {
                allowed += f.get(60, TimeUnit.SECONDS) ? 1 : 0;
            }
            AccountView a = account(ledger, "lee");
            assertThat(allowed).isEqualTo(model.calls.get()).isBetween(1, 9);
            assertThat(a.balance()).isEqualTo(Credits.of(1000 - 105L * allowed));
            assertThat(a.balance().isNegative()).isFalse();
            assertThat(a.holds()).isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }
}
