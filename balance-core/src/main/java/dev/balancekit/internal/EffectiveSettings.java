package dev.balancekit.internal;

import dev.balancekit.Credits;
import dev.balancekit.LedgerConfig;
import dev.balancekit.Refill;
import dev.balancekit.RefillOverride;
import dev.balancekit.Tier;
import dev.balancekit.UsageLimits;
import dev.balancekit.policy.ShortfallPolicy;
import dev.balancekit.pricing.Multiplier;
import org.jspecify.annotations.Nullable;

/**
 * The settings that apply to one account: the config's, with its tier's overrides on top, and the
 * account's own refill override on top of both.
 *
 * @param tier the account's effective tier, or null when no tiers are configured
 * @param startBalance the start balance
 * @param minBalance the minimum balance
 * @param policy the shortfall policy
 * @param limits the usage caps
 * @param refill the auto-refill settings (the account's override, else the tier's, else the config's), or
 *     null for none
 * @param multiplier the price factor
 * @param exempt whether the tier exempts its users from checks, or null to leave it to the request
 */
record EffectiveSettings(
        @Nullable Tier tier,
        Credits startBalance,
        Credits minBalance,
        ShortfallPolicy policy,
        UsageLimits limits,
        @Nullable Refill refill,
        Multiplier multiplier,
        @Nullable Boolean exempt) {

    static EffectiveSettings of(LedgerConfig config, @Nullable String accountTier, @Nullable RefillOverride override) {
        Tier t = config.tierOf(accountTier);
        Refill refill = config.refillFor(accountTier, override);
        if (t == null) {
            return new EffectiveSettings(
                    null,
                    config.startBalance(),
                    config.minBalance(),
                    config.shortfallPolicy(),
                    config.usageLimits(),
                    refill,
                    Multiplier.ONE,
                    null);
        }
        return new EffectiveSettings(
                t,
                t.startBalance() != null ? t.startBalance() : config.startBalance(),
                t.minBalance() != null ? t.minBalance() : config.minBalance(),
                t.shortfallPolicy() != null ? t.shortfallPolicy() : config.shortfallPolicy(),
                t.usageLimits() != null ? t.usageLimits() : config.usageLimits(),
                refill,
                t.priceMultiplier() != null ? t.priceMultiplier() : Multiplier.ONE,
                t.exempt());
    }

    boolean allowsModel(String model) {
        return tier == null || tier.allowsModel(model);
    }

    @Nullable
    String tierName() {
        return tier == null ? null : tier.name();
    }
}
