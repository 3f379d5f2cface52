package dev.balancekit.report;

import dev.balancekit.UsageDimension;
import dev.balancekit.UsageQuery;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What an admin report covers.
 *
 * @param since the start of the period, inclusive
 * @param until the end of the period, exclusive
 * @param by the dimensions of the report's table (the charts have their own)
 * @param users only these users; empty for all
 * @param models only these models; empty for all
 * @param contexts only these contexts; empty for all
 * @param top how many rows the table, the top users and top models show, 1 to {@value UsageQuery#MAX_LIMIT}
 * @param lowBalanceDays list users whose balance will not cover their average daily spending for
 *     this many days; 0 for no such list
 */
public record ReportSpec(
        Instant since,
        Instant until,
        List<UsageDimension> by,
        Set<String> users,
        Set<String> models,
        Set<String> contexts,
        int top,
        int lowBalanceDays) {

    /** The default number of rows: {@value}. */
    public static final int DEFAULT_TOP = 10;
    /** The default horizon of the low-balance list, in days: {@value}. */
    public static final int DEFAULT_LOW_BALANCE_DAYS = 7;

    /**
     * Validates and copies.
     *
     * @throws IllegalArgumentException if the period is empty or reversed, top is out of range,
     *     lowBalanceDays is negative, or the dimensions or filters are invalid (as {@link UsageQuery} says)
     */
    public ReportSpec {
        if (since == null || until == null || !since.isBefore(until)) {
            throw new IllegalArgumentException("since must be before until, was since " + since + " until " + until);
        }
        if (top < 1 || top > UsageQuery.MAX_LIMIT) {
            throw new IllegalArgumentException("top must be between 1 and " + UsageQuery.MAX_LIMIT + ", was " + top);
        }
        if (lowBalanceDays < 0 || lowBalanceDays > 3660) {
            throw new IllegalArgumentException("lowBalanceDays must be between 0 and 3660, was " + lowBalanceDays);
        }
        // the query checks the dimensions and filters, with its messages
        UsageQuery checked =
                new UsageQuery(since, until, by, users, models, contexts, UsageQuery.Order.SPENT, top, null);
        by = checked.by();
        users = checked.users();
        models = checked.models();
        contexts = checked.contexts();
    }

    /**
     * The last {@code days} days up to a time, grouped by user, top 10, low balances over 7 days.
     *
     * @param until the end, exclusive
     * @param days the length in days, at least 1
     * @return the spec
     * @throws IllegalArgumentException if days is below 1
     */
    public static ReportSpec lastDays(Instant until, int days) {
        if (days < 1) {
            throw new IllegalArgumentException("days must be at least 1, was " + days);
        }
        return new ReportSpec(
                until.minus(Duration.ofDays(days)),
                until,
                List.of(UsageDimension.USER),
                Set.of(),
                Set.of(),
                Set.of(),
                DEFAULT_TOP,
                DEFAULT_LOW_BALANCE_DAYS);
    }

    /**
     * The usage query of this spec's range and filters, grouped by the given dimensions.
     *
     * @param dimensions what to group by
     * @return the query, most spent first, {@link #top()} groups a page
     */
    public UsageQuery query(UsageDimension... dimensions) {
        return new UsageQuery(
                since, until, List.of(dimensions), users, models, contexts, UsageQuery.Order.SPENT, top, null);
    }

    /**
     * Returns the same spec with other table dimensions.
     *
     * @param dimensions the dimensions
     * @return the spec
     */
    public ReportSpec groupedBy(List<UsageDimension> dimensions) {
        return new ReportSpec(since, until, dimensions, users, models, contexts, top, lowBalanceDays);
    }

    /**
     * Returns the same spec with other filters.
     *
     * @param userIds only these users, empty for all
     * @param modelNames only these models, empty for all
     * @param contextNames only these contexts, empty for all
     * @return the spec
     */
    public ReportSpec filtered(Set<String> userIds, Set<String> modelNames, Set<String> contextNames) {
        return new ReportSpec(since, until, by, userIds, modelNames, contextNames, top, lowBalanceDays);
    }

    /**
     * Returns the same spec with another row count and low-balance horizon.
     *
     * @param rows rows of the table and the top lists
     * @param days the low-balance horizon, 0 for none
     * @return the spec
     */
    public ReportSpec limited(int rows, int days) {
        return new ReportSpec(since, until, by, users, models, contexts, rows, days);
    }
}
