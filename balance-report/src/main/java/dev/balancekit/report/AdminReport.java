package dev.balancekit.report;

import dev.balancekit.UsageAmounts;
import dev.balancekit.UsageGroup;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything an admin report shows, assembled by {@link AdminReports#build}: plain values, ready to
 * render as HTML ({@link HtmlReport}), JSON ({@link ReportJson}) or rows.
 *
 * @param spec what the report covers
 * @param zone the zone of its days (the ledger config's)
 * @param generatedAt when it was made
 * @param totals everything in the period that passes the filters
 * @param table the groups of {@link ReportSpec#by()}, most spent first, at most {@link ReportSpec#top()}
 * @param tableGroups how many groups the table has in all
 * @param dailyByModel spending per day and model, days in order
 * @param topUsers the users who spent the most, at most {@link ReportSpec#top()}
 * @param topModels the models that cost the most, at most {@link ReportSpec#top()}
 * @param lowBalances users about to run dry, fewest days left first
 * @param labels user labels (e-mail addresses) by user id, for the users shown
 */
public record AdminReport(
        ReportSpec spec,
        ZoneId zone,
        Instant generatedAt,
        UsageAmounts totals,
        List<UsageGroup> table,
        long tableGroups,
        List<UsageGroup> dailyByModel,
        List<UsageGroup> topUsers,
        List<UsageGroup> topModels,
        List<LowBalance> lowBalances,
        Map<String, String> labels) {

    /**
     * Copies.
     *
     * @throws NullPointerException if a component is null
     */
    public AdminReport {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(generatedAt, "generatedAt");
        Objects.requireNonNull(totals, "totals");
        table = List.copyOf(table);
        dailyByModel = List.copyOf(dailyByModel);
        topUsers = List.copyOf(topUsers);
        topModels = List.copyOf(topModels);
        lowBalances = List.copyOf(lowBalances);
        labels = Map.copyOf(labels);
    }

    /**
     * Returns how a user is shown: the label, or the id.
     *
     * @param user the user id, or null
     * @return the label, the id, or null for null
     */
    public @Nullable String nameOf(@Nullable String user) {
        return user == null ? null : labels.getOrDefault(user, user);
    }
}
