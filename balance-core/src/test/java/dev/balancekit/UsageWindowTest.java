package dev.balancekit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancekit.spi.WindowState;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Calendar windows: their keys, when they reset, and where usage lands at the boundary, to the millisecond. */
class UsageWindowTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @Nested
    class Keys {
        @ParameterizedTest(name = "{0} {1} -> {2}")
        @CsvSource({
            "DAILY, 2026-11-27, 2026-11-27",
            "DAILY, 2028-02-29, 2028-02-29",
            "WEEKLY, 2025-12-29, 2026-W01",
            "WEEKLY, 2026-01-01, 2026-W01",
            "WEEKLY, 2026-11-27, 2026-W48",
            "WEEKLY, 2026-12-28, 2026-W53",
            "WEEKLY, 2026-12-31, 2026-W53",
            "WEEKLY, 2027-01-01, 2026-W53",
            "WEEKLY, 2027-01-03, 2026-W53",
            "WEEKLY, 2027-01-04, 2027-W01",
            "WEEKLY, 2028-01-01, 2027-W52",
            "MONTHLY, 2026-01-05, 2026-01",
            "MONTHLY, 2026-12-31, 2026-12",
            "MONTHLY, 2027-01-01, 2027-01"
        })
        void keyOf_namesTheDayTheIsoWeekOrTheMonth(UsageWindow window, LocalDate date, String key) {
            assertThat(window.keyOf(date)).isEqualTo(key);
        }

        @Test
        void keyOf_isTheSameWhateverTheHostsLocaleWritesDigitsIn() {
            Locale saved = Locale.getDefault(Locale.Category.FORMAT);
            try {
                Locale.setDefault(Locale.Category.FORMAT, Locale.forLanguageTag("ar-SA"));

                assertThat(UsageWindow.WEEKLY.keyOf(LocalDate.of(2026, 12, 31))).isEqualTo("2026-W53");
                assertThat(UsageWindow.MONTHLY.keyOf(LocalDate.of(2026, 2, 1))).isEqualTo("2026-02");
            } finally {
                Locale.setDefault(Locale.Category.FORMAT, saved);
            }
        }
    }

    @Nested
    class ResetsAt {
        @ParameterizedTest(name = "{0} {1} in {2} -> {3}")
        @CsvSource({
            "DAILY, 2026-11-27, UTC, 2026-11-28T00:00:00Z",
            "WEEKLY, 2026-11-27, UTC, 2026-11-30T00:00:00Z",
            "WEEKLY, 2026-11-29, UTC, 2026-11-30T00:00:00Z",
            "WEEKLY, 2026-11-30, UTC, 2026-12-07T00:00:00Z",
            "WEEKLY, 2026-12-31, UTC, 2027-01-04T00:00:00Z",
            "MONTHLY, 2026-12-15, UTC, 2027-01-01T00:00:00Z",
            "MONTHLY, 2028-02-29, UTC, 2028-03-01T00:00:00Z",
            "DAILY, 2026-11-27, America/New_York, 2026-11-28T05:00:00Z",
            "DAILY, 2026-07-01, America/New_York, 2026-07-02T04:00:00Z",
            "DAILY, 2026-11-27, Asia/Kolkata, 2026-11-27T18:30:00Z",
            "DAILY, 2026-03-28, Europe/Berlin, 2026-03-28T23:00:00Z",
            "DAILY, 2026-03-29, Europe/Berlin, 2026-03-29T22:00:00Z",
            "DAILY, 2026-10-25, Europe/Berlin, 2026-10-25T23:00:00Z",
            "WEEKLY, 2026-03-26, Europe/Berlin, 2026-03-29T22:00:00Z",
            "MONTHLY, 2026-03-10, Europe/Berlin, 2026-03-31T22:00:00Z",
            "MONTHLY, 2026-10-10, Europe/Berlin, 2026-10-31T23:00:00Z"
        })
        void resetsAt_isTheStartOfTheNextWindowInTheZone(
                UsageWindow window, LocalDate date, ZoneId zone, Instant expected) {
            assertThat(window.resetsAt(date, zone)).isEqualTo(expected);
        }

        @Test
        void resetsAt_onADayThatStartsAt1BecauseOfDst_isThatDaysFirstInstant() {
            // Cuba moves its clocks at midnight: 2026-03-08 starts at 01:00 CDT
            assertThat(UsageWindow.DAILY.resetsAt(LocalDate.of(2026, 3, 7), ZoneId.of("America/Havana")))
                    .isEqualTo("2026-03-08T05:00:00Z");
        }
    }

    /** Where usage lands, through the ledger. */
    @Nested
    class Boundaries {
        private TestLedger ledger(ZoneId zone, UsageLimits limits, Instant start) {
            return new TestLedger(TestLedger.config().zone(zone).usageLimits(limits), start);
        }

        private UsageLimits cap(UsageWindow window, long credits) {
            Credits c = Credits.of(credits);
            return switch (window) {
                case DAILY -> UsageLimits.credits(c, null, null);
                case WEEKLY -> UsageLimits.credits(null, c, null);
                case MONTHLY -> UsageLimits.credits(null, null, c);
            };
        }

        @ParameterizedTest(name = "{0} in {1}: last ms {2}")
        @CsvSource({
            "DAILY, UTC, 2026-11-27T23:59:59.999Z, 2026-11-27, 2026-11-28",
            "WEEKLY, UTC, 2026-11-29T23:59:59.999Z, 2026-W48, 2026-W49",
            "MONTHLY, UTC, 2026-11-30T23:59:59.999Z, 2026-11, 2026-12",
            "WEEKLY, UTC, 2027-01-03T23:59:59.999Z, 2026-W53, 2027-W01",
            "DAILY, Europe/Berlin, 2026-11-27T22:59:59.999Z, 2026-11-27, 2026-11-28",
            "DAILY, Europe/Berlin, 2026-03-29T21:59:59.999Z, 2026-03-29, 2026-03-30",
            "WEEKLY, Europe/Berlin, 2026-11-29T22:59:59.999Z, 2026-W48, 2026-W49",
            "MONTHLY, Europe/Berlin, 2026-11-30T22:59:59.999Z, 2026-11, 2026-12",
            "DAILY, America/New_York, 2026-11-28T04:59:59.999Z, 2026-11-27, 2026-11-28",
            "MONTHLY, America/New_York, 2026-04-01T03:59:59.999Z, 2026-03, 2026-04"
        })
        void usageAtTheLastMillisecond_countsInTheOldWindow_andAtTheNextInTheNew(
                UsageWindow window, ZoneId zone, Instant lastMs, String oldKey, String newKey) {
            Instant firstMs = lastMs.plusMillis(1);
            TestLedger t = ledger(zone, cap(window, 100), lastMs.minusSeconds(60));
            t.charge("u", 60);

            t.clock.set(lastMs);
            t.charge("u", 10);
            WindowUsage old = t.usage("u", window);
            BalanceDecision deniedInOld = t.check("u", 31);
            t.clock.set(firstMs);
            BalanceDecision allowedInNew = t.check("u", 31);
            t.charge("u", 5);

            assertThat(old.key()).isEqualTo(oldKey);
            assertThat(old.spent()).isEqualTo(Credits.of(70));
            assertThat(old.resetsAt()).isEqualTo(firstMs);
            assertThat(deniedInOld.reason())
                    .isEqualTo(
                            window == UsageWindow.DAILY
                                    ? DenialReason.DAILY_LIMIT
                                    : window == UsageWindow.WEEKLY
                                            ? DenialReason.WEEKLY_LIMIT
                                            : DenialReason.MONTHLY_LIMIT);
            assertThat(deniedInOld.window().resetsAt()).isEqualTo(firstMs);
            assertThat(allowedInNew.isAllowed()).isTrue();
            WindowUsage fresh = t.usage("u", window);
            assertThat(fresh.key()).isEqualTo(newKey);
            assertThat(fresh.spent()).isEqualTo(Credits.of(5));
        }

        @Test
        void dailyLimit_inNewYork_countsTheLocalDay_notTheUtcDay() {
            UsageLimits daily100 = UsageLimits.credits(Credits.of(100), null, null);
            // 2026-11-28T03:00Z is still 2026-11-27 22:00 in New York
            TestLedger t = ledger(NEW_YORK, daily100, Instant.parse("2026-11-27T15:00:00Z"));
            t.charge("u", 80);
            t.clock.set(Instant.parse("2026-11-28T03:00:00Z"));

            BalanceDecision d = t.check("u", 21);

            assertThat(d.reason()).isEqualTo(DenialReason.DAILY_LIMIT);
            assertThat(d.window())
                    .isEqualTo(new WindowUsage(
                            UsageWindow.DAILY,
                            "2026-11-27",
                            Credits.of(80),
                            80,
                            Credits.of(100),
                            null,
                            Instant.parse("2026-11-28T05:00:00Z")));
            assertThat(d.message())
                    .isEqualTo("Daily usage limit reached: used 80 of 100 credits. Resets at 2026-11-28T05:00:00Z.");
        }

        @Test
        void windowsRollOverByThemselves_andTheAccountKeepsOnlyTheCurrentOnes() {
            TestLedger t = ledger(BERLIN, UsageLimits.NONE, Instant.parse("2026-11-30T12:00:00Z"));
            t.charge("u", 10);
            assertThat(t.stored("u").windows())
                    .containsExactly(
                            new WindowState(UsageWindow.DAILY, "2026-11-30", 10_000_000, 10, 0),
                            new WindowState(UsageWindow.WEEKLY, "2026-W49", 10_000_000, 10, 0),
                            new WindowState(UsageWindow.MONTHLY, "2026-11", 10_000_000, 10, 0));

            // 2026-11-30T23:00Z is 2026-12-01 00:00 in Berlin: a new day and month, the same week
            t.clock.set(Instant.parse("2026-11-30T23:00:00Z"));
            t.charge("u", 7);

            assertThat(t.stored("u").windows())
                    .containsExactly(
                            new WindowState(UsageWindow.DAILY, "2026-12-01", 7_000_000, 7, 0),
                            new WindowState(UsageWindow.WEEKLY, "2026-W49", 17_000_000, 17, 0),
                            new WindowState(UsageWindow.MONTHLY, "2026-12", 7_000_000, 7, 0));
        }

        @Test
        void aStoredWindowFromAnEarlierDay_readsAsZeroWithoutAnyWrite() {
            TestLedger t = ledger(
                    ZoneOffset.UTC,
                    UsageLimits.credits(Credits.of(100), null, null),
                    Instant.parse("2026-11-27T12:00:00Z"));
            t.charge("u", 90);
            long version = t.version("u");

            t.clock.set(Instant.parse("2026-11-28T00:00:00Z"));
            WindowUsage daily = t.usage("u", UsageWindow.DAILY);
            BalanceDecision d = t.check("u", 100);

            assertThat(daily.key()).isEqualTo("2026-11-28");
            assertThat(daily.spent()).isEqualTo(Credits.ZERO);
            assertThat(daily.tokens()).isZero();
            assertThat(d.isAllowed()).isTrue();
            assertThat(t.version("u")).isEqualTo(version);
        }
    }
}
