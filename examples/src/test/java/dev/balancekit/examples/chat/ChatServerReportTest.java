package dev.balancekit.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancekit.BalanceLedger;
import dev.balancekit.memory.ManualClock;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admin usage report of the chat server, over real HTTP: JSON and HTML, for the admin token only. */
class ChatServerReportTest {
    private static final Instant START = Instant.parse("2026-11-27T09:00:00Z");
    private static final String ALICE = "sk-demo-alice";

    private final ManualClock clock = new ManualClock(START);
    private ChatServer server;
    private HttpClient client;

    @BeforeEach
    void start() throws IOException {
        BalanceLedger ledger = BalanceLedger.builder()
                .config(ChatServerExample.config())
                .clock(clock)
                .build();
        ChatServerExample.provision(ledger.blocking());
        server = ChatServer.builder(ledger, new FakeChatModel(40, FakeChatModel.Pacer.none()))
                .users(ChatServerExample.DEMO_TOKENS)
                .adminToken(ChatServerExample.ADMIN_TOKEN)
                .port(0)
                .clock(clock)
                .start();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void adminReport_json_showsTheChatTurnsChargedPerUserAndModel() throws Exception {
        // "Hello, ledger!" is 4 prompt tokens, the fake model answers 40: 4 x 2.5 + 40 x 10 = 410 on gpt-4o
        assertThat(send(chat(ALICE)).statusCode()).isEqualTo(200);
        assertThat(send(chat(ALICE)).statusCode()).isEqualTo(200);
        clock.advance(Duration.ofMinutes(1));

        HttpResponse<String> r =
                send(get(ChatServerExample.ADMIN_TOKEN, "/admin/report?by=user,model&lowBalanceDays=0"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        Map<String, Object> body = ChatServerTest.object(ChatServerTest.parse(r.body()));
        assertThat(ChatServerTest.list(body.get("by"))).containsExactly("user", "model");
        Map<String, Object> first =
                ChatServerTest.object(ChatServerTest.list(body.get("table")).get(0));
        assertThat(first).containsEntry("user", "alice").containsEntry("model", "gpt-4o");
        assertThat(new BigDecimal(first.get("spent").toString())).isEqualByComparingTo("820");
        assertThat(new BigDecimal(first.get("completionTokens").toString())).isEqualByComparingTo("80");
        Map<String, Object> topModel =
                ChatServerTest.object(ChatServerTest.list(body.get("topModels")).get(0));
        assertThat(topModel).containsEntry("model", "gpt-4o");
    }

    @Test
    void adminReport_html_isThePageWithCharts() throws Exception {
        send(chat(ALICE));
        clock.advance(Duration.ofMinutes(1));

        HttpResponse<String> r = send(get(ChatServerExample.ADMIN_TOKEN, "/admin/report.html"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(r.body()).startsWith("<!DOCTYPE html>").contains("<svg id='chart-daily'", ">gpt-4o<", ">alice<");
    }

    @Test
    void adminReport_userToken_isForbidden_noToken_isUnauthorized_badParameter_isBadRequest() throws Exception {
        HttpResponse<String> user = send(get(ALICE, "/admin/report"));
        assertThat(user.statusCode()).isEqualTo(403);
        assertThat(user.body()).contains("the usage report is for administrators");

        HttpResponse<String> none =
                send(HttpRequest.newBuilder(uri("/admin/report.html")).GET().build());
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(send(get("sk-wrong", "/admin/report")).statusCode()).isEqualTo(401);

        HttpResponse<String> bad = send(get(ChatServerExample.ADMIN_TOKEN, "/admin/report?since=yesterday"));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body())
                .contains("since must be a date such as 2026-01-15 or an instant such as 2026-01-15T10:00:00Z,"
                        + " was 'yesterday'");

        // the admin token is no user: it cannot chat
        assertThat(send(chat(ChatServerExample.ADMIN_TOKEN)).statusCode()).isEqualTo(401);
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + server.port() + path);
    }

    private HttpRequest get(String token, String path) {
        return HttpRequest.newBuilder(uri(path))
                .header("Authorization", "Bearer " + token)
                .GET()
                .build();
    }

    private HttpRequest chat(String token) {
        return HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"Hello, ledger!\"}]}"))
                .build();
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
