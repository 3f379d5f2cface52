package dev.balancekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.balancekit.pricing.ModelPrice;
import dev.balancekit.pricing.PriceTable;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Daily, weekly and monthly caps in the ledger. Every model costs one credit per token, the start
 * balance is 1000 credits, and the clock starts on Wednesday 2026-11-25 at 10:00 UTC.
 */
class LimitsTest {

    private static final Instant WEDNESDAY = Instant.parse("2026-11-25T10:00:00Z");
    private static final Instant NEXT_DAY = Instant.parse("2026-11-26T00:00:00Z");
    private static final Instant NEXT_WEEK = Instant.parse("2026-11-30T00:00:00Z");
    private static final Instant NEXT_MONTH = Instant.parse("2026-12-01T00:00:00Z");

    private static TestLedger ledger(UsageLimits limits) {
        return new TestLedger(TestLedger.config().usageLimits(limits), WEDNESDAY);
    }

    private static UsageLimits cap(UsageWindow window, Credits credits) {
        return switch (window) {
            case DAILY -> UsageLimits.credits(credits, null, null);
            case WEEKLY -> UsageLimits.credits(null, credits, null);
            case MONTHLY -> UsageLimits.credits(null, null, credits);
        };
    }

    @Nested
    class Denials {
        @ParameterizedTest(name = "{0}")
        @CsvSource({
            "DAILY, DAILY_LIMIT, 2026-11-26T00:00:00Z, Daily",
            "WEEKLY, WEEKLY_LIMIT, 2026-11-30T00:00:00Z, Weekly",
            "MONTHLY, MONTHLY_LIMIT, 2026-12-01T00:00:00Z, Monthly"
        })
        void checkOverTheCap_isDeniedWithTheWindowsReasonUsageAndReset(
                UsageWindow window, DenialReason reason, Instant resetsAt, String name) {
            TestLedger t = ledger(cap(window, Credits.of(100)));
            t.charge("u", 80);

            BalanceDecision d = t.check("u", 21);

            assertThat(d.status()).isEqualTo(BalanceDecision.Status.DENIED);
            assertThat(d.reason()).isEqualTo(reason);
            assertThat(d.window())
                    .isEqualTo(new WindowUsage(
                            window,
                            window.keyOf(LocalDate.of(2026, 11, 25)),
                            Credits.of(80),
                            80,
                            Credits.of(100),
                            null,
                            resetsAt));
            assertThat(d.balance()).isEqualTo(Credits.of(920));
            assertThat(d.estimatedCost()).isEqualTo(Credits.of(21));
            assertThat(d.message())
                    .isEqualTo(name + " usage limit reached: used 80 of 100 credits. Resets at " + resetsAt + ".");
        }

        @Test
        void dailyDenial_payload_isLibreChatsPayloadPlusTheWindow() {
            TestLedger t = ledger(cap(UsageWindow.DAILY, Credits.of(100)));
            t.charge("u", 80);

            assertThat(t.check("u", 30).payload())
                    .containsExactly(
                            entry("type", "token_balance"),
                            entry("balance", new BigDecimal("920")),
                            entry("tokenCost", new BigDecimal("30")),
                            entry("promptTokens", 30L),
                            entry("reason", "daily_limit"),
                            entry("window", "daily"),
                            entry("spent", new BigDecimal("80")),
                            entry("limit", new BigDecimal("100")),
                            entry("tokensUsed", 80L),
                            entry("resetsAt", "2026-11-26T00:00:00Z"));
        }

