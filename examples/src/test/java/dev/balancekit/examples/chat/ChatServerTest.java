package dev.balancekit.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.balancekit.AccountView;
import dev.balancekit.BalanceChange;
import dev.balancekit.BalanceLedger;
import dev.balancekit.BlockingBalanceLedger;
import dev.balancekit.Credits;
import dev.balancekit.EntryContext;
import dev.balancekit.HistoryQuery;
import dev.balancekit.LedgerEntry;
import dev.balancekit.TokenType;
import dev.balancekit.memory.ManualClock;
import dev.balancekit.pricing.Rate;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The chat server over real HTTP: the JDK's client against the server on a free port, the demo
 * config, a manual clock, and a fake model whose pace the test sets with a {@link Gate}.
 *
 * <p>The prompt of every request is "Hello, ledger!": 14 characters, 4 tokens, 10 credits on gpt-4o
 * (2.5 a token). Completion tokens cost 10 each, 11.5 on an aborted stream.
 */
class ChatServerTest {
    private static final Instant START = Instant.parse("2026-11-27T09:00:00Z"); // a Friday
    private static final String ALICE = "sk-demo-alice";
    private static final String BOB = "sk-demo-bob";
    private static final String PROMPT = "Hello, ledger!";

    private final ManualClock clock = new ManualClock(START);
    private final Gate gate = new Gate();
    private final BlockingQueue<ChatServer.Settlement> settlements = new LinkedBlockingQueue<>();
    private volatile ChatModel model = new FakeChatModel(40, FakeChatModel.Pacer.none());
    private BlockingBalanceLedger ledger;
    private ChatServer server;
    private HttpClient client;

