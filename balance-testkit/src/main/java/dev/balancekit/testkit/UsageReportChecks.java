package dev.balancekit.testkit;

import dev.balancekit.AccountView;
import dev.balancekit.BlockingBalanceLedger;
import dev.balancekit.HistoryQuery;
import dev.balancekit.LedgerEntry;
import dev.balancekit.ListQuery;
import dev.balancekit.Page;
import dev.balancekit.TokenType;
import dev.balancekit.UsageDimension;
import dev.balancekit.UsageGroup;
import dev.balancekit.UsageQuery;
import dev.balancekit.UsageReport;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Helpers of the contract suite's usage report tests: a report as lines of text, and the same
 * report worked out independently from the history, entry by entry.
 */
public final class UsageReportChecks {
    private UsageReportChecks() {}

    /**
     * Reads every page of a report.
     *
     * @param ledger the ledger
     * @param query the query (its limit is the page size)
     * @return the groups of all pages, in the report's order
     */
    public static List<UsageGroup> allGroups(BlockingBalanceLedger ledger, UsageQuery query) {
        List<UsageGroup> all = new ArrayList<>();
        String cursor = null;
        do {
            UsageReport page = ledger.usageReport(query.after(cursor));
            all.addAll(page.groups());
            cursor = page.nextCursor();
        } while (cursor != null);
        return all;
    }

    /**
     * Writes groups as lines, {@code user|model|priceKey|context|tier|period spent credited prompt
     * completion entries}, with {@code -} for a missing value.
     *
     * @param groups the groups
     * @return one line per group, in the same order
     */
    public static List<String> lines(List<UsageGroup> groups) {
        List<String> out = new ArrayList<>(groups.size());
        for (UsageGroup g : groups) {
            out.add(line(g));
        }
        return out;
    }

    /**
     * Writes one group as {@link #lines} does.
     *
     * @param g the group
     * @return the line
     */
    public static String line(UsageGroup g) {
        return key(
                        g.user(),
                        g.model(),
                        g.priceKey(),
                        g.context(),
                        g.tier(),
                        g.period() == null ? null : g.period().toString())
                + " spent=" + g.amounts().spent() + " credited=" + g.amounts().credited() + " prompt="
                + g.amounts().promptTokens() + " completion=" + g.amounts().completionTokens() + " entries="
                + g.amounts().entries();
    }

    private static String key(@Nullable String... parts) {
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
            if (sb.length() > 0) {
                sb.append('|');
            }
            sb.append(p == null ? "-" : p);
        }
        return sb.toString();
    }

    /**
     * Works a report out from every account's history, without the store's grouping: the reference
     * a store's report must equal. Groups come in key order; the query's order is ignored.
     *
     * @param ledger the ledger
     * @param query dimensions and filters
     * @param zone the config's zone
     * @param defaultTier the config's default tier, or null
     * @return the lines of the expected groups, sorted
     */
    public static List<String> fromHistory(
            BlockingBalanceLedger ledger, UsageQuery query, ZoneId zone, String defaultTier) {
        Map<String, long[]> sums = new TreeMap<>();
        String cursor = null;
        do {
            Page<AccountView> accounts = ledger.listBalances(ListQuery.byUser().after(cursor));
            for (AccountView account : accounts.items()) {
                String tier = account.tier() != null ? account.tier() : defaultTier;
                String entryCursor = null;
                do {
                    Page<LedgerEntry> page = ledger.transactionHistory(
                            account.user(),
                            HistoryQuery.all().withLimit(HistoryQuery.MAX_LIMIT).after(entryCursor));
                    for (LedgerEntry e : page.items()) {
                        if (!query.matches(e)) {
                            continue;
                        }
                        String k = key(
                                query.groupsBy(UsageDimension.USER) ? e.user() : null,
                                query.groupsBy(UsageDimension.MODEL) ? e.model() : null,
                                query.groupsBy(UsageDimension.PRICE_KEY) ? e.valueKey() : null,
                                query.groupsBy(UsageDimension.CONTEXT) ? e.context() : null,
                                query.groupsBy(UsageDimension.TIER) ? tier : null,
                                period(e, query, zone));
                        long[] s = sums.computeIfAbsent(k, x -> new long[5]);
                        boolean credits = e.tokenType() == TokenType.CREDITS;
                        s[0] += credits ? 0 : -e.tokenValue().micros();
                        s[1] += credits ? e.tokenValue().micros() : 0;
                        s[2] += e.tokenType() == TokenType.PROMPT ? Math.abs(e.rawAmount()) : 0;
                        s[3] += e.tokenType() == TokenType.COMPLETION ? Math.abs(e.rawAmount()) : 0;
                        s[4]++;
                    }
                    entryCursor = page.nextCursor();
                } while (entryCursor != null);
            }
            cursor = accounts.nextCursor();
        } while (cursor != null);
        List<String> out = new ArrayList<>();
        sums.forEach((k, s) -> out.add(k + " spent=" + dev.balancekit.Credits.ofMicros(s[0]) + " credited="
                + dev.balancekit.Credits.ofMicros(s[1]) + " prompt=" + s[2] + " completion=" + s[3] + " entries="
                + s[4]));
        return out;
    }

    private static @Nullable String period(LedgerEntry e, UsageQuery query, ZoneId zone) {
        UsageDimension p = query.period();
        if (p == null) {
            return null;
        }
        LocalDate day = e.createdAt().atZone(zone).toLocalDate();
        return switch (p) {
            case DAY -> day.toString();
            case WEEK ->
                day.minusDays(day.getDayOfWeek().getValue() - DayOfWeek.MONDAY.getValue())
                        .toString();
            default -> LocalDate.of(day.getYear(), day.getMonth(), 1).toString();
        };
    }

    /**
     * Sorts lines, for comparing a report with {@link #fromHistory}.
     *
     * @param lines the lines
     * @return a sorted copy
     */
    public static List<String> sorted(List<String> lines) {
        List<String> copy = new ArrayList<>(lines);
        copy.sort(null);
        return copy;
    }
}
