package dev.balancekit;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a usage report adds up and how it groups it: spending and tokens of the entries in a time
 * range, grouped by any of {@link UsageDimension}, optionally only for some users, models and
 * contexts, in one order, a page at a time.
 *
 * <pre>{@code
 * UsageQuery q = UsageQuery.of(UsageDimension.DAY, UsageDimension.MODEL)
 *         .between(monthStart, monthEnd).orderBy(UsageQuery.Order.KEY);
 * }</pre>
 *
 * @param since only entries created at or after this instant, or null
 * @param until only entries created before this instant, or null
 * @param by the dimensions to group by, at most one of them a period; none gives one group
 * @param users only these users' entries; empty for all
 * @param models only entries for these models (as charged); empty for all
 * @param contexts only entries with these contexts; empty for all
 * @param order the order of the groups
 * @param limit the page size, 1 to {@value #MAX_LIMIT}
 * @param cursor the {@link UsageReport#nextCursor()} of the previous page, or null for the first page
 */
public record UsageQuery(
        @Nullable Instant since,
        @Nullable Instant until,
        List<UsageDimension> by,
        Set<String> users,
        Set<String> models,
        Set<String> contexts,
        Order order,
        int limit,
        @Nullable String cursor) {

    /** The largest page size. */
    public static final int MAX_LIMIT = 10_000;

    /** The default page size. */
    public static final int DEFAULT_LIMIT = 100;

    /** The order of a report's groups. */
    public enum Order {
        /** The most credits spent first, then by key. */
        SPENT,
        /** The most tokens first, then by key. */
        TOKENS,
        /**
         * By key: the period (oldest first), then user, model, price key, context and tier, each A to
         * Z with missing values first.
         */
        KEY
    }

    /**
     * Validates and copies.
     *
     * @throws IllegalArgumentException if the range is reversed, a dimension repeats, two periods
     *     are given, a filter value is blank, the limit is out of range or the cursor is malformed
     */
    public UsageQuery {
        if (since != null && until != null && !since.isBefore(until)) {
            throw new IllegalArgumentException("since must be before until, was since " + since + " until " + until);
        }
        by = List.copyOf(by);
        EnumSet<UsageDimension> seen = EnumSet.noneOf(UsageDimension.class);
        UsageDimension period = null;
        for (UsageDimension d : by) {
            if (!seen.add(d)) {
                throw new IllegalArgumentException("by must not repeat a dimension, was " + by);
            }
            if (d.isPeriod()) {
                if (period != null) {
                    throw new IllegalArgumentException("by may hold one of day, week and month, was " + by);
                }
                period = d;
            }
        }
        users = texts("users", users);
        models = texts("models", models);
        contexts = texts("contexts", contexts);
        if (order == null) {
            throw new IllegalArgumentException("order must be given, was null");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
        if (cursor != null) {
            offset(cursor);
        }
    }

    private static Set<String> texts(String field, Collection<String> values) {
        if (values == null) {
            throw new IllegalArgumentException(field + " must be given (empty for all), was null");
        }
        for (String v : values) {
            if (v == null || v.isBlank() || v.length() > Requests.MAX_TEXT) {
                throw new IllegalArgumentException(field + " must hold non-blank values of at most " + Requests.MAX_TEXT
                        + " characters, was " + Requests.quote(v));
            }
        }
        return Set.copyOf(values);
    }

    /**
     * Starts a query over all entries, grouped by the given dimensions, most spent first.
     *
     * @param dimensions what to group by; none gives one group with the totals
     * @return the query
     * @throws IllegalArgumentException if a dimension repeats or two periods are given
     */
    public static UsageQuery of(UsageDimension... dimensions) {
        return new UsageQuery(
                null, null, Arrays.asList(dimensions), Set.of(), Set.of(), Set.of(), Order.SPENT, DEFAULT_LIMIT, null);
    }

    /**
     * Groups by other dimensions.
     *
     * @param dimensions what to group by
     * @return the query, from its first page
     * @throws IllegalArgumentException if a dimension repeats or two periods are given
     */
    public UsageQuery groupedBy(List<UsageDimension> dimensions) {
        return new UsageQuery(since, until, dimensions, users, models, contexts, order, limit, null);
    }

    /**
     * Restricts to a time range.
     *
     * @param since inclusive start, or null
     * @param until exclusive end, or null
     * @return the query, from its first page
     * @throws IllegalArgumentException if the range is reversed
     */
    public UsageQuery between(@Nullable Instant since, @Nullable Instant until) {
        return new UsageQuery(since, until, by, users, models, contexts, order, limit, null);
    }

    /**
     * Restricts to some users.
     *
     * @param ids the user ids; empty for all
     * @return the query, from its first page
     * @throws IllegalArgumentException if an id is blank
     */
    public UsageQuery forUsers(Collection<String> ids) {
        return new UsageQuery(since, until, by, Set.copyOf(ids), models, contexts, order, limit, null);
    }

    /**
     * Restricts to some models, as charged.
     *
     * @param names the models; empty for all
     * @return the query, from its first page
     * @throws IllegalArgumentException if a name is blank
     */
    public UsageQuery forModels(Collection<String> names) {
        return new UsageQuery(since, until, by, users, Set.copyOf(names), contexts, order, limit, null);
    }

    /**
     * Restricts to some contexts.
     *
     * @param names the contexts ({@link EntryContext}); empty for all
     * @return the query, from its first page
     * @throws IllegalArgumentException if a name is blank
     */
    public UsageQuery forContexts(Collection<String> names) {
        return new UsageQuery(since, until, by, users, models, Set.copyOf(names), order, limit, null);
    }

    /**
     * Orders the groups.
     *
     * @param next the order
     * @return the query, from its first page
     */
    public UsageQuery orderBy(Order next) {
        return new UsageQuery(since, until, by, users, models, contexts, next, limit, null);
    }

    /**
     * Sets the page size.
     *
     * @param next 1 to {@value #MAX_LIMIT}
     * @return the query
     * @throws IllegalArgumentException if out of range
     */
    public UsageQuery withLimit(int next) {
        return new UsageQuery(since, until, by, users, models, contexts, order, next, cursor);
    }

    /**
     * Continues after a page.
     *
     * @param next the previous page's next cursor, or null for the first page
     * @return the query for the next page
     * @throws IllegalArgumentException if the cursor is malformed
     */
    public UsageQuery after(@Nullable String next) {
        return new UsageQuery(since, until, by, users, models, contexts, order, limit, next);
    }

    /**
     * Tells whether the query groups by a dimension.
     *
     * @param dimension the dimension
     * @return whether it is one of {@link #by()}
     */
    public boolean groupsBy(UsageDimension dimension) {
        return by.contains(dimension);
    }

    /** @return the period the query groups by, or null */
    public @Nullable UsageDimension period() {
        for (UsageDimension d : by) {
            if (d.isPeriod()) {
                return d;
            }
        }
        return null;
    }

    /**
     * Tells whether an entry passes this query's filters: time range, users, models and contexts.
     *
     * @param e the entry
     * @return whether it counts
     */
    public boolean matches(LedgerEntry e) {
        return (since == null || !e.createdAt().isBefore(since))
                && (until == null || e.createdAt().isBefore(until))
                && (users.isEmpty() || users.contains(e.user()))
                && (models.isEmpty() || (e.model() != null && models.contains(e.model())))
                && (contexts.isEmpty() || contexts.contains(e.context()));
    }

    /** @return the number of groups before this page: 0 for the first page */
    public int offset() {
        return cursor == null ? 0 : offset(cursor);
    }

    /**
     * Makes the cursor of the page that starts at a group.
     *
     * @param offset the number of groups before that page
     * @return the cursor
     */
    static String cursorAt(int offset) {
        return "o" + offset;
    }

    private static int offset(String cursor) {
        if (cursor.length() > 1 && cursor.charAt(0) == 'o') {
            try {
                int offset = Integer.parseInt(cursor, 1, cursor.length(), 10);
                if (offset > 0) {
                    return offset;
                }
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("cursor is not one this ledger issued, was '" + cursor + "'");
    }
}
