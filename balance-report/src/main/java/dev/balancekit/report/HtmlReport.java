package dev.balancekit.report;

import dev.balancekit.UsageAmounts;
import dev.balancekit.UsageDimension;
import dev.balancekit.UsageGroup;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Renders an {@link AdminReport} as one self-contained HTML page: inline CSS, inline SVG charts
 * (spending per day stacked by model, top users, top models), the tables below them; no script,
 * no font, image or style sheet from anywhere else, so it opens offline and can be mailed.
 */
public final class HtmlReport {
    /** The id of the daily spending chart's {@code <svg>} element. */
    public static final String DAILY_CHART = "chart-daily";
    /** The id of the top users chart's {@code <svg>} element. */
    public static final String TOP_USERS_CHART = "chart-top-users";
    /** The id of the top models chart's {@code <svg>} element. */
    public static final String TOP_MODELS_CHART = "chart-top-models";

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);
    private static final String STYLE = """
            body{font-family:sans-serif;margin:24px;color:#222;max-width:1000px}
            h1{font-size:22px;margin-bottom:4px}h2{font-size:17px;margin-top:28px}
            .period{color:#555;margin-top:0}
            table{border-collapse:collapse;margin:8px 0;font-size:13px}
            th,td{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left}
            td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
            th{background:#f4f4f4}
            .charts{display:flex;flex-wrap:wrap;gap:16px}
            figure{margin:0;border:1px solid #e4e4e4}
            .empty{color:#777}
            """;

    private HtmlReport() {}

    /**
     * Renders the report.
     *
     * @param report the report
     * @return the HTML document
     */
    public static String render(AdminReport report) {
        ReportSpec spec = report.spec();
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>Usage report ")
                .append(esc(day(report, spec.since())))
                .append(" to ")
                .append(esc(day(report, spec.until())))
                .append("</title>\n<style>")
                .append(STYLE)
                .append("</style>\n")
                .append("</head>\n<body>\n<h1>Usage report</h1>\n<p class=\"period\">")
                .append(esc(stamp(report, spec.since())))
                .append(" to ")
                .append(esc(stamp(report, spec.until())))
                .append(" (")
                .append(esc(report.zone().getId()))
                .append("), made ")
                .append(esc(stamp(report, report.generatedAt())))
                .append(filters(spec))
                .append("</p>\n");

        h.append("<section id=\"totals\">\n<h2>Totals</h2>\n");
        table(
                h,
                List.of("Credits spent", "Credits added", "Prompt tokens", "Completion tokens", "Entries"),
                List.of(true, true, true, true, true),
                List.of(amounts(report.totals())));
        h.append("</section>\n");

        h.append("<section id=\"charts\" class=\"charts\">\n<figure>")
                .append(Charts.dailyByModel(DAILY_CHART, report.dailyByModel(), 960, 420))
                .append("</figure>\n<figure>")
                .append(Charts.topSpenders(
                        TOP_USERS_CHART,
                        "Top users",
                        "User",
                        report.topUsers(),
                        g -> report.nameOf(g.user()),
                        472,
                        340))
                .append("</figure>\n<figure>")
                .append(Charts.topSpenders(
                        TOP_MODELS_CHART,
                        "Top models",
                        "Model",
                        report.topModels(),
                        g -> g.model() == null ? Charts.NO_MODEL : g.model(),
                        472,
                        340))
                .append("</figure>\n</section>\n");

        h.append("<section id=\"table\">\n<h2>By ")
                .append(esc(byText(spec.by())))
                .append("</h2>\n");
        groupTable(h, report, spec.by(), report.table());
        if (report.tableGroups() > report.table().size()) {
            h.append("<p class=\"empty\">The ")
                    .append(report.table().size())
                    .append(" groups that spent the most of ")
                    .append(report.tableGroups())
                    .append(".</p>\n");
        }
        h.append("</section>\n<section id=\"top-users\">\n<h2>Top users</h2>\n");
        groupTable(h, report, List.of(UsageDimension.USER), report.topUsers());
        h.append("</section>\n<section id=\"top-models\">\n<h2>Top models</h2>\n");
        groupTable(h, report, List.of(UsageDimension.MODEL), report.topModels());
        h.append("</section>\n");
        if (spec.lowBalanceDays() > 0) {
            h.append("<section id=\"low-balance\">\n<h2>Low balance: will not cover ")
                    .append(spec.lowBalanceDays())
                    .append(spec.lowBalanceDays() == 1 ? " day" : " days")
                    .append(" of average spending</h2>\n");
            List<List<String>> rows = new ArrayList<>();
            for (LowBalance l : report.lowBalances()) {
                rows.add(List.of(
                        l.name(),
                        l.balance().toString(),
                        l.averageDailySpend().toString(),
                        Long.toString(l.daysLeft())));
            }
            table(
                    h,
                    List.of("User", "Balance", "Average daily spend", "Days left"),
                    List.of(false, true, true, true),
                    rows);
            h.append("</section>\n");
        }
        return h.append("</body>\n</html>\n").toString();
    }

    private static void groupTable(
            StringBuilder h, AdminReport report, List<UsageDimension> by, List<UsageGroup> groups) {
        List<String> heads = new ArrayList<>();
        List<Boolean> numeric = new ArrayList<>();
        for (UsageDimension d : by) {
            heads.add(title(d));
            numeric.add(false);
        }
        heads.addAll(List.of("Credits spent", "Credits added", "Prompt tokens", "Completion tokens", "Entries"));
        numeric.addAll(List.of(true, true, true, true, true));
        List<List<String>> rows = new ArrayList<>();
        for (UsageGroup g : groups) {
            List<String> row = new ArrayList<>();
            for (UsageDimension d : by) {
                String v = d == UsageDimension.USER ? report.nameOf(g.user()) : g.valueOf(d);
                row.add(v == null ? "-" : v);
            }
            row.addAll(amounts(g.amounts()));
            rows.add(row);
        }
        table(h, heads, numeric, rows);
    }

    private static void table(StringBuilder h, List<String> heads, List<Boolean> numeric, List<List<String>> rows) {
        if (rows.isEmpty()) {
            h.append("<p class=\"empty\">None.</p>\n");
            return;
        }
        h.append("<table>\n<thead><tr>");
        for (int i = 0; i < heads.size(); i++) {
            h.append(numeric.get(i) ? "<th class=\"n\">" : "<th>")
                    .append(esc(heads.get(i)))
                    .append("</th>");
        }
        h.append("</tr></thead>\n<tbody>\n");
        for (List<String> row : rows) {
            h.append("<tr>");
            for (int i = 0; i < row.size(); i++) {
                h.append(numeric.get(i) ? "<td class=\"n\">" : "<td>")
                        .append(esc(row.get(i)))
                        .append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</tbody>\n</table>\n");
    }

    private static List<String> amounts(UsageAmounts a) {
        return List.of(
                a.spent().toString(),
                a.credited().toString(),
                Long.toString(a.promptTokens()),
                Long.toString(a.completionTokens()),
                Long.toString(a.entries()));
    }

    /** @return the column title of a dimension */
    static String title(UsageDimension d) {
        return switch (d) {
            case USER -> "User";
            case MODEL -> "Model";
            case PRICE_KEY -> "Price key";
            case CONTEXT -> "Context";
            case TIER -> "Tier";
            case DAY -> "Day";
            case WEEK -> "Week of";
            case MONTH -> "Month of";
        };
    }

    private static String byText(List<UsageDimension> by) {
        if (by.isEmpty()) {
            return "everything";
        }
        List<String> names = new ArrayList<>();
        for (UsageDimension d : by) {
            names.add(d.label());
        }
        return String.join(", ", names);
    }

    private static String filters(ReportSpec spec) {
        StringBuilder sb = new StringBuilder();
        if (!spec.users().isEmpty()) {
            sb.append("; users ").append(esc(String.join(", ", new java.util.TreeSet<>(spec.users()))));
        }
        if (!spec.models().isEmpty()) {
            sb.append("; models ").append(esc(String.join(", ", new java.util.TreeSet<>(spec.models()))));
        }
        if (!spec.contexts().isEmpty()) {
            sb.append("; contexts ").append(esc(String.join(", ", new java.util.TreeSet<>(spec.contexts()))));
        }
        return sb.toString();
    }

    private static String stamp(AdminReport r, java.time.Instant t) {
        return STAMP.format(t.atZone(r.zone()));
    }

    private static String day(AdminReport r, java.time.Instant t) {
        return t.atZone(r.zone()).toLocalDate().toString();
    }

    /** Escapes text for HTML element content and attribute values. */
    static String esc(@Nullable String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
