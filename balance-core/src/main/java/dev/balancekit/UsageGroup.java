package dev.balancekit;

import java.time.LocalDate;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One line of a usage report: the values of the dimensions the report groups by, and what the
 * entries with those values add up to. A field is null when the report does not group by it, or
 * when the entries have no such value (credits entries have no model).
 *
 * @param user the user id ({@link UsageDimension#USER})
 * @param model the model as charged ({@link UsageDimension#MODEL})
 * @param priceKey the price table key ({@link UsageDimension#PRICE_KEY})
 * @param context the entry context ({@link UsageDimension#CONTEXT})
 * @param tier the account's tier ({@link UsageDimension#TIER}); null for an account without one
 *     when the config has no default tier
 * @param period the first day of the day, ISO week or month, in the config's zone
 * @param amounts what the group's entries add up to
 */
public record UsageGroup(
        @Nullable String user,
        @Nullable String model,
        @Nullable String priceKey,
        @Nullable String context,
        @Nullable String tier,
        @Nullable LocalDate period,
        UsageAmounts amounts) {

    /**
     * Validates.
     *
     * @throws NullPointerException if the amounts are null
     */
    public UsageGroup {
        Objects.requireNonNull(amounts, "amounts");
    }

    /**
     * Returns the same group with other amounts.
     *
     * @param next the amounts
     * @return the group
     */
    public UsageGroup withAmounts(UsageAmounts next) {
        return new UsageGroup(user, model, priceKey, context, tier, period, next);
    }

    /**
     * Returns the same group with another tier.
     *
     * @param next the tier, or null
     * @return the group
     */
    public UsageGroup withTier(@Nullable String next) {
        return new UsageGroup(user, model, priceKey, context, next, period, amounts);
    }

    /**
     * Returns the value of one dimension, as text: the period as an ISO date.
     *
     * @param dimension the dimension
     * @return its value, or null
     */
    public @Nullable String valueOf(UsageDimension dimension) {
        return switch (dimension) {
            case USER -> user;
            case MODEL -> model;
            case PRICE_KEY -> priceKey;
            case CONTEXT -> context;
            case TIER -> tier;
            case DAY, WEEK, MONTH -> period == null ? null : period.toString();
        };
    }
}
