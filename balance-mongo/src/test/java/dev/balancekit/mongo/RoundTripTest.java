package dev.balancekit.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.reactivestreams.client.MongoClient;
import dev.balancekit.BalanceLedger;
import dev.balancekit.BalanceRequest;
import dev.balancekit.ChargeRequest;
import dev.balancekit.Reservation;
import dev.balancekit.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

/**
 * Counts the commands the driver sends for a reserve followed by a deduct, in steady state, with a
 * {@link CommandListener}: one findAndModify per operation (the ledger starts from the state it wrote), plus an insert for
 * each full batch of pending entries.
 */
class RoundTripTest extends InProcessMongoTest {

    @Test
    void reserveAndDeduct_steadyState_atMost2point2RoundTripsPerRequest() {
        Map<String, AtomicInteger> commands = new ConcurrentHashMap<>();
        AtomicInteger total = new AtomicInteger();
        CommandListener counter = new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                total.incrementAndGet();
                commands.computeIfAbsent(event.getCommandName(), n -> new AtomicInteger())
                        .incrementAndGet();
            }
        };
        MongoClient counted = TestMongo.client(TestMongo.uri(server), counter);
        try {
            MongoBalanceStore store =
                    MongoBalanceStore.builder(counted.getDatabase(db.getName())).build();
            store.ensureIndexes().block(TIMEOUT);
            BalanceLedger ledger = ledger(store);
            for (int i = 0; i < 16; i++) {
                pair(ledger);
            }
            total.set(0);
            commands.clear();

            int pairs = 96;
            for (int i = 0; i < pairs; i++) {
                pair(ledger);
            }

            double perRequest = (double) total.get() / pairs;
            System.out.printf(
                    "round trips: %.3f per chat request (reserve + deduct); commands %s%n",
                    perRequest, new TreeMap<>(commands));
            assertThat(perRequest).isLessThanOrEqualTo(2.2);
            assertThat(commands.get("findAndModify").get()).isEqualTo(2 * pairs);
            // 2 entries per request, a copy per 12 entries: the write that fills a batch returns the
            // pending entries (the others only the id), then one insert copies them, and the next
            // write removes them from the account
            assertThat(commands).as("no loads, no reads of pending").doesNotContainKey("find");
            assertThat(commands).as("no separate cleanup").doesNotContainKey("update");
            assertThat(commands.get("insert").get()).isEqualTo(pairs / 6);
        } finally {
            counted.close();
        }
    }

    @Test
    void ledgerWrites_fromTheStateTheLedgerLastWrote_sendOnlyWhatChanged() {
        List<BsonDocument> updates = new ArrayList<>();
        CommandListener capture = new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                if (event.getCommandName().equals("findAndModify")) {
                    updates.add(event.getCommand().getDocument("update").clone());
                }
            }
        };
        MongoClient counted = TestMongo.client(TestMongo.uri(server), capture);
        try {
            // the store keeps no state of its own: what it leaves out, the ledger told it was there
            BalanceLedger ledger = ledger(
                    MongoBalanceStore.builder(counted.getDatabase(db.getName())).build());
            pair(ledger);
            updates.clear();

            pair(ledger);

            assertThat(updates)
                    .hasSize(2)
                    .allSatisfy(u -> assertThat(u.getDocument("$set").keySet())
                            .doesNotContain(
                                    "user", "funded", "createdAt", "tier", "refillPeriod", "operations", "recentKeys")
                            .contains("version"));
        } finally {
            counted.close();
        }
    }

    private static void pair(BalanceLedger ledger) {
        Reservation r = ledger.reserve(BalanceRequest.of("rt", MODEL, 1, 1)).block(TIMEOUT);
        ledger.deduct(ChargeRequest.of("rt", MODEL, Usage.of(1, 1)).withHold(r.holdId()))
                .block(TIMEOUT);
    }
}
