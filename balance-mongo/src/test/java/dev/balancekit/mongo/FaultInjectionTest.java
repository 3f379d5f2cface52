package dev.balancekit.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoSocketReadException;
import dev.balancekit.BalanceChange;
import dev.balancekit.BalanceLedger;
import dev.balancekit.BalanceRequest;
import dev.balancekit.ChargeRequest;
import dev.balancekit.Credits;
import dev.balancekit.HistoryQuery;
import dev.balancekit.LedgerEntry;
import dev.balancekit.Receipt;
import dev.balancekit.Reservation;
import dev.balancekit.StoreException;
import dev.balancekit.Usage;
import dev.balancekit.testkit.LedgerInvariants;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Faults at each step of the write protocol, before the command is applied and after it was applied
 * with the reply lost. The host retries every failed operation with its idempotency key; in the end
 * no charge is lost or applied twice, and after {@code flushPending()} every entry is in the
 * transactions collection exactly once, summing to the balance.
 */
class FaultInjectionTest extends InProcessMongoTest {

    private FaultyMongo faults;
    private MongoBalanceStore store;

    /** A test that fails while calls are held lets them go, so that its copies do not hold up the next tests. */
    @AfterEach
    void releaseHeldCalls() {
        if (faults != null) {
            faults.releaseCalls();
        }
    }

