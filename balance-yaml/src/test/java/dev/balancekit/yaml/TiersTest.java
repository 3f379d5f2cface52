package dev.balancekit.yaml;

import static dev.balancekit.yaml.Yaml.parse;
import static dev.balancekit.yaml.Yaml.problems;
import static org.assertj.core.api.Assertions.assertThat;

import dev.balancekit.Credits;
import dev.balancekit.LedgerConfig;
import dev.balancekit.Refill;
import dev.balancekit.RefillMode;
import dev.balancekit.RefillUnit;
import dev.balancekit.Tier;
import dev.balancekit.UsageLimits;
import dev.balancekit.policy.ShortfallPolicy;
import dev.balancekit.pricing.Multiplier;
import org.junit.jupiter.api.Test;

/** {@code balance.tiers} and {@code balance.defaultTier}. */
class TiersTest {

    @Test
    void issueSample() {
        LedgerConfig c = parse("""
                balance:
                  usageLimits: {daily: 200000, weekly: 1000000, monthly: 3000000}
                  tiers:
                    free: {startBalance: 5000, usageLimits: {daily: 20000}, models: {allow: ["gpt-4o-mini*"]}}
                    pro: {startBalance: 200000, priceMultiplier: 0.8, refillMode: topUp, refillAmount: 200000}
                  defaultTier: free
                """);
        assertThat(c.tiers()).containsOnlyKeys("free", "pro");
        assertThat(c.defaultTier()).isEqualTo("free");
        Tier free = c.tiers().get("free");
        assertThat(free.startBalance()).isEqualTo(Credits.of(5000));
        assertThat(free.usageLimits()).isEqualTo(UsageLimits.credits(Credits.of(20_000), null, null));
        assertThat(free.allowedModels()).containsExactly("gpt-4o-mini*");
        assertThat(free.allowsModel("gpt-4o-mini-2024-07-18")).isTrue();
        assertThat(free.allowsModel("gpt-4o")).isFalse();
        assertThat(free.refill()).isNull();
        assertThat(free.refillDisabled()).isFalse();
        Tier pro = c.tiers().get("pro");
        assertThat(pro.startBalance()).isEqualTo(Credits.of(200_000));
        assertThat(pro.priceMultiplier()).isEqualTo(Multiplier.parse("0.8"));
        // refill keys in a tier turn its refill on; what it leaves out comes from the section (LibreChat's defaults)
        assertThat(pro.refill()).isEqualTo(new Refill(RefillMode.TOP_UP, 30, RefillUnit.DAYS, Credits.of(200_000)));
        assertThat(pro.usageLimits()).isNull();
    }

    @Test
    void everyTierKey() {
        LedgerConfig c = parse("""
                balance:
                  tiers:
                    gold:
                      startBalance: 100
                      minBalance: 10
                      insufficientBalance: {action: freeModel, freeModel: gpt-4o-mini}
                      usageLimits: {weekly: 5000, monthlyTokens: 90000}
                      autoRefillEnabled: true
                      refillIntervalValue: 2
                      refillIntervalUnit: weeks
                      refillAmount: 300
                      refillMode: reset
                      models: {allow: ["gpt-*", "claude-*"], deny: ["*-preview"]}
                      priceMultiplier: 1.25
                      exempt: false
                """);
        Tier gold = c.tiers().get("gold");
        assertThat(gold.name()).isEqualTo("gold");
        assertThat(gold.startBalance()).isEqualTo(Credits.of(100));
        assertThat(gold.minBalance()).isEqualTo(Credits.of(10));
        assertThat(gold.shortfallPolicy()).isEqualTo(ShortfallPolicy.freeModel("gpt-4o-mini"));
        assertThat(gold.usageLimits()).isEqualTo(new UsageLimits(null, Credits.of(5000), null, null, null, 90_000L));
        assertThat(gold.refill()).isEqualTo(new Refill(RefillMode.RESET, 2, RefillUnit.WEEKS, Credits.of(300)));
        assertThat(gold.allowedModels()).containsExactly("gpt-*", "claude-*");
        assertThat(gold.deniedModels()).containsExactly("*-preview");
        assertThat(gold.allowsModel("gpt-5-preview")).isFalse();
        assertThat(gold.priceMultiplier()).isEqualTo(Multiplier.parse("1.25"));
        assertThat(gold.exempt()).isFalse();
        assertThat(c.defaultTier()).isNull();
    }

    @Test
    void tierRefill_inheritsTheSectionsRefillKeys() {
        LedgerConfig c = parse("""
                balance:
                  autoRefillEnabled: true
                  refillIntervalValue: 7
                  refillIntervalUnit: days
                  refillAmount: 1000
                  refillMode: reset
                  tiers:
                    plain: {}
                    more: {refillAmount: 5000}
                    sameAsTop: {autoRefillEnabled: true}
                    none: {autoRefillEnabled: false, refillAmount: 1}
                """);
        Refill top = new Refill(RefillMode.RESET, 7, RefillUnit.DAYS, Credits.of(1000));
        assertThat(c.refill()).isEqualTo(top);
        assertThat(c.tiers().get("plain").refill()).isNull();
        assertThat(c.tiers().get("plain").refillDisabled()).isFalse();
        assertThat(c.tiers().get("more").refill())
                .isEqualTo(new Refill(RefillMode.RESET, 7, RefillUnit.DAYS, Credits.of(5000)));
        assertThat(c.tiers().get("sameAsTop").refill()).isEqualTo(top);
        assertThat(c.tiers().get("none").refill()).isNull();
        assertThat(c.tiers().get("none").refillDisabled()).isTrue();
    }

