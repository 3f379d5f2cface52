package dev.balancekit.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.balancekit.BalanceLedger;
import dev.balancekit.BlockingBalanceLedger;
import dev.balancekit.Credits;
import dev.balancekit.EntryContext;
import dev.balancekit.HistoryQuery;
import dev.balancekit.memory.InMemoryBalanceStore;
import dev.balancekit.mongo.MongoBalanceStore;
import dev.balancekit.spi.BalanceStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

class ChatServerExampleTest {

    @Test
    void port_comesFromTheArgument_elsePORT_else8080() {
        assertThat(ChatServerExample.port(new String[] {"9090"}, Map.of("PORT", "7070")))
                .isEqualTo(9090);
        assertThat(ChatServerExample.port(new String[0], Map.of("PORT", "7070")))
                .isEqualTo(7070);
        assertThat(ChatServerExample.port(new String[0], Map.of())).isEqualTo(8080);
        assertThatThrownBy(() -> ChatServerExample.port(new String[] {"http"}, Map.of()))
                .hasMessage("port must be a number between 0 and 65535, was 'http'");
        assertThatThrownBy(() -> ChatServerExample.port(new String[0], Map.of("PORT", "70000")))
                .hasMessage("port must be a number between 0 and 65535, was '70000'");
    }

    @Test
    void store_withoutMONGO_URI_isInMemory() {
        BalanceStore store = ChatServerExample.store(Map.of("MONGO_URI", " "));

        assertThat(store).isInstanceOf(InMemoryBalanceStore.class);
        assertThat(ChatServerExample.describe(store)).isEqualTo("in-memory store");
    }

    @Test
    void store_withMONGO_URI_isMongoDB_inTheUrisDatabase_elseLibreChats_withIndexes() {
        MongoServer server = new MongoServer(new MemoryBackend());
        server.bind();
        try (MongoClient client = MongoClients.create(server.getConnectionString())) {
            BalanceStore store = ChatServerExample.store(Map.of("MONGO_URI", server.getConnectionString() + "/chat"));
            assertThat(store).isInstanceOf(MongoBalanceStore.class);
            assertThat(ChatServerExample.describe(store)).isEqualTo("MongoDB store");
            assertThat(indexNames(client, "chat"))
                    .contains("balance_1__id_1", "lastTransactionAt_1__id_1", "pending_1");

            ChatServerExample.store(Map.of("MONGO_URI", server.getConnectionString()));
            assertThat(indexNames(client, "LibreChat")).contains("balance_1__id_1");

            // the chat server's ledger runs on it end to end
            BlockingBalanceLedger ledger = BalanceLedger.builder()
                    .config(ChatServerExample.config())
                    .store(store)
                    .build()
                    .blocking();
            ChatServerExample.provision(ledger);
            assertThat(ledger.balance("bob").orElseThrow().tier()).isEqualTo("free-fallback");
        } finally {
            server.shutdownNow();
        }
    }

    @Test
    void store_collectionNames_comeFromTheEnvironment() {
        MongoServer server = new MongoServer(new MemoryBackend());
        server.bind();
        try (MongoClient client = MongoClients.create(server.getConnectionString())) {
            ChatServerExample.store(Map.of(
                    "MONGO_URI",
                    server.getConnectionString() + "/chat",
                    "BALANCEKIT_ACCOUNTS_COLLECTION",
                    "chat_accounts",
                    "BALANCEKIT_ENTRIES_COLLECTION",
                    "chat_entries"));

            assertThat(Flux.from(client.getDatabase("chat").listCollectionNames())
                            .collectList()
                            .block(Duration.ofSeconds(30)))
                    .contains("chat_accounts", "chat_entries");
        } finally {
            server.shutdownNow();
        }
    }

    private static List<String> indexNames(MongoClient client, String database) {
        return Flux.from(client.getDatabase(database)
                        .getCollection(MongoBalanceStore.DEFAULT_BALANCES_COLLECTION)
                        .listIndexes())
                .map(doc -> doc.getString("name"))
                .collectList()
                .block(Duration.ofSeconds(30));
    }

    @Test
    void provision_putsTheDemoUsersOnTheirTiers_once() {
        BlockingBalanceLedger ledger = BalanceLedger.builder()
                .config(ChatServerExample.config())
                .build()
                .blocking();

        ChatServerExample.provision(ledger);
        ChatServerExample.provision(ledger);

        assertThat(ledger.balance("alice").orElseThrow().tier()).isEqualTo("prepaid");
        assertThat(ledger.balance("bob").orElseThrow().tier()).isEqualTo("free-fallback");
        assertThat(ledger.balance("bob").orElseThrow().balance()).isEqualTo(Credits.of(5000));
        // bob's account is created on the default tier, then moved: one tier change, not one per start
        assertThat(ledger.transactionHistory("bob", HistoryQuery.all().withContext(EntryContext.TIER_CHANGE))
                        .items())
                .singleElement()
                .satisfies(e -> assertThat(e.note()).isEqualTo("prepaid -> free-fallback"));
    }

    @Test
    void howToTry_printsACurlCommandForEachStepOfThePipeline() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        ChatServerExample.printHowToTry(new PrintStream(bytes, true, StandardCharsets.UTF_8), 9090, "in-memory store");

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out)
                .startsWith("BalanceKit chat server on http://localhost:9090 (in-memory store; stop with Ctrl+C)")
                .contains("curl -s http://localhost:9090/v1/chat/completions -H 'Authorization: Bearer sk-demo-alice'"
                        + " -H 'Content-Type: application/json' -d '{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"Hello, ledger!\"}],\"stream\":false}'")
                .contains("curl -sN ", "\"stream\":true", "sk-demo-bob", "\"max_tokens\":1000")
                .contains("curl -s http://localhost:9090/v1/balance -H 'Authorization: Bearer sk-demo-alice'")
                .endsWith("curl -s http://localhost:9090/admin/report.html -H 'Authorization: Bearer sk-demo-admin'"
                        + " -o report.html" + System.lineSeparator());
    }
}
