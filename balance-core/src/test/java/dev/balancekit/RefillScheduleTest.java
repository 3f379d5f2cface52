package dev.balancekit;

import static dev.balancekit.property.Property.forAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.balancekit.property.Gen;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * When refill periods start: {@code anchor + k * interval}, computed from the anchor each time, in
 * calendar terms in the configured zone for days, weeks and months.
 */
class RefillScheduleTest {

    private static final ZoneId UTC = ZoneOffset.UTC;
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final Duration MS = Duration.ofMillis(1);

    private static Refill every(long value, RefillUnit unit) {
        return new Refill(RefillMode.RESET, value, unit, Credits.of(100));
    }

    private static Instant local(ZoneId zone, String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(zone).toInstant();
    }

    private static List<Instant> starts(Refill refill, Instant anchor, int count, ZoneId zone) {
        List<Instant> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            out.add(refill.periodStart(anchor, k, zone));
        }
        return out;
    }

    @Nested
    class MonthEnds {
        @ParameterizedTest(name = "{0}")
        @CsvSource({"2027, 28", "2028, 29"})
        void monthly_fromJanuary31_clampsToTheEndOfFebruaryThenReturnsToThe31st(int year, int lastOfFebruary) {
            Instant anchor = Instant.parse(year + "-01-31T10:00:00Z");

            assertThat(starts(every(1, RefillUnit.MONTHS), anchor, 7, UTC))
                    .containsExactly(
                            anchor,
                            Instant.parse(year + "-02-" + lastOfFebruary + "T10:00:00Z"),
                            Instant.parse(year + "-03-31T10:00:00Z"),
                            Instant.parse(year + "-04-30T10:00:00Z"),
                            Instant.parse(year + "-05-31T10:00:00Z"),
                            Instant.parse(year + "-06-30T10:00:00Z"),
                            Instant.parse(year + "-07-31T10:00:00Z"));
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource({"2027, 28", "2028, 29"})
        void monthly_fromJanuary31_periodChangesExactlyAtTheClampedStart(int year, int lastOfFebruary) {
            Refill monthly = every(1, RefillUnit.MONTHS);
            Instant anchor = Instant.parse(year + "-01-31T10:00:00Z");
            Instant february = Instant.parse(year + "-02-" + lastOfFebruary + "T10:00:00Z");
            Instant march = Instant.parse(year + "-03-31T10:00:00Z");

            assertThat(monthly.periodAt(anchor, february.minus(MS), UTC)).isZero();
            assertThat(monthly.periodAt(anchor, february, UTC)).isEqualTo(1);
            assertThat(monthly.periodAt(anchor, march.minus(MS), UTC)).isEqualTo(1);
            assertThat(monthly.periodAt(anchor, march, UTC)).isEqualTo(2);
        }

        @Test
        void monthly_fromFebruary29_returnsToThe29thInTheNextLeapYear() {
            Refill monthly = every(1, RefillUnit.MONTHS);
            Instant anchor = Instant.parse("2028-02-29T00:00:00Z");

            assertThat(monthly.periodStart(anchor, 1, UTC)).isEqualTo("2028-03-29T00:00:00Z");
            assertThat(monthly.periodStart(anchor, 12, UTC)).isEqualTo("2029-02-28T00:00:00Z");
            assertThat(monthly.periodStart(anchor, 13, UTC)).isEqualTo("2029-03-29T00:00:00Z");
            assertThat(monthly.periodStart(anchor, 48, UTC)).isEqualTo("2032-02-29T00:00:00Z");
        }

        @Test
        void everyTwoMonths_fromAugust31_clampsEachPeriodOnItsOwn() {
            Instant anchor = Instant.parse("2027-08-31T12:00:00Z");

            assertThat(starts(every(2, RefillUnit.MONTHS), anchor, 7, UTC))
                    .containsExactly(
                            anchor,
                            Instant.parse("2027-10-31T12:00:00Z"),
                            Instant.parse("2027-12-31T12:00:00Z"),
                            Instant.parse("2028-02-29T12:00:00Z"),
                            Instant.parse("2028-04-30T12:00:00Z"),
                            Instant.parse("2028-06-30T12:00:00Z"),
                            Instant.parse("2028-08-31T12:00:00Z"));
        }

        @Test
        void yearly_asTwelveMonths_fromFebruary29_isFebruary28InCommonYears() {
            Refill yearly = every(12, RefillUnit.MONTHS);
            Instant anchor = Instant.parse("2028-02-29T06:00:00Z");

            assertThat(starts(yearly, anchor, 5, UTC))
                    .containsExactly(
                            anchor,
                            Instant.parse("2029-02-28T06:00:00Z"),
                            Instant.parse("2030-02-28T06:00:00Z"),
                            Instant.parse("2031-02-28T06:00:00Z"),
                            Instant.parse("2032-02-29T06:00:00Z"));
        }
    }

    @Nested
    class Units {
        @ParameterizedTest(name = "every {0} {1}")
        @CsvSource({
            "90, SECONDS, 2026-01-15T10:01:30Z, 2026-01-15T10:04:30Z",
            "45, MINUTES, 2026-01-15T10:45:00Z, 2026-01-15T12:15:00Z",
            "5, HOURS, 2026-01-15T15:00:00Z, 2026-01-16T01:00:00Z",
            "2, DAYS, 2026-01-17T10:00:00Z, 2026-01-21T10:00:00Z",
            "1, WEEKS, 2026-01-22T10:00:00Z, 2026-02-05T10:00:00Z",
            "2, MONTHS, 2026-03-15T10:00:00Z, 2026-07-15T10:00:00Z"
        })
        void periodStart_isTheAnchorPlusKIntervals(long value, RefillUnit unit, Instant first, Instant third) {
            Refill refill = every(value, unit);
            Instant anchor = Instant.parse("2026-01-15T10:00:00Z");

            assertThat(refill.periodStart(anchor, 0, UTC)).isEqualTo(anchor);
            assertThat(refill.periodStart(anchor, 1, UTC)).isEqualTo(first);
            assertThat(refill.periodStart(anchor, 3, UTC)).isEqualTo(third);
        }

        @ParameterizedTest(name = "every {0} {1}")
        @CsvSource({
            "90, SECONDS, 2026-01-15T10:04:30Z",
            "45, MINUTES, 2026-01-15T12:15:00Z",
            "5, HOURS, 2026-01-16T01:00:00Z",
            "2, DAYS, 2026-01-21T10:00:00Z",
            "1, WEEKS, 2026-02-05T10:00:00Z",
            "2, MONTHS, 2026-07-15T10:00:00Z"
        })
        void periodAt_changesExactlyAtThePeriodStart(long value, RefillUnit unit, Instant third) {
            Refill refill = every(value, unit);
            Instant anchor = Instant.parse("2026-01-15T10:00:00Z");

            assertThat(refill.periodAt(anchor, anchor, UTC)).isZero();
            assertThat(refill.periodAt(anchor, third.minus(MS), UTC)).isEqualTo(2);
            assertThat(refill.periodAt(anchor, third, UTC)).isEqualTo(3);
        }

        @Test
        void periodAt_beforeTheAnchor_isZero() {
            Instant anchor = Instant.parse("2026-01-15T10:00:00Z");

            assertThat(every(1, RefillUnit.DAYS).periodAt(anchor, anchor.minus(Duration.ofDays(40)), UTC))
                    .isZero();
        }
    }

    @Nested
    class DaylightSaving {
        @Test
        void daily_inBerlin_staysAt9LocalAcrossTheMarchAndOctoberChanges() {
            Refill daily = every(1, RefillUnit.DAYS);
            Instant anchor = local(BERLIN, "2026-03-27T09:00");

            for (int k = 0; k <= 240; k++) {
                ZonedDateTime start = daily.periodStart(anchor, k, BERLIN).atZone(BERLIN);
                assertThat(start.toLocalDate())
                        .isEqualTo(LocalDate.of(2026, 3, 27).plusDays(k));
                assertThat(start.toLocalTime()).as("period %d", k).isEqualTo(LocalTime.of(9, 0));
            }
            // 09:00 CET is 08:00Z, 09:00 CEST is 07:00Z: the day of the change is 23 hours long
            assertThat(starts(daily, anchor, 4, BERLIN))
                    .containsExactly(
                            Instant.parse("2026-03-27T08:00:00Z"), Instant.parse("2026-03-28T08:00:00Z"),
                            Instant.parse("2026-03-29T07:00:00Z"), Instant.parse("2026-03-30T07:00:00Z"));
            // 2026-10-25 is 25 hours long
            assertThat(daily.periodStart(anchor, 211, BERLIN)).isEqualTo("2026-10-24T07:00:00Z");
            assertThat(daily.periodStart(anchor, 212, BERLIN)).isEqualTo("2026-10-25T08:00:00Z");
        }

        @Test
        void daily_inBerlin_periodChangesAt9LocalOnTheShortAndTheLongDay() {
            Refill daily = every(1, RefillUnit.DAYS);
            Instant anchor = local(BERLIN, "2026-03-27T09:00");

            assertThat(daily.periodAt(anchor, Instant.parse("2026-03-29T06:59:59.999Z"), BERLIN))
                    .isEqualTo(1);
            assertThat(daily.periodAt(anchor, Instant.parse("2026-03-29T07:00:00Z"), BERLIN))
                    .isEqualTo(2);
            assertThat(daily.periodAt(anchor, Instant.parse("2026-10-25T07:59:59.999Z"), BERLIN))
                    .isEqualTo(211);
            assertThat(daily.periodAt(anchor, Instant.parse("2026-10-25T08:00:00Z"), BERLIN))
                    .isEqualTo(212);
        }

        @Test
        void every24Hours_inBerlin_isClockTimeAndMovesAnHourInLocalTime() {
            Refill hourly = every(24, RefillUnit.HOURS);
            Instant anchor = local(BERLIN, "2026-03-27T09:00");

            assertThat(hourly.periodStart(anchor, 2, BERLIN).atZone(BERLIN).toLocalTime())
                    .isEqualTo(LocalTime.of(10, 0));
        }

        @Test
        void daily_anchoredInTheHourTheSpringChangeSkips_movesPastTheGapForThatDayOnly() {
            Refill daily = every(1, RefillUnit.DAYS);
            Instant anchor = local(BERLIN, "2026-03-28T02:30");

            assertThat(starts(daily, anchor, 3, BERLIN))
                    .extracting(i -> i.atZone(BERLIN).toLocalDateTime())
                    .containsExactly(
                            LocalDateTime.parse("2026-03-28T02:30"),
                            LocalDateTime.parse("2026-03-29T03:30"),
                            LocalDateTime.parse("2026-03-30T02:30"));
        }

        @Test
        void weekly_inNewYork_staysAt9LocalAcrossTheMarchAndNovemberChanges() {
            Refill weekly = every(1, RefillUnit.WEEKS);
            Instant march = local(NEW_YORK, "2026-03-02T09:00");
            Instant october = local(NEW_YORK, "2026-10-26T09:00");

            assertThat(starts(weekly, march, 3, NEW_YORK))
                    .containsExactly(
                            Instant.parse("2026-03-02T14:00:00Z"),
                            Instant.parse("2026-03-09T13:00:00Z"),
                            Instant.parse("2026-03-16T13:00:00Z"));
            assertThat(starts(weekly, october, 3, NEW_YORK))
                    .containsExactly(
                            Instant.parse("2026-10-26T13:00:00Z"),
                            Instant.parse("2026-11-02T14:00:00Z"),
                            Instant.parse("2026-11-09T14:00:00Z"));
        }

        @Test
        void monthly_inNewYork_fromOctober31_isNovember30At9Local() {
            Refill monthly = every(1, RefillUnit.MONTHS);
            Instant anchor = local(NEW_YORK, "2026-10-31T09:00");

            assertThat(monthly.periodStart(anchor, 1, NEW_YORK)).isEqualTo("2026-11-30T14:00:00Z");
            assertThat(monthly.periodAt(anchor, Instant.parse("2026-11-30T13:59:59.999Z"), NEW_YORK))
                    .isZero();
            assertThat(monthly.periodAt(anchor, Instant.parse("2026-11-30T14:00:00Z"), NEW_YORK))
                    .isEqualTo(1);
        }
    }

    private static final Gen<ZoneId> ZONES =
            Gen.oneOf(List.of(UTC, BERLIN, NEW_YORK, ZoneId.of("Australia/Lord_Howe"), ZoneId.of("Asia/Kolkata")));

    private record Schedule(RefillUnit unit, int value, ZoneId zone, long anchorOffsetMs, long elapsedMs) {}

    /** The period number is the last period start not after now, whatever the unit, zone or anchor. */
    @Test
    void periodAt_isTheLastPeriodStartNotAfterNow() {
        Gen<RefillUnit> units = Gen.enumValues(RefillUnit.class);
        Gen<Integer> values = Gen.ints(1, 40);
        Gen<Long> anchorOffsets = Gen.longs(0, 4L * 365 * 86_400_000);
        Gen<Long> elapsed = Gen.longs(0, 3L * 365 * 86_400_000);
        Gen<Schedule> cases =
                r -> new Schedule(units.next(r), values.next(r), ZONES.next(r), anchorOffsets.next(r), elapsed.next(r));
        forAll(500, cases, c -> {
            Refill refill = every(c.value(), c.unit());
            Instant anchor = Instant.parse("2026-01-01T00:00:00Z").plusMillis(c.anchorOffsetMs());
            Instant now = anchor.plusMillis(c.elapsedMs());

            long k = refill.periodAt(anchor, now, c.zone());

            assertThat(k).isNotNegative();
            assertThat(refill.periodStart(anchor, k, c.zone())).isBeforeOrEqualTo(now);
            assertThat(refill.periodStart(anchor, k + 1, c.zone())).isAfter(now);
        });
    }

    /** Through the ledger: when refills happen and what {@code refillAt} says. */
    @Nested
    class InTheLedger {
        private TestLedger ledger(ZoneId zone, Refill refill, Instant start) {
            return new TestLedger(
                    TestLedger.config()
                            .zone(zone)
                            .startBalance(Credits.ZERO)
                            .firstRefillAfterInterval(false)
                            .refill(refill),
                    start);
        }

        private List<Instant> refillTimes(TestLedger t) {
            return t.entries("u", EntryContext.AUTO_REFILL).stream()
                    .map(LedgerEntry::createdAt)
                    .toList();
        }

        @ParameterizedTest(name = "{0} from {1}")
        @CsvSource({
            "Europe/Berlin, 2026-03-26",
            "Europe/Berlin, 2026-10-22",
            "America/New_York, 2026-03-05",
            "America/New_York, 2026-10-29"
        })
        void dailyRefill_at9Local_happensAt9LocalEveryDayAcrossADstChange(ZoneId zone, LocalDate first) {
            TestLedger t = ledger(
                    zone,
                    every(1, RefillUnit.DAYS),
                    first.atTime(9, 0).atZone(zone).toInstant());
            t.charge("u", 1);
            List<Instant> expected = new ArrayList<>(List.of(t.clock.instant()));

            for (int day = 1; day <= 6; day++) {
                Instant nine = first.plusDays(day).atTime(9, 0).atZone(zone).toInstant();
                t.clock.set(nine.minus(MS));
                t.charge("u", 1);
                assertThat(t.view("u").refillAt()).as("day %d", day).isEqualTo(nine);
                t.clock.set(nine);
                t.charge("u", 1);
                expected.add(nine);
            }

            assertThat(refillTimes(t)).containsExactlyElementsOf(expected);
            assertThat(refillTimes(t))
                    .extracting(i -> i.atZone(zone).toLocalTime())
                    .containsOnly(LocalTime.of(9, 0));
        }

        @Test
        void callAtAnOddTime_refillsThen_butLaterPeriodsStayAlignedToTheFirstRefill() {
            TestLedger t = ledger(UTC, every(1, RefillUnit.DAYS), Instant.parse("2026-01-10T09:00:00Z"));
            t.charge("u", 1);

            t.clock.set(Instant.parse("2026-01-11T17:43:12.345Z"));
            t.charge("u", 1);
            t.clock.set(Instant.parse("2026-01-12T08:59:59.999Z"));
            t.charge("u", 1);
            AccountView beforeNine = t.view("u");
            t.clock.set(Instant.parse("2026-01-12T09:00:00Z"));
            t.charge("u", 1);

            assertThat(beforeNine.refillAt()).isEqualTo("2026-01-12T09:00:00Z");
            assertThat(beforeNine.balance()).isEqualTo(Credits.of(98));
            assertThat(refillTimes(t))
                    .containsExactly(
                            Instant.parse("2026-01-10T09:00:00Z"),
                            Instant.parse("2026-01-11T17:43:12.345Z"),
                            Instant.parse("2026-01-12T09:00:00Z"));
            assertThat(t.view("u").refillAt()).isEqualTo("2026-01-13T09:00:00Z");
        }

        @Test
        void severalMissedPeriods_giveOneRefill_andTheNextRefillAtStaysAligned() {
            TestLedger t = ledger(UTC, every(1, RefillUnit.DAYS), Instant.parse("2026-01-10T09:00:00Z"));
            t.charge("u", 40);

            t.clock.set(Instant.parse("2026-01-15T12:00:00Z"));
            Receipt r = t.charge("u", 1);

            assertThat(refillTimes(t))
                    .containsExactly(Instant.parse("2026-01-10T09:00:00Z"), Instant.parse("2026-01-15T12:00:00Z"));
            assertThat(r.balance()).isEqualTo(Credits.of(99));
            assertThat(t.view("u").refillAt()).isEqualTo("2026-01-16T09:00:00Z");
        }

        @Test
        void monthlyRefill_fromJanuary31_isDueOnFebruary28AndMarch31() {
            TestLedger t = ledger(UTC, every(1, RefillUnit.MONTHS), Instant.parse("2027-01-31T09:00:00Z"));
            t.charge("u", 1);
            assertThat(t.view("u").refillAt()).isEqualTo("2027-02-28T09:00:00Z");

            t.clock.set(Instant.parse("2027-02-28T09:00:00Z"));
            t.charge("u", 1);
            assertThat(t.view("u").refillAt()).isEqualTo("2027-03-31T09:00:00Z");

            t.clock.set(Instant.parse("2027-05-02T00:00:00Z"));
            t.charge("u", 1);

            assertThat(refillTimes(t))
                    .containsExactly(
                            Instant.parse("2027-01-31T09:00:00Z"),
                            Instant.parse("2027-02-28T09:00:00Z"),
                            Instant.parse("2027-05-02T00:00:00Z"));
            assertThat(t.view("u").refillAt()).isEqualTo("2027-05-31T09:00:00Z");
        }
    }
}
