package dev.balancekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.balancekit.memory.InMemoryBalanceStore;
import dev.balancekit.memory.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What listeners are told, and when. Events are delivered in the calling thread here
 * ({@code eventExecutor(Runnable::run)}) so that they are recorded when the call returns. The start
 * balance is 1000 credits and every model costs one credit per token.
 */
class EventsTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final Instant NEXT_DAY = Instant.parse("2026-11-26T00:00:00Z");

    private static TestLedger ledger(LedgerConfig.Builder config) {
        return new TestLedger(config, T0);
    }

    @Nested
    class EachEvent {
        @Test
        void charge_firesChargedWithTheReceipt() {
            TestLedger t = ledger(TestLedger.config());
            t.check("u", 1);
            t.clock.advance(Duration.ofSeconds(3));

            Receipt r = t.charge("u", 25);

            assertThat(t.events).containsExactly(new BalanceEvent.Charged("u", T0.plusSeconds(3), r));
        }

        @Test
        void deniedCheck_firesDeniedWithTheDecision_evenThoughNothingIsWritten() {
            TestLedger t = ledger(TestLedger.config());
            t.check("u", 1);
            long version = t.version("u");

            BalanceDecision d = t.check("u", 1001);

            assertThat(t.events).containsExactly(new BalanceEvent.Denied("u", T0, d));
            assertThat(t.version("u")).isEqualTo(version);
        }

        @Test
        void deniedReservation_firesDenied_withItsReason() {
            TestLedger t = ledger(TestLedger.config().usageLimits(UsageLimits.credits(Credits.of(10), null, null)));

            Reservation r = t.reserve("u", 11);

            assertThat(t.events(BalanceEvent.Denied.class)).singleElement().satisfies(e -> {
                assertThat(e.decision()).isEqualTo(r.decision());
                assertThat(e.decision().reason()).isEqualTo(DenialReason.DAILY_LIMIT);
            });
        }

        @Test
        void refill_firesRefilledWithTheAutoRefillEntry() {
            TestLedger t = ledger(TestLedger.config()
                    .startBalance(Credits.ZERO)
                    .firstRefillAfterInterval(false)
                    .refill(new Refill(RefillMode.RESET, 1, RefillUnit.DAYS, Credits.of(100))));

            t.check("u", 1);

            LedgerEntry entry = t.entries("u", EntryContext.AUTO_REFILL).get(0);
            assertThat(t.events).containsExactly(new BalanceEvent.Refilled("u", T0, entry));
            assertThat(entry.tokenValue()).isEqualTo(Credits.of(100));
        }

        @Test
        void expiredHold_isReportedOnceByTheNextWrite_notByAReadOnlyCheck() {
            TestLedger t = ledger(TestLedger.config());
            Hold hold = t.reserve("u", 10).hold();
            t.clock.set(hold.expiresAt());

            t.check("u", 1);
            List<BalanceEvent> afterCheck = List.copyOf(t.events);
            t.reserve("u", 20);
            t.reserve("u", 30);

            assertThat(afterCheck).isEmpty();
            assertThat(t.events).containsExactly(new BalanceEvent.HoldExpired("u", hold.expiresAt(), hold));
        }

        @Test
        void charge_eventsComeInTheOrderThingsHappened() {
            TestLedger t = ledger(TestLedger.config()
                    .startBalance(Credits.ZERO)
                    .firstRefillAfterInterval(false)
                    .refill(new Refill(RefillMode.RESET, 1, RefillUnit.DAYS, Credits.of(1000)))
                    .usageLimits(UsageLimits.credits(Credits.of(100), null, null))
                    .windowThresholds(80)
                    .balanceThresholds(Credits.of(950)));
            Hold hold = t.reserve("u", 10).hold();
            t.charge("u", 20);
            t.clock.set(T0.plus(Duration.ofDays(1)));
            t.events.clear();

            Receipt r = t.charge("u", 90);

            assertThat(t.events)
                    .extracting(e -> (Object) e.getClass())
                    .containsExactly(
                            BalanceEvent.HoldExpired.class,
                            BalanceEvent.Refilled.class,
                            BalanceEvent.Charged.class,
                            BalanceEvent.WindowThreshold.class,
                            BalanceEvent.BalanceBelow.class);
            assertThat(t.events.get(0)).isEqualTo(new BalanceEvent.HoldExpired("u", t.clock.instant(), hold));
            assertThat(t.events.get(2)).isEqualTo(new BalanceEvent.Charged("u", t.clock.instant(), r));
            assertThat(t.events.get(4))
                    .isEqualTo(new BalanceEvent.BalanceBelow("u", t.clock.instant(), Credits.of(950), Credits.of(910)));
        }
    }

    @Nested
    class BalanceThresholds {
        private final TestLedger t = ledger(TestLedger.config().balanceThresholds(Credits.of(500), Credits.of(100)));

        private List<BalanceEvent.BalanceBelow> below() {
            return t.events(BalanceEvent.BalanceBelow.class);
        }

        @Test
        void balanceBelow_firesOnlyOnTheDownwardCrossing() {
            t.charge("u", 400);
            assertThat(below()).isEmpty();

            t.charge("u", 200);
            t.charge("u", 50);
            t.charge("u", 50);

            assertThat(below())
                    .containsExactly(new BalanceEvent.BalanceBelow("u", T0, Credits.of(500), Credits.of(400)));
        }

        @Test
        void balanceBelow_reachingTheThresholdExactly_isNotBelowIt() {
            t.charge("u", 500);
            assertThat(below()).isEmpty();

            t.charge("u", 0);
            t.ledger.deduct(ChargeRequest.of("u", TestLedger.MODEL, Usage.of(0, 1)));

            assertThat(below()).extracting(BalanceEvent.BalanceBelow::balance).containsExactly(Credits.of(499));
        }

        @Test
        void balanceBelow_firesAgainAfterTheBalanceWentBackUp() {
            t.charge("u", 600);
            t.ledger.addBalance(BalanceChange.of("u", Credits.of(300)));
            t.charge("u", 250);

            assertThat(below())
                    .extracting(BalanceEvent.BalanceBelow::balance)
                    .containsExactly(Credits.of(400), Credits.of(450));
        }

        @Test
        void balanceBelow_crossingTwoThresholdsAtOnce_firesBothHighestFirst() {
            t.charge("u", 1);

            t.charge("u", 949);

            assertThat(below())
                    .containsExactly(
                            new BalanceEvent.BalanceBelow("u", T0, Credits.of(500), Credits.of(50)),
                            new BalanceEvent.BalanceBelow("u", T0, Credits.of(100), Credits.of(50)));
        }

        @Test
        void balanceBelow_onTheFirstOperationOfANewAccount_countsFromTheStartBalance() {
            t.charge("u", 600);

            assertThat(below())
                    .containsExactly(new BalanceEvent.BalanceBelow("u", T0, Credits.of(500), Credits.of(400)));
        }

        @Test
        void startBalanceBelowAThreshold_isNotACrossing() {
            TestLedger low =
                    ledger(TestLedger.config().startBalance(Credits.of(50)).balanceThresholds(Credits.of(100)));

            low.check("u", 1);
            low.charge("u", 10);

            assertThat(low.events(BalanceEvent.BalanceBelow.class)).isEmpty();
        }

        @Test
        void balanceBelow_byAnAdminOverwrite_fires() {
            t.check("u", 1);

            t.ledger.setBalance(BalanceChange.of("u", Credits.of(99)));

            assertThat(below())
                    .extracting(BalanceEvent.BalanceBelow::threshold)
                    .containsExactly(Credits.of(500), Credits.of(100));
        }
    }

    @Nested
    class WindowThresholds {
        private TestLedger ledger(UsageLimits limits) {
            return EventsTest.ledger(TestLedger.config().usageLimits(limits).windowThresholds(80, 95));
        }

        private List<Integer> percents(TestLedger t) {
            return t.events(BalanceEvent.WindowThreshold.class).stream()
                    .map(BalanceEvent.WindowThreshold::percent)
                    .toList();
        }

        @Test
        void eachPercentage_firesOncePerWindow_notOnEveryRequest() {
            TestLedger t = ledger(UsageLimits.credits(Credits.of(100), null, null));

            t.charge("u", 50);
            t.charge("u", 30);
            t.charge("u", 5);
            t.charge("u", 10);
            t.charge("u", 10);
            t.charge("u", 1);

            assertThat(percents(t)).containsExactly(80, 95);
            assertThat(t.events(BalanceEvent.WindowThreshold.class).get(0))
                    .isEqualTo(new BalanceEvent.WindowThreshold(
                            "u",
                            T0,
                            80,
                            new WindowUsage(
                                    UsageWindow.DAILY,
                                    "2026-11-25",
                                    Credits.of(80),
                                    80,
                                    Credits.of(100),
                                    null,
                                    NEXT_DAY)));
        }

        @Test
        void aNewWindow_startsTheNotificationsAfresh() {
            TestLedger t = ledger(UsageLimits.credits(Credits.of(100), null, null));
            t.charge("u", 96);

            t.clock.set(NEXT_DAY);
            t.charge("u", 79);
            t.charge("u", 1);

            List<BalanceEvent.WindowThreshold> events = t.events(BalanceEvent.WindowThreshold.class);
            assertThat(events).extracting(BalanceEvent.WindowThreshold::percent).containsExactly(80, 95, 80);
            assertThat(events.get(2).usage().key()).isEqualTo("2026-11-26");
            assertThat(events.get(2).at()).isEqualTo(NEXT_DAY);
        }

        @Test
        void jumpingPastSeveralPercentages_firesEachInOrderAfterTheCharge() {
            TestLedger t = ledger(UsageLimits.credits(Credits.of(100), null, null));

            t.charge("u", 96);

            assertThat(t.events)
                    .extracting(e -> (Object) e.getClass())
                    .containsExactly(
                            BalanceEvent.Charged.class,
                            BalanceEvent.WindowThreshold.class,
                            BalanceEvent.WindowThreshold.class);
            assertThat(percents(t)).containsExactly(80, 95);
        }

        @Test
        void eachCappedWindow_isNotifiedOnItsOwn() {
            TestLedger t = ledger(UsageLimits.credits(Credits.of(100), Credits.of(200), null));
            t.charge("u", 80);
            t.clock.set(NEXT_DAY);

            t.charge("u", 80);

            assertThat(t.events(BalanceEvent.WindowThreshold.class))
                    .extracting(e -> e.usage().window(), e -> e.usage().spent(), BalanceEvent.WindowThreshold::percent)
                    .containsExactly(
                            tuple(UsageWindow.DAILY, Credits.of(80), 80),
                            tuple(UsageWindow.DAILY, Credits.of(80), 80),
                            tuple(UsageWindow.WEEKLY, Credits.of(160), 80));
        }

        @Test
        void tokenCap_passesPercentagesByTokens() {
            TestLedger t = ledger(UsageLimits.NONE.withTokens(null, null, 1000L));

            t.ledger.deduct(ChargeRequest.of("u", TestLedger.MODEL, Usage.of(500, 450)));

            assertThat(percents(t)).containsExactly(80, 95);
            assertThat(t.events(BalanceEvent.WindowThreshold.class)).allSatisfy(e -> {
                assertThat(e.usage().window()).isEqualTo(UsageWindow.MONTHLY);
                assertThat(e.usage().tokens()).isEqualTo(950);
                assertThat(e.usage().limit()).isNull();
            });
        }

        @Test
        void uncappedWindows_neverNotify() {
            TestLedger t = ledger(UsageLimits.NONE);

            t.charge("u", 999);

            assertThat(percents(t)).isEmpty();
        }
    }

    @Nested
    class Delivery {
        private final ManualClock clock = new ManualClock(T0);
        private final InMemoryBalanceStore store = new InMemoryBalanceStore();

        private BalanceLedger.Builder builder() {
            return BalanceLedger.builder()
                    .store(store)
                    .clock(clock)
                    .config(TestLedger.config()
                            .balanceThresholds(Credits.of(500))
                            .build());
        }

        @Test
        void throwingListener_doesNotFailTheOperation_andTheNextListenerStillGetsTheEvent() {
            List<LogRecord> logged = new CopyOnWriteArrayList<>();
            Handler capture = new Handler() {
                @Override
                public void publish(LogRecord r) {
                    logged.add(r);
                }

                @Override
                public void flush() {}

                @Override
                public void close() {}
            };
            Logger log = Logger.getLogger(BalanceLedger.class.getName());
            log.addHandler(capture);
            List<BalanceEvent> received = new CopyOnWriteArrayList<>();
            BlockingBalanceLedger ledger = builder()
                    .listener(e -> {
                        throw new IllegalStateException("listener bug");
                    })
                    .listener(e -> {
                        throw new AssertionError("listener error");
                    })
                    .listener(received::add)
                    .eventExecutor(Runnable::run)
                    .build()
                    .blocking();

            Receipt r;
            try {
                r = ledger.deduct(ChargeRequest.of("u", TestLedger.MODEL, Usage.of(600, 0)));
            } finally {
                log.removeHandler(capture);
            }

            assertThat(r.balance()).isEqualTo(Credits.of(400));
            assertThat(received)
                    .containsExactly(
                            new BalanceEvent.Charged("u", T0, r),
                            new BalanceEvent.BalanceBelow("u", T0, Credits.of(500), Credits.of(400)));
            assertThat(logged).hasSize(4).allSatisfy(rec -> {
                assertThat(rec.getLevel()).isEqualTo(Level.WARNING);
                assertThat(rec.getMessage()).startsWith("balance listener ").contains(" failed on ");
            });
            assertThat(logged)
                    .extracting(rec -> (Object) rec.getThrown().getClass())
                    .containsExactly(
                            IllegalStateException.class,
                            AssertionError.class,
                            IllegalStateException.class,
                            AssertionError.class);
        }

        @Test
        void executorThatRefusesEvents_doesNotFailTheOperation() {
            BlockingBalanceLedger ledger = builder()
                    .listener(e -> {})
                    .eventExecutor(task -> {
                        throw new RejectedExecutionException("queue full");
                    })
                    .build()
                    .blocking();

            Receipt r = ledger.deduct(ChargeRequest.of("u", TestLedger.MODEL, Usage.of(10, 0)));

            assertThat(r.balance()).isEqualTo(Credits.of(990));
        }

        @Test
        void listener_runsAfterTheStateIsStored() {
            List<Credits> storedWhenTold = new CopyOnWriteArrayList<>();
            BlockingBalanceLedger ledger = builder()
                    .listener(e -> storedWhenTold.add(store.load("u")
                            .blockOptional()
                            .orElseThrow()
                            .state()
                            .balance()))
                    .eventExecutor(Runnable::run)
                    .build()
                    .blocking();

            ledger.deduct(ChargeRequest.of("u", TestLedger.MODEL, Usage.of(600, 0)));

            assertThat(storedWhenTold).containsExactly(Credits.of(400), Credits.of(400));
        }

        @Test
        void byDefault_listenersRunOnTheLedgersEventThread_andASlowListenerDoesNotHoldTheOperation() throws Exception {
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<String> thread = new CompletableFuture<>();
            List<BalanceEvent> received = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> allDelivered = new CompletableFuture<>();
            BlockingBalanceLedger ledger = builder()
                    .listener(e -> {
                        thread.complete(Thread.currentThread().getName());
                        try {
                            release.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException ex) {
                            Thread.currentThread().interrupt();
                        }
                        received.add(e);
                        if (received.size() == 3) {
                            allDelivered.complete(null);
                        }
                    })
                    .build()
                    .blocking();

            Receipt first = ledger.deduct(ChargeRequest.of("u", TestLedger.MODEL, Usage.of(10, 0)));
            Receipt second = ledger.deduct(ChargeRequest.of("u", TestLedger.MODEL, Usage.of(590, 0)));
            String eventThread = thread.get(30, TimeUnit.SECONDS);
            boolean deliveredBeforeRelease = allDelivered.isDone();
            release.countDown();
            allDelivered.get(30, TimeUnit.SECONDS);

            assertThat(eventThread)
                    .isEqualTo("balancekit-events")
                    .isNotEqualTo(Thread.currentThread().getName());
            assertThat(deliveredBeforeRelease).isFalse();
            assertThat(received)
                    .containsExactly(
                            new BalanceEvent.Charged("u", T0, first),
                            new BalanceEvent.Charged("u", T0, second),
                            new BalanceEvent.BalanceBelow("u", T0, Credits.of(500), Credits.of(400)));
        }

        @Test
        void concurrentCharges_eachFireChargedOnce_lostCompareAndSetsFireNothing() throws Exception {
            List<BalanceEvent> received = new CopyOnWriteArrayList<>();
            BlockingBalanceLedger ledger = builder()
                    .listener(received::add)
                    .eventExecutor(Runnable::run)
                    .build()
                    .blocking();
            ledger.checkBalance("u", TestLedger.MODEL, 1, 0);
            int threads = 8;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                CyclicBarrier barrier = new CyclicBarrier(threads);
                List<Future<Receipt>> receipts = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    receipts.add(pool.submit(() -> {
                        barrier.await(10, TimeUnit.SECONDS);
                        return ledger.deduct(ChargeRequest.of("u", TestLedger.MODEL, Usage.of(70, 0)));
                    }));
                }
                Set<String> operations = new HashSet<>();
                for (Future<Receipt> f : receipts) {
                    operations.add(f.get(30, TimeUnit.SECONDS).operationId());
                }

                List<BalanceEvent.Charged> charged = received.stream()
                        .filter(BalanceEvent.Charged.class::isInstance)
                        .map(BalanceEvent.Charged.class::cast)
                        .toList();
                assertThat(charged)
                        .extracting(e -> e.receipt().operationId())
                        .containsExactlyInAnyOrderElementsOf(operations);
                assertThat(received)
                        .filteredOn(BalanceEvent.BalanceBelow.class::isInstance)
                        .hasSize(1);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** A replayed idempotent operation changes nothing, so it reports nothing. */
    @Nested
    class Replays {
        @Test
        void replayedCharge_firesNoEvents() {
            TestLedger t = ledger(TestLedger.config()
                    .balanceThresholds(Credits.of(500))
                    .usageLimits(UsageLimits.credits(Credits.of(1000), null, null))
                    .windowThresholds(50));
            ChargeRequest charge =
                    ChargeRequest.of("u", TestLedger.MODEL, Usage.of(600, 0)).withIdempotencyKey("k1");
            t.ledger.deduct(charge);
            List<BalanceEvent> first = List.copyOf(t.events);

            Receipt replay = t.ledger.deduct(charge);

            assertThat(replay.replay()).isTrue();
            assertThat(first)
                    .extracting(e -> (Object) e.getClass())
                    .containsExactly(
                            BalanceEvent.Charged.class,
                            BalanceEvent.WindowThreshold.class,
                            BalanceEvent.BalanceBelow.class);
            assertThat(t.events).isEqualTo(first);
        }

        @Test
        void replayedSettle_firesNoEvents() {
            TestLedger t = ledger(TestLedger.config());
            Reservation r = t.reserve("u", 10);
            t.settle("u", r.holdId(), 5);
            int before = t.events.size();

            Receipt replay = t.settle("u", r.holdId(), 5);

            assertThat(replay.replay()).isTrue();
            assertThat(t.events).hasSize(before);
        }

        @Test
        void replayedReservation_afterItsHoldExpired_firesNoEvents() {
            TestLedger t = ledger(TestLedger.config());
            BalanceRequest request =
                    BalanceRequest.of("u", TestLedger.MODEL, 10, 0).withIdempotencyKey("k1");
            Hold hold = t.ledger.reserve(request).hold();
            t.clock.set(hold.expiresAt());

            Reservation replay = t.ledger.reserve(request);

            assertThat(replay.replay()).isTrue();
            assertThat(t.events).isEmpty();
        }
    }
}
