package dev.balancekit.yaml;

import static dev.balancekit.yaml.Yaml.parse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.balancekit.Credits;
import dev.balancekit.LedgerConfig;
import dev.balancekit.Refill;
import dev.balancekit.RefillMode;
import dev.balancekit.RefillUnit;
import dev.balancekit.UsageLimits;
import dev.balancekit.policy.ShortfallPolicy;
import java.time.Duration;
import java.time.ZoneId;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Every key of the {@code balance:} section (tiers and token costs have their own tests). */
class KeysTest {

    @Nested
    class LibreChatKeys {
        @ParameterizedTest
        @CsvSource({
            "true, true",
            "True, true",
            "TRUE, true",
            "false, false",
            "False, false",
            "FALSE, false",
            "'\"true\"', true"
        })
        void enabled(String value, boolean expected) {
            assertThat(parse("balance:\n  enabled: " + value + "\n").enabled()).isEqualTo(expected);
        }

        @ParameterizedTest
        @CsvSource({
            "20000, 20000",
            "0, 0",
            "1_000_000, 1000000",
            "527065.5, 527065.5",
            "'\"1500\"', 1500",
            "0.000001, 0.000001",
            "+7, 7"
        })
        void startBalance_isReadExactly(String value, String expected) {
            assertThat(parse("balance:\n  startBalance: " + value + "\n").startBalance())
                    .isEqualTo(Credits.parse(expected));
        }

        @ParameterizedTest
        @EnumSource(RefillUnit.class)
        void refillIntervalUnit_everyUnit(RefillUnit unit) {
            LedgerConfig c =
                    parse("balance:\n  autoRefillEnabled: true\n  refillIntervalUnit: " + unit.configName() + "\n");
            assertThat(c.refill()).isEqualTo(new Refill(RefillMode.ADD, 30, unit, Credits.of(10_000)));
        }

        @Test
        void refillIntervalValueAndAmount() {
            LedgerConfig c = parse("""
                    balance:
                      autoRefillEnabled: true
                      refillIntervalValue: 7
                      refillIntervalUnit: hours
                      refillAmount: 2500.25
                    """);
            assertThat(c.refill()).isEqualTo(new Refill(RefillMode.ADD, 7, RefillUnit.HOURS, Credits.parse("2500.25")));
        }

        @Test
        void refillAmountZero_isAcceptedAndNeverRefills() {
            assertThat(parse("balance: {autoRefillEnabled: true, refillAmount: 0}\n")
                            .refill())
                    .isEqualTo(new Refill(RefillMode.ADD, 30, RefillUnit.DAYS, Credits.ZERO));
        }

        @ParameterizedTest
        @CsvSource({
            "1800000, PT30M",
            "10000, PT10S",
            "PT30M, PT30M",
            "PT1H30M, PT1H30M",
            "pt45s, PT45S",
            "'\"60000\"', PT1M"
        })
        void reservationTtlMs_millisecondsOrIso8601(String value, String expected) {
            assertThat(parse("balance:\n  reservationTtlMs: " + value + "\n").holdTtl())
                    .isEqualTo(Duration.parse(expected));
        }
    }

    @Nested
    class OurKeys {
        @Test
        void minBalance() {
            assertThat(parse("balance: {minBalance: 150.5}\n").minBalance()).isEqualTo(Credits.parse("150.5"));
        }

        @Test
        void enforceForAdmins_mapsToEnforceForExempt() {
            assertThat(parse("balance: {enforceForAdmins: true}\n").enforceForExempt())
                    .isTrue();
            assertThat(parse("balance: {enforceForAdmins: false}\n").enforceForExempt())
                    .isFalse();
        }

        @ParameterizedTest
        @CsvSource({"UTC", "Europe/Berlin", "America/New_York", "+02:00"})
        void timezone(String zone) {
            assertThat(parse("balance:\n  timezone: '" + zone + "'\n").zone()).isEqualTo(ZoneId.of(zone));
        }

        @ParameterizedTest
        @CsvSource({"add, ADD", "reset, RESET", "topUp, TOP_UP"})
        void refillMode(String name, RefillMode mode) {
            LedgerConfig c = parse("balance:\n  autoRefillEnabled: true\n  refillMode: " + name + "\n");
            assertThat(c.refill()).isEqualTo(new Refill(mode, 30, RefillUnit.DAYS, Credits.of(10_000)));
        }

