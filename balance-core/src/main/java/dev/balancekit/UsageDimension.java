package dev.balancekit;

import java.util.Locale;

/**
 * What a {@linkplain UsageQuery usage report} groups entries by. A query combines any of them, with
 * at most one period ({@link #DAY}, {@link #WEEK} or {@link #MONTH}).
 */
public enum UsageDimension {
    /** The user id. */
    USER,
    /** The model as the host named it when charging. */
    MODEL,
    /** The price table key the model matched (LibreChat's {@code valueKey}). */
    PRICE_KEY,
    /** The entry's context: {@code message}, {@code title}, {@code incomplete}, {@code admin}, ... */
    CONTEXT,
    /**
     * The account's tier as it is now (the tier an administrator set, else the config's default
     * tier): entries do not record the tier they were charged under.
     */
    TIER,
    /** The calendar day in the config's zone. */
    DAY,
    /** The ISO week (Monday to Sunday) in the config's zone, named by its Monday. */
    WEEK,
    /** The calendar month in the config's zone, named by its first day. */
    MONTH;

    /** @return whether this is a period of time (day, week or month) */
    public boolean isPeriod() {
        return this == DAY || this == WEEK || this == MONTH;
    }

    /** @return the name as typed in a query string or on the command line: {@code user}, {@code price-key} */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Reads a dimension as {@link #label()} writes it, in any case; {@code valueKey} is accepted for
     * {@link #PRICE_KEY}.
     *
     * @param text the name
     * @return the dimension
     * @throws IllegalArgumentException if no dimension has that name
     */
    public static UsageDimension parse(String text) {
        String s = text == null ? "" : text.strip();
        for (UsageDimension d : values()) {
            if (d.label().equalsIgnoreCase(s) || d.name().equalsIgnoreCase(s)) {
                return d;
            }
        }
        if ("valueKey".equalsIgnoreCase(s)) {
            return PRICE_KEY;
        }
        throw new IllegalArgumentException(
                "by must be one of user, model, price-key, context, tier, day, week, month, was '" + text + "'");
    }
}