    @Test
    void tierShortfall_allowNegativeWithFloor_andExempt() {
        LedgerConfig c = parse("""
                balance:
                  tiers:
                    pro: {allowNegative: true, insufficientBalance: {negativeFloor: -50000}}
                    staff: {exempt: true, usageLimits: {}}
                    strict: {allowNegative: false}
                """);
        assertThat(c.tiers().get("pro").shortfallPolicy())
                .isEqualTo(ShortfallPolicy.allowNegative(Credits.of(-50_000)));
        assertThat(c.tiers().get("staff").exempt()).isTrue();
        assertThat(c.tiers().get("staff").usageLimits()).isEqualTo(UsageLimits.NONE);
        assertThat(c.tiers().get("strict").shortfallPolicy()).isSameAs(ShortfallPolicy.block());
        assertThat(c.tiers().get("staff").shortfallPolicy()).isNull();
    }

    @Test
    void tiersMayShareSettingsThroughAnchors() {
        LedgerConfig c = parse("""
                balance:
                  tiers:
                    base: &base {startBalance: 500, usageLimits: {daily: 100}}
                    team:
                      <<: *base
                      exempt: true
                  defaultTier: team
                """);
        assertThat(c.tiers().get("team").startBalance()).isEqualTo(Credits.of(500));
        assertThat(c.tiers().get("team").usageLimits()).isEqualTo(UsageLimits.credits(Credits.of(100), null, null));
        assertThat(c.tiers().get("team").exempt()).isTrue();
    }

    @Test
    void defaultTier_mustBeATier() {
        assertThat(problems("""
                balance:
                  tiers:
                    free: {}
                    pro: {}
                  defaultTier: gold
                """))
                .containsExactly(
                        "balance.defaultTier must be one of the tiers free, pro, was 'gold' (librechat.yaml:5:16)");
    }

    @Test
    void defaultTier_withoutTiers() {
        assertThat(problems("balance:\n  defaultTier: free\n"))
                .containsExactly(
                        "balance.defaultTier names a tier, but balance.tiers has none, was 'free' (librechat.yaml:2:16)");
    }

    @Test
    void defaultTier_anInvalidTierIsStillATier() {
        // only the tier's own problem is reported, not a second one about the default tier
        assertThat(problems("balance:\n  tiers: {free: {startBalance: -1}}\n  defaultTier: free\n"))
                .containsExactly("balance.tiers.free.startBalance must be zero or more, was -1 (librechat.yaml:2:32)");
    }

    @Test
    void tierErrors_everyOneAtItsPosition() {
        assertThat(problems("""
                balance:
                  tiers:
                    free:
                      startBalence: 5000
                      usageLimits: {daily: 500, monthly: 300}
                      models: {allow: gpt-4o-mini, deny: [""], block: []}
                      priceMultiplier: 1001
                    pro:
                      refillIntervalValue: 0
                      refillMode: topup
                      exempt: maybe
                      insufficientBalance: {action: freeModel}
                    basic: 5
                """))
                .containsExactly(
                        "balance.tiers.free.startBalence is not a known key; did you mean startBalance? (librechat.yaml:4:7)",
                        "balance.tiers.free.usageLimits.daily must not exceed usageLimits.monthly, was 500 > 300 (librechat.yaml:5:28)",
                        "balance.tiers.free.models.allow must be a list, was 'gpt-4o-mini' (librechat.yaml:6:23)",
                        "balance.tiers.free.models.deny[0] must be a model name pattern, was '' (librechat.yaml:6:43)",
                        "balance.tiers.free.models.block is not a known key; known keys: allow, deny (librechat.yaml:6:48)",
                        "balance.tiers.free.priceMultiplier must be between 0 and 1000, was 1001 (librechat.yaml:7:24)",
                        "balance.tiers.pro.refillIntervalValue must be positive, was 0 (librechat.yaml:9:28)",
                        "balance.tiers.pro.refillMode must be one of add, reset, topUp, was 'topup' (librechat.yaml:10:19)",
                        "balance.tiers.pro.exempt must be true or false, was 'maybe' (librechat.yaml:11:15)",
                        "balance.tiers.pro.insufficientBalance.freeModel is required when action is freeModel (librechat.yaml:12:28)",
                        "balance.tiers.basic must be a mapping, was '5' (librechat.yaml:13:12)");
    }

    @Test
    void tiersMustBeAMapping() {
        assertThat(problems("balance:\n  tiers: [free, pro]\n"))
                .containsExactly("balance.tiers must be a mapping, was a list (librechat.yaml:2:10)");
    }
}
