package dev.balancekit.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.reactivestreams.client.MongoClient;
import dev.balancekit.BalanceLedger;
import dev.balancekit.ChargeRequest;
import dev.balancekit.Credits;
import dev.balancekit.Receipt;
import dev.balancekit.Reservation;
import dev.balancekit.Usage;
import dev.balancekit.testkit.LedgerInvariants;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Two host instances, each with its own {@link MongoClient}, store and ledger, hammer the same
 * accounts at once: no update is lost, no charge is doubled, and every entry reaches the
 * transactions collection exactly once.
 */
class TwoLedgersTest extends InProcessMongoTest {

    @Test
    void twoClients_sameAccounts_concurrently_invariantsHold() throws Exception {
        String[] users = {"s0", "s1", "s2"};
        Map<String, AtomicLong> expected = new ConcurrentHashMap<>();
        for (String u : users) {
            expected.put(u, new AtomicLong(START.micros()));
        }
        List<MongoClient> clients =
                List.of(TestMongo.client(TestMongo.uri(server)), TestMongo.client(TestMongo.uri(server)));
        List<MongoBalanceStore> stores = List.of(
                MongoBalanceStore.builder(clients.get(0).getDatabase(db.getName()))
                        .build(),
                MongoBalanceStore.builder(clients.get(1).getDatabase(db.getName()))
                        .copyBatchSize(1)
                        .build());
        stores.get(0).ensureIndexes().block(TIMEOUT);
        int threadsPerLedger = 3;
        int opsPerThread = 120;
        ExecutorService pool = Executors.newFixedThreadPool(2 * threadsPerLedger);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (MongoBalanceStore store : stores) {
                BalanceLedger ledger = ledger(store);
                for (int t = 0; t < threadsPerLedger; t++) {
                    futures.add(pool.submit(() -> {
                        start.await();
                        ThreadLocalRandom rnd = ThreadLocalRandom.current();
                        for (int i = 0; i < opsPerThread; i++) {
                            String user = users[rnd.nextInt(users.length)];
                            int op = rnd.nextInt(10);
                            if (op == 0) {
                                Receipt r = ledger.addBalance(user, Credits.of(1 + rnd.nextInt(20)))
                                        .block(TIMEOUT);
                                expected.get(user).addAndGet(r.total().micros());
                                continue;
                            }
                            long prompt = 1L + rnd.nextInt(20);
                            long maxOut = rnd.nextInt(20);
                            Reservation res =
                                    ledger.reserve(user, MODEL, prompt, maxOut).block(TIMEOUT);
                            if (!res.isAllowed()) {
                                continue;
                            }
                            if (op == 1) {
                                ledger.release(user, res.holdId()).block(TIMEOUT);
                            } else {
                                Receipt r = ledger.deduct(ChargeRequest.of(
                                                        user,
                                                        MODEL,
                                                        Usage.of(rnd.nextLong(prompt + 1), rnd.nextLong(maxOut + 1)))
                                                .withHold(res.holdId()))
                                        .block(TIMEOUT);
                                expected.get(user).addAndGet(r.total().micros());
                                assertThat(r.balance().isNegative())
                                        .as("block policy never overspends")
                                        .isFalse();
                            }
                        }
                        return null;
                    }));
                }
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }

        for (String u : users) {
            assertThat(stores.get(1).load(u).block(TIMEOUT).state().balance().micros())
                    .as("balance of %s", u)
                    .isEqualTo(expected.get(u).get());
        }
        LedgerInvariants.assertHold(stores.get(0), clock.instant());
        stores.get(1).flushPending().block(TIMEOUT);
        for (String u : users) {
            assertTransactionsComplete(u);
        }
        LedgerInvariants.assertHold(stores.get(1), clock.instant());
        clients.forEach(MongoClient::close);
    }
}