        @Test
        void tokenCapDenial_messageAndJson_nameTheTokens() {
            TestLedger t = ledger(UsageLimits.NONE.withTokens(null, 1000L, null));
            t.charge("u", 300);

            BalanceDecision d = t.ledger.checkBalance("u", TestLedger.MODEL, 100, 601);

            assertThat(d.reason()).isEqualTo(DenialReason.WEEKLY_LIMIT);
            assertThat(d.message())
                    .isEqualTo("Weekly usage limit reached: used 300 of 1000 tokens. Resets at 2026-11-30T00:00:00Z.");
            assertThat(d.payload())
                    .containsExactly(
                            entry("type", "token_balance"),
                            entry("balance", new BigDecimal("700")),
                            entry("tokenCost", new BigDecimal("701")),
                            entry("promptTokens", 100L),
                            entry("reason", "weekly_limit"),
                            entry("window", "weekly"),
                            entry("spent", new BigDecimal("300")),
                            entry("tokensUsed", 300L),
                            entry("tokenLimit", 1000L),
                            entry("resetsAt", "2026-11-30T00:00:00Z"));
        }

        @Test
        void creditAndTokenCapsOnOneWindow_messageNamesBoth() {
            TestLedger t =
                    ledger(UsageLimits.credits(Credits.of(100), null, null).withTokens(1000L, null, null));
            t.charge("u", 80);

            assertThat(t.check("u", 30).message())
                    .isEqualTo("Daily usage limit reached: used 80 of 100 credits and 80 of 1000 tokens. Resets at "
                            + "2026-11-26T00:00:00Z.");
        }

        @Test
        void requestThatReachesTheCapExactly_isAllowed_oneMicroCreditMoreIsDenied() {
            PriceTable prices = PriceTable.builder(TestLedger.ONE_CREDIT_PER_TOKEN)
                    .model("micro", ModelPrice.perToken("0.000001", "0.000001"))
                    .build();
            TestLedger t = new TestLedger(
                    TestLedger.config().prices(prices).usageLimits(cap(UsageWindow.DAILY, Credits.of(100))), WEDNESDAY);
            t.charge("u", 80);

            assertThat(t.check("u", 20).isAllowed()).isTrue();
            t.reserve("u", 20);
            assertThat(t.ledger.checkBalance("u", "micro", 0, 0).isAllowed()).isTrue();
            BalanceDecision d = t.ledger.checkBalance("u", "micro", 1, 0);
            assertThat(d.reason()).isEqualTo(DenialReason.DAILY_LIMIT);
            assertThat(d.estimatedCost()).isEqualTo(Credits.ofMicros(1));
        }

        @Test
        void severalCaps_theFirstFullWindowDenies_dailyBeforeWeeklyBeforeMonthly() {
            TestLedger t = ledger(UsageLimits.credits(Credits.of(100), Credits.of(250), Credits.of(400)));
            t.charge("u", 100);
            assertThat(t.check("u", 1).reason()).isEqualTo(DenialReason.DAILY_LIMIT);

            t.clock.set(Instant.parse("2026-11-26T10:00:00Z"));
            t.charge("u", 100);
            t.clock.set(Instant.parse("2026-11-27T10:00:00Z"));
            BalanceDecision weekly = t.check("u", 51);
            t.charge("u", 100);
            BalanceDecision bothFull = t.check("u", 1);
            t.clock.set(Instant.parse("2026-12-01T10:00:00Z"));
            BalanceDecision newMonth = t.check("u", 100);

            assertThat(weekly.reason()).isEqualTo(DenialReason.WEEKLY_LIMIT);
            assertThat(weekly.window().spent()).isEqualTo(Credits.of(200));
            assertThat(bothFull.reason()).isEqualTo(DenialReason.DAILY_LIMIT);
            assertThat(newMonth.isAllowed()).isTrue();
        }

        @Test
        void monthlyCap_isReachedAcrossWeeks() {
            TestLedger t = ledger(UsageLimits.credits(null, Credits.of(300), Credits.of(400)));
            t.charge("u", 300);
            t.clock.set(Instant.parse("2026-11-30T10:00:00Z"));

            BalanceDecision d = t.check("u", 101);

            assertThat(d.reason()).isEqualTo(DenialReason.MONTHLY_LIMIT);
            assertThat(d.window().spent()).isEqualTo(Credits.of(300));
            assertThat(d.window().resetsAt()).isEqualTo(NEXT_MONTH);
        }

