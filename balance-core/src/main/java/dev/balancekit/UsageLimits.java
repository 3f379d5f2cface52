package dev.balancekit;

import org.jspecify.annotations.Nullable;

/**
 * Caps on what one user may spend per calendar day, ISO week and month, in credits and
 * optionally in tokens; any combination at once. A null cap is no cap.
 *
 * @param daily credits per day
 * @param weekly credits per ISO week
 * @param monthly credits per month
 * @param dailyTokens tokens (prompt + completion) per day
 * @param weeklyTokens tokens per ISO week
 * @param monthlyTokens tokens per month
 */
public record UsageLimits(
        @Nullable Credits daily,
        @Nullable Credits weekly,
        @Nullable Credits monthly,
        @Nullable Long dailyTokens,
        @Nullable Long weeklyTokens,
        @Nullable Long monthlyTokens) {

    /** No caps at all. */
    public static final UsageLimits NONE = new UsageLimits(null, null, null, null, null, null);

    /**
     * Validates.
     *
     * @throws IllegalArgumentException if a cap is not above zero, or a shorter window's cap
     *     exceeds a longer one's
     */
    public UsageLimits {
        positive("usageLimits.daily", daily);
        positive("usageLimits.weekly", weekly);
        positive("usageLimits.monthly", monthly);
        positive("usageLimits.dailyTokens", dailyTokens);
        positive("usageLimits.weeklyTokens", weeklyTokens);
        positive("usageLimits.monthlyTokens", monthlyTokens);
        ordered("daily", daily, "weekly", weekly);
        ordered("daily", daily, "monthly", monthly);
        ordered("weekly", weekly, "monthly", monthly);
        ordered("dailyTokens", dailyTokens, "weeklyTokens", weeklyTokens);
        ordered("dailyTokens", dailyTokens, "monthlyTokens", monthlyTokens);
        ordered("weeklyTokens", weeklyTokens, "monthlyTokens", monthlyTokens);
    }

    /**
     * Credit caps only.
     *
     * @param daily per day, or null
     * @param weekly per ISO week, or null
     * @param monthly per month, or null
     * @return the limits
     * @throws IllegalArgumentException as the canonical constructor
     */
    public static UsageLimits credits(@Nullable Credits daily, @Nullable Credits weekly, @Nullable Credits monthly) {
        return new UsageLimits(daily, weekly, monthly, null, null, null);
    }

    /**
     * Adds token caps.
     *
     * @param daily tokens per day, or null
     * @param weekly tokens per ISO week, or null
     * @param monthly tokens per month, or null
     * @return a copy with the token caps
     * @throws IllegalArgumentException as the canonical constructor
     */
    public UsageLimits withTokens(@Nullable Long daily, @Nullable Long weekly, @Nullable Long monthly) {
        return new UsageLimits(this.daily, this.weekly, this.monthly, daily, weekly, monthly);
    }

    /**
     * The credit cap of a window.
     *
     * @param window the window
     * @return the cap, or null
     */
    public @Nullable Credits credits(UsageWindow window) {
        return switch (window) {
            case DAILY -> daily;
            case WEEKLY -> weekly;
            case MONTHLY -> monthly;
        };
    }

    /**
     * The token cap of a window.
     *
     * @param window the window
     * @return the cap, or null
     */
    public @Nullable Long tokens(UsageWindow window) {
        return switch (window) {
            case DAILY -> dailyTokens;
            case WEEKLY -> weeklyTokens;
            case MONTHLY -> monthlyTokens;
        };
    }

    /** @return whether no cap is set */
    public boolean isEmpty() {
        return daily == null
                && weekly == null
                && monthly == null
                && dailyTokens == null
                && weeklyTokens == null
                && monthlyTokens == null;
    }

    /** @return the caps that are set, such as {@code {daily=200000, monthlyTokens=5000000}}, or {@code none} */
    @Override
    public String toString() {
        if (isEmpty()) {
            return "none";
        }
        StringBuilder sb = new StringBuilder("{");
        String[] names = {"daily", "weekly", "monthly", "dailyTokens", "weeklyTokens", "monthlyTokens"};
        Object[] values = {daily, weekly, monthly, dailyTokens, weeklyTokens, monthlyTokens};
        for (int i = 0; i < names.length; i++) {
            if (values[i] != null) {
                sb.append(sb.length() > 1 ? ", " : "")
                        .append(names[i])
                        .append('=')
                        .append(values[i]);
            }
        }
        return sb.append('}').toString();
    }

    private static void positive(String field, @Nullable Object value) {
        boolean ok = value == null || (value instanceof Credits c ? c.isPositive() : ((Long) value) > 0);
        if (!ok) {
            throw new IllegalArgumentException(field + " must be above zero, was " + value);
        }
    }

    private static void ordered(String shortName, @Nullable Object shorter, String longName, @Nullable Object longer) {
        if (shorter != null && longer != null && amount(shorter) > amount(longer)) {
            throw new IllegalArgumentException("usageLimits." + shortName + " must not exceed usageLimits." + longName
                    + ", was " + shorter + " > " + longer);
        }
    }

    private static long amount(Object capValue) {
        return capValue instanceof Credits c ? c.micros() : (Long) capValue;
    }
}
