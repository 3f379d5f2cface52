package dev.balancekit.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import dev.balancekit.BalanceLedger;
import dev.balancekit.Credits;
import dev.balancekit.LedgerConfig;
import dev.balancekit.memory.ManualClock;
import dev.balancekit.pricing.ModelPrice;
import dev.balancekit.pricing.PriceTable;
import dev.balancekit.spi.BalanceStore;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Shared set-up for the store's own tests: one in-process server per class, a fresh database per test. */
abstract class InProcessMongoTest {
    static final Duration TIMEOUT = Duration.ofMinutes(1);
    static final String MODEL = "test-model";
    static final Credits START = Credits.of(1000);
    static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");

    static MongoServer server;
    static MongoClient client;

    MongoDatabase db;
    ManualClock clock;

    @BeforeAll
    static void startServer() {
        server = TestMongo.startServer();
        client = TestMongo.client(TestMongo.uri(server));
    }

    @AfterAll
    static void stopServer() {
        client.close();
        server.shutdownNow();
    }

    @BeforeEach
    void freshDatabase() {
        db = TestMongo.freshDatabase(client);
        clock = new ManualClock(T0);
    }

    /** @return the suite's prices: {@value #MODEL} at 1 credit per prompt token and 2 per completion token */
    static LedgerConfig.Builder config() {
        return LedgerConfig.builder()
                .startBalance(START)
                .prices(PriceTable.builder()
                        .model(MODEL, ModelPrice.perToken("1", "2"))
                        .build());
    }

    BalanceLedger ledger(BalanceStore store) {
        return BalanceLedger.builder()
                .store(store)
                .config(config().build())
                .clock(clock)
                .build();
    }

    MongoCollection<BsonDocument> balances() {
        return db.getCollection(MongoBalanceStore.DEFAULT_BALANCES_COLLECTION, BsonDocument.class);
    }

    MongoCollection<BsonDocument> transactions() {
        return db.getCollection(MongoBalanceStore.DEFAULT_TRANSACTIONS_COLLECTION, BsonDocument.class);
    }

    BsonDocument accountDoc(String user) {
        return Mono.from(balances()
                        .find(new BsonDocument("_id", new BsonString(user)))
                        .first())
                .block(TIMEOUT);
    }

    /** The account's documents in the transactions collection, once no copy runs in the background. */
    List<BsonDocument> transactionDocs(String user) {
        assertThat(MongoBalanceStore.awaitBackgroundCopies(TIMEOUT))
                .as("background copies done")
                .isTrue();
        return Flux.from(transactions().find(new BsonDocument("user", new BsonString(user))))
                .collectList()
                .block(TIMEOUT);
    }

    /**
     * Asserts that, with nothing pending, the transactions collection holds each of the account's
     * entries exactly once, numbered 1..lastSeq, summing to its balance.
     */
    void assertTransactionsComplete(String user) {
        BsonDocument account = accountDoc(user);
        assertThat(BsonMapping.pending(account))
                .as("pending entries of %s", user)
                .isEmpty();
        List<BsonDocument> docs = transactionDocs(user);
        long lastSeq = account.getInt64("lastSeq").getValue();
        assertThat(docs).as("transactions of %s", user).hasSize((int) lastSeq);
        Set<String> ids = new HashSet<>();
        Set<Long> seqs = new HashSet<>();
        long sum = 0;
        for (BsonDocument d : docs) {
            assertThat(ids.add(d.getString("id").getValue()))
                    .as("entry id %s copied once", d.get("id"))
                    .isTrue();
            seqs.add(d.getInt64("seq").getValue());
            sum += d.getInt64("tokenValue").getValue();
        }
        assertThat(seqs).hasSize((int) lastSeq);
        assertThat(sum)
                .as("balance of %s = sum of its transactions", user)
                .isEqualTo(account.getInt64("balance").getValue());
    }
}