        @Test
        void deniedReservation_holdsNothing_andADeniedCheckWritesNothing() {
            TestLedger t = ledger(cap(UsageWindow.DAILY, Credits.of(100)));
            t.charge("u", 80);
            long version = t.version("u");

            Reservation r = t.reserve("u", 21);
            BalanceDecision d = t.check("u", 21);

            assertThat(r.isAllowed()).isFalse();
            assertThat(r.hold()).isNull();
            assertThat(r.decision().reason()).isEqualTo(DenialReason.DAILY_LIMIT);
            assertThat(d.reason()).isEqualTo(DenialReason.DAILY_LIMIT);
            assertThat(t.version("u")).isEqualTo(version);
            assertThat(t.view("u").holds()).isEmpty();
        }

        @Test
        void limitDenial_carriesRefillAt_whenAutoRefillIsOn() {
            TestLedger t = new TestLedger(
                    TestLedger.config()
                            .usageLimits(cap(UsageWindow.DAILY, Credits.of(100)))
                            .refill(new Refill(RefillMode.TOP_UP, 1, RefillUnit.WEEKS, Credits.of(1000))),
                    WEDNESDAY);
            t.charge("u", 100);

            BalanceDecision d = t.check("u", 1);

            assertThat(d.reason()).isEqualTo(DenialReason.DAILY_LIMIT);
            assertThat(d.refillAt()).isEqualTo(WEDNESDAY.plus(Duration.ofDays(7)));
            assertThat(d.payload()).containsEntry("refillAt", "2026-12-02T10:00:00Z");
        }
    }

    @Nested
    class Holds {
        @Test
        void activeHolds_countTowardTheWindow() {
            TestLedger t = ledger(cap(UsageWindow.DAILY, Credits.of(100)));
            t.charge("u", 20);
            t.reserve("u", 50);

            BalanceDecision d = t.check("u", 31);

            assertThat(d.reason()).isEqualTo(DenialReason.DAILY_LIMIT);
            assertThat(d.window().spent()).isEqualTo(Credits.of(70));
            assertThat(d.window().tokens()).isEqualTo(70);
            assertThat(t.check("u", 30).isAllowed()).isTrue();
        }

        @Test
        void concurrentReservations_cannotTogetherPassTheCap() {
            TestLedger t = ledger(cap(UsageWindow.DAILY, Credits.of(100)));

            assertThat(t.reserve("u", 60).isAllowed()).isTrue();
            assertThat(t.reserve("u", 41).decision().reason()).isEqualTo(DenialReason.DAILY_LIMIT);
            assertThat(t.reserve("u", 40).isAllowed()).isTrue();
        }

        @Test
        void releasedOrExpiredHold_stopsCounting() {
            TestLedger t = ledger(cap(UsageWindow.DAILY, Credits.of(100)));
            Reservation released = t.reserve("u", 60);
            t.reserve("u", 40);
            t.ledger.release("u", released.holdId());

            assertThat(t.check("u", 60).isAllowed()).isTrue();
            assertThat(t.check("u", 61).reason()).isEqualTo(DenialReason.DAILY_LIMIT);

            t.clock.advance(t.reactive.config().holdTtl());
            assertThat(t.check("u", 100).isAllowed()).isTrue();
        }

        @Test
        void settle_replacesTheHoldsAmountWithTheActualCharge() {
            TestLedger t = ledger(cap(UsageWindow.DAILY, Credits.of(100)));
            Reservation r = t.reserve("u", 90);
            assertThat(t.usage("u", UsageWindow.DAILY).spent()).isEqualTo(Credits.of(90));

            t.settle("u", r.holdId(), 25);

            WindowUsage daily = t.usage("u", UsageWindow.DAILY);
            assertThat(daily.spent()).isEqualTo(Credits.of(25));
            assertThat(daily.tokens()).isEqualTo(25);
            assertThat(t.check("u", 75).isAllowed()).isTrue();
            assertThat(t.check("u", 76).reason()).isEqualTo(DenialReason.DAILY_LIMIT);
        }

