package dev.balancekit.spring;

import dev.balancekit.Credits;
import dev.balancekit.LedgerConfig;
import dev.balancekit.Refill;
import dev.balancekit.RefillMode;
import dev.balancekit.RefillUnit;
import dev.balancekit.Tier;
import dev.balancekit.UsageLimits;
import dev.balancekit.policy.ShortfallPolicy;
import dev.balancekit.pricing.ModelPrice;
import dev.balancekit.pricing.Multiplier;
import dev.balancekit.pricing.Premium;
import dev.balancekit.pricing.PriceTable;
import dev.balancekit.pricing.Rate;
import dev.balancekit.spring.BalanceKitProperties.Limits;
import dev.balancekit.spring.BalanceKitProperties.Price;
import dev.balancekit.spring.BalanceKitProperties.PriceUnit;
import dev.balancekit.spring.BalanceKitProperties.RefillSettings;
import dev.balancekit.spring.BalanceKitProperties.Shortfall;
import dev.balancekit.spring.BalanceKitProperties.ShortfallAction;
import dev.balancekit.spring.BalanceKitProperties.TierSettings;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Builds a {@link LedgerConfig} from the {@code balancekit.*} properties. Every value goes through
 * the core's own parsers and builders, so a property is checked exactly as the same setting in code
 * or in a {@code librechat.yaml}; a rejected value fails start-up with an
 * {@link InvalidConfigurationPropertyValueException} that names the property and the value.
 */
final class PropertiesLedgerConfig {

    private static final String P = "balancekit.";

    private PropertiesLedgerConfig() {}

    static LedgerConfig from(BalanceKitProperties p) {
        LedgerConfig.Builder b = LedgerConfig.builder();
        if (p.getEnabled() != null) {
            b.enabled(p.getEnabled());
        }
        if (p.getStartBalance() != null) {
            String v = p.getStartBalance();
            check(P + "start-balance", v, () -> b.startBalance(Credits.parse(v)));
        }
        if (p.getMinBalance() != null) {
            String v = p.getMinBalance();
            check(P + "min-balance", v, () -> b.minBalance(Credits.parse(v)));
        }
        if (p.getShortfall().isSet()) {
            ShortfallPolicy policy = policy(P + "shortfall", p.getShortfall());
            b.shortfallPolicy(policy);
        }
        if (p.getEnforceForExempt() != null) {
            b.enforceForExempt(p.getEnforceForExempt());
        }
        Duration holdTtl = p.getHoldTtl();
        if (holdTtl != null) {
            check(P + "hold-ttl", holdTtl, () -> b.holdTtl(holdTtl));
        }
        Integer operationsKept = p.getOperationsKept();
        if (operationsKept != null) {
            check(P + "operations-kept", operationsKept, () -> b.operationsKept(operationsKept));
        }
        if (p.getZone() != null) {
            String v = p.getZone();
            check(P + "zone", v, () -> {
                try {
                    return b.zone(ZoneId.of(v));
                } catch (DateTimeException e) {
                    throw new IllegalArgumentException("zone must be a time zone such as UTC or Europe/Berlin", e);
                }
            });
        }
        if (p.getUsageLimits().isSet()) {
            b.usageLimits(limits(P + "usage-limits", p.getUsageLimits()));
        }
        if (Boolean.TRUE.equals(p.getRefill().getEnabled())) {
            b.refill(refill(P + "refill", p.getRefill(), null));
        }
        if (p.getPrices().isSet()) {
            b.prices(prices(p.getPrices()));
        }
        for (Map.Entry<String, TierSettings> t : p.getTiers().entrySet()) {
            b.tier(tier(t.getKey(), t.getValue(), p.getRefill()));
        }
        b.defaultTier(p.getDefaultTier());
        List<String> below = p.getNotifications().getBalanceBelow();
        Credits[] thresholds = new Credits[below.size()];
        for (int i = 0; i < thresholds.length; i++) {
            String v = below.get(i);
            thresholds[i] = check(P + "notifications.balance-below[" + i + "]", v, () -> Credits.parse(v));
        }
        b.balanceThresholds(thresholds);
        List<Integer> percents = p.getNotifications().getWindowPercent();
        check(
                P + "notifications.window-percent",
                percents,
                () -> b.windowThresholds(
                        percents.stream().mapToInt(Integer::intValue).toArray()));
        return check(P + "default-tier", p.getDefaultTier(), b::build);
    }

