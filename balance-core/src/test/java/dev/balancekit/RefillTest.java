package dev.balancekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Auto-refill in the ledger: what each mode does and when. Every model costs one credit per token;
 * refills are daily from the first one, which happens on 2026-01-15 at 10:00 UTC.
 */
class RefillTest {

    private static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");
    private static final Instant DAY1 = T0.plus(Duration.ofDays(1));
    private static final Instant DAY2 = T0.plus(Duration.ofDays(2));

    private static Refill daily(RefillMode mode, long amount) {
        return new Refill(mode, 1, RefillUnit.DAYS, Credits.of(amount));
    }

    private static TestLedger ledger(long startBalance, Refill refill) {
        return new TestLedger(
                TestLedger.config()
                        .startBalance(Credits.of(startBalance))
                        .firstRefillAfterInterval(false)
                        .refill(refill),
                T0);
    }

    private static List<Credits> refills(TestLedger t) {
        return t.entries("u", EntryContext.AUTO_REFILL).stream()
                .map(LedgerEntry::tokenValue)
                .toList();
    }

    /** LibreChat's mode: add the amount when due and the request would exhaust the balance. */
    @Nested
    class Add {
        @Test
        void add_requestThatLeavesSomething_doesNotRefillEvenWhenDue() {
            TestLedger t = ledger(100, daily(RefillMode.ADD, 500));

            BalanceDecision d = t.check("u", 99);

            assertThat(d.isAllowed()).isTrue();
            assertThat(d.balance()).isEqualTo(Credits.of(100));
            assertThat(d.refillAt()).isEqualTo(T0);
            assertThat(refills(t)).isEmpty();
        }

        @Test
        void add_requestThatWouldLeaveExactlyZero_refills_asLibreChatsBalanceMinusCostAtMostZero() {
            TestLedger t = ledger(100, daily(RefillMode.ADD, 500));

            BalanceDecision d = t.check("u", 100);

            assertThat(d.isAllowed()).isTrue();
            assertThat(d.balance()).isEqualTo(Credits.of(600));
            assertThat(d.refillAt()).isEqualTo(DAY1);
            assertThat(refills(t)).containsExactly(Credits.of(500));
        }

        @ParameterizedTest(name = "balance 200, minimum 50, cost {0} -> refill {1}")
        @CsvSource({"149, false", "150, true", "151, true"})
        void add_withAMinimumBalance_refillsWhenTheRequestWouldLeaveTheMinimumOrLess(long cost, boolean refills) {
            TestLedger t = new TestLedger(
                    TestLedger.config()
                            .startBalance(Credits.of(200))
                            .minBalance(Credits.of(50))
                            .firstRefillAfterInterval(false)
                            .refill(daily(RefillMode.ADD, 500)),
                    T0);

            BalanceDecision d = t.check("u", cost);

            assertThat(d.isAllowed()).isTrue();
            assertThat(refills(t)).hasSize(refills ? 1 : 0);
        }

        @Test
        void add_requestThatDoesNotFit_refillsThenAllows() {
            TestLedger t = ledger(100, daily(RefillMode.ADD, 500));

            Reservation r = t.reserve("u", 300);

            assertThat(r.isAllowed()).isTrue();
            assertThat(r.decision().balance()).isEqualTo(Credits.of(600));
            assertThat(r.decision().available()).isEqualTo(Credits.of(600));
            assertThat(t.view("u").available()).isEqualTo(Credits.of(300));
        }

        @Test
        void add_refillThatStillDoesNotCover_isKept_andTheRequestIsDenied() {
            TestLedger t = ledger(0, daily(RefillMode.ADD, 500));

            BalanceDecision d = t.check("u", 600);

            assertThat(d.reason()).isEqualTo(DenialReason.INSUFFICIENT_BALANCE);
            assertThat(d.balance()).isEqualTo(Credits.of(500));
            assertThat(d.refillAt()).isEqualTo(DAY1);
            assertThat(d.payload())
                    .containsExactly(
                            entry("type", "token_balance"), entry("balance", new BigDecimal("500")),
                            entry("tokenCost", new BigDecimal("600")), entry("promptTokens", 600L),
                            entry("refillAt", "2026-01-16T10:00:00Z"), entry("reason", "insufficient_balance"));
            assertThat(t.view("u").balance()).isEqualTo(Credits.of(500));
        }

        @Test
        void add_notDueYet_deniesWithRefillAt_thenRefillsWhenDue() {
            TestLedger t = ledger(0, daily(RefillMode.ADD, 500));
            t.check("u", 1);
            t.charge("u", 500);

            t.clock.set(DAY1.minusMillis(1));
            BalanceDecision early = t.check("u", 1);
            t.clock.set(DAY1);
            BalanceDecision due = t.check("u", 1);

            assertThat(early.reason()).isEqualTo(DenialReason.INSUFFICIENT_BALANCE);
            assertThat(early.refillAt()).isEqualTo(DAY1);
            assertThat(due.isAllowed()).isTrue();
            assertThat(due.balance()).isEqualTo(Credits.of(500));
            assertThat(due.refillAt()).isEqualTo(DAY2);
            assertThat(refills(t)).containsExactly(Credits.of(500), Credits.of(500));
        }

