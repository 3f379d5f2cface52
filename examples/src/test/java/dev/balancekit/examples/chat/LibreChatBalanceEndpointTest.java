package dev.balancekit.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancekit.BalanceLedger;
import dev.balancekit.Credits;
import dev.balancekit.Refill;
import dev.balancekit.RefillMode;
import dev.balancekit.RefillUnit;
import dev.balancekit.memory.ManualClock;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code GET /api/balance}: what LibreChat's web client reads, in LibreChat's shape and status codes. */
class LibreChatBalanceEndpointTest {
    private static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");

    private final ManualClock clock = new ManualClock(T0);
    private BalanceLedger ledger;
    private ChatServer server;
    private final HttpClient client =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws IOException {
        ledger = BalanceLedger.builder()
                .clock(clock)
                .config(ChatServerExample.config().toBuilder()
                        .refill(new Refill(RefillMode.ADD, 30, RefillUnit.DAYS, Credits.of(10_000)))
                        .build())
                .build();
        server = ChatServer.builder(ledger, new FakeChatModel(4, FakeChatModel.Pacer.none()))
                .users(Map.of("sk-alice", "alice", "sk-carol", "carol"))
                .port(0)
                .clock(clock)
                .start();
        ledger.addBalance("alice", Credits.parse("0.5")).block();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> get(String token) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + "/api/balance"))
                        .header("Authorization", "Bearer " + token)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void apiBalance_answersInLibreChatsShape() throws Exception {
        HttpResponse<String> r = get("sk-alice");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body())
                .isEqualTo(
                        "{\"tokenCredits\":5000.5,\"autoRefillEnabled\":true,\"refillIntervalValue\":30,"
                                + "\"refillIntervalUnit\":\"days\",\"lastRefill\":\"2026-01-15T10:00:00Z\",\"refillAmount\":10000}");
        // read back with Jackson, member by member, in LibreChat's order
        JsonNode body = Json.MAPPER.readTree(r.body());
        assertThat(body.propertyNames())
                .containsExactly(
                        "tokenCredits",
                        "autoRefillEnabled",
                        "refillIntervalValue",
                        "refillIntervalUnit",
                        "lastRefill",
                        "refillAmount");
        assertThat(body.get("tokenCredits").decimalValue()).isEqualByComparingTo("5000.5");
        assertThat(body.get("autoRefillEnabled").booleanValue()).isTrue();
        assertThat(body.get("refillIntervalValue").longValue()).isEqualTo(30);
        assertThat(body.get("refillIntervalUnit").stringValue()).isEqualTo("days");
        assertThat(Instant.parse(body.get("lastRefill").stringValue())).isEqualTo(T0);
        assertThat(body.get("refillAmount").decimalValue()).isEqualByComparingTo("10000");
    }

    @Test
    void apiBalance_withoutAnAccount_is404() throws Exception {
        HttpResponse<String> r = get("sk-carol");

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).isEqualTo("{\"error\":\"Balance not found\"}");
        assertThat(Json.MAPPER.readTree(r.body()).get("error").stringValue()).isEqualTo("Balance not found");
    }

    @Test
    void apiBalance_whileBalancesAreDisabled_is204() throws Exception {
        ledger.reconfigure(ledger.config().toBuilder().enabled(false).build(), "test");

        HttpResponse<String> r = get("sk-alice");

        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.body()).isEmpty();
    }
}
