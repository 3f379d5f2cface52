package dev.balancekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@link UsageLimits} and {@link WindowUsage} values, and the window settings of the config. */
class UsageLimitsTest {

    private static final Credits C100 = Credits.of(100);
    private static final Credits C200 = Credits.of(200);

    @Nested
    class Validation {
        static Stream<Arguments> notAboveZero() {
            return Stream.of(
                    Arguments.of(
                            (ThrowingCallable) () -> UsageLimits.credits(Credits.ZERO, null, null),
                            "usageLimits.daily must be above zero, was 0"),
                    Arguments.of(
                            (ThrowingCallable) () -> UsageLimits.credits(null, Credits.of(-1), null),
                            "usageLimits.weekly must be above zero, was -1"),
                    Arguments.of(
                            (ThrowingCallable) () -> UsageLimits.credits(null, null, Credits.ofMicros(-1)),
                            "usageLimits.monthly must be above zero, was -0.000001"),
                    Arguments.of(
                            (ThrowingCallable) () -> UsageLimits.NONE.withTokens(0L, null, null),
                            "usageLimits.dailyTokens must be above zero, was 0"),
                    Arguments.of(
                            (ThrowingCallable) () -> UsageLimits.NONE.withTokens(null, -5L, null),
                            "usageLimits.weeklyTokens must be above zero, was -5"),
                    Arguments.of(
                            (ThrowingCallable) () -> UsageLimits.NONE.withTokens(null, null, Long.MIN_VALUE),
                            "usageLimits.monthlyTokens must be above zero, was -9223372036854775808"));
        }

        @ParameterizedTest(name = "{1}")
        @MethodSource("notAboveZero")
        void capNotAboveZero_isRejectedNamingTheFieldAndValue(ThrowingCallable build, String message) {
            assertThatThrownBy(build)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(message);
        }

        static Stream<Arguments> shorterAboveLonger() {
            return Stream.of(
                    Arguments.of(
                            (ThrowingCallable) () -> UsageLimits.credits(C200, C100, null),
                            "usageLimits.daily must not exceed usageLimits.weekly, was 200 > 100"),
                    Arguments.of(
                            (ThrowingCallable) () -> UsageLimits.credits(C200, null, C100),
                            "usageLimits.daily must not exceed usageLimits.monthly, was 200 > 100"),
                    Arguments.of(
                            (ThrowingCallable) () -> UsageLimits.credits(null, Credits.parse("100.000001"), C100),
                            "usageLimits.weekly must not exceed usageLimits.monthly, was 100.000001 > 100"),
                    Arguments.of(
                            (ThrowingCallable) () -> UsageLimits.NONE.withTokens(2000L, 1000L, null),
                            "usageLimits.dailyTokens must not exceed usageLimits.weeklyTokens, was 2000 > 1000"),
                    Arguments.of(
                            (ThrowingCallable) () -> UsageLimits.NONE.withTokens(2000L, null, 1000L),
                            "usageLimits.dailyTokens must not exceed usageLimits.monthlyTokens, was 2000 > 1000"),
                    Arguments.of(
                            (ThrowingCallable) () -> UsageLimits.NONE.withTokens(null, 1001L, 1000L),
                            "usageLimits.weeklyTokens must not exceed usageLimits.monthlyTokens, was 1001 > 1000"));
        }

        @ParameterizedTest(name = "{1}")
        @MethodSource("shorterAboveLonger")
        void shorterWindowsCapAboveALongerOnes_isRejectedNamingBoth(ThrowingCallable build, String message) {
            assertThatThrownBy(build)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(message);
        }

        @Test
        void equalCaps_andCreditCapsAboveTokenCaps_areAccepted() {
            assertThatCode(() -> UsageLimits.credits(C100, C100, C100).withTokens(5L, 5L, 5L))
                    .doesNotThrowAnyException();
            assertThatCode(() -> new UsageLimits(Credits.of(1_000_000), null, null, null, null, 10L))
                    .doesNotThrowAnyException();
        }
    }

