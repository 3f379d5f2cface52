package dev.balancekit;

import dev.balancekit.spi.UsageTally;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Turns a store's groups into a report: default tiers, order, totals and the page. */
final class UsageReports {
    private static final Comparator<@Nullable String> TEXT = Comparator.nullsFirst(Comparator.naturalOrder());
    private static final Comparator<@Nullable LocalDate> DATE = Comparator.nullsFirst(Comparator.naturalOrder());

    /** Key order: period, user, model, price key, context, tier. */
    static final Comparator<UsageGroup> BY_KEY = Comparator.comparing(UsageGroup::period, DATE)
            .thenComparing(UsageGroup::user, TEXT)
            .thenComparing(UsageGroup::model, TEXT)
            .thenComparing(UsageGroup::priceKey, TEXT)
            .thenComparing(UsageGroup::context, TEXT)
            .thenComparing(UsageGroup::tier, TEXT);

    private UsageReports() {}

    static UsageReport report(UsageQuery query, ZoneId zone, List<UsageGroup> stored, @Nullable String defaultTier) {
        List<UsageGroup> groups = stored;
        if (query.groupsBy(UsageDimension.TIER) && defaultTier != null) {
            // accounts without a tier of their own are on the default tier: fold them into its group
            UsageTally tally = new UsageTally(query, zone);
            for (UsageGroup g : stored) {
                tally.add(g.tier() == null ? g.withTier(defaultTier) : g);
            }
            groups = tally.groups();
        }
        UsageAmounts totals = UsageAmounts.ZERO;
        for (UsageGroup g : groups) {
            totals = totals.plus(g.amounts());
        }
        List<UsageGroup> sorted = new ArrayList<>(groups);
        sorted.sort(
                switch (query.order()) {
                    case SPENT ->
                        Comparator.comparing((UsageGroup g) -> g.amounts().spent())
                                .reversed()
                                .thenComparing(BY_KEY);
                    case TOKENS ->
                        Comparator.comparingLong((UsageGroup g) -> g.amounts().tokens())
                                .reversed()
                                .thenComparing(BY_KEY);
                    case KEY -> BY_KEY;
                });
        int from = Math.min(query.offset(), sorted.size());
        int to = Math.min(from + query.limit(), sorted.size());
        String next = to < sorted.size() ? UsageQuery.cursorAt(to) : null;
        return new UsageReport(query, zone, sorted.subList(from, to), sorted.size(), totals, next);
    }
}