        @Test
        void operationsKept() {
            assertThat(parse("balance: {operationsKept: 500}\n").operationsKept())
                    .isEqualTo(500);
        }

        @Test
        void usageLimits_everyCap() {
            LedgerConfig c = parse("""
                    balance:
                      usageLimits:
                        daily: 200000
                        weekly: 1000000
                        monthly: 3000000.5
                        dailyTokens: 2000000
                        weeklyTokens: 10000000
                        monthlyTokens: 30000000
                    """);
            assertThat(c.usageLimits())
                    .isEqualTo(new UsageLimits(
                            Credits.of(200_000),
                            Credits.of(1_000_000),
                            Credits.parse("3000000.5"),
                            2_000_000L,
                            10_000_000L,
                            30_000_000L));
        }

        @Test
        void usageLimits_someCaps() {
            assertThat(parse("balance: {usageLimits: {monthly: 3000, dailyTokens: 100}}\n")
                            .usageLimits())
                    .isEqualTo(new UsageLimits(null, null, Credits.of(3000), 100L, null, null));
        }

        @Test
        void usageLimits_emptyMeansNoCaps() {
            assertThat(parse("balance:\n  usageLimits:\n").usageLimits()).isEqualTo(UsageLimits.NONE);
        }

        @Test
        void notifications() {
            LedgerConfig c = parse("""
                    balance:
                      notifications:
                        balanceBelow: [100, 1000, -50.5]
                        windowPercent: [95, 80, 100, 1]
                    """);
            assertThat(c.balanceThresholds())
                    .containsExactly(Credits.of(1000), Credits.of(100), Credits.parse("-50.5"));
            assertThat(c.windowThresholds()).containsExactly(1, 80, 95, 100);
        }

        @Test
        void notifications_emptyLists() {
            LedgerConfig c = parse("balance: {notifications: {balanceBelow: [], windowPercent: }}\n");
            assertThat(c.balanceThresholds()).isEmpty();
            assertThat(c.windowThresholds()).isEmpty();
        }
    }

    @Nested
    class InsufficientBalance {
        @Test
        void allowNegativeTrue_hasNoFloor() {
            assertThat(parse("balance: {allowNegative: true}\n").shortfallPolicy())
                    .isEqualTo(ShortfallPolicy.allowNegative(null));
        }

        @Test
        void allowNegativeFalse_blocks() {
            assertThat(parse("balance: {allowNegative: false}\n").shortfallPolicy())
                    .isSameAs(ShortfallPolicy.block());
        }

        @Test
        void allowNegativeShorthand_withNegativeFloor() {
            assertThat(parse("balance: {allowNegative: true, insufficientBalance: {negativeFloor: -50000}}\n")
                            .shortfallPolicy())
                    .isEqualTo(ShortfallPolicy.allowNegative(Credits.of(-50_000)));
        }

        @Test
        void actionBlock() {
            assertThat(parse("balance: {insufficientBalance: {action: block}}\n")
                            .shortfallPolicy())
                    .isSameAs(ShortfallPolicy.block());
        }

        @Test
        void actionAllowNegative_withFloor() {
            LedgerConfig c = parse("""
                    balance:
                      insufficientBalance:
                        action: allowNegative
                        negativeFloor: -50000
                    """);
            assertThat(c.shortfallPolicy()).isEqualTo(ShortfallPolicy.allowNegative(Credits.of(-50_000)));
        }

        @Test
        void actionAllowNegative_floorZero() {
            assertThat(parse("balance: {insufficientBalance: {action: allowNegative, negativeFloor: 0}}\n")
                            .shortfallPolicy())
                    .isEqualTo(ShortfallPolicy.allowNegative(Credits.ZERO));
        }

        @Test
        void actionAllowNegative_agreeingWithShorthand() {
            assertThat(parse("balance: {allowNegative: true, insufficientBalance: {action: allowNegative}}\n")
                            .shortfallPolicy())
                    .isEqualTo(ShortfallPolicy.allowNegative(null));
        }

        @Test
        void actionFreeModel() {
            LedgerConfig c = parse("""
                    balance:
                      allowNegative: false
                      insufficientBalance:
                        action: freeModel
                        freeModel: gpt-4o-mini
                    """);
            assertThat(c.shortfallPolicy()).isEqualTo(ShortfallPolicy.freeModel("gpt-4o-mini"));
        }
    }
}
