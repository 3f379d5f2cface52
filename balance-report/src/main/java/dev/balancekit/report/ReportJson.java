package dev.balancekit.report;

import dev.balancekit.UsageAmounts;
import dev.balancekit.UsageDimension;
import dev.balancekit.UsageGroup;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Writes an {@link AdminReport} as one JSON object. Amounts of credits are JSON numbers with the
 * exact decimal value ({@code 1234.5}), never rounded through a double here; instants are ISO-8601
 * text.
 *
 * <pre>{@code
 * {"since": "...", "until": "...", "zone": "UTC", "generatedAt": "...", "by": ["user"],
 *  "totals": {"spent": 12.5, "credited": 20000, "promptTokens": 100, "completionTokens": 50, "entries": 4},
 *  "table": [{"user": "...", "label": "...", "spent": ...}], "tableGroups": 1,
 *  "dailyByModel": [{"day": "2026-01-15", "model": "gpt-4o", "spent": ...}],
 *  "topUsers": [...], "topModels": [...], "lowBalanceDays": 7,
 *  "lowBalances": [{"user": "...", "label": "...", "balance": ..., "spent": ..., "averageDailySpend": ..., "daysLeft": 3}]}
 * }</pre>
 */
public final class ReportJson {
    private ReportJson() {}

    /**
     * Writes the report.
     *
     * @param report the report
     * @return the JSON text
     */
    public static String write(AdminReport report) {
        ReportSpec spec = report.spec();
        StringBuilder j = new StringBuilder(8 * 1024).append('{');
        field(j, "since", spec.since().toString()).append(',');
        field(j, "until", spec.until().toString()).append(',');
        field(j, "zone", report.zone().getId()).append(',');
        field(j, "generatedAt", report.generatedAt().toString()).append(',');
        key(j, "by").append('[');
        for (int i = 0; i < spec.by().size(); i++) {
            string(j.append(i > 0 ? "," : ""), spec.by().get(i).label());
        }
        j.append("],");
        key(j, "totals");
        amounts(j.append('{'), report.totals()).append("},");
        groups(j, "table", report, spec.by(), report.table()).append(',');
        key(j, "tableGroups").append(report.tableGroups()).append(',');
        groups(j, "dailyByModel", report, List.of(UsageDimension.DAY, UsageDimension.MODEL), report.dailyByModel())
                .append(',');
        groups(j, "topUsers", report, List.of(UsageDimension.USER), report.topUsers())
                .append(',');
        groups(j, "topModels", report, List.of(UsageDimension.MODEL), report.topModels())
                .append(',');
        key(j, "lowBalanceDays").append(spec.lowBalanceDays()).append(',');
        key(j, "lowBalances").append('[');
        for (int i = 0; i < report.lowBalances().size(); i++) {
            LowBalance l = report.lowBalances().get(i);
            j.append(i > 0 ? ",{" : "{");
            field(j, "user", l.user()).append(',');
            field(j, "label", l.label()).append(',');
            key(j, "balance").append(l.balance()).append(',');
            key(j, "spent").append(l.spent()).append(',');
            key(j, "averageDailySpend").append(l.averageDailySpend()).append(',');
            key(j, "daysLeft").append(l.daysLeft()).append('}');
        }
        return j.append("]}").toString();
    }

    private static StringBuilder groups(
            StringBuilder j, String name, AdminReport report, List<UsageDimension> by, List<UsageGroup> groups) {
        key(j, name).append('[');
        for (int i = 0; i < groups.size(); i++) {
            UsageGroup g = groups.get(i);
            j.append(i > 0 ? ",{" : "{");
            for (UsageDimension d : by) {
                field(j, d.isPeriod() ? d.label() : camel(d), g.valueOf(d)).append(',');
                if (d == UsageDimension.USER) {
                    field(j, "label", g.user() == null ? null : report.labels().get(g.user()))
                            .append(',');
                }
            }
            amounts(j, g.amounts()).append('}');
        }
        return j.append(']');
    }

    private static String camel(UsageDimension d) {
        return d == UsageDimension.PRICE_KEY ? "priceKey" : d.label();
    }

    private static StringBuilder amounts(StringBuilder j, UsageAmounts a) {
        key(j, "spent").append(a.spent()).append(',');
        key(j, "credited").append(a.credited()).append(',');
        key(j, "promptTokens").append(a.promptTokens()).append(',');
        key(j, "completionTokens").append(a.completionTokens()).append(',');
        return key(j, "entries").append(a.entries());
    }

    private static StringBuilder field(StringBuilder j, String name, @Nullable String value) {
        key(j, name);
        return value == null ? j.append("null") : string(j, value);
    }

    private static StringBuilder key(StringBuilder j, String name) {
        return string(j, name).append(':');
    }

    /** A JSON string literal: quotes, backslashes and control characters escaped. */
    static StringBuilder string(StringBuilder j, String value) {
        j.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> j.append("\\\"");
                case '\\' -> j.append("\\\\");
                case '\n' -> j.append("\\n");
                case '\r' -> j.append("\\r");
                case '\t' -> j.append("\\t");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        j.append(String.format("\\u%04x", (int) c));
                    } else {
                        j.append(c);
                    }
                }
            }
        }
        return j.append('"');
    }
}