    @BeforeEach
    void start() throws IOException {
        BalanceLedger reactive = BalanceLedger.builder()
                .config(ChatServerExample.config())
                .clock(clock)
                .build();
        ledger = reactive.blocking();
        ChatServerExample.provision(ledger);
        server = ChatServer.builder(reactive, (call, sink) -> model.generate(call, sink))
                .users(ChatServerExample.DEMO_TOKENS)
                .port(0)
                .threads(32)
                .clock(clock)
                .onSettled(settlements::add)
                .start();
        client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(Gate.TIMEOUT_SECONDS))
                .build();
    }

    @AfterEach
    void stop() {
        gate.open();
        server.close();
    }

    @Test
    void completion_chargesExactlyThePricedUsage_andRecordsTheConversation() throws Exception {
        HttpResponse<String> response = post(ALICE, chat("gpt-4o", "\"conversation_id\":\"conv-1\""));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        Map<String, Object> body = object(parse(response.body()));
        assertThat(body).containsEntry("object", "chat.completion").containsEntry("model", "gpt-4o");
        Map<String, Object> choice = object(list(body.get("choices")).get(0));
        assertThat(object(choice.get("message")))
                .containsEntry("role", "assistant")
                .containsEntry("content", answer(40));
        assertThat(choice).containsEntry("finish_reason", "stop");
        assertNumbers(
                object(body.get("usage")),
                Map.of("prompt_tokens", "4", "completion_tokens", "40", "total_tokens", "44"));
        // 4 x 2.5 + 40 x 10 = 410, and only that: the rest of the 2570 held is free again
        assertNumbers(object(body.get("balancekit")), Map.of("charged", "410", "balance", "4590"));
        assertThat(object(body.get("balancekit")))
                .containsEntry("fallback", false)
                .containsEntry("requested_model", "gpt-4o");
        AccountView account = ledger.balance("alice").orElseThrow();
        assertThat(account.balance()).isEqualTo(Credits.of(4590));
        assertThat(account.available()).isEqualTo(Credits.of(4590));
        assertThat(account.holds()).isEmpty();

        List<LedgerEntry> entries = ledger.transactionHistory(
                        "alice", HistoryQuery.all().withContext(EntryContext.MESSAGE))
                .items();
        assertThat(entries)
                .extracting(LedgerEntry::tokenType, LedgerEntry::rawAmount, LedgerEntry::tokenValue)
                .containsExactlyInAnyOrder(
                        tuple(TokenType.PROMPT, -4L, Credits.of(-10)),
                        tuple(TokenType.COMPLETION, -40L, Credits.of(-400)));
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.conversationId()).isEqualTo("conv-1");
            assertThat(e.model()).isEqualTo("gpt-4o");
            assertThat("chatcmpl-" + e.holdId()).isEqualTo(body.get("id"));
        });
        ChatServer.Settlement settled = awaitSettlement();
        assertThat(settled.holdEnd()).isEqualTo(ChatServer.HoldEnd.CHARGED);
        assertThat(settled.tokensSent()).isEqualTo(40);
    }

    @Test
    void stream_sendsOneChunkPerTokenThenDone_andChargesTheUsage() throws Exception {
        HttpResponse<String> response = post(ALICE, chat("gpt-4o", "\"stream\":true"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream; charset=utf-8");
        assertThat(response.headers().firstValue("Transfer-Encoding")).hasValue("chunked");
        List<String> events = events(response.body());
        assertThat(events).hasSize(40 + 3).last().isEqualTo("[DONE]");
        List<Map<String, Object>> chunks =
                events.subList(0, 42).stream().map(e -> object(parse(e))).toList();
        assertThat(chunks)
                .allSatisfy(c -> assertThat(c)
                        .containsEntry("object", "chat.completion.chunk")
                        .containsEntry("model", "gpt-4o"));
        assertThat(delta(chunks.get(0))).containsEntry("role", "assistant");
        assertThat(delta(chunks.get(1))).doesNotContainKey("role");
        assertThat(chunks.subList(0, 40).stream()
                        .map(c -> (String) delta(c).get("content"))
                        .collect(Collectors.joining()))
                .isEqualTo(answer(40));
        assertThat(object(list(chunks.get(40).get("choices")).get(0))).containsEntry("finish_reason", "stop");
        Map<String, Object> last = chunks.get(41);
        assertThat(list(last.get("choices"))).isEmpty();
        assertNumbers(object(last.get("usage")), Map.of("prompt_tokens", "4", "completion_tokens", "40"));
        assertNumbers(object(last.get("balancekit")), Map.of("charged", "410", "balance", "4590"));
        assertThat(ledger.balance("alice").orElseThrow().balance()).isEqualTo(Credits.of(4590));
        assertThat(ledger.balance("alice").orElseThrow().holds()).isEmpty();
    }

    @Test
    void concurrentRequests_thatTogetherExceedTheBalance_someGet402_andNothingIsOverspent() throws Exception {
        // every answer uses its whole budget: 4 x 2.5 + 150 x 10 = 1510 held and charged per request;
        // 5000 credits hold three (4530), not four
        model = new FakeChatModel(1000, gate);
        CountDownLatch denied = new CountDownLatch(7);
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            responses.add(postAsync(ALICE, chat("gpt-4o", "\"max_tokens\":150")).whenComplete((r, e) -> {
                if (r != null && r.statusCode() == 402) {
                    denied.countDown();
                }
            }));
        }

        // the three that got a hold are inside the model; the other seven were refused meanwhile
        gate.awaitArrivals(3);
        assertThat(denied.await(Gate.TIMEOUT_SECONDS, TimeUnit.SECONDS))
                .as("seven requests refused")
                .isTrue();
        assertThat(gate.unawaitedArrivals()).isZero();
        AccountView during = ledger.balance("alice").orElseThrow();
        assertThat(during.holds()).hasSize(3);
        assertThat(during.available()).isEqualTo(Credits.of(470));
        gate.open();

        List<Integer> statuses = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> f : responses) {
            statuses.add(f.get(Gate.TIMEOUT_SECONDS, TimeUnit.SECONDS).statusCode());
        }
        assertThat(statuses).filteredOn(s -> s == 200).hasSize(3);
        assertThat(statuses).filteredOn(s -> s == 402).hasSize(7);
        for (int i = 0; i < 3; i++) {
            awaitSettlement();
        }
        assertChargesAddUp("alice", Credits.of(5000), Credits.of(470));
    }

    @Test
    void concurrentRequests_racingFreely_neverSpendBeyondTheBalance() throws Exception {
        // no gate: requests start and finish in any order. Each costs 1510 for good, so exactly three
        // can ever be allowed, whatever the interleaving; a fourth would take the balance below zero.
        model = new FakeChatModel(1000, FakeChatModel.Pacer.none());
        List<CompletableFuture<HttpResponse<String>>> responses = IntStream.range(0, 20)
                .mapToObj(i -> postAsync(ALICE, chat("gpt-4o", "\"max_tokens\":150")))
                .toList();

        List<Integer> statuses = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> f : responses) {
            statuses.add(f.get(Gate.TIMEOUT_SECONDS, TimeUnit.SECONDS).statusCode());
        }

        assertThat(statuses).filteredOn(s -> s == 200).hasSize(3);
        assertThat(statuses).filteredOn(s -> s == 402).hasSize(17);
        assertChargesAddUp("alice", Credits.of(5000), Credits.of(470));
    }

    @Test
    void clientLeavesMidStream_theTokensSentAreChargedAsIncomplete_andTheHoldIsGone() throws Exception {
        // The test lets k tokens out and reads them, the model waits at the next one, the client
        // closes the connection, then the gate opens. When the server notices depends on TCP: the
        // first writes after the close may still land in the socket buffers. So the test counts the
        // tokens the server wrote successfully, on its own, and checks the charge against that
        // count. The budget is far beyond what the socket buffers hold, so the server is bound to
        // notice before the answer is complete; alice gets the credits to reserve it.
        ledger.addBalance(BalanceChange.of("alice", Credits.of(2_000_000)));
        AtomicLong written = new AtomicLong();
        ChatModel fake = new FakeChatModel(200_000, gate);
        model = (call, sink) -> fake.generate(call, token -> {
            sink.accept(token);
            written.incrementAndGet();
        });
        HttpResponse<InputStream> response = client.send(
                request(ALICE, chat("gpt-4o", "\"stream\":true,\"max_tokens\":128000")),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        int k = 5;
        StringBuilder received = new StringBuilder();
        for (int i = 0; i < k; i++) {
            gate.allow(1);
            received.append(delta(object(parse(nextEvent(reader)))).get("content"));
        }
        assertThat(received.toString()).isEqualTo(answer(k));
        gate.awaitArrivals(k + 1); // the model waits at token k+1
        assertThat(written.get()).isEqualTo(k);

        response.body().close(); // the client leaves: HttpClient closes the connection
        gate.open();

        ChatServer.Settlement settled = awaitSettlement();
        assertThat(settled.holdEnd()).isEqualTo(ChatServer.HoldEnd.CHARGED_INCOMPLETE);
        long sent = written.get();
        assertThat(sent).isGreaterThanOrEqualTo(k).isLessThan(128_000);
        assertThat(settled.tokensSent()).isEqualTo(sent);

        List<LedgerEntry> entries = ledger.transactionHistory(
                        "alice", HistoryQuery.all().withContext(EntryContext.INCOMPLETE))
                .items();
        assertThat(entries).hasSize(2).allSatisfy(e -> assertThat(e.holdId()).isEqualTo(settled.holdId()));
        LedgerEntry completion = entries.stream()
                .filter(e -> e.tokenType() == TokenType.COMPLETION)
                .findFirst()
                .orElseThrow();
        assertThat(completion.rawAmount()).isEqualTo(-sent);
        assertThat(completion.rate()).isEqualTo(Rate.perToken("11.5")); // 1.15 x 10
        assertThat(completion.tokenValue()).isEqualTo(Credits.ofMicros(-11_500_000L * sent));
        LedgerEntry prompt = entries.stream()
                .filter(e -> e.tokenType() == TokenType.PROMPT)
                .findFirst()
                .orElseThrow();
        assertThat(prompt.tokenValue()).isEqualTo(Credits.of(-10));

        // the hold (10 + 1,280,000) is gone: only what was sent was taken
        AccountView account = ledger.balance("alice").orElseThrow();
        assertThat(account.holds()).isEmpty();
        Credits expected = Credits.of(2_005_000 - 10).minus(Credits.ofMicros(11_500_000L * sent));
        assertThat(account.balance()).isEqualTo(expected);
        assertThat(account.available()).isEqualTo(expected);
        assertChargesAddUp("alice", Credits.of(2_005_000), expected);
    }

    @Test
    void refusedRequest_gets402_withLibreChatsTokenBalancePayload() throws Exception {
        // 4 x 2.5 + 1000 x 10 = 10010 > 5000
        HttpResponse<String> response = post(ALICE, chat("gpt-4o", "\"max_tokens\":1000"));

        assertThat(response.statusCode()).isEqualTo(402);
        assertThat(response.body())
                .isEqualTo("{\"error\":{"
                        + "\"message\":\"Insufficient Funds! Balance: 5000. Prompt tokens: 4. Cost: 10010.\","
                        + "\"code\":402,"
                        + "\"type\":\"token_balance\",\"balance\":5000,\"tokenCost\":10010,\"promptTokens\":4,"
                        + "\"reason\":\"insufficient_balance\"}}");
        // read back with Jackson: LibreChat's {type, balance, tokenCost, promptTokens} after the message and code
        Map<String, Object> error = object(object(parse(response.body())).get("error"));
        assertThat(error.keySet())
                .containsExactly("message", "code", "type", "balance", "tokenCost", "promptTokens", "reason");
        assertThat(error)
                .containsEntry("message", "Insufficient Funds! Balance: 5000. Prompt tokens: 4. Cost: 10010.")
                .containsEntry("type", "token_balance")
                .containsEntry("reason", "insufficient_balance");
        assertNumbers(error, Map.of("code", "402", "balance", "5000", "tokenCost", "10010", "promptTokens", "4"));
        assertThat(ledger.balance("alice").orElseThrow().holds()).isEmpty();
        assertThat(settlements).isEmpty();
    }

    @Test
    void refusedRequest_onAFallbackTier_isAnsweredByTheFreeModel_andSaysSo() throws Exception {
        HttpResponse<String> affordable = post(BOB, chat("gpt-4o", "\"max_tokens\":50"));
        assertThat(affordable.headers().firstValue(ChatServer.FALLBACK_HEADER)).isEmpty();
        assertThat(object(parse(affordable.body()))).containsEntry("model", "gpt-4o");
        Credits before = ledger.balance("bob").orElseThrow().balance(); // 5000 - 410

        HttpResponse<String> response = post(BOB, chat("gpt-4o", "\"max_tokens\":1000"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue(ChatServer.FALLBACK_HEADER)).hasValue(ChatServerExample.FREE_MODEL);
        Map<String, Object> body = object(parse(response.body()));
        assertThat(body).containsEntry("model", ChatServerExample.FREE_MODEL);
        assertThat(object(body.get("balancekit")))
                .containsEntry("fallback", true)
                .containsEntry("requested_model", "gpt-4o");
        assertNumbers(object(body.get("balancekit")), Map.of("charged", "0", "balance", before.toString()));
        assertThat(ledger.transactionHistory("bob", HistoryQuery.all().withModel(ChatServerExample.FREE_MODEL))
                        .items())
                .hasSize(2)
                .allSatisfy(e -> assertThat(e.tokenValue()).isEqualTo(Credits.ZERO));

        HttpResponse<String> streamed = post(BOB, chat("gpt-4o", "\"max_tokens\":1000,\"stream\":true"));
        assertThat(streamed.headers().firstValue(ChatServer.FALLBACK_HEADER)).hasValue(ChatServerExample.FREE_MODEL);
        assertThat(object(parse(events(streamed.body()).get(0)))).containsEntry("model", ChatServerExample.FREE_MODEL);
    }

    @Test
    void unknownOrMissingToken_gets401_inOpenAisShape() throws Exception {
        HttpResponse<String> wrong = post("sk-nope", chat("gpt-4o", "\"stream\":false"));
        HttpResponse<String> missing = client.send(
                HttpRequest.newBuilder(uri("/v1/balance")).GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(wrong.body())
                .isEqualTo("{\"error\":{\"message\":\"Incorrect API key provided.\","
                        + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}");
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.body())
                .isEqualTo("{\"error\":{\"message\":\"You didn't provide an API key. Send it as "
                        + "'Authorization: Bearer <token>'.\",\"type\":\"invalid_request_error\",\"param\":null,"
                        + "\"code\":\"invalid_api_key\"}}");
    }

    @Test
    void balance_showsTheHoldOfARunningStream_theUsageWindows_andRefillAt() throws Exception {
        model = new FakeChatModel(40, gate);
        CompletableFuture<HttpResponse<String>> stream = postAsync(ALICE, chat("gpt-4o", "\"stream\":true"));
        gate.awaitArrivals(1);

        Map<String, Object> during = object(parse(get(ALICE, "/v1/balance").body()));

        // held: 4 x 2.5 + 256 (the default max_tokens) x 10 = 2570
        assertThat(during)
                .containsEntry("object", "balance")
                .containsEntry("user", "alice")
                .containsEntry("tier", "prepaid")
                .containsEntry("refillAt", null)
                .containsEntry("lastTransactionAt", START.toString());
        assertNumbers(during, Map.of("balance", "5000", "available", "2430", "totalTokens", "0"));
        List<Object> holds = list(during.get("holds"));
        assertThat(holds).hasSize(1);
        Map<String, Object> hold = object(holds.get(0));
        assertThat(hold)
                .containsEntry("model", "gpt-4o")
                .containsEntry("expiresAt", "2026-11-27T09:30:00Z")
                .containsKey("id");
        assertNumbers(hold, Map.of("amount", "2570", "tokens", "260"));
        List<Object> usage = list(during.get("usage"));
        assertThat(usage)
                .extracting(
                        w -> object(w).get("window"),
                        w -> object(w).get("key"),
                        w -> object(w).get("resetsAt"),
                        w -> object(w).get("limit"))
                .containsExactly(
                        tuple("daily", "2026-11-27", "2026-11-28T00:00:00Z", null),
                        tuple("weekly", "2026-W48", "2026-11-30T00:00:00Z", null),
                        tuple("monthly", "2026-11", "2026-12-01T00:00:00Z", null));
        assertThat(usage).allSatisfy(w -> assertNumbers(object(w), Map.of("spent", "2570", "tokens", "260")));

        gate.open();
        assertThat(stream.get(Gate.TIMEOUT_SECONDS, TimeUnit.SECONDS).statusCode())
                .isEqualTo(200);
        Map<String, Object> after = object(parse(get(ALICE, "/v1/balance").body()));
        assertThat(list(after.get("holds"))).isEmpty();
        assertNumbers(after, Map.of("balance", "4590", "available", "4590", "totalTokens", "44"));
        assertNumbers(object(list(after.get("usage")).get(0)), Map.of("spent", "410", "tokens", "44"));
    }

    @Test
    void longStream_extendsItsHold_beforeItExpires() throws Exception {
        model = new FakeChatModel(40, gate);
        HttpResponse<InputStream> response = client.send(
                request(ALICE, chat("gpt-4o", "\"stream\":true")), HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        gate.allow(1);
        nextEvent(reader);
        clock.advance(Duration.ofMinutes(16)); // past half of the 30-minute hold
        gate.allow(1);
        nextEvent(reader);

        assertThat(ledger.balance("alice").orElseThrow().holds())
                .singleElement()
                .satisfies(h -> assertThat(h.expiresAt()).isEqualTo(Instant.parse("2026-11-27T09:46:00Z")));
        gate.open();
        response.body().close();
        awaitSettlement();
    }

    @Test
    void modelFailure_chargesNothing_andReleasesTheHold() throws Exception {
        model = (call, sink) -> {
            throw new IllegalStateException("boom");
        };

        HttpResponse<String> response = post(ALICE, chat("gpt-4o", "\"stream\":false"));

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body())
                .isEqualTo("{\"error\":{\"message\":\"the model failed: boom\","
                        + "\"type\":\"server_error\",\"param\":null,\"code\":\"model_error\"}}");
        assertThat(awaitSettlement().holdEnd()).isEqualTo(ChatServer.HoldEnd.RELEASED);
        AccountView account = ledger.balance("alice").orElseThrow();
        assertThat(account.balance()).isEqualTo(Credits.of(5000));
        assertThat(account.available()).isEqualTo(Credits.of(5000));
        assertThat(account.holds()).isEmpty();
    }

    @Test
    void modelFailureMidStream_endsTheStreamWithAnErrorEvent_andReleasesTheHold() throws Exception {
        model = (call, sink) -> {
            for (int i = 0; i < 3; i++) {
                sink.accept(FakeChatModel.token(i));
            }
            throw new IllegalStateException("lost the GPU");
        };

        HttpResponse<String> response = post(ALICE, chat("gpt-4o", "\"stream\":true"));

        List<String> events = events(response.body());
        assertThat(events).hasSize(4).doesNotContain("[DONE]");
        assertThat(events.get(3))
                .isEqualTo("{\"error\":{\"message\":\"the model failed: lost the GPU\","
                        + "\"type\":\"server_error\",\"param\":null,\"code\":\"model_error\"}}");
        assertThat(awaitSettlement().holdEnd()).isEqualTo(ChatServer.HoldEnd.RELEASED);
        assertThat(ledger.balance("alice").orElseThrow().available()).isEqualTo(Credits.of(5000));
    }

    @Test
    void badRequests_get400_naming_theField() throws Exception {
        assertThat(post(ALICE, "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                        .body())
                .isEqualTo("{\"error\":{\"message\":\"model is required\",\"type\":\"invalid_request_error\","
                        + "\"param\":\"model\",\"code\":null}}");
        HttpResponse<String> badBudget = post(ALICE, chat("gpt-4o", "\"max_tokens\":0"));
        assertThat(badBudget.statusCode()).isEqualTo(400);
        assertThat(object(object(parse(badBudget.body())).get("error")))
                .containsEntry("message", "max_tokens must be a whole number between 1 and 128000, was 0")
                .containsEntry("param", "max_tokens");
        HttpResponse<String> notJson = post(ALICE, "{\"model\":");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(object(object(parse(notJson.body())).get("error")))
                .containsEntry(
                        "message",
                        "the body is not valid JSON at offset 9: Unexpected end-of-input within/between Object entries");
        assertThat(ledger.balance("alice").orElseThrow().holds()).isEmpty();
    }

    @Test
    void unknownPath_gets404_andWrongMethod_gets405() throws Exception {
        HttpResponse<String> unknown = get(ALICE, "/v1/models");
        HttpResponse<String> wrongMethod = get(ALICE, "/v1/chat/completions");

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");
    }

    // ---- helpers

    private static String chat(String model, String extra) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]," + extra
                + "}";
    }

    private static String answer(int tokens) {
        return IntStream.range(0, tokens).mapToObj(FakeChatModel::token).collect(Collectors.joining());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + server.port() + path);
    }

    private HttpRequest request(String token, String body) {
        return HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(Gate.TIMEOUT_SECONDS * 2))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private HttpResponse<String> post(String token, String body) throws IOException, InterruptedException {
        return client.send(request(token, body), HttpResponse.BodyHandlers.ofString());
    }

    private CompletableFuture<HttpResponse<String>> postAsync(String token, String body) {
        return client.sendAsync(request(token, body), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String token, String path) throws IOException, InterruptedException {
        return client.send(
                HttpRequest.newBuilder(uri(path))
                        .header("Authorization", "Bearer " + token)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private ChatServer.Settlement awaitSettlement() throws InterruptedException {
        ChatServer.Settlement s = settlements.poll(Gate.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(s).as("a hold was settled").isNotNull();
        return s;
    }

    /** The balance moved by exactly the charges, and never went below zero. */
    private void assertChargesAddUp(String user, Credits start, Credits expectedFinal) {
        AccountView account = ledger.balance(user).orElseThrow();
        assertThat(account.balance()).isEqualTo(expectedFinal);
        assertThat(account.holds()).isEmpty();
        List<LedgerEntry> entries = ledger.transactionHistory(
                        user, HistoryQuery.all().withLimit(1000))
                .items();
        Credits charged = entries.stream()
                .filter(e -> e.tokenType() != TokenType.CREDITS)
                .map(LedgerEntry::tokenValue)
                .reduce(Credits.ZERO, Credits::plus);
        assertThat(start.plus(charged)).isEqualTo(account.balance());
        assertThat(entries)
                .allSatisfy(e -> assertThat(e.balance().isNegative())
                        .as("balance after %s", e.id())
                        .isFalse());
    }

    /** Splits an SSE body into its events' data. */
    private static List<String> events(String body) {
        List<String> events = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            assertThat(block).startsWith("data: ");
            events.add(block.substring("data: ".length()));
        }
        return events;
    }

    private static String nextEvent(BufferedReader reader) throws IOException {
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.startsWith("data: ")) {
                return line.substring("data: ".length());
            }
        }
        throw new IOException("the stream ended");
    }

    private static Map<String, Object> delta(Map<String, Object> chunk) {
        return object(object(list(chunk.get("choices")).get(0)).get("delta"));
    }

    private static void assertNumbers(Map<String, Object> object, Map<String, String> expected) {
        expected.forEach((name, value) -> assertThat(object.get(name))
                .as(name)
                .isInstanceOfSatisfying(
                        Number.class,
                        n -> assertThat(new BigDecimal(n.toString())).isEqualByComparingTo(value)));
    }

    /** Reads an answer with Jackson: objects as maps, arrays as lists, numbers as {@code Number}s, null as null. */
    static Object parse(String json) {
        return Json.MAPPER.readValue(json, Object.class);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        assertThat(value).isInstanceOf(List.class);
        return (List<Object>) value;
    }
}
