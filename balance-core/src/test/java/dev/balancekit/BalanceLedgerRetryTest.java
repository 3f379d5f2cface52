package dev.balancekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.balancekit.memory.InMemoryBalanceStore;
import dev.balancekit.memory.ManualClock;
import dev.balancekit.pricing.ModelPrice;
import dev.balancekit.pricing.PriceTable;
import dev.balancekit.spi.AccountState;
import dev.balancekit.spi.BalanceStore;
import dev.balancekit.spi.CasResult;
import dev.balancekit.spi.StoredAccount;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/**
 * The ledger's load, decide, compare-and-set loop against a store that loses races on purpose:
 * conflicts are retried from a fresh load with the same operation id, up to the configured bound;
 * any other failure is passed through untouched; nothing runs before subscription.
 */
class BalanceLedgerRetryTest {

    private static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");
    private static final String MODEL = "m";
    private static final Credits START = Credits.of(1000);

    private final ManualClock clock = new ManualClock(T0);
    private final ScriptedStore store = new ScriptedStore();
    private final BalanceLedger ledger = ledger(3, Duration.ZERO, Duration.ZERO);

    private BalanceLedger ledger(int maxAttempts, Duration base, Duration max) {
        LedgerConfig config = LedgerConfig.builder()
                .startBalance(START)
                .prices(PriceTable.builder()
                        .model(MODEL, ModelPrice.perToken("1", "2"))
                        .build())
                .build();
        return BalanceLedger.builder()
                .store(store)
                .config(config)
                .clock(clock)
                .retries(maxAttempts, base, max)
                .build();
    }

    /**
     * An in-memory store that answers the next compare-and-sets with {@link CasResult#CONFLICT}
     * without writing, fails loads or writes on demand, and counts every call (when the method is
     * called, not when its result is subscribed) and every attempted write.
     */
    private static final class ScriptedStore implements BalanceStore {
        final InMemoryBalanceStore delegate = new InMemoryBalanceStore();
        final AtomicInteger conflictsLeft = new AtomicInteger();
        final AtomicInteger loads = new AtomicInteger();
        final AtomicInteger writes = new AtomicInteger();
        final AtomicInteger reads = new AtomicInteger();
        final List<AccountState> attemptedStates = new CopyOnWriteArrayList<>();
        final List<List<LedgerEntry>> attemptedEntries = new CopyOnWriteArrayList<>();
        volatile RuntimeException loadFailure;
        volatile RuntimeException writeFailure;
        /** Writes wait for it before they reach the store. */
        volatile Mono<Void> writeGate = Mono.empty();

        int calls() {
            return loads.get() + writes.get() + reads.get();
        }

        void reset() {
            loads.set(0);
            writes.set(0);
            reads.set(0);
            attemptedStates.clear();
            attemptedEntries.clear();
        }

        @Override
        public Mono<StoredAccount> load(String user) {
            loads.incrementAndGet();
            return Mono.defer(() -> loadFailure != null ? Mono.error(loadFailure) : delegate.load(user));
        }

        @Override
        public Mono<CasResult> compareAndSet(
                String user, long expectedVersion, AccountState next, List<LedgerEntry> entries) {
            writes.incrementAndGet();
            return writeGate.then(Mono.defer(() -> {
                attemptedStates.add(next);
                attemptedEntries.add(List.copyOf(entries));
                if (writeFailure != null) {
                    return Mono.error(writeFailure);
                }
                if (conflictsLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                    return Mono.just(CasResult.CONFLICT);
                }
                return delegate.compareAndSet(user, expectedVersion, next, entries);
            }));
        }

        @Override
        public Flux<LedgerEntry> history(String user, HistoryQuery query) {
            reads.incrementAndGet();
            return delegate.history(user, query);
        }

        @Override
        public Mono<Page<AccountState>> accounts(ListQuery query) {
            reads.incrementAndGet();
            return delegate.accounts(query);
        }
    }

