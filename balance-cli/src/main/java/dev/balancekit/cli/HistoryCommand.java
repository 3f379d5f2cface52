package dev.balancekit.cli;

import static dev.balancekit.cli.RecordWriter.Column.number;
import static dev.balancekit.cli.RecordWriter.Column.text;

import dev.balancekit.BlockingBalanceLedger;
import dev.balancekit.HistoryQuery;
import dev.balancekit.LedgerConfig;
import dev.balancekit.LedgerEntry;
import dev.balancekit.Page;
import dev.balancekit.TokenType;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code history}: one user's ledger entries, newest first, with every field. */
@Command(
        name = "history",
        mixinStandardHelpOptions = true,
        description = {
            "Prints a user's transaction history with every field.",
            "Newest first: LibreChat's transaction fields plus the entry id, sequence number, cache tokens, hold, actor"
                    + " and note.",
            "Amounts are credits; rate is credits per token (LibreChat's USD per 1M tokens)."
        })
final class HistoryCommand implements Callable<Integer> {
    /** Entries read per round trip. */
    static final int PAGE = 500;

    static final List<RecordWriter.Column> COLUMNS = List.of(
            text("createdAt", "CREATED AT", 30),
            number("seq", "SEQ", 5),
            text("context", "CONTEXT", 12),
            text("tokenType", "TYPE", 10),
            number("rawAmount", "RAW AMOUNT", 12),
            number("rate", "RATE", 8),
            number("tokenValue", "VALUE", 12),
            number("balance", "BALANCE", 12),
            text("model", "MODEL", 14),
            text("valueKey", "VALUE KEY", 14),
            text("conversationId", "CONVERSATION", 12),
            number("inputTokens", "INPUT", 7),
            number("writeTokens", "WRITE", 7),
            number("readTokens", "READ", 7),
            text("holdId", "HOLD", 10),
            text("actor", "ACTOR", 10),
            text("id", "ID", 38),
            text("user", "USER", 24),
            text("note", "NOTE", 0));

    private final Invocation invocation;

    @Mixin
    MongoOptions mongo = new MongoOptions();

    @Mixin
    ConfigOption config = new ConfigOption();

    @Mixin
    UserOptions who = new UserOptions();

    @Option(
            names = "--since",
            paramLabel = "DATE",
            description =
                    "Only entries at or after this date (2026-01-15, the start of the day in the config's timezone)"
                            + " or time (2026-01-15T10:00:00Z).")
    @Nullable
    String since;

    @Option(
            names = "--until",
            paramLabel = "DATE",
            description = "Only entries before this time, or up to the end of this date.")
    @Nullable
    String until;

    @Option(
            names = "--context",
            paramLabel = "CONTEXT",
            description = "Only entries with this context: message, title, incomplete, admin, adjustment, startBalance,"
                    + " autoRefill, refund, tierChange or a host's own.")
    @Nullable
    String context;

    @Option(names = "--model", paramLabel = "MODEL", description = "Only entries for this model.")
    @Nullable
    String model;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "100",
            description = "At most this many entries (default ${DEFAULT-VALUE}).")
    int limit;

    @Mixin
    FormatOption output = new FormatOption();

    HistoryCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public Integer call() {
        if (limit < 1) {
            throw CliException.usage("--limit must be 1 or more, was " + limit);
        }
        BlockingBalanceLedger ledger = invocation.ledger(mongo, config);
        LedgerConfig cfg = invocation.config(config);
        Instant from = since == null ? null : Dates.parse("--since", since, cfg.zone(), false);
        Instant to = until == null ? null : Dates.parse("--until", until, cfg.zone(), true);
        if (from != null && to != null && !from.isBefore(to)) {
            throw CliException.usage("--since must be before --until, was " + from + " and " + to);
        }
        Target target = Target.resolve(invocation, invocation.session(mongo), who, null, false);
        HistoryQuery query = HistoryQuery.all()
                .between(from, to)
                .withContext(BalanceChangeCommand.blankToNull(context))
                .withModel(BalanceChangeCommand.blankToNull(model));

        RecordWriter writer = new RecordWriter(output.format, COLUMNS, invocation.out());
        if (output.format == Format.TABLE) {
            invocation.out().println("History of " + target.display() + ", newest first");
        }
        boolean more = false;
        String cursor = null;
        do {
            int want = (int) Math.min(PAGE, limit - writer.rows());
            Page<LedgerEntry> page = ledger.transactionHistory(
                    target.user(), query.withLimit(want).after(cursor));
            for (LedgerEntry e : page.items()) {
                writer.row(values(e));
            }
            cursor = page.nextCursor();
            more = cursor != null && writer.rows() >= limit;
        } while (cursor != null && writer.rows() < limit);
        writer.end();
        if (output.format == Format.TABLE) {
            long n = writer.rows();
            invocation
                    .out()
                    .println(n
                            + (n == 1 ? " entry" : " entries")
                            + (more ? "; more exist, raise --limit to see them" : ""));
        }
        return Main.OK;
    }

    static List<@Nullable String> values(LedgerEntry e) {
        return Arrays.asList(
                e.createdAt().toString(),
                Long.toString(e.seq()),
                e.context(),
                e.tokenType().wireName(),
                e.tokenType() == TokenType.CREDITS
                        ? e.tokenValue().toString() // micro-credits in the store; credits here, as every amount
                        : Long.toString(e.rawAmount()),
                e.rate().toString(),
                e.tokenValue().toString(),
                e.balance().toString(),
                e.model(),
                e.valueKey(),
                e.conversationId(),
                Long.toString(e.inputTokens()),
                Long.toString(e.writeTokens()),
                Long.toString(e.readTokens()),
                e.holdId(),
                e.actor(),
                e.id(),
                e.user(),
                e.note());
    }
}
