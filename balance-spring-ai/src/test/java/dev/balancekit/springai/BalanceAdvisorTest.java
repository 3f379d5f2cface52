package dev.balancekit.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.balancekit.AccountView;
import dev.balancekit.BalanceDecision;
import dev.balancekit.BalanceEvent;
import dev.balancekit.BalanceLedger;
import dev.balancekit.BalanceRefusedException;
import dev.balancekit.Credits;
import dev.balancekit.DenialReason;
import dev.balancekit.EntryContext;
import dev.balancekit.HistoryQuery;
import dev.balancekit.LedgerConfig;
import dev.balancekit.LedgerEntry;
import dev.balancekit.Receipt;
import dev.balancekit.TokenType;
import dev.balancekit.policy.ShortfallPolicy;
import dev.balancekit.pricing.ModelPrice;
import dev.balancekit.pricing.PriceTable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.tokenizer.TokenCountEstimator;
import reactor.test.StepVerifier;

class BalanceAdvisorTest {

    /** One token per character, so the tests can count. */
    private static final TokenCountEstimator CHARS = new TokenCountEstimator() {
        @Override
        public int estimate(String text) {
            return text == null ? 0 : text.length();
        }

        @Override
        public int estimate(org.springframework.ai.content.MediaContent content) {
            return estimate(content.getText());
        }

        @Override
        public int estimate(Iterable<org.springframework.ai.content.MediaContent> messages) {
            int n = 0;
            for (var m : messages) {
                n += estimate(m);
            }
            return n;
        }
    };

    /** 1 credit per prompt token, 2 per completion token, 0.1 per cached token read, 1.25 per written. */
    private static final PriceTable PRICES = PriceTable.builder()
            .defaultPrice(ModelPrice.perToken("1", "2"))
            .model(
                    "cached-model",
                    ModelPrice.perToken("1", "2")
                            .withCache(
                                    dev.balancekit.pricing.Rate.perToken("1.25"),
                                    dev.balancekit.pricing.Rate.perToken("0.1")))
            .build();

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

    private static ChatClient client(StandInChatModel model, BalanceLedger ledger) {
        BalanceAdvisor advisor =
                BalanceAdvisor.builder(ledger).tokenCountEstimator(CHARS).build();
        return ChatClient.builder(model).defaultAdvisors(advisor).build();
    }

