package dev.balancekit.examples.chat;

import dev.balancekit.BalanceLedger;
import dev.balancekit.UsageDimension;
import dev.balancekit.UserDirectory;
import dev.balancekit.report.AdminReport;
import dev.balancekit.report.AdminReports;
import dev.balancekit.report.ReportSpec;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The admin usage report of {@code GET /admin/report} (JSON) and {@code GET /admin/report.html}: the
 * query string names the period and the table's grouping, the ledger's stores group the entries.
 *
 * <p>Parameters, all optional: {@code since} and {@code until} (a date in the ledger's zone, the
 * {@code until} date included, or an ISO instant; by default the last 30 days), {@code by}
 * (comma-separated dimensions, default {@code user}), {@code top} (rows, default 10) and
 * {@code lowBalanceDays} (default 7).
 */
final class ReportEndpoint {
    private final BalanceLedger ledger;
    private final Clock clock;

    ReportEndpoint(BalanceLedger ledger, Clock clock) {
        this.ledger = ledger;
        this.clock = clock;
    }

    /**
     * Builds the report a request asks for.
     *
     * @param uri the request URI
     * @return the report
     * @throws IllegalArgumentException naming the parameter, if one is not valid
     */
    AdminReport report(URI uri) {
        Map<String, String> q = query(uri.getRawQuery());
        ZoneId zone = ledger.config().zone();
        Instant until = q.containsKey("until") ? instant("until", q.get("until"), zone, true) : clock.instant();
        Instant since = q.containsKey("since")
                ? instant("since", q.get("since"), zone, false)
                : until.minus(Duration.ofDays(30));
        List<UsageDimension> by = new ArrayList<>();
        for (String d : q.getOrDefault("by", "user").split(",")) {
            if (!d.isBlank()) {
                by.add(UsageDimension.parse(d));
            }
        }
        ReportSpec spec = new ReportSpec(
                since,
                until,
                by,
                Set.of(),
                Set.of(),
                Set.of(),
                integer("top", q.getOrDefault("top", Integer.toString(ReportSpec.DEFAULT_TOP))),
                integer(
                        "lowBalanceDays",
                        q.getOrDefault("lowBalanceDays", Integer.toString(ReportSpec.DEFAULT_LOW_BALANCE_DAYS))));
        return AdminReports.build(ledger, spec, UserDirectory.NONE, clock)
                .blockOptional()
                .orElseThrow();
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(key, value);
        }
        return out;
    }

    private static Instant instant(String name, String text, ZoneId zone, boolean endOfDay) {
        try {
            if (text.length() == 10) {
                LocalDate day = LocalDate.parse(text);
                return (endOfDay ? day.plusDays(1) : day).atStartOfDay(zone).toInstant();
            }
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be a date such as 2026-01-15 or an instant such as"
                    + " 2026-01-15T10:00:00Z, was '" + text + "'");
        }
    }

    private static int integer(String name, String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, was '" + text + "'");
        }
    }
}