        @Test
        void add_neverRefillsOnChargesAdminChangesOrViews() {
            TestLedger t = ledger(100, daily(RefillMode.ADD, 500));
            t.charge("u", 150);
            t.ledger.addBalance(BalanceChange.of("u", Credits.of(10)));

            AccountView v = t.view("u");

            assertThat(v.balance()).isEqualTo(Credits.of(-40));
            assertThat(v.refillAt()).isEqualTo(T0);
            assertThat(refills(t)).isEmpty();
            assertThat(t.check("u", 1).balance()).isEqualTo(Credits.of(460));
        }

        @Test
        void add_afterSeveralMissedPeriods_addsOnce() {
            TestLedger t = ledger(0, daily(RefillMode.ADD, 500));
            t.check("u", 1);
            t.charge("u", 500);
            t.clock.set(T0.plus(Duration.ofDays(10)).plusSeconds(3600));

            BalanceDecision d = t.check("u", 1);

            assertThat(d.balance()).isEqualTo(Credits.of(500));
            assertThat(d.refillAt()).isEqualTo(T0.plus(Duration.ofDays(11)));
            assertThat(refills(t)).containsExactly(Credits.of(500), Credits.of(500));
        }
    }

    @Nested
    class Reset {
        @Test
        void reset_setsTheBalanceToTheAmount_downAsWellAsUp() {
            TestLedger t = ledger(1000, daily(RefillMode.RESET, 100));
            assertThat(t.check("u", 10).balance()).isEqualTo(Credits.of(100));
            t.charge("u", 30);
            t.ledger.addBalance(BalanceChange.of("u", Credits.of(500)));

            t.clock.set(DAY1);
            BalanceDecision d = t.check("u", 10);
            t.charge("u", 40);
            t.clock.set(DAY2);
            t.check("u", 10);

            assertThat(d.balance()).isEqualTo(Credits.of(100));
            assertThat(refills(t)).containsExactly(Credits.of(-900), Credits.of(-470), Credits.of(40));
            assertThat(t.view("u").balance()).isEqualTo(Credits.of(100));
        }

        @Test
        void reset_appliesOnACharge_beforeTheChargesOwnEntries() {
            TestLedger t = ledger(0, daily(RefillMode.RESET, 100));
            t.charge("u", 70);
            t.clock.set(DAY1);

            Receipt r = t.charge("u", 20);

            assertThat(r.balance()).isEqualTo(Credits.of(80));
            assertThat(r.entries()).extracting(LedgerEntry::context).containsExactly(EntryContext.MESSAGE);
            assertThat(t.entries("u"))
                    .extracting(LedgerEntry::context)
                    .containsExactly(
                            EntryContext.AUTO_REFILL,
                            EntryContext.MESSAGE,
                            EntryContext.AUTO_REFILL,
                            EntryContext.MESSAGE);
        }

        @Test
        void reset_appliesOnAdminChanges_andReservations() {
            TestLedger t = ledger(0, daily(RefillMode.RESET, 100));
            t.charge("u", 70);
            t.clock.set(DAY1);
            Receipt added = t.ledger.addBalance(BalanceChange.of("u", Credits.of(5)));
            t.clock.set(DAY2);
            Reservation r = t.reserve("u", 10);

            assertThat(added.balance()).isEqualTo(Credits.of(105));
            assertThat(r.decision().balance()).isEqualTo(Credits.of(100));
            assertThat(refills(t)).containsExactly(Credits.of(100), Credits.of(70), Credits.of(-5));
        }

        @Test
        void reset_dueRefill_showsInTheViewAndInUsage_withoutAWrite() {
            TestLedger t = ledger(0, daily(RefillMode.RESET, 100));
            t.charge("u", 70);
            long version = t.version("u");
            t.clock.set(DAY1);

            AccountView v = t.view("u");
            t.ledger.usage("u");

            assertThat(v.balance()).isEqualTo(Credits.of(100));
            assertThat(v.refillAt()).isEqualTo(DAY2);
            assertThat(t.version("u")).isEqualTo(version);
            assertThat(refills(t)).containsExactly(Credits.of(100));
        }

        @Test
        void reset_dueRefill_onACheck_isWritten() {
            TestLedger t = ledger(0, daily(RefillMode.RESET, 100));
            t.charge("u", 70);
            long version = t.version("u");
            t.clock.set(DAY1);

            t.check("u", 1);

            assertThat(t.version("u")).isEqualTo(version + 1);
            assertThat(t.stored("u").balance()).isEqualTo(Credits.of(100));
            assertThat(t.stored("u").lastRefill()).isEqualTo(DAY1);
        }
    }