        @Test
        void holdTokens_arePromptPlusMaxOutput_andCountTowardTokenCaps() {
            TestLedger t = ledger(UsageLimits.NONE.withTokens(1000L, null, null));
            Reservation r = t.ledger.reserve(BalanceRequest.of("u", TestLedger.MODEL, 300, 500));

            BalanceDecision over = t.ledger.checkBalance("u", TestLedger.MODEL, 100, 101);
            BalanceDecision fits = t.ledger.checkBalance("u", TestLedger.MODEL, 100, 100);

            assertThat(r.hold().tokens()).isEqualTo(800);
            assertThat(over.reason()).isEqualTo(DenialReason.DAILY_LIMIT);
            assertThat(over.window().tokens()).isEqualTo(800);
            assertThat(over.window().tokenLimit()).isEqualTo(1000);
            assertThat(over.window().limit()).isNull();
            assertThat(fits.isAllowed()).isTrue();
        }
    }

    @Nested
    class TokenCaps {
        @Test
        void chargedTokens_includeCacheAndCompletionTokens() {
            TestLedger t = ledger(UsageLimits.NONE.withTokens(null, null, 1000L));
            t.ledger.deduct(
                    ChargeRequest.of("u", TestLedger.MODEL, Usage.of(100, 200).withCache(300, 250)));

            WindowUsage monthly = t.usage("u", UsageWindow.MONTHLY);
            BalanceDecision d = t.ledger.checkBalance("u", TestLedger.MODEL, 100, 51);

            assertThat(monthly.tokens()).isEqualTo(850);
            assertThat(monthly.percentUsed()).isEqualTo(85);
            assertThat(d.reason()).isEqualTo(DenialReason.MONTHLY_LIMIT);
            assertThat(t.ledger.checkBalance("u", TestLedger.MODEL, 100, 50).isAllowed())
                    .isTrue();
        }

        @Test
        void tokenCapAlone_deniesACheapRequest() {
            TestLedger t = new TestLedger(
                    TestLedger.config()
                            .prices(PriceTable.builder()
                                    .defaultPrice(ModelPrice.perToken("0", "0"))
                                    .build())
                            .usageLimits(UsageLimits.NONE.withTokens(100L, null, null)),
                    WEDNESDAY);
            t.charge("u", 100);

            BalanceDecision d = t.check("u", 1);

            assertThat(d.reason()).isEqualTo(DenialReason.DAILY_LIMIT);
            assertThat(d.estimatedCost()).isEqualTo(Credits.ZERO);
            assertThat(d.window().spent()).isEqualTo(Credits.ZERO);
        }
    }

    @Nested
    class PastTheCap {
        @Test
        void usageThatHappened_isRecordedInFull_evenPastTheCap() {
            TestLedger t = ledger(cap(UsageWindow.DAILY, Credits.of(100)));
            Reservation r = t.reserve("u", 90);

            Receipt receipt = t.settle("u", r.holdId(), 150);

            assertThat(receipt.total()).isEqualTo(Credits.of(-150));
            assertThat(receipt.balance()).isEqualTo(Credits.of(850));
            WindowUsage daily = t.usage("u", UsageWindow.DAILY);
            assertThat(daily.spent()).isEqualTo(Credits.of(150));
            assertThat(daily.percentUsed()).isEqualTo(150);
            BalanceDecision d = t.check("u", 0);
            assertThat(d.reason()).isEqualTo(DenialReason.DAILY_LIMIT);
            assertThat(d.window().spent()).isEqualTo(Credits.of(150));
        }

        @Test
        void chargeWithoutACheck_isRecordedWhateverTheCap() {
            TestLedger t = ledger(cap(UsageWindow.DAILY, Credits.of(100)));
            t.charge("u", 100);

            Receipt r = t.charge("u", 40);

            assertThat(r.balance()).isEqualTo(Credits.of(860));
            assertThat(t.usage("u", UsageWindow.DAILY).spent()).isEqualTo(Credits.of(140));
        }
    }

