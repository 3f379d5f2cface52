package dev.balancekit.yaml;

import static dev.balancekit.yaml.Yaml.problems;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.balancekit.Credits;
import dev.balancekit.LedgerConfig;
import dev.balancekit.Refill;
import dev.balancekit.RefillMode;
import dev.balancekit.RefillUnit;
import dev.balancekit.Tier;
import dev.balancekit.UsageLimits;
import dev.balancekit.policy.ShortfallPolicy;
import dev.balancekit.pricing.Premium;
import dev.balancekit.pricing.Rate;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rules that core's builders own and the file only reports: each test shows core rejecting the value
 * through its own type, and the loader reporting core's message at the key's file position, with
 * the section's key path in front.
 */
class CoreRulesTest {

    @Test
    void refillIntervalValue_notPositive_coreRejects_reportedAtTheKey() {
        assertThatThrownBy(() -> new Refill(RefillMode.ADD, 0, RefillUnit.DAYS, Credits.of(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("refillIntervalValue must be positive, was 0");
        assertThat(problems("balance:\n  refillIntervalValue: 0\n"))
                .containsExactly("balance.refillIntervalValue must be positive, was 0 (librechat.yaml:2:24)");
    }

    @Test
    void refillIntervalValue_aboveCoreMaximum_reportedEvenWithoutRefill() {
        assertThatThrownBy(() -> new Refill(RefillMode.ADD, 1_000_001, RefillUnit.DAYS, Credits.of(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("refillIntervalValue must be at most 1000000, was 1000001");
        assertThat(problems("balance:\n  autoRefillEnabled: false\n  refillIntervalValue: 1000001\n"))
                .containsExactly(
                        "balance.refillIntervalValue must be at most 1000000, was 1000001 (librechat.yaml:3:24)");
    }

    @Test
    void refillAmount_negative_coreRejects_reportedAtTheTiersKey() {
        assertThatThrownBy(() -> new Refill(RefillMode.ADD, 1, RefillUnit.DAYS, Credits.of(-5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("refillAmount must be zero or more, was -5");
        assertThat(problems("""
                balance:
                  autoRefillEnabled: true
                  tiers:
                    pro: {refillAmount: -5}
                """))
                .containsExactly("balance.tiers.pro.refillAmount must be zero or more, was -5 (librechat.yaml:4:25)");
    }

    @Test
    void negativeFloor_aboveZero_coreRejects_reportedAtTheKey() {
        assertThatThrownBy(() -> ShortfallPolicy.allowNegative(Credits.of(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("negativeFloor must be zero or below, was 5");
        assertThat(problems("""
                balance:
                  insufficientBalance:
                    action: allowNegative
                    negativeFloor: 5
                """))
                .containsExactly(
                        "balance.insufficientBalance.negativeFloor must be zero or below, was 5 (librechat.yaml:4:20)");
    }

    @Test
    void startAndMinBalance_negative_coreRejects_reportedAtEachKey() {
        assertThatThrownBy(() -> LedgerConfig.builder().startBalance(Credits.of(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("startBalance must be zero or more, was -1");
        assertThatThrownBy(() -> Tier.builder("free").minBalance(Credits.of(-2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tiers.free.minBalance must be zero or more, was -2");
        assertThat(problems("""
                balance:
                  startBalance: -1
                  tiers:
                    free: {minBalance: -2}
                """))
                .containsExactly(
                        "balance.startBalance must be zero or more, was -1 (librechat.yaml:2:17)",
                        "balance.tiers.free.minBalance must be zero or more, was -2 (librechat.yaml:4:24)");
    }

    @Test
    void startBalanceVariable_negative_coreRejects_reportedUnderTheVariablesName() {
        assertThat(problems("version: 1\n", Map.of("START_BALANCE", "-5")))
                .containsExactly("START_BALANCE must be zero or more, was -5 (environment)");
    }

    @Test
    void usageCaps_notAboveZero_coreRejectsEach_allReportedAtOnce() {
        assertThatThrownBy(() -> UsageLimits.credits(Credits.ZERO, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("usageLimits.daily must be above zero, was 0");
        assertThatThrownBy(() -> UsageLimits.NONE.withTokens(null, null, -1L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("usageLimits.monthlyTokens must be above zero, was -1");
        assertThat(problems("balance: {usageLimits: {daily: 0, weekly: 9, monthly: 5, monthlyTokens: -1}}\n"))
                .containsExactly(
                        "balance.usageLimits.daily must be above zero, was 0 (librechat.yaml:1:32)",
                        "balance.usageLimits.weekly must not exceed usageLimits.monthly, was 9 > 5 (librechat.yaml:1:43)",
                        "balance.usageLimits.monthlyTokens must be above zero, was -1 (librechat.yaml:1:73)");
    }

    @Test
    void premiumThreshold_notPositive_coreRejects_reportedWithTheMissingRate() {
        assertThatThrownBy(() -> new Premium(0, Rate.ZERO, Rate.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threshold must be positive, was 0");
        assertThat(problems("""
                balance:
                  tokenCosts:
                    models:
                      m: {prompt: 1, completion: 1, premium: {threshold: 0, prompt: 2}}
                """))
                .containsExactly(
                        "balance.tokenCosts.models.m.premium.completion is required (librechat.yaml:4:46)",
                        "balance.tokenCosts.models.m.premium.threshold must be positive, was 0 (librechat.yaml:4:58)");
    }
}