    @Nested
    class TopUp {
        @Test
        void topUp_raisesTheBalanceToTheAmount_onlyWhenBelowIt() {
            TestLedger t = ledger(0, daily(RefillMode.TOP_UP, 100));
            t.charge("u", 30);
            t.clock.set(DAY1);
            t.charge("u", 0);
            assertThat(t.view("u").balance()).isEqualTo(Credits.of(100));

            t.ledger.addBalance(BalanceChange.of("u", Credits.of(200)));
            t.clock.set(DAY2);
            BalanceDecision above = t.check("u", 1);

            assertThat(above.balance()).isEqualTo(Credits.of(300));
            assertThat(above.refillAt()).isEqualTo(T0.plus(Duration.ofDays(3)));
            assertThat(refills(t)).containsExactly(Credits.of(100), Credits.of(30));
        }

        @Test
        void topUp_dueWhileAboveTheAmount_usesUpThePeriod_soALaterDropWaitsForTheNext() {
            TestLedger t = ledger(300, daily(RefillMode.TOP_UP, 100));
            t.check("u", 1);
            t.clock.set(DAY1.plusSeconds(60));
            t.charge("u", 250);

            AccountView sameDay = t.view("u");
            t.clock.set(DAY2);
            AccountView nextDay = t.view("u");

            assertThat(sameDay.balance()).isEqualTo(Credits.of(50));
            assertThat(nextDay.balance()).isEqualTo(Credits.of(100));
            assertThat(refills(t)).isEmpty();
        }
    }

    @Nested
    class WhenItHappens {
        @ParameterizedTest
        @EnumSource(RefillMode.class)
        void zeroAmount_neverRefills_andHasNoRefillAt(RefillMode mode) {
            TestLedger t = ledger(10, daily(mode, 0));
            t.charge("u", 50);
            t.clock.set(T0.plus(Duration.ofDays(5)));

            BalanceDecision d = t.check("u", 1);

            assertThat(d.reason()).isEqualTo(DenialReason.INSUFFICIENT_BALANCE);
            assertThat(d.balance()).isEqualTo(Credits.of(-40));
            assertThat(d.refillAt()).isNull();
            assertThat(d.payload()).doesNotContainKey("refillAt");
            assertThat(t.view("u").refillAt()).isNull();
            assertThat(refills(t)).isEmpty();
        }

        @ParameterizedTest
        @EnumSource(
                value = RefillMode.class,
                names = {"RESET", "TOP_UP"})
        void accountWithoutALastRefill_isRefilledOnItsFirstOperation(RefillMode mode) {
            TestLedger t = ledger(0, daily(mode, 100));

            Receipt r = t.charge("u", 1);

            assertThat(r.balance()).isEqualTo(Credits.of(99));
            assertThat(t.stored("u").lastRefill()).isEqualTo(T0);
            assertThat(t.stored("u").refillAnchor()).isEqualTo(T0);
            assertThat(t.view("u").refillAt()).isEqualTo(DAY1);
        }

        @Test
        void refillEntry_isACreditsEntryWithContextAutoRefill_notedWithTheMode() {
            TestLedger t = ledger(0, daily(RefillMode.TOP_UP, 100));
            t.check("u", 1);

            LedgerEntry e = t.entries("u", EntryContext.AUTO_REFILL).get(0);

            assertThat(e.tokenType()).isEqualTo(TokenType.CREDITS);
            assertThat(e.tokenValue()).isEqualTo(Credits.of(100));
            assertThat(e.rawAmount()).isEqualTo(100_000_000);
            assertThat(e.balance()).isEqualTo(Credits.of(100));
            assertThat(e.createdAt()).isEqualTo(T0);
            assertThat(e.note()).isEqualTo("topUp");
            assertThat(e.model()).isNull();
            assertThat(e.actor()).isNull();
        }

        @Test
        void disabledLedger_neverRefills() {
            TestLedger t = new TestLedger(
                    TestLedger.config()
                            .enabled(false)
                            .firstRefillAfterInterval(false)
                            .refill(daily(RefillMode.RESET, 100)),
                    T0);
            t.check("u", 1);

            assertThat(t.view("u").refillAt()).isNull();
            assertThat(refills(t)).isEmpty();
        }

        @Test
        void replayedReservation_doesNotRefill() {
            TestLedger t = ledger(0, daily(RefillMode.RESET, 100));
            BalanceRequest request =
                    BalanceRequest.of("u", TestLedger.MODEL, 10, 0).withIdempotencyKey("k1");
            t.ledger.reserve(request);
            t.clock.set(DAY1);

            Reservation replay = t.ledger.reserve(request);

            assertThat(replay.replay()).isTrue();
            assertThat(refills(t)).hasSize(1);
        }
    }

