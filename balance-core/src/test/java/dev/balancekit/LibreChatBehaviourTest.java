package dev.balancekit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The operator's choices where LibreChat behaves differently: each one written into the ledger. */
class LibreChatBehaviourTest {
    private static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");

    private static Credits sum(List<LedgerEntry> entries) {
        Credits s = Credits.ZERO;
        for (LedgerEntry e : entries) {
            s = s.plus(e.tokenValue());
        }
        return s;
    }

    @Nested
    class ClampAtZero {
        @Test
        void charge_beyondTheBalance_clampAtZero_stopsAtZero_andWritesTheRestOffAsItsOwnEntry() {
            TestLedger t = new TestLedger(
                    TestLedger.config().startBalance(Credits.of(100)).clampAtZero(true), T0);

            Receipt r = t.charge("u", 130);

            assertThat(r.balance()).isEqualTo(Credits.ZERO);
            LedgerEntry writeOff = t.entries("u", EntryContext.WRITE_OFF).get(0);
            assertThat(writeOff.tokenValue()).isEqualTo(Credits.of(30));
            assertThat(writeOff.tokenType()).isEqualTo(TokenType.CREDITS);
            assertThat(r.entries())
                    .extracting(LedgerEntry::context)
                    .containsExactly(EntryContext.MESSAGE, EntryContext.WRITE_OFF);
            assertThat(sum(t.entries("u"))).isEqualTo(t.view("u").balance());
        }

        @Test
        void charge_beyondTheBalance_byDefault_goesBelowZero_withoutAWriteOff() {
            TestLedger t = new TestLedger(TestLedger.config().startBalance(Credits.of(100)), T0);

            assertThat(t.charge("u", 130).balance()).isEqualTo(Credits.of(-30));
            assertThat(t.entries("u", EntryContext.WRITE_OFF)).isEmpty();
        }

        @Test
        void charge_thatFits_clampAtZero_writesNothingOff() {
            TestLedger t = new TestLedger(
                    TestLedger.config().startBalance(Credits.of(100)).clampAtZero(true), T0);

            assertThat(t.charge("u", 100).balance()).isEqualTo(Credits.ZERO);
            assertThat(t.entries("u", EntryContext.WRITE_OFF)).isEmpty();
        }

        @Test
        void charge_onABalanceAlreadyBelowZero_clampAtZero_neverRaisesIt() {
            TestLedger clamped = new TestLedger(TestLedger.config().clampAtZero(true), T0);
            clamped.ledger.setBalance(BalanceChange.of("u", Credits.of(-5)));

            Receipt r = clamped.charge("u", 10);

            assertThat(r.balance()).isEqualTo(Credits.of(-5));
            assertThat(clamped.entries("u", EntryContext.WRITE_OFF))
                    .extracting(LedgerEntry::tokenValue)
                    .containsExactly(Credits.of(10));
        }
    }

    @Nested
    class FirstRefill {
        private final Refill daily = new Refill(RefillMode.ADD, 1, RefillUnit.DAYS, Credits.of(500));

        @Test
        void newAccount_byDefault_waitsOneFullIntervalBeforeItsFirstRefill_asLibreChat() {
            TestLedger t = new TestLedger(
                    TestLedger.config().startBalance(Credits.of(100)).refill(daily), T0);

            BalanceDecision first = t.check("u", 300);

            assertThat(first.isAllowed()).isFalse();
            assertThat(first.refillAt()).isEqualTo(T0.plus(Duration.ofDays(1)));
            assertThat(t.entries("u", EntryContext.AUTO_REFILL)).isEmpty();
            t.clock.set(T0.plus(Duration.ofDays(1)));
            assertThat(t.check("u", 300).isAllowed()).isTrue();
            assertThat(t.entries("u", EntryContext.AUTO_REFILL)).hasSize(1);
        }

        @Test
        void newAccount_resetRefill_setsTheFirstPeriodsBalanceAtOnce_evenWithTheDefault() {
            TestLedger t = new TestLedger(
                    TestLedger.config()
                            .startBalance(Credits.ZERO)
                            .refill(new Refill(RefillMode.RESET, 1, RefillUnit.WEEKS, Credits.of(1000))),
                    T0);

            assertThat(t.check("u", 300).isAllowed()).isTrue();
            assertThat(t.view("u").balance()).isEqualTo(Credits.of(1000));
        }

        @Test
        void newAccount_firstRefillAfterIntervalOff_isRefilledAtOnce() {
            TestLedger t = new TestLedger(
                    TestLedger.config()
                            .startBalance(Credits.of(100))
                            .refill(daily)
                            .firstRefillAfterInterval(false),
                    T0);

            assertThat(t.check("u", 300).isAllowed()).isTrue();
            assertThat(t.entries("u", EntryContext.AUTO_REFILL)).hasSize(1);
        }
    }

    @Nested
    class Metering {
        @Test
        void metering_recordsChargesAtTheirRealValue_whileBalancesAreDisabled() {
            TestLedger t = new TestLedger(TestLedger.config().enabled(false).metering(true), T0);

            Receipt r = t.charge("u", 40);

            assertThat(r.entries()).extracting(LedgerEntry::tokenValue).containsExactly(Credits.of(-40));
            assertThat(r.balance()).isEqualTo(Credits.of(-40));
            assertThat(sum(t.entries("u"))).isEqualTo(Credits.of(-40));
        }

        @Test
        void disabledWithoutMetering_recordsChargesAtZero() {
            TestLedger t = new TestLedger(TestLedger.config().enabled(false), T0);

            assertThat(t.charge("u", 40).entries())
                    .extracting(LedgerEntry::tokenValue)
                    .containsExactly(Credits.ZERO);
        }

        @Test
        void metering_neverRefuses_evenBeyondTheBalance() {
            TestLedger t = new TestLedger(
                    TestLedger.config().startBalance(Credits.of(10)).metering(true), T0);

            assertThat(t.check("u", 1_000).isAllowed()).isTrue();
            assertThat(t.reserve("u", 1_000).isAllowed()).isTrue();
            assertThat(t.charge("u", 1_000).balance()).isEqualTo(Credits.of(-990));
        }
    }
}
