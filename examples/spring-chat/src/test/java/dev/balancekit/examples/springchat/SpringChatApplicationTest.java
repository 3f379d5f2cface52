package dev.balancekit.examples.springchat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancekit.BalanceEvent;
import dev.balancekit.BalanceLedger;
import dev.balancekit.BalanceListener;
import dev.balancekit.Credits;
import dev.balancekit.EntryContext;
import dev.balancekit.HistoryQuery;
import dev.balancekit.LedgerEntry;
import dev.balancekit.TokenType;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

/** Drives the service over real HTTP on a random port. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "demo.token-delay=20ms",
            "demo.users.sk-test-carol=carol",
            "demo.users.sk-test-dan=dan",
            "demo.users.sk-test-eve=eve",
            "demo.users.sk-test-finn=finn",
            "demo.users.sk-test-gus=gus",
            "demo.users.sk-test-hal=hal",
            "demo.users.sk-test-ida=ida"
        })
class SpringChatApplicationTest {

    /** Every ledger event, to await the asynchronous charge of a stream the client left. */
    static final BlockingQueue<BalanceEvent> EVENTS = new LinkedBlockingQueue<>();

    @TestConfiguration
    static class Events {
        @Bean
        BalanceListener testEvents() {
            return EVENTS::add;
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    BalanceLedger ledger;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeEach
    void clearEvents() {
        EVENTS.clear();
    }

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(30));
        return token == null ? b : b.header("Authorization", "Bearer " + token);
    }

    private HttpResponse<String> chat(String token, String accept, String body) throws Exception {
        return http.send(
                request("/api/chat", token)
                        .header("Content-Type", "application/json")
                        .header("Accept", accept)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return http.send(request(path, token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<LedgerEntry> history(String user) {
        return ledger.transactionHistory(user, HistoryQuery.all()).block().items();
    }

    private BalanceEvent.Charged awaitCharge(String user) throws InterruptedException {
        while (true) {
            BalanceEvent e = EVENTS.poll(30, TimeUnit.SECONDS);
            assertThat(e).as("a charge of " + user).isNotNull();
            if (e instanceof BalanceEvent.Charged c && c.user().equals(user)) {
                return c;
            }
        }
    }

    @Test
    void chat_answersInOnePiece_andChargesTheReportedUsage() throws Exception {
        HttpResponse<String> r = chat(
                "sk-test-carol",
                "application/json",
                "{\"message\":\"Hello\",\"model\":\"gpt-4o\",\"maxTokens\":5,\"conversationId\":\"c-1\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        // gpt-4o: 2.5 credits a prompt token, 10 a completion token; "Hello" is one token
        assertThat(r.body())
                .contains(
                        "\"model\":\"gpt-4o\"",
                        "\"answer\":\"BalanceKit holds the cost of\"",
                        "\"promptTokens\":1",
                        "\"completionTokens\":5",
                        "\"charged\":52.5",
                        "\"balance\":4947.5");
        assertThat(get("/api/balance", "sk-test-carol").body())
                .isEqualTo("{\"user\":\"carol\",\"balance\":4947.5,\"available\":4947.5,\"holds\":0}");
        assertThat(history("carol"))
                .filteredOn(e -> e.tokenType() == TokenType.COMPLETION)
                .singleElement()
                .satisfies(e -> assertThat(e.conversationId()).isEqualTo("c-1"));
    }

    @Test
    void chat_streams_tokenByToken_andChargesWhenTheStreamEnds() throws Exception {
        HttpResponse<String> r = chat(
                "sk-test-dan", "text/event-stream", "{\"message\":\"Hello\",\"model\":\"gpt-4o\",\"maxTokens\":4}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith("text/event-stream");
        assertThat(r.body()).isEqualTo("data:BalanceKit\n\ndata: holds\n\ndata: the\n\ndata: cost\n\n");
        awaitCharge("dan");
        assertThat(ledger.balance("dan").block().balance()).isEqualTo(Credits.parse("4957.5"));
        assertThat(history("dan"))
                .filteredOn(e -> e.tokenType() == TokenType.COMPLETION)
                .singleElement()
                .satisfies(e -> assertThat(e.context()).isEqualTo(EntryContext.MESSAGE));
    }

    @Test
    void chat_streamLeftByTheClientMidway_chargesTheTokensSent_asIncomplete() throws Exception {
        HttpResponse<InputStream> r = http.send(
                request("/api/chat", "sk-test-eve")
                        .header("Content-Type", "application/json")
                        .header("Accept", "text/event-stream")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"message\":\"Hello\",\"model\":\"gpt-4o\",\"maxTokens\":400}"))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> read = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            while (read.size() < 3 && (line = in.readLine()) != null) {
                if (line.startsWith("data:")) {
                    read.add(line);
                }
            }
        } // closing the body closes the connection: the client has left
        assertThat(read).hasSize(3);
        awaitCharge("eve");
        LedgerEntry completion = history("eve").stream()
                .filter(e -> e.tokenType() == TokenType.COMPLETION)
                .findFirst()
                .orElseThrow();
        assertThat(completion.context()).isEqualTo(EntryContext.INCOMPLETE);
        // at least what the client read, and far less than the 400 it could have streamed
        assertThat(-completion.rawAmount()).isBetween(3L, 399L);
        assertThat(ledger.balance("eve").block().holds()).isEmpty();
    }

    @Test
    void chat_refused_is402WithTheTokenBalancePayload_inOnePieceAndStreaming() throws Exception {
        for (String accept : new String[] {"application/json", "text/event-stream"}) {
            HttpResponse<String> r =
                    chat("sk-test-finn", accept, "{\"message\":\"Hello\",\"model\":\"gpt-4o\",\"maxTokens\":100000}");
            assertThat(r.statusCode()).as(accept).isEqualTo(402);
            assertThat(r.body())
                    .as(accept)
                    .startsWith(
                            "{\"error\":{\"message\":\"Insufficient Funds! Balance: 5000. Prompt tokens: 1. Cost: 1000002.5.\"")
                    .contains(
                            "\"code\":402",
                            "\"type\":\"token_balance\"",
                            "\"balance\":5000",
                            "\"tokenCost\":1000002.5",
                            "\"promptTokens\":1",
                            "\"reason\":\"insufficient_balance\"");
        }
        assertThat(ledger.balance("finn").block().balance()).isEqualTo(Credits.of(5000));
    }

    @Test
    void chat_modelFailure_is502_andReleasesTheHold() throws Exception {
        HttpResponse<String> r =
                chat("sk-test-gus", "application/json", "{\"message\":\"please fail\",\"maxTokens\":10}");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(ledger.balance("gus").block().holds()).isEmpty();
        assertThat(ledger.balance("gus").block().balance()).isEqualTo(Credits.of(5000));
    }

    @Test
    void adminTopUp_addsCredits_onlyWithTheAdministratorsToken() throws Exception {
        String body = "{\"user\":\"hal\",\"amount\":\"250.5\"}";
        HttpResponse<String> denied = http.send(
                request("/api/admin/balance", "sk-test-hal")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(denied.statusCode()).isEqualTo(403);
        HttpResponse<String> ok = http.send(
                request("/api/admin/balance", "sk-demo-admin")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        // a new account gets its start balance of 5000 with its first operation, then the top-up
        assertThat(ok.body()).isEqualTo("{\"user\":\"hal\",\"balance\":5250.5,\"available\":5250.5,\"holds\":0}");
        assertThat(history("hal")).anySatisfy(e -> assertThat(e.context()).isEqualTo(EntryContext.ADMIN));
    }

    @Test
    void unknownToken_is401_andBalanceBeforeTheFirstRequest_is404() throws Exception {
        assertThat(get("/api/balance", "sk-nobody").statusCode()).isEqualTo(401);
        assertThat(get("/api/balance", null).statusCode()).isEqualTo(401);
        assertThat(get("/api/balance", "sk-test-ida").statusCode()).isEqualTo(404);
    }

    @Test
    void health_reportsTheLedger() throws Exception {
        HttpResponse<String> r = get("/actuator/health", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body())
                .contains(
                        "\"balanceKit\":{\"details\":{\"config\":\"properties\",\"enabled\":true},\"status\":\"UP\"}");
    }
}