    /** One refill per due period, also when many requests arrive at once: compare-and-set decides. */
    @Nested
    class Concurrency {
        private static final int THREADS = 8;
        private static final int PERIODS = 5;

        @ParameterizedTest
        @EnumSource(RefillMode.class)
        void eightThreadsCheckingAtOnce_getExactlyOneRefillPerPeriod(RefillMode mode) throws Exception {
            TestLedger t = ledger(0, daily(mode, 100));
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                List<Instant> periods = new ArrayList<>();
                for (int p = 0; p < PERIODS; p++) {
                    Instant start = T0.plus(Duration.ofDays(p)).plusSeconds(p * 977L);
                    t.clock.set(start);
                    periods.add(start);
                    CyclicBarrier barrier = new CyclicBarrier(THREADS);
                    List<Future<BalanceDecision>> decisions = new ArrayList<>();
                    for (int i = 0; i < THREADS; i++) {
                        decisions.add(pool.submit(() -> {
                            barrier.await(10, TimeUnit.SECONDS);
                            return t.check("u", 1);
                        }));
                    }
                    for (Future<BalanceDecision> f : decisions) {
                        assertThat(f.get(30, TimeUnit.SECONDS).isAllowed()).isTrue();
                    }
                    // spend it all, so that ADD has a shortfall to refill in the next period
                    t.ledger.setBalance(BalanceChange.of("u", Credits.ZERO));
                }

                assertThat(t.entries("u", EntryContext.AUTO_REFILL))
                        .extracting(LedgerEntry::createdAt)
                        .containsExactlyElementsOf(periods);
                assertThat(refills(t)).containsOnly(Credits.of(100));
                assertThat(t.events(BalanceEvent.Refilled.class)).hasSize(PERIODS);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Nested
    class Validation {
        @ParameterizedTest
        @ValueSource(longs = {0, -1, Long.MIN_VALUE})
        void intervalNotPositive_isRejectedNamingTheValue(long value) {
            assertThatThrownBy(() -> new Refill(RefillMode.ADD, value, RefillUnit.DAYS, Credits.of(1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("refillIntervalValue must be positive, was " + value);
        }

        @Test
        void intervalAboveAMillion_isRejected() {
            assertThatThrownBy(() -> new Refill(RefillMode.ADD, 1_000_001, RefillUnit.SECONDS, Credits.of(1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("refillIntervalValue must be at most 1000000, was 1000001");
        }

        @Test
        void negativeAmount_isRejectedNamingTheValue() {
            assertThatThrownBy(() -> new Refill(RefillMode.ADD, 1, RefillUnit.DAYS, Credits.of(-1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("refillAmount must be zero or more, was -1");
            assertThatThrownBy(() -> new Refill(RefillMode.RESET, 1, RefillUnit.DAYS, Credits.ofMicros(-1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("refillAmount must be zero or more, was -0.000001");
        }

        @Test
        void missingModeUnitOrAmount_isRejectedNamingIt() {
            assertThatThrownBy(() -> new Refill(null, 1, RefillUnit.DAYS, Credits.of(1)))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessage("mode");
            assertThatThrownBy(() -> new Refill(RefillMode.ADD, 1, null, Credits.of(1)))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessage("unit");
            assertThatThrownBy(() -> new Refill(RefillMode.ADD, 1, RefillUnit.DAYS, null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessage("amount");
        }

        @ParameterizedTest
        @ValueSource(strings = {"fortnights", "Days", "day", ""})
        void unknownUnit_isRejectedListingTheAllowedOnes(String name) {
            assertThatThrownBy(() -> RefillUnit.fromConfigName(name))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("refillIntervalUnit must be one of seconds, minutes, hours, days, weeks, months, was '"
                            + name + "'");
        }

        @Test
        void units_areReadByTheirLibreChatNames() {
            assertThat(List.of("seconds", "minutes", "hours", "days", "weeks", "months"))
                    .extracting(RefillUnit::fromConfigName)
                    .containsExactly(RefillUnit.values());
            for (RefillUnit u : RefillUnit.values()) {
                assertThat(RefillUnit.fromConfigName(u.configName())).isSameAs(u);
            }
        }

        @Test
        void unknownMode_isRejectedListingTheAllowedOnes() {
            assertThatThrownBy(() -> RefillMode.fromConfigName("topup"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("refillMode must be one of add, reset, topUp, was 'topup'");
        }

        @Test
        void modes_areReadByTheirConfigNames() {
            assertThat(List.of("add", "reset", "topUp"))
                    .extracting(RefillMode::fromConfigName)
                    .containsExactly(RefillMode.ADD, RefillMode.RESET, RefillMode.TOP_UP);
        }
    }
}