    /** An existing account with the start balance, and the counters reset. */
    /**
     * Creates the account through another ledger over the same store, so the ledger under test has
     * not written it and its first attempt loads it, as a freshly started host would.
     */
    private void givenAccount(String user) {
        ledger(3, Duration.ZERO, Duration.ZERO).checkBalance(user, MODEL, 1, 0).block();
        store.reset();
    }

    private List<LedgerEntry> entries(String user) {
        return store.delegate
                .history(user, HistoryQuery.all().withLimit(HistoryQuery.MAX_LIMIT))
                .collectList()
                .block();
    }

    @Nested
    class Conflicts {
        @Test
        void secondWrite_startsFromTheStateThisLedgerWrote_withoutALoad() {
            givenAccount("u1");
            ledger.addBalance("u1", Credits.of(1)).block();
            store.reset();

            Receipt r = ledger.addBalance("u1", Credits.of(2)).block();

            assertThat(r.balance()).isEqualTo(Credits.of(1003));
            assertThat(store.loads).hasValue(0);
            assertThat(store.writes).hasValue(1);
        }

        @Test
        void stateWrittenByAnotherLedger_conflicts_thenLoadsAndApplies() {
            givenAccount("u1");
            ledger.addBalance("u1", Credits.of(1)).block();
            ledger(3, Duration.ZERO, Duration.ZERO)
                    .addBalance("u1", Credits.of(10))
                    .block(); // another instance
            store.reset();

            Receipt r = ledger.addBalance("u1", Credits.of(2)).block();

            assertThat(r.balance()).isEqualTo(Credits.of(1013));
            assertThat(store.loads)
                    .as("the remembered state was stale: one load after the conflict")
                    .hasValue(1);
            assertThat(store.writes).hasValue(2);
        }

        @Test
        void denialOnARememberedState_isDecidedAgainFromAFreshLoad() {
            givenAccount("u1");
            ledger.addBalance("u1", Credits.of(1)).block(); // remembered: 1001 credits
            ledger(3, Duration.ZERO, Duration.ZERO)
                    .addBalance("u1", Credits.of(5000))
                    .block(); // another instance
            store.reset();

            Reservation r = ledger.reserve("u1", MODEL, 3000, 0).block();

            assertThat(r.isAllowed())
                    .as("allowed on the 6001 credits the store holds, not the 1001 remembered")
                    .isTrue();
            assertThat(store.loads).hasValue(1);
        }

        @Test
        void deduct_twoConflicts_retriesFromAFreshLoadAndAppliesOnce() {
            givenAccount("u1");
            store.conflictsLeft.set(2);

            Receipt r = ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(100, 50)))
                    .block();