    @Nested
    class Values {
        @Test
        void credits_andTokens_giveTheCapOfEachWindow() {
            UsageLimits l = new UsageLimits(C100, C200, null, 10L, null, 30L);

            assertThat(l.credits(UsageWindow.DAILY)).isEqualTo(C100);
            assertThat(l.credits(UsageWindow.WEEKLY)).isEqualTo(C200);
            assertThat(l.credits(UsageWindow.MONTHLY)).isNull();
            assertThat(l.tokens(UsageWindow.DAILY)).isEqualTo(10L);
            assertThat(l.tokens(UsageWindow.WEEKLY)).isNull();
            assertThat(l.tokens(UsageWindow.MONTHLY)).isEqualTo(30L);
        }

        @Test
        void withTokens_keepsTheCreditCaps() {
            assertThat(UsageLimits.credits(C100, null, C200).withTokens(1L, 2L, 3L))
                    .isEqualTo(new UsageLimits(C100, null, C200, 1L, 2L, 3L));
        }

        @Test
        void none_isEmpty_andPrintsAsNone() {
            assertThat(UsageLimits.NONE.isEmpty()).isTrue();
            assertThat(UsageLimits.NONE).hasToString("none");
            assertThat(UsageLimits.NONE.withTokens(null, null, 1L).isEmpty()).isFalse();
        }

        @Test
        void toString_namesTheCapsThatAreSet() {
            assertThat(new UsageLimits(Credits.parse("200000.5"), null, null, null, null, 5_000_000L))
                    .hasToString("{daily=200000.5, monthlyTokens=5000000}");
        }
    }

    @Nested
    class PercentUsed {
        private WindowUsage usage(String spent, long tokens, String limit, Long tokenLimit) {
            return new WindowUsage(
                    UsageWindow.DAILY,
                    "2026-11-27",
                    Credits.parse(spent),
                    tokens,
                    limit == null ? null : Credits.parse(limit),
                    tokenLimit,
                    Instant.parse("2026-11-28T00:00:00Z"));
        }

        @ParameterizedTest(name = "{0} of {2} credits, {1} of {3} tokens -> {4}%")
        @CsvSource({
            "0, 0, 100, , 0",
            "79.999999, 0, 100, , 79",
            "80, 0, 100, , 80",
            "100, 0, 100, , 100",
            "250, 0, 100, , 250",
            "10, 950, 100, 1000, 95",
            "96, 10, 100, 1000, 96",
            "0, 999, , 1000, 99",
            "50, 50, , , 0",
            "1, 0, 0.000003, , 33333333"
        })
        void percentUsed_isTheTighterCapsShare_roundedDown(
                String spent, long tokens, String limit, Long tokenLimit, int percent) {
            assertThat(usage(spent, tokens, limit, tokenLimit).percentUsed()).isEqualTo(percent);
        }
    }

    @Nested
    class ConfigSettings {
        @Test
        void windowThresholds_outOfRange_areRejectedNamingTheValue() {
            assertThatThrownBy(() -> LedgerConfig.builder().windowThresholds(80, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("windowThresholds must be between 1 and 100, was 0");
            assertThatThrownBy(() -> LedgerConfig.builder().windowThresholds(101))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("windowThresholds must be between 1 and 100, was 101");
        }

        @Test
        void thresholds_areSortedAndDeduplicated() {
            LedgerConfig c = LedgerConfig.builder()
                    .windowThresholds(95, 80, 95, 1, 100)
                    .balanceThresholds(Credits.of(100), Credits.of(1000), Credits.of(100))
                    .build();

            assertThat(c.windowThresholds()).containsExactly(1, 80, 95, 100);
            assertThat(c.balanceThresholds()).containsExactly(Credits.of(1000), Credits.of(100));
        }

        @Test
        void zoneAndLimits_defaultToUtcAndNone_andSurviveToBuilder() {
            LedgerConfig defaults = LedgerConfig.defaults();
            LedgerConfig custom = LedgerConfig.builder()
                    .zone(ZoneId.of("Europe/Berlin"))
                    .usageLimits(UsageLimits.credits(C100, null, null))
                    .windowThresholds(80)
                    .build();

            assertThat(defaults.zone()).isEqualTo(ZoneOffset.UTC);
            assertThat(defaults.usageLimits()).isSameAs(UsageLimits.NONE);
            assertThat(custom.toBuilder().build()).hasToString(custom.toString());
            assertThat(custom.toBuilder().build().zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        }
    }
}