    private static ShortfallPolicy policy(String prefix, Shortfall s) {
        ShortfallAction action = s.getAction() != null
                ? s.getAction()
                : s.getFreeModel() != null
                        ? ShortfallAction.FREE_MODEL
                        : s.getNegativeFloor() != null ? ShortfallAction.ALLOW_NEGATIVE : ShortfallAction.BLOCK;
        if (action != ShortfallAction.FREE_MODEL && s.getFreeModel() != null) {
            throw invalid(
                    prefix + ".free-model",
                    s.getFreeModel(),
                    "free-model is only used when action is free-model, but action is "
                            + action.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        }
        if (action != ShortfallAction.ALLOW_NEGATIVE && s.getNegativeFloor() != null) {
            throw invalid(
                    prefix + ".negative-floor",
                    s.getNegativeFloor(),
                    "negative-floor is only used when action is allow-negative");
        }
        return switch (action) {
            case BLOCK -> ShortfallPolicy.block();
            case FREE_MODEL -> {
                String freeModel = s.getFreeModel();
                if (freeModel == null) {
                    throw invalid(prefix + ".free-model", null, "free-model is required when action is free-model");
                }
                yield check(prefix + ".free-model", freeModel, () -> ShortfallPolicy.freeModel(freeModel));
            }
            case ALLOW_NEGATIVE -> {
                String floor = s.getNegativeFloor();
                yield check(
                        prefix + ".negative-floor",
                        floor,
                        () -> ShortfallPolicy.allowNegative(floor == null ? null : Credits.parse(floor)));
            }
        };
    }

    private static UsageLimits limits(String prefix, Limits l) {
        Credits daily = credits(prefix + ".daily", l.getDaily());
        Credits weekly = credits(prefix + ".weekly", l.getWeekly());
        Credits monthly = credits(prefix + ".monthly", l.getMonthly());
        return check(
                prefix,
                describe(l),
                () -> UsageLimits.credits(daily, weekly, monthly)
                        .withTokens(l.getDailyTokens(), l.getWeeklyTokens(), l.getMonthlyTokens()));
    }

    private static String describe(Limits l) {
        return "daily=" + l.getDaily() + ", weekly=" + l.getWeekly() + ", monthly=" + l.getMonthly()
                + ", daily-tokens=" + l.getDailyTokens() + ", weekly-tokens=" + l.getWeeklyTokens()
                + ", monthly-tokens=" + l.getMonthlyTokens();
    }

    private static @Nullable Credits credits(String property, @Nullable String value) {
        return value == null ? null : check(property, value, () -> Credits.parse(value));
    }

    /** A refill from the given keys, the fallback's keys, then LibreChat's defaults (add, 30 days, 10000). */
    private static Refill refill(String prefix, RefillSettings r, @Nullable RefillSettings fallback) {
        RefillMode mode = first(r.getMode(), fallback == null ? null : fallback.getMode(), RefillMode.ADD);
        Long interval = first(r.getIntervalValue(), fallback == null ? null : fallback.getIntervalValue(), 30L);
        RefillUnit unit =
                first(r.getIntervalUnit(), fallback == null ? null : fallback.getIntervalUnit(), RefillUnit.DAYS);
        String amountText = first(r.getAmount(), fallback == null ? null : fallback.getAmount(), "10000");
        Credits amount = check(prefix + ".amount", amountText, () -> Credits.parse(amountText));
        return check(prefix + ".interval-value", interval, () -> new Refill(mode, interval, unit, amount));
    }

    private static <T> T first(@Nullable T a, @Nullable T b, T otherwise) {
        return a != null ? a : b != null ? b : otherwise;
    }

    private static PriceTable prices(BalanceKitProperties.Prices p) {
        String prefix = P + "prices";
        PriceTable.Builder t = p.isBuiltIn() ? PriceTable.builder(PriceTable.builtIn()) : PriceTable.builder();
        if (p.getDefaultPrice() != null) {
            t.defaultPrice(price(prefix + ".default-price", p.getDefaultPrice(), p.getUnit()));
        }
        for (Map.Entry<String, Price> m : p.getModels().entrySet()) {
            String property = prefix + ".models." + m.getKey();
            ModelPrice price = price(property, m.getValue(), p.getUnit());
            check(property, m.getKey(), () -> t.model(m.getKey(), price));
        }
        return check(prefix, p.getModels().keySet(), t::build);
    }

    private static ModelPrice price(String prefix, Price p, PriceUnit unit) {
        Rate prompt = rate(prefix + ".prompt", required(prefix + ".prompt", p.getPrompt()), unit);
        Rate completion = rate(prefix + ".completion", required(prefix + ".completion", p.getCompletion()), unit);
        Rate write = p.getCacheWrite() == null ? null : rate(prefix + ".cache-write", p.getCacheWrite(), unit);
        Rate read = p.getCacheRead() == null ? null : rate(prefix + ".cache-read", p.getCacheRead(), unit);
        Premium premium = null;
        if (p.getPremium() != null) {
            BalanceKitProperties.PremiumPrice pp = p.getPremium();
            Long threshold = required(prefix + ".premium.threshold", pp.getThreshold());
            Rate pPrompt = rate(prefix + ".premium.prompt", required(prefix + ".premium.prompt", pp.getPrompt()), unit);
            Rate pCompletion = rate(
                    prefix + ".premium.completion", required(prefix + ".premium.completion", pp.getCompletion()), unit);
            premium =
                    check(prefix + ".premium.threshold", threshold, () -> new Premium(threshold, pPrompt, pCompletion));
        }
        return new ModelPrice(prompt, completion, write, read, premium);
    }

    private static Rate rate(String property, String value, PriceUnit unit) {
        return check(
                property,
                value,
                () -> unit == PriceUnit.USD_PER_1M_TOKENS ? Rate.perToken(value) : Rate.perThousandTokens(value));
    }

    private static <T> T required(String property, @Nullable T value) {
        if (value == null) {
            throw invalid(property, null, property.substring(property.lastIndexOf('.') + 1) + " is required");
        }
        return value;
    }

    private static Tier tier(String name, TierSettings s, RefillSettings top) {
        String prefix = P + "tiers." + name;
        Tier.Builder t = check(prefix, name, () -> Tier.builder(name));
        if (s.getStartBalance() != null) {
            String v = s.getStartBalance();
            check(prefix + ".start-balance", v, () -> t.startBalance(Credits.parse(v)));
        }
        if (s.getMinBalance() != null) {
            String v = s.getMinBalance();
            check(prefix + ".min-balance", v, () -> t.minBalance(Credits.parse(v)));
        }
        if (s.getShortfall().isSet()) {
            t.shortfallPolicy(policy(prefix + ".shortfall", s.getShortfall()));
        }
        if (s.getUsageLimits().isSet() || Boolean.TRUE.equals(s.getReplaceUsageLimits())) {
            t.usageLimits(
                    s.getUsageLimits().isSet()
                            ? limits(prefix + ".usage-limits", s.getUsageLimits())
                            : UsageLimits.NONE);
        }
        RefillSettings r = s.getRefill();
        if (Boolean.FALSE.equals(r.getEnabled())) {
            t.noRefill();
        } else if (Boolean.TRUE.equals(r.getEnabled()) || r.anyKey()) {
            t.refill(refill(prefix + ".refill", r, top));
        }
        List<String> allow = s.getModels().getAllow();
        List<String> deny = s.getModels().getDeny();
        check(prefix + ".models.allow", allow, () -> t.allowModels(allow.toArray(String[]::new)));
        check(prefix + ".models.deny", deny, () -> t.denyModels(deny.toArray(String[]::new)));
        if (s.getPriceMultiplier() != null) {
            String v = s.getPriceMultiplier();
            check(prefix + ".price-multiplier", v, () -> t.priceMultiplier(Multiplier.parse(v)));
        }
        if (s.getExempt() != null) {
            t.exempt(s.getExempt());
        }
        return t.build();
    }

    /** Runs a core parser or builder step; its rejection names the property and the value. */
    private static <T> T check(String property, @Nullable Object value, Supplier<T> step) {
        try {
            return step.get();
        } catch (IllegalArgumentException | NullPointerException e) {
            // the core's message is the reason; Spring's exception takes no cause of its own
            throw invalid(property, value, String.valueOf(e.getMessage()));
        }
    }

    private static InvalidConfigurationPropertyValueException invalid(
            String property, @Nullable Object value, String reason) {
        return new InvalidConfigurationPropertyValueException(property, value, reason);
    }
}
