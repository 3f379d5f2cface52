package dev.balancekit.cli;

import static dev.balancekit.cli.RecordWriter.Column.number;
import static dev.balancekit.cli.RecordWriter.Column.text;

import dev.balancekit.BalanceLedger;
import dev.balancekit.LedgerConfig;
import dev.balancekit.UsageDimension;
import dev.balancekit.UsageGroup;
import dev.balancekit.UsageQuery;
import dev.balancekit.report.AdminReport;
import dev.balancekit.report.AdminReports;
import dev.balancekit.report.HtmlReport;
import dev.balancekit.report.LowBalance;
import dev.balancekit.report.ReportSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code report}: spending and tokens over a period, grouped as asked, with the users about to run
 * dry; as a table, CSV, JSON, or a self-contained HTML page with charts.
 */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = {
            "Reports spending and tokens over a period, grouped by user, model, price key, context, tier, day, week or"
                    + " month, with a low-balance list: users whose balance will not cover their average daily"
                    + " spending for the next N days.",
            "The database groups the entries; only the groups travel. Amounts are credits; days, weeks and months are"
                    + " counted in the config's timezone.",
            "--format html writes one self-contained page (charts of spending per day by model, top users and top"
                    + " models, then the tables) that opens without a network."
        })
final class ReportCommand implements Callable<Integer> {

    /** The output format: the listing formats and HTML. */
    enum ReportFormat {
        /** Aligned columns, totals and the low-balance list. */
        TABLE,
        /** RFC 4180 rows of the grouped table (or of the low-balance list). */
        CSV,
        /** One JSON array of the grouped table's rows (or of the low-balance list). */
        JSON,
        /** One self-contained HTML page with charts. */
        HTML;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Reads {@code --format} as typed, in any case. */
    static final class FormatConverter implements ITypeConverter<ReportFormat> {
        @Override
        public ReportFormat convert(String value) {
            for (ReportFormat f : ReportFormat.values()) {
                if (f.toString().equalsIgnoreCase(value.strip())) {
                    return f;
                }
            }
            throw new TypeConversionException("expected one of table, csv, json, html but was '" + value + "'");
        }
    }

    static final List<RecordWriter.Column> AMOUNT_COLUMNS = List.of(
            number("spent", "SPENT", 14),
            number("credited", "ADDED", 14),
            number("promptTokens", "PROMPT TOKENS", 13),
            number("completionTokens", "COMPLETION TOKENS", 17),
            number("entries", "ENTRIES", 8));

    static final List<RecordWriter.Column> LOW_BALANCE_COLUMNS = List.of(
            text("email", "EMAIL", 30),
            number("balance", "BALANCE", 14),
            number("averageDailySpend", "AVG DAILY SPEND", 15),
            number("daysLeft", "DAYS LEFT", 9),
            text("user", "USER", 0));

    private final Invocation invocation;

    @Mixin
    MongoOptions mongo = new MongoOptions();

    @Mixin
    ConfigOption config = new ConfigOption();

    @Option(
            names = "--since",
            paramLabel = "DATE",
            description = "Start of the period: a date (its start in the config's timezone) or a time; default 30 days"
                    + " before --until.")
    @Nullable
    String since;

    @Option(
            names = "--until",
            paramLabel = "DATE",
            description = "End of the period: up to the end of this date, or" + " before this time; default now.")
    @Nullable
    String until;

    @Option(
            names = "--by",
            paramLabel = "DIMS",
            defaultValue = "user",
            description =
                    "Group by these, comma-separated: user, model, price-key, context, tier, and one of day, week,"
                            + " month (default ${DEFAULT-VALUE}).")
    String by = "user";

    @Option(
            names = "--user",
            paramLabel = "EMAIL|ID",
            split = ",",
            description = "Only this user (an e-mail, or the user id); repeat or separate with commas for several.")
    List<String> users = new ArrayList<>();

    @Option(names = "--model", paramLabel = "MODEL", split = ",", description = "Only this model; repeatable.")
    List<String> models = new ArrayList<>();

    @Option(
            names = "--context",
            paramLabel = "CONTEXT",
            split = ",",
            description = "Only this context (message, title, incomplete, admin, autoRefill, ...); repeatable.")
    List<String> contexts = new ArrayList<>();

    @Option(
            names = "--top",
            paramLabel = "N",
            defaultValue = "10",
            description =
                    "Show the N groups that spent the most, and the top N users and models (default ${DEFAULT-VALUE};"
                            + " 0 for up to " + UsageQuery.MAX_LIMIT + ").")
    int top = 10;