            assertThat(r.balance()).isEqualTo(Credits.of(800));
            assertThat(store.loads).as("one load per attempt").hasValue(3);
            assertThat(store.writes).as("one compare-and-set per attempt").hasValue(3);
            assertThat(entries("u1")).hasSize(3);
            assertThat(ledger.balance("u1").block().balance()).isEqualTo(Credits.of(800));
        }

        @Test
        void reserve_conflictOnANewAccount_retriesTheCreation() {
            store.conflictsLeft.set(1);

            Reservation r = ledger.reserve("new", MODEL, 10, 0).block();

            assertThat(r.isAllowed()).isTrue();
            assertThat(store.writes).hasValue(2);
            assertThat(ledger.balance("new").block().available()).isEqualTo(Credits.of(990));
        }

        @Test
        void alwaysConflicting_failsWithRetriesExhaustedNamingUserAndAttempts_andWritesNothing() {
            givenAccount("u1");
            StoredAccount before = store.delegate.load("u1").block();
            store.conflictsLeft.set(Integer.MAX_VALUE);

            assertThatThrownBy(() -> ledger.addBalance("u1", Credits.of(5)).block())
                    .isInstanceOf(ConflictRetriesExhaustedException.class)
                    .hasMessage("account 'u1' stayed contended: gave up after 3 attempts");

            assertThat(store.writes).hasValue(3);
            assertThat(store.delegate.load("u1").block()).isEqualTo(before);
            assertThat(entries("u1")).hasSize(1);
        }

        @Test
        void oneAttemptAllowed_firstConflictFailsWithoutRetry() {
            BalanceLedger once = ledger(1, Duration.ZERO, Duration.ZERO);
            givenAccount("u1");
            store.conflictsLeft.set(1);

            StepVerifier.create(once.setBalance(BalanceChange.of("u1", Credits.of(7))))
                    .expectErrorSatisfies(e -> assertThat(e)
                            .isInstanceOf(ConflictRetriesExhaustedException.class)
                            .hasMessage("account 'u1' stayed contended: gave up after 1 attempts"))
                    .verify();
            assertThat(store.writes).hasValue(1);
        }

        @Test
        void readOnlyCheck_neverWrites_soNeverConflicts() {
            givenAccount("u1");
            store.conflictsLeft.set(Integer.MAX_VALUE);

            BalanceDecision d = ledger.checkBalance("u1", MODEL, 10, 0).block();

            assertThat(d.isAllowed()).isTrue();
            assertThat(store.writes).hasValue(0);
        }

        @Test
        void twoWritesOfOneLedgerOnOneAccount_atOnce_takeTurns_soTheSecondNeverConflicts() throws Exception {
            givenAccount("u1");
            ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(1, 1))).block();
            store.reset();
            Sinks.Empty<Void> gate = Sinks.empty();
            store.writeGate = gate.asMono();

            CompletableFuture<?> first =
                    ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(1, 1))).toFuture();
            CompletableFuture<?> second =
                    ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(2, 2))).toFuture();

            assertThat(store.writes)
                    .as("the second waits for the first's write")
                    .hasValue(1);
            gate.tryEmitEmpty();
            first.get(1, TimeUnit.MINUTES);
            second.get(1, TimeUnit.MINUTES);
            assertThat(store.writes).as("no conflict, no retry").hasValue(2);
            assertThat(store.loads)
                    .as("the second starts from the state the first wrote")
                    .hasValue(0);
            assertThat(entries("u1")).extracting(LedgerEntry::seq).containsExactly(7L, 6L, 5L, 4L, 3L, 2L, 1L);
        }

        @Test
        void hotAccount_manyThreadsOfOneLedger_takeTurns_soNoneRunsOutOfAttempts() throws Exception {
            // 4 threads on one account with 8 attempts each: racing freely, some operation would lose
            // 8 times in a row; taking turns after the first loss, only operations already under way
            // (at most one per other thread) can still make it lose
            BalanceLedger hot = BalanceLedger.builder()
                    .store(new InMemoryBalanceStore())
                    .config(LedgerConfig.builder()
                            .startBalance(Credits.of(1_000_000))
                            .prices(PriceTable.builder()
                                    .model(MODEL, ModelPrice.perToken("1", "2"))
                                    .build())
                            .build())
                    .retries(8, Duration.ofMillis(1), Duration.ofMillis(5))
                    .build();
            BlockingBalanceLedger blocking = hot.blocking();
            int threads = 4;
            int requests = 1_500;
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread w = new Thread(() -> {
                    for (int i = 0; i < requests; i++) {
                        try {
                            Reservation r = blocking.reserve(BalanceRequest.of("hot", MODEL, 1, 1));
                            blocking.deduct(ChargeRequest.of("hot", MODEL, Usage.of(1, 1))
                                    .withHold(r.holdId()));
                        } catch (RuntimeException e) {
                            failures.add(e);
                        }
                    }
                });
                w.start();
                workers.add(w);
            }
            for (Thread w : workers) {
                w.join();
            }

            assertThat(failures).isEmpty();
            // each request costs 1 + 2 credits
            assertThat(blocking.balance("hot").orElseThrow().balance())
                    .isEqualTo(Credits.of(1_000_000 - 3L * threads * requests));
        }

        @Test
        void backoff_withDelays_waitsOnTheSchedulerAndThenSucceeds() {
            BalanceLedger slow = ledger(5, Duration.ofSeconds(1), Duration.ofSeconds(10));
            givenAccount("u1");
            store.conflictsLeft.set(3);

            // first retry immediate, then up to 1 s and up to 2 s: at most 3 s of virtual time in all
            StepVerifier.withVirtualTime(() -> slow.addBalance("u1", Credits.of(5)))
                    .expectSubscription()
                    .thenAwait(Duration.ofSeconds(3))
                    .assertNext(r -> assertThat(r.balance()).isEqualTo(Credits.of(1005)))
                    .verifyComplete();
            assertThat(store.writes).hasValue(4);
        }
    }

    @Nested
    class Failures {
        @Test
        void loadError_propagatesUnchanged_withoutRetryOrWrite() {
            givenAccount("u1");
            StoreException failure =
                    new StoreException("load of 'u1' failed", new IllegalStateException("socket closed"));
            store.loadFailure = failure;

            StepVerifier.create(ledger.addBalance("u1", Credits.of(5)))
                    .expectErrorSatisfies(e -> assertThat(e).isSameAs(failure))
                    .verify();

            assertThat(store.loads).hasValue(1);
            assertThat(store.writes).hasValue(0);
            assertThat(entries("u1")).hasSize(1);
        }

        @Test
        void writeError_propagatesUnchanged_withoutRetry() {
            givenAccount("u1");
            StoreException failure = new StoreException("write of 'u1' failed", new IllegalStateException("timeout"));
            store.writeFailure = failure;

            StepVerifier.create(ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(1, 1))))
                    .expectErrorSatisfies(e -> assertThat(e).isSameAs(failure))
                    .verify();

            assertThat(store.writes).hasValue(1);
            assertThat(entries("u1")).hasSize(1);
        }

        @Test
        void rejectedArgument_isNotRetried() {
            givenAccount("u1");

            StepVerifier.create(ledger.release("u1", "nope"))
                    .expectErrorSatisfies(e -> assertThat(e)
                            .isInstanceOf(IllegalArgumentException.class)
                            .hasMessage("holdId 'nope' is not a hold of user 'u1'"))
                    .verify();

            assertThat(store.loads).hasValue(1);
            assertThat(store.writes).hasValue(0);
        }
    }

    /** Every attempt of one call decides under the same operation id, so a retry appends the same entries. */
    @Nested
    class OperationIds {
        @Test
        void deduct_withKey_everyAttemptWritesTheKeyWithTheEntrySequenceNumbers() {
            givenAccount("u1");
            store.conflictsLeft.set(2);

            Receipt r = ledger.deduct(
                            ChargeRequest.of("u1", MODEL, Usage.of(10, 5)).withIdempotencyKey("msg-1"))
                    .block();

            assertThat(store.attemptedEntries)
                    .hasSize(3)
                    .allSatisfy(attempt ->
                            assertThat(attempt).extracting(LedgerEntry::id).containsExactly("msg-1#2", "msg-1#3"));
            assertThat(r.operationId()).isEqualTo("msg-1");
            assertThat(r.entries()).extracting(LedgerEntry::id).containsExactly("msg-1#2", "msg-1#3");
        }

        @Test
        void deduct_withoutKey_everyAttemptUsesTheSameGeneratedId() {
            givenAccount("u1");
            store.conflictsLeft.set(2);

            Receipt r = ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(10, 5)))
                    .block();

            String id = r.operationId();
            assertThat(id).isNotBlank().doesNotContain("#");
            assertThat(r.entries()).extracting(LedgerEntry::id).containsExactly(id + "#2", id + "#3");
            assertThat(store.attemptedEntries)
                    .hasSize(3)
                    .allSatisfy(attempt ->
                            assertThat(attempt).extracting(LedgerEntry::id).containsExactly(id + "#2", id + "#3"));
            assertThat(entries("u1")).extracting(LedgerEntry::id).containsExactly(id + "#3", id + "#2", "startBalance");
        }

        @Test
        void reserve_withoutKey_everyAttemptHoldsUnderTheSameId() {
            givenAccount("u1");
            store.conflictsLeft.set(2);

            Reservation r = ledger.reserve("u1", MODEL, 10, 0).block();

            assertThat(store.attemptedStates)
                    .hasSize(3)
                    .allSatisfy(state ->
                            assertThat(state.holds()).extracting(Hold::id).containsExactly(r.holdId()));
        }

        @Test
        void separateCalls_getDifferentIds() {
            givenAccount("u1");

            Receipt first = ledger.addBalance("u1", Credits.of(1)).block();
            Receipt second = ledger.addBalance("u1", Credits.of(1)).block();

            assertThat(first.operationId()).isNotEqualTo(second.operationId());
        }
    }

    @Nested
    class Laziness {
        @Test
        void everyOperation_touchesTheStoreOnlyOnSubscription() {
            Reservation r = ledger.reserve("u1", MODEL, 10, 0).block();
            store.reset();

            List<Mono<?>> monos = List.of(
                    ledger.checkBalance("u1", MODEL, 1, 0),
                    ledger.checkBalance(BalanceRequest.of("u2", MODEL, 1, 0)),
                    ledger.reserve("u1", MODEL, 1, 0),
                    ledger.reserve(BalanceRequest.of("u1", MODEL, 1, 0)),
                    ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(1, 1)).withHold(r.holdId())),
                    ledger.release("u1", r.holdId()),
                    ledger.extendHold("u1", r.holdId()),
                    ledger.addBalance("u1", Credits.of(1)),
                    ledger.addBalance(BalanceChange.of("u1", Credits.of(1))),
                    ledger.setBalance(BalanceChange.of("u1", Credits.of(1))),
                    ledger.balance("u1"),
                    ledger.transactionHistory("u1", HistoryQuery.all()),
                    ledger.listBalances(ListQuery.byUser()));

            assertThat(store.calls()).as("store calls before subscription").isZero();
            assertThat(store.delegate.load("u1").block().state().holds()).containsExactly(r.hold());

            monos.get(7).block();

            assertThat(store.calls()).isPositive();
            assertThat(ledger.balance("u1").block().balance()).isEqualTo(Credits.of(1001));
        }

        @Test
        void resubscribing_aCallWithoutKey_appliesItAgain_whileAKeyedCallReplays() {
            givenAccount("u1");
            Mono<Receipt> unkeyed = ledger.addBalance("u1", Credits.of(1));
            Mono<Receipt> keyed =
                    ledger.addBalance(BalanceChange.of("u1", Credits.of(10)).withIdempotencyKey("top-up"));

            unkeyed.block();
            unkeyed.block();
            keyed.block();
            Receipt again = keyed.block();

            assertThat(again.replay()).isTrue();
            assertThat(ledger.balance("u1").block().balance()).isEqualTo(Credits.of(1012));
        }
    }

    @Nested
    class RetrySettings {
        @Test
        void retries_outOfRange_areRejectedNamingTheValue() {
            BalanceLedger.Builder b = BalanceLedger.builder();

            assertThatThrownBy(() -> b.retries(0, Duration.ZERO, Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("maxAttempts must be between 1 and 1000, was 0");
            assertThatThrownBy(() -> b.retries(1001, Duration.ZERO, Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("maxAttempts must be between 1 and 1000, was 1001");
            assertThatThrownBy(() -> b.retries(3, Duration.ofMillis(-1), Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("base must be between 0 and 1 s, was PT-0.001S");
            assertThatThrownBy(() -> b.retries(3, Duration.ofMillis(1001), Duration.ofSeconds(2)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("base must be between 0 and 1 s, was PT1.001S");
            assertThatThrownBy(() -> b.retries(3, Duration.ofMillis(5), Duration.ofMillis(4)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("max must be between base and 10 s, was PT0.004S");
            assertThatThrownBy(() -> b.retries(3, Duration.ZERO, Duration.ofMillis(10_001)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("max must be between base and 10 s, was PT10.001S");
        }

        @Test
        void retries_atTheBounds_areAccepted() {
            BalanceLedger.Builder b = BalanceLedger.builder();

            assertThat(b.retries(1, Duration.ZERO, Duration.ZERO)).isSameAs(b);
            assertThat(b.retries(1000, Duration.ofSeconds(1), Duration.ofSeconds(10)))
                    .isSameAs(b);
        }
    }
}
