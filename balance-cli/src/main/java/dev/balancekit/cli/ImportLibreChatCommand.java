package dev.balancekit.cli;

import dev.balancekit.Refill;
import dev.balancekit.RefillOverride;
import dev.balancekit.mongo.LibreChatImport;
import dev.balancekit.mongo.MongoBalanceStore;
import java.math.BigDecimal;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code import-librechat}: {@link LibreChatImport} with its reconciliation report. */
@Command(
        name = "import-librechat",
        mixinStandardHelpOptions = true,
        description = {
            "Creates BalanceKit accounts for the users of a LibreChat database, from its balances (and, with --history,"
                    + " its transactions).",
            "Reads LibreChat's collections only. Balances are converted exactly to micro-credits; refill timing carries"
                    + " over from lastRefill. Users that already have a BalanceKit account are skipped, so running it"
                    + " again imports nothing twice and an interrupted run continues where it stopped.",
            "Prints one line per user whose balance was rounded, whose LibreChat transactions do not add up to its"
                    + " balance (drift), or who could not be read; then the totals."
        })
final class ImportLibreChatCommand implements Callable<Integer> {
    /** Users between two progress updates on a terminal. */
    private static final int PROGRESS_EVERY = 1000;

    private final Invocation invocation;

    @Mixin
    MongoOptions mongo = new MongoOptions();

    @Mixin
    ConfigOption config = new ConfigOption();

    @Option(
            names = "--from-uri",
            paramLabel = "URI",
            description =
                    "Connection string of the LibreChat database to read; the default is the target's (--mongo-uri).")
    @Nullable
    String fromUri;

    @Option(
            names = "--from-database",
            paramLabel = "NAME",
            description =
                    "LibreChat's database name; the default is the --from-uri's database, else the target database.")
    @Nullable
    String fromDatabase;

    @Option(
            names = "--history",
            description = "Also import each user's transactions, followed by one reconciling entry.")
    boolean history;

    @Option(names = "--dry-run", description = "Print the reconciliation report without writing anything.")
    boolean dryRun;

    ImportLibreChatCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public Integer call() {
        var cfg = invocation.config(config);
        Session target = invocation.session(mongo);
        Session source = null;
        try {
            if (fromUri != null || fromDatabase != null) {
                String uri = fromUri != null
                        ? fromUri
                        : mongo.uri != null ? mongo.uri : invocation.env().variable(Invocation.MONGO_URI);
                String database = fromDatabase != null
                        ? fromDatabase
                        : fromUri == null ? target.database().getName() : null;
                source = Session.open(
                        uri == null ? "" : uri.strip(),
                        database,
                        MongoBalanceStore.DEFAULT_BALANCES_COLLECTION,
                        MongoBalanceStore.DEFAULT_TRANSACTIONS_COLLECTION);
            }
            Progress progress = new Progress(invocation.env(), "Users read");
            long[] seen = {0};
            LibreChatImport.Report r = LibreChatImport.builder(
                            (source != null ? source : target).database(), target.store())
                    .config(cfg)
                    .history(history)
                    .dryRun(dryRun)
                    .clock(invocation.env().clock())
                    .build()
                    .run(u -> {
                        String line = line(u);
                        if (line != null) {
                            progress.clear();
                            invocation.out().println(line);
                        }
                        if (++seen[0] % PROGRESS_EVERY == 0) {
                            progress.update(seen[0]);
                        }
                    })
                    .block();
            progress.clear();
            print(java.util.Objects.requireNonNull(r));
            return r.failed() > 0 ? Main.USAGE_ERROR : Main.OK;
        } finally {
            if (source != null) {
                source.close();
            }
        }
    }

    private static @Nullable String line(LibreChatImport.UserResult u) {
        if (u.status() == LibreChatImport.Status.FAILED) {
            return "user " + u.user() + ": not imported: " + u.problem();
        }
        if (u.status() == LibreChatImport.Status.EXISTS) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        if (u.rounded()) {
            b.append("; tokenCredits ")
                    .append(plain(u.libreChatBalance()))
                    .append(" rounded to ")
                    .append(u.balance())
                    .append(" (")
                    .append(plain(u.rounding()))
                    .append(" left out)");
        }
        if (u.drifted()) {
            b.append("; drift ")
                    .append(plain(u.drift()))
                    .append(" (LibreChat's balance minus the sum of its transactions)");
        }
        RefillOverride own = u.refillOverride();
        if (own != null) {
            Refill r = own.effective();
            b.append("; keeps its own refill settings: ")
                    .append(
                            r == null
                                    ? "auto-refill off"
                                    : r.amount() + " every " + r.intervalValue() + " "
                                            + r.unit().configName());
        }
        if (u.refillNotCarried() != null) {
            b.append("; own refill settings not carried over (")
                    .append(u.refillNotCarried())
                    .append("); the config's apply");
        }
        return b.length() == 0 ? null : "user " + u.user() + b;
    }

    private void print(LibreChatImport.Report r) {
        var out = invocation.out();
        out.println("Import from LibreChat" + (r.dryRun() ? " (dry run: nothing was written)" : "") + ":");
        out.println("  users: " + r.users() + " (" + (r.dryRun() ? "to import " : "imported ") + r.imported()
                + ", already in BalanceKit " + r.existing() + ", failed " + r.failed() + ")");
        out.println(
                "  sum of balances: LibreChat " + plain(r.libreChatTotal()) + ", BalanceKit " + r.balanceKitTotal());
        out.println("  largest rounding: "
                + (r.largestRoundingUser() == null
                        ? "none"
                        : plain(r.largestRounding()) + " (user " + r.largestRoundingUser() + ")")
                + "; users rounded: " + r.rounded());
        out.println("  users with drift: " + (history ? Long.toString(r.drifted()) : "not known without --history"));
        out.println("  users keeping their own refill settings: " + r.refillOverrides()
                + "; users whose refill settings could not be carried over: " + r.refillNotCarried());
    }

    private static String plain(@Nullable BigDecimal d) {
        return d == null ? "none" : d.toPlainString();
    }
}