    @Option(
            names = "--low-balance-days",
            paramLabel = "N",
            defaultValue = "7",
            description = "List users whose balance will not cover N days of their average daily spending in the period"
                    + " (default ${DEFAULT-VALUE}; 0 for no list).")
    int lowBalanceDays = 7;

    @Option(
            names = "--low-balance",
            description = "With csv or json: print the low-balance list instead of the groups.")
    boolean lowBalanceOnly;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "table",
            converter = FormatConverter.class,
            description = "table, csv, json or html (default ${DEFAULT-VALUE}).")
    ReportFormat format = ReportFormat.TABLE;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            description = "Write to this file instead of standard output.")
    @Nullable
    Path output;

    ReportCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public Integer call() {
        if (top < 0 || top > UsageQuery.MAX_LIMIT) {
            throw CliException.usage("--top must be between 0 (all) and " + UsageQuery.MAX_LIMIT + ", was " + top);
        }
        if (lowBalanceDays < 0 || lowBalanceDays > 3660) {
            throw CliException.usage("--low-balance-days must be between 0 and 3660, was " + lowBalanceDays);
        }
        if (lowBalanceOnly && lowBalanceDays == 0) {
            throw CliException.usage("--low-balance needs --low-balance-days of 1 or more, was 0");
        }
        List<UsageDimension> dimensions = dimensions(by);
        LedgerConfig cfg = invocation.config(config);
        Instant to =
                until == null ? invocation.env().clock().instant() : Dates.parse("--until", until, cfg.zone(), true);
        Instant from = since == null ? to.minus(Duration.ofDays(30)) : Dates.parse("--since", since, cfg.zone(), false);
        if (!from.isBefore(to)) {
            throw CliException.usage("--since must be before --until, was " + from + " and " + to);
        }
        Session session = invocation.session(mongo);
        ReportSpec spec;
        try {
            spec = new ReportSpec(
                    from,
                    to,
                    dimensions,
                    userIds(session),
                    Set.copyOf(strip("--model", models)),
                    Set.copyOf(strip("--context", contexts)),
                    top == 0 ? UsageQuery.MAX_LIMIT : top,
                    lowBalanceDays);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(String.valueOf(e.getMessage()));
        }
        BalanceLedger ledger = session.ledger(cfg, invocation.env().clock());
        AdminReport report = AdminReports.build(
                        ledger, spec, session.directory(), invocation.env().clock())
                .block();
        if (report == null) {
            throw new IllegalStateException("the report came back empty");
        }
        if (output == null) {
            print(report, invocation.out());
        } else {
            ByteArrayPrinter buffer = new ByteArrayPrinter();
            print(report, buffer.stream());
            try {
                Files.write(output, buffer.bytes());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + output, e);
            }
            if (format == ReportFormat.TABLE || format == ReportFormat.HTML) {
                invocation.out().println("Report written to " + output);
            }
        }
        return Main.OK;
    }

    private void print(AdminReport report, java.io.PrintStream out) {
        switch (format) {
            case HTML -> out.print(HtmlReport.render(report));
            case TABLE -> table(report, out);
            case CSV, JSON -> {
                Format f = format == ReportFormat.CSV ? Format.CSV : Format.JSON;
                if (lowBalanceOnly) {
                    lowBalances(report, new RecordWriter(f, LOW_BALANCE_COLUMNS, out));
                } else {
                    groups(report, new RecordWriter(f, columns(report.spec().by()), out));
                }
            }
        }
        out.flush();
    }

    private void table(AdminReport report, java.io.PrintStream out) {
        ReportSpec spec = report.spec();
        out.println("Usage from " + spec.since().atZone(report.zone()).toLocalDateTime() + " to "
                + spec.until().atZone(report.zone()).toLocalDateTime() + " ("
                + report.zone().getId() + "), by "
                + (spec.by().isEmpty()
                        ? "nothing"
                        : String.join(
                                ", ",
                                spec.by().stream().map(UsageDimension::label).toList()))
                + ", most spent first");
        groups(report, new RecordWriter(Format.TABLE, columns(spec.by()), out));
        out.println(report.table().size() + " of " + report.tableGroups()
                + (report.tableGroups() == 1 ? " group" : " groups")
                + "; total spent " + report.totals().spent() + " credits, added "
                + report.totals().credited()
                + ", prompt tokens " + report.totals().promptTokens() + ", completion tokens "
                + report.totals().completionTokens() + ", entries "
                + report.totals().entries());
        if (spec.lowBalanceDays() > 0) {
            out.println();
            out.println("Low balance: will not cover " + spec.lowBalanceDays()
                    + (spec.lowBalanceDays() == 1 ? " day" : " days") + " of average daily spending");
            if (report.lowBalances().isEmpty()) {
                out.println("none");
            } else {
                lowBalances(report, new RecordWriter(Format.TABLE, LOW_BALANCE_COLUMNS, out));
            }
        }
    }

    private static void groups(AdminReport report, RecordWriter writer) {
        List<UsageDimension> by = report.spec().by();
        for (UsageGroup g : report.table()) {
            List<@Nullable String> row = new ArrayList<>();
            for (UsageDimension d : by) {
                if (d == UsageDimension.USER) {
                    row.add(g.user() == null ? null : report.labels().get(g.user()));
                }
                row.add(g.valueOf(d));
            }
            row.addAll(Arrays.asList(
                    g.amounts().spent().toString(),
                    g.amounts().credited().toString(),
                    Long.toString(g.amounts().promptTokens()),
                    Long.toString(g.amounts().completionTokens()),
                    Long.toString(g.amounts().entries())));
            writer.row(row);
        }
        writer.end();
    }

    private static void lowBalances(AdminReport report, RecordWriter writer) {
        for (LowBalance l : report.lowBalances()) {
            writer.row(Arrays.asList(
                    l.label(),
                    l.balance().toString(),
                    l.averageDailySpend().toString(),
                    Long.toString(l.daysLeft()),
                    l.user()));
        }
        writer.end();
    }

    /** The table's columns: one per dimension (the user as e-mail and id), then the amounts. */
    static List<RecordWriter.Column> columns(List<UsageDimension> by) {
        List<RecordWriter.Column> columns = new ArrayList<>();
        for (UsageDimension d : by) {
            switch (d) {
                case USER -> {
                    columns.add(text("email", "EMAIL", 24));
                    columns.add(text("user", "USER", 24));
                }
                case MODEL -> columns.add(text("model", "MODEL", 18));
                case PRICE_KEY -> columns.add(text("priceKey", "PRICE KEY", 18));
                case CONTEXT -> columns.add(text("context", "CONTEXT", 12));
                case TIER -> columns.add(text("tier", "TIER", 10));
                case DAY -> columns.add(text("day", "DAY", 10));
                case WEEK -> columns.add(text("week", "WEEK OF", 10));
                case MONTH -> columns.add(text("month", "MONTH OF", 10));
            }
        }
        columns.addAll(AMOUNT_COLUMNS);
        return columns;
    }

    /** Reads {@code --by}: comma-separated dimensions. */
    static List<UsageDimension> dimensions(String text) {
        List<UsageDimension> out = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            if (part.isBlank() && text.isBlank()) {
                break; // --by "" means no grouping: the totals
            }
            try {
                out.add(UsageDimension.parse(part));
            } catch (IllegalArgumentException e) {
                throw CliException.usage("--by must list user, model, price-key, context, tier, day, week or month,"
                        + " was '" + part.strip() + "'");
            }
        }
        return out;
    }

    /** The --user values as user ids: e-mails looked up in the users collection. */
    private Set<String> userIds(Session session) {
        Set<String> ids = new LinkedHashSet<>();
        for (String u : strip("--user", users)) {
            if (u.indexOf('@') > 0) {
                String id =
                        session.directory().userIdForEmail(u).blockOptional().orElse(null);
                if (id == null) {
                    throw CliException.notFound("No user with the email '" + u + "' was found");
                }
                ids.add(id);
            } else {
                ids.add(u);
            }
        }
        return ids;
    }

    private static List<String> strip(String option, List<String> values) {
        List<String> out = new ArrayList<>();
        for (String v : values) {
            String s = v.strip();
            if (s.isEmpty()) {
                throw CliException.usage(option + " must not be blank");
            }
            out.add(s);
        }
        return out;
    }

    /** Collects a whole output before it goes to a file, so a failed report leaves no half file. */
    private static final class ByteArrayPrinter {
        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        private final java.io.PrintStream stream = new java.io.PrintStream(bytes, true, StandardCharsets.UTF_8);

        java.io.PrintStream stream() {
            return stream;
        }

        byte[] bytes() {
            stream.flush();
            return bytes.toByteArray();
        }
    }
}
