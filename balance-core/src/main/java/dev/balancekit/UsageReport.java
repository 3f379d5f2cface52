package dev.balancekit;

import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The answer to a {@link UsageQuery}: one page of groups in the query's order, and the totals of
 * every matching entry.
 *
 * @param query the query answered
 * @param zone the zone in which days, weeks and months were counted (the config's)
 * @param groups this page's groups
 * @param groupCount how many groups there are in all pages
 * @param totals what every matching entry adds up to, in all pages
 * @param nextCursor pass it to {@link UsageQuery#after(String)} for the next page; null on the last page
 */
public record UsageReport(
        UsageQuery query,
        ZoneId zone,
        List<UsageGroup> groups,
        long groupCount,
        UsageAmounts totals,
        @Nullable String nextCursor) {

    /**
     * Copies the groups.
     *
     * @throws NullPointerException if a component other than the cursor is null
     */
    public UsageReport {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(zone, "zone");
        groups = List.copyOf(groups);
        Objects.requireNonNull(totals, "totals");
    }
}