    private static ChatClient.ChatClientRequestSpec prompt(
            ChatClient client, String user, String model, int maxTokens) {
        return client.prompt()
                .user("hello")
                .options(ChatOptions.builder().model(model).maxTokens(maxTokens))
                .advisors(a -> a.param(BalanceAdvisor.USER, user).param(ChatMemory.CONVERSATION_ID, "conv-1"));
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

    @Test
    void call_allowed_chargesTheReportedUsageAgainstTheHold() {
        BalanceLedger ledger = ledger(1000, ShortfallPolicy.block());
        StandInChatModel model = StandInChatModel.answering(7, "Hi", " there");
        ChatClientResponse response =
                prompt(client(model, ledger), "alice", "gpt-x", 50).call().chatClientResponse();

        assertThat(response.chatResponse().getResult().getOutput().getText()).isEqualTo("Hi there");
        Receipt receipt = (Receipt) response.context().get(BalanceAdvisor.RECEIPT);
        assertThat(receipt.total()).isEqualTo(Credits.of(-(7 + 2 * 2)));
        AccountView a = account(ledger, "alice");
        assertThat(a.balance()).isEqualTo(Credits.of(1000 - 11));
        assertThat(a.holds()).isEmpty();
        LedgerEntry prompt = entry(ledger, "alice", TokenType.PROMPT);
        assertThat(prompt.context()).isEqualTo(EntryContext.MESSAGE);
        assertThat(prompt.conversationId()).isEqualTo("conv-1");
        assertThat(prompt.holdId()).isNotNull();
    }

    @Test
    void call_refused_throwsWithTheDecision_andNeverCallsTheModel() {
        BalanceLedger ledger = ledger(10, ShortfallPolicy.block());
        StandInChatModel model = StandInChatModel.answering(7, "Hi");
        assertThatThrownBy(() ->
                        prompt(client(model, ledger), "bob", "gpt-x", 50).call().content())
                .isInstanceOfSatisfying(BalanceRefusedException.class, e -> {
                    assertThat(e.user()).isEqualTo("bob");
                    assertThat(e.decision().reason()).isEqualTo(DenialReason.INSUFFICIENT_BALANCE);
                    assertThat(e.decision().promptTokens()).isEqualTo(5); // "hello", one token a character
                    assertThat(e.decision().estimatedCost()).isEqualTo(Credits.of(5 + 2 * 50));
                });
        assertThat(model.calls).hasValue(0);
        assertThat(account(ledger, "bob").balance()).isEqualTo(Credits.of(10));
    }

    @Test
    void call_fallback_switchesTheRequestToTheFreeModel_andChargesIt() {
        BalanceLedger ledger = ledger(10, ShortfallPolicy.freeModel("free-model"));
        StandInChatModel model = StandInChatModel.answering(5, "ok");
        ChatClientResponse response =
                prompt(client(model, ledger), "carol", "gpt-x", 50).call().chatClientResponse();

        assertThat(model.models).containsExactly("free-model");
        BalanceDecision decision = (BalanceDecision) response.context().get(BalanceAdvisor.DECISION);
        assertThat(decision.status()).isEqualTo(BalanceDecision.Status.FALLBACK);
        assertThat(entry(ledger, "carol", TokenType.PROMPT).model()).isEqualTo("free-model");
    }

    @Test
    void call_modelError_releasesTheHold_andChargesNothing() {
        BalanceLedger ledger = ledger(1000, ShortfallPolicy.block());
        StandInChatModel model = new StandInChatModel(List.of("x"), null, new IllegalStateException("provider down"));
        assertThatThrownBy(() -> prompt(client(model, ledger), "dave", "gpt-x", 50)
                        .call()
                        .content())
                .hasMessageContaining("provider down");
        AccountView a = account(ledger, "dave");
        assertThat(a.holds()).isEmpty();
        assertThat(a.balance()).isEqualTo(Credits.of(1000));
        assertThat(entries(ledger, "dave")).noneMatch(e -> e.tokenType() == TokenType.PROMPT);
    }

    @Test
    void call_usageWithCachedTokens_chargesEachAtItsRate() {
        BalanceLedger ledger = ledger(100_000, ShortfallPolicy.block());
        // the whole prompt is 1000 tokens: 800 read from the cache, 100 written to it, 100 neither
        DefaultUsage usage = new DefaultUsage(1000, 10, 1010, null, 800L, 100L);
        StandInChatModel model = new StandInChatModel(List.of("answer"), usage, null);
        Receipt receipt = (Receipt) prompt(client(model, ledger), "erin", "cached-model", 50)
                .call()
                .chatClientResponse()
                .context()
                .get(BalanceAdvisor.RECEIPT);

        LedgerEntry prompt = entry(ledger, "erin", TokenType.PROMPT);
        assertThat(prompt.inputTokens()).isEqualTo(100);
        assertThat(prompt.readTokens()).isEqualTo(800);
        assertThat(prompt.writeTokens()).isEqualTo(100);
        // 100 x 1 + 100 x 1.25 + 800 x 0.1 = 305 for the prompt, 10 x 2 for the completion
        assertThat(receipt.total()).isEqualTo(Credits.of(-(305 + 20)));
    }

    @Test
    void call_withoutReportedUsage_chargesTheEstimatedPromptAndTheCountedAnswer() {
        BalanceLedger ledger = ledger(1000, ShortfallPolicy.block());
        StandInChatModel model = new StandInChatModel(List.of("four"), null, null);
        Receipt receipt = (Receipt) prompt(client(model, ledger), "fay", "gpt-x", 50)
                .call()
                .chatClientResponse()
                .context()
                .get(BalanceAdvisor.RECEIPT);
        assertThat(receipt.total()).isEqualTo(Credits.of(-(5 + 2 * 4)));
    }

    @Test
    void call_withoutUser_failsBeforeTheModel() {
        BalanceLedger ledger = ledger(1000, ShortfallPolicy.block());
        StandInChatModel model = StandInChatModel.answering(1, "x");
        ChatClient client = client(model, ledger);
        assertThatThrownBy(() -> client.prompt()
                        .user("hi")
                        .options(ChatOptions.builder().model("m"))
                        .call()
                        .content())
                .hasMessageContaining("no user for the balance advisor");
        assertThat(model.calls).hasValue(0);
    }

    @Test
    void userResolver_suppliesTheUser_whenNoParameterIsGiven() {
        BalanceLedger ledger = ledger(1000, ShortfallPolicy.block());
        StandInChatModel model = StandInChatModel.answering(1, "x");
        BalanceAdvisor advisor = BalanceAdvisor.builder(ledger)
                .tokenCountEstimator(CHARS)
                .userResolver(r -> "resolved")
                .defaultModel("gpt-x")
                .defaultMaxTokens(10)
                .build();
        ChatClient.builder(model)
                .defaultAdvisors(advisor)
                .build()
                .prompt()
                .user("hi")
                .call()
                .content();
        assertThat(account(ledger, "resolved").balance()).isEqualTo(Credits.of(1000 - 1 - 2));
        assertThat(model.models).containsExactly("gpt-x");
    }

    @Test
    void stream_completed_chargesTheFinalUsage() {
        BalanceLedger ledger = ledger(1000, ShortfallPolicy.block());
        StandInChatModel model = StandInChatModel.answering(6, "a", "b", "c");
        StepVerifier.create(prompt(client(model, ledger), "gina", "gpt-x", 50).stream()
                        .content())
                .expectNext("a", "b", "c")
                .verifyComplete();
        AccountView a = account(ledger, "gina");
        assertThat(a.balance()).isEqualTo(Credits.of(1000 - 6 - 2 * 3));
        assertThat(a.holds()).isEmpty();
        assertThat(entry(ledger, "gina", TokenType.COMPLETION).context()).isEqualTo(EntryContext.MESSAGE);
    }

    @Test
    void stream_cancelledMidway_chargesTheTokensStreamedSoFar_asIncomplete() throws InterruptedException {
        BalanceLedger ledger = ledger(1000, ShortfallPolicy.block());
        StandInChatModel model = StandInChatModel.answering(6, "a", "b", "c", "d", "e", "f", "g", "h");
        StepVerifier.create(prompt(client(model, ledger), "hank", "gpt-x", 50).stream()
                        .content()
                        .take(3))
                .expectNext("a", "b", "c")
                .verifyComplete();
        BalanceEvent charged = events.poll(10, TimeUnit.SECONDS);
        while (!(charged instanceof BalanceEvent.Charged)) {
            charged = events.poll(10, TimeUnit.SECONDS);
        }
        LedgerEntry completion = entry(ledger, "hank", TokenType.COMPLETION);
        assertThat(completion.context()).isEqualTo(EntryContext.INCOMPLETE);
        assertThat(completion.rawAmount()).isEqualTo(-3);
        // the prompt was never reported (usage comes with the last chunk): its estimate is charged
        assertThat(entry(ledger, "hank", TokenType.PROMPT).rawAmount()).isEqualTo(-5);
        assertThat(account(ledger, "hank").holds()).isEmpty();
    }

    @Test
    void stream_modelError_releasesTheHold() {
        BalanceLedger ledger = ledger(1000, ShortfallPolicy.block());
        StandInChatModel model =
                new StandInChatModel(List.of("a", "b"), null, new IllegalStateException("stream broke"));
        StepVerifier.create(prompt(client(model, ledger), "ivy", "gpt-x", 50).stream()
                        .content())
                .expectNext("a", "b")
                .verifyErrorMessage("stream broke");
        AccountView a = account(ledger, "ivy");
        assertThat(a.holds()).isEmpty();
        assertThat(a.balance()).isEqualTo(Credits.of(1000));
    }

    @Test
    void stream_refused_failsWithTheDecision_beforeTheModel() {
        BalanceLedger ledger = ledger(10, ShortfallPolicy.block());
        StandInChatModel model = StandInChatModel.answering(6, "a");
        StepVerifier.create(prompt(client(model, ledger), "jo", "gpt-x", 50).stream()
                        .content())
                .verifyErrorSatisfies(e -> assertThat(e).isInstanceOf(BalanceRefusedException.class));
        assertThat(model.calls).hasValue(0);
    }

    @Test
    void twentyConcurrentCallsOfOneUser_thatTogetherExceedTheBalance_neverOverspend() throws Exception {
        // each call reserves 5 + 2 x 50 = 105 credits and uses all of it; 20 of them would spend 2100 of 1000
        BalanceLedger ledger = ledger(1000, ShortfallPolicy.block());
        String[] fifty = new String[50];
        java.util.Arrays.fill(fifty, "t");
        StandInChatModel model = StandInChatModel.answering(5, fifty);
        ChatClient client = client(model, ledger);
        ExecutorService pool = Executors.newFixedThreadPool(20);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Callable<Boolean> call = () -> {
                    start.await();
                    try {
                        prompt(client, "kim", "gpt-x", 50).call().content();
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
            AccountView a = account(ledger, "kim");
            assertThat(allowed).isEqualTo(model.calls.get()).isBetween(1, 9);
            assertThat(a.balance()).isEqualTo(Credits.of(1000 - 105L * allowed));
            assertThat(a.balance().isNegative()).isFalse();
            assertThat(a.holds()).isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }
}