    /** Waits until the given number of copies came to the gate. */
    private void awaitHeldCopies(int copies) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (faults.held(FaultyMongo.Step.COPY) < copies) {
            assertThat(System.nanoTime() - deadline)
                    .as("%d copies reach the gate", copies)
                    .isNegative();
            LockSupport.parkNanos(1_000_000);
        }
    }

    private MongoBalanceStore faultyStore(int copyBatchSize) {
        faults = new FaultyMongo(
                MongoBalanceStore.DEFAULT_BALANCES_COLLECTION, MongoBalanceStore.DEFAULT_TRANSACTIONS_COLLECTION);
        store = MongoBalanceStore.builder(faults.wrap(db))
                .copyBatchSize(copyBatchSize)
                .build();
        store.ensureIndexes().block(TIMEOUT);
        return store;
    }

    static Stream<Arguments> everyStepAndMode() {
        List<Arguments> all = new ArrayList<>();
        for (FaultyMongo.Step step :
                List.of(FaultyMongo.Step.ACCOUNT_WRITE, FaultyMongo.Step.COPY, FaultyMongo.Step.CLEANUP)) {
            for (FaultyMongo.Mode mode : FaultyMongo.Mode.values()) {
                for (int copyBatchSize : new int[] {1, 4}) {
                    all.add(Arguments.of(step, mode, copyBatchSize));
                }
            }
        }
        return all.stream();
    }

    /** Retries an operation after store failures, as a host does, by calling it again with the same key. */
    private static <T> T withRetries(Supplier<Mono<T>> operation) {
        StoreException last = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            try {
                return operation.get().block(TIMEOUT);
            } catch (StoreException e) {
                last = e;
            }
        }
        throw new AssertionError("still failing after 10 attempts", last);
    }

    @ParameterizedTest(name = "{0} {1}, copy batch {2}")
    @MethodSource("everyStepAndMode")
    void faultAtStep_retriedByKey_noChargeLostOrDoubled_andFlushCopiesEachEntryOnce(
            FaultyMongo.Step step, FaultyMongo.Mode mode, int copyBatchSize) {
        BalanceLedger ledger = ledger(faultyStore(copyBatchSize));
        // Three faults in a row exhaust the store's own retries of the idempotent steps.
        faults.failCalls(step, mode, 2, 3, 4, 9, 15, 16, 17, 25);
        Map<String, Credits> applied = new LinkedHashMap<>();

        for (int i = 0; i < 12; i++) {
            String user = "u" + (i % 2);
            BalanceRequest request = BalanceRequest.of(user, MODEL, 20, 10).withIdempotencyKey("r-" + i);
            Reservation r = withRetries(() -> ledger.reserve(request));
            assertThat(r.isAllowed()).isTrue();
            ChargeRequest charge =
                    ChargeRequest.of(user, MODEL, Usage.of(10 + i, 5)).withHold(r.holdId());
            Receipt receipt = withRetries(() -> ledger.deduct(charge));
            applied.put(receipt.operationId(), receipt.total());
            if (i % 3 == 0) {
                BalanceChange topUp = BalanceChange.of(user, Credits.of(7)).withIdempotencyKey("a-" + i);
                Receipt added = withRetries(() -> ledger.addBalance(topUp));
                applied.put(added.operationId(), added.total());
            }
            if (step == FaultyMongo.Step.CLEANUP) {
                // writes remove what they copied with their next write; only a flush cleans up on its own
                try {
                    store.flushPending().block(TIMEOUT);
                } catch (StoreException e) {
                    // left pending, and copied again by the next write or flush
                }
            }
        }
        assertThat(faults.fired(step)).as("faults injected into %s", step).isGreaterThan(0);

        // entries still pending are part of history before any flush
        for (String user : List.of("u0", "u1")) {
            List<LedgerEntry> history = LedgerInvariants.allEntries(store, user);
            assertThat(history).extracting(LedgerEntry::seq).doesNotHaveDuplicates();
        }
        faults.heal();
        store.flushPending().block(TIMEOUT);

        for (String user : List.of("u0", "u1")) {
            assertTransactionsComplete(user);
        }
        long expectedTotal = 2 * START.micros();
        for (Credits c : applied.values()) {
            expectedTotal += c.micros();
        }
        long actualTotal = ledger.balance("u0").block(TIMEOUT).balance().micros()
                + ledger.balance("u1").block(TIMEOUT).balance().micros();
        assertThat(actualTotal)
                .as("every charge and top-up applied exactly once")
                .isEqualTo(expectedTotal);
        assertThat(LedgerInvariants.assertHold(store, clock.instant())).isEqualTo(2);
    }

    @Test
    void accountWriteFailure_isNotRetriedByTheStore_andSurfacesAsStoreExceptionWithCause() {
        BalanceLedger ledger = ledger(faultyStore(1));
        ledger.addBalance("u1", Credits.of(1)).block(TIMEOUT);
        faults.failCalls(FaultyMongo.Step.ACCOUNT_WRITE, FaultyMongo.Mode.BEFORE, 1);

        assertThatThrownBy(() -> ledger.addBalance("u1", Credits.of(1)).block(TIMEOUT))
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith("write of account 'u1' failed: MongoSocketReadException")
                .hasCauseInstanceOf(MongoSocketReadException.class);
        assertThat(faults.calls(FaultyMongo.Step.ACCOUNT_WRITE)).isEqualTo(1);
        assertThat(ledger.balance("u1").block(TIMEOUT).balance()).isEqualTo(Credits.of(1001));
    }

    @Test
    void transientReadFailure_isRetriedByTheStore() {
        BalanceLedger ledger = ledger(faultyStore(1));
        ledger.addBalance("u1", Credits.of(1)).block(TIMEOUT);
        faults.failCalls(FaultyMongo.Step.READ_ACCOUNT, FaultyMongo.Mode.BEFORE, 1, 2);

        assertThat(ledger.balance("u1").block(TIMEOUT).balance()).isEqualTo(Credits.of(1001));
        assertThat(faults.calls(FaultyMongo.Step.READ_ACCOUNT)).isEqualTo(3);
    }

    @Test
    void readFailingBeyondRetries_surfacesAsStoreException() {
        BalanceLedger ledger = ledger(faultyStore(1));
        faults.failCalls(FaultyMongo.Step.READ_ACCOUNT, FaultyMongo.Mode.BEFORE, 1, 2, 3);

        assertThatThrownBy(() -> store.load("u1").block(TIMEOUT))
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith("load of account 'u1' failed")
                .hasCauseInstanceOf(MongoSocketReadException.class);
        assertThat(ledger.balance("u1").block(TIMEOUT)).isNull();
    }

    @Test
    void fullBatch_theOperationReturnsBeforeItsCopy_whichLandsAfterwards() {
        BalanceLedger ledger = ledger(faultyStore(2));
        faults.holdCalls(FaultyMongo.Step.COPY);

        // start balance + prompt + completion: the write fills a batch of 2 and starts a copy
        ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(10, 10))).block(TIMEOUT);

        assertThat(Flux.from(transactions().find()).collectList().block(TIMEOUT))
                .as("the copy waits at the gate")
                .isEmpty();
        assertThat(ledger.transactionHistory("u1", HistoryQuery.all())
                        .block(TIMEOUT)
                        .items())
                .extracting(LedgerEntry::seq)
                .containsExactly(3L, 2L, 1L);
        faults.releaseCalls();
        assertThat(transactionDocs("u1")).hasSize(3);
        ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(1, 1))).block(TIMEOUT);
        assertThat(BsonMapping.pending(accountDoc("u1")))
                .as("the next write removed the copied entries")
                .extracting(BsonMapping::pendingSeq)
                .containsExactly(4L, 5L);
    }

    @Test
    void copiesHeldUp_beyondTheBackgroundBound_theWriteWaitsForItsCopy() throws Exception {
        BalanceLedger ledger = ledger(faultyStore(2));
        faults.holdCalls(FaultyMongo.Step.COPY);
        for (int i = 0; i < MongoBalanceStore.BACKGROUND_COPIES_MAX; i++) {
            ledger.deduct(ChargeRequest.of("u" + i, MODEL, Usage.of(10, 10))).block(TIMEOUT);
        }

        CompletableFuture<?> over =
                ledger.deduct(ChargeRequest.of("over", MODEL, Usage.of(10, 10))).toFuture();
        // the 16 background copies and then this write's own copy all wait at the gate
        awaitHeldCopies(MongoBalanceStore.BACKGROUND_COPIES_MAX + 1);

        assertThat(over).as("waits for its own copy, held at the gate").isNotDone();
        faults.releaseCalls();
        over.get(1, TimeUnit.MINUTES);
        assertThat(transactionDocs("over")).hasSize(3);
        assertThat(transactionDocs("u0")).hasSize(3);
    }

    @Test
    void copyBatchOfOne_theOperationReturnsOnlyOnceItsEntriesAreCopied() throws Exception {
        BalanceLedger ledger = ledger(faultyStore(1));
        ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(10, 10))).block(TIMEOUT);
        faults.holdCalls(FaultyMongo.Step.COPY);

        CompletableFuture<?> op =
                ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(1, 1))).toFuture();
        awaitHeldCopies(1);

        assertThat(op).as("waits for its copy").isNotDone();
        faults.releaseCalls();
        op.get(1, TimeUnit.MINUTES);
        // read at once, without waiting for copies in the background: there are none
        assertThat(Flux.from(transactions().find()).count().block(TIMEOUT)).isEqualTo(5);
    }

    @Test
    void copyDown_operationsStillApply_historyShowsPendingEntries_flushCopiesLater() {
        BalanceLedger ledger = ledger(faultyStore(1));
        Integer[] always = new Integer[200];
        for (int i = 0; i < always.length; i++) {
            always[i] = i + 1;
        }
        faults.failCalls(FaultyMongo.Step.COPY, FaultyMongo.Mode.BEFORE, always);

        for (int i = 0; i < 5; i++) {
            ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(10, 10))).block(TIMEOUT);
        }

        assertThat(transactionDocs("u1")).isEmpty();
        assertThat(BsonMapping.pending(accountDoc("u1"))).hasSize(11);
        assertThat(ledger.transactionHistory("u1", HistoryQuery.all())
                        .block(TIMEOUT)
                        .items())
                .extracting(LedgerEntry::seq)
                .containsExactly(11L, 10L, 9L, 8L, 7L, 6L, 5L, 4L, 3L, 2L, 1L);
        assertThatThrownBy(() -> store.flushPending().block(TIMEOUT))
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith("flush of pending entries failed");

        faults.heal();
        assertThat(store.flushPending().block(TIMEOUT)).isEqualTo(11);
        assertTransactionsComplete("u1");
        assertThat(store.flushPending().block(TIMEOUT)).isZero();
    }

    @Test
    void copiedEntries_stayPendingUntilTheNextWriteRemovesThem_historyHasNoDuplicates() {
        BalanceLedger ledger = ledger(faultyStore(1));

        ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(10, 10))).block(TIMEOUT);

        assertThat(transactionDocs("u1")).hasSize(3);
        assertThat(accountDoc("u1").getArray("pending")).hasSize(3);
        assertThat(LedgerInvariants.allEntries(store, "u1"))
                .extracting(LedgerEntry::seq)
                .containsExactly(3L, 2L, 1L);

        ledger.addBalance("u1", Credits.of(5)).block(TIMEOUT);

        assertThat(transactionDocs("u1")).hasSize(4);
        assertThat(accountDoc("u1").getArray("pending"))
                .as("the three copied are gone, the new one is copied")
                .singleElement()
                .satisfies(e -> assertThat(BsonMapping.pendingSeq(e.asBinary())).isEqualTo(4));
        assertThat(LedgerInvariants.allEntries(store, "u1"))
                .extracting(LedgerEntry::seq)
                .containsExactly(4L, 3L, 2L, 1L);
        assertThat(store.flushPending().block(TIMEOUT)).isEqualTo(1);
        assertTransactionsComplete("u1");
    }

    @Test
    void cleanupFailureInAFlush_leavesEntriesPending_andTheNextFlushFinishesIt() {
        BalanceLedger ledger = ledger(faultyStore(100));
        ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(10, 10))).block(TIMEOUT);
        faults.failCalls(FaultyMongo.Step.CLEANUP, FaultyMongo.Mode.BEFORE, 1, 2, 3);

        assertThatThrownBy(() -> store.flushPending().block(TIMEOUT)).isInstanceOf(StoreException.class);

        assertThat(transactionDocs("u1")).hasSize(3);
        assertThat(accountDoc("u1").getArray("pending")).hasSize(3);
        assertThat(LedgerInvariants.allEntries(store, "u1"))
                .extracting(LedgerEntry::seq)
                .containsExactly(3L, 2L, 1L);
        assertThat(store.flushPending().block(TIMEOUT)).isEqualTo(3);
        assertTransactionsComplete("u1");
    }
}