    @Nested
    class Exempt {
        @Test
        void exemptCaller_skipsTheLimits_butTheUsageStillCounts() {
            TestLedger t = ledger(cap(UsageWindow.DAILY, Credits.of(100)));
            t.charge("u", 100);

            BalanceDecision d = t.ledger.checkBalance(
                    BalanceRequest.of("u", TestLedger.MODEL, 50, 0).withExempt(true));
            t.charge("u", 50);

            assertThat(d.isAllowed()).isTrue();
            assertThat(d.window()).isNull();
            assertThat(t.usage("u", UsageWindow.DAILY).spent()).isEqualTo(Credits.of(150));
        }

        @Test
        void exemptCaller_withEnforceForExempt_isLimitedLikeAnyone() {
            TestLedger t = new TestLedger(
                    TestLedger.config()
                            .usageLimits(cap(UsageWindow.DAILY, Credits.of(100)))
                            .enforceForExempt(true),
                    WEDNESDAY);
            t.charge("u", 100);

            BalanceDecision d = t.ledger.checkBalance(
                    BalanceRequest.of("u", TestLedger.MODEL, 50, 0).withExempt(true));

            assertThat(d.reason()).isEqualTo(DenialReason.DAILY_LIMIT);
        }

        @Test
        void disabledLedger_checksNoLimits() {
            TestLedger t = new TestLedger(
                    TestLedger.config().enabled(false).usageLimits(cap(UsageWindow.DAILY, Credits.of(100))), WEDNESDAY);
            t.charge("u", 500);

            assertThat(t.check("u", 500).isAllowed()).isTrue();
        }
    }

    /** {@code usage(user)}: enough for a "you have used 80% of today's budget" display. */
    @Nested
    class UsageQuery {
        @Test
        void usage_givesEachWindowsSpentTokensCapsAndReset_holdsIncluded() {
            TestLedger t = ledger(new UsageLimits(Credits.of(100), null, Credits.of(2000), null, 10_000L, null));
            t.charge("u", 40);
            t.ledger.reserve(BalanceRequest.of("u", TestLedger.MODEL, 25, 15));

            List<WindowUsage> usage = t.ledger.usage("u");

            assertThat(usage)
                    .containsExactly(
                            new WindowUsage(
                                    UsageWindow.DAILY,
                                    "2026-11-25",
                                    Credits.of(80),
                                    80,
                                    Credits.of(100),
                                    null,
                                    NEXT_DAY),
                            new WindowUsage(
                                    UsageWindow.WEEKLY, "2026-W48", Credits.of(80), 80, null, 10_000L, NEXT_WEEK),
                            new WindowUsage(
                                    UsageWindow.MONTHLY,
                                    "2026-11",
                                    Credits.of(80),
                                    80,
                                    Credits.of(2000),
                                    null,
                                    NEXT_MONTH));
            assertThat(usage).extracting(WindowUsage::percentUsed).containsExactly(80, 0, 4);
        }

        @Test
        void usage_ofAnUnknownUser_isEmpty() {
            TestLedger t = ledger(cap(UsageWindow.DAILY, Credits.of(100)));

            assertThat(t.ledger.usage("nobody")).isEmpty();
            assertThat(t.reactive.usage("nobody").blockOptional()).isEmpty();
        }

        @Test
        void usage_isReadOnly() {
            TestLedger t = ledger(cap(UsageWindow.DAILY, Credits.of(100)));
            t.charge("u", 10);
            long version = t.version("u");
            t.clock.set(NEXT_MONTH);

            assertThat(t.usage("u", UsageWindow.MONTHLY).spent()).isEqualTo(Credits.ZERO);
            assertThat(t.version("u")).isEqualTo(version);
        }

        @Test
        void usage_withoutCaps_countsAndReportsZeroPercent() {
            TestLedger t = ledger(UsageLimits.NONE);
            t.charge("u", 990);

            WindowUsage daily = t.usage("u", UsageWindow.DAILY);

            assertThat(daily.spent()).isEqualTo(Credits.of(990));
            assertThat(daily.limit()).isNull();
            assertThat(daily.tokenLimit()).isNull();
            assertThat(daily.percentUsed()).isZero();
        }
    }
}
