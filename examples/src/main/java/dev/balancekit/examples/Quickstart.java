package dev.balancekit.examples;

import dev.balancekit.AccountView;
import dev.balancekit.BalanceChange;
import dev.balancekit.BalanceLedger;
import dev.balancekit.BalanceRequest;
import dev.balancekit.BlockingBalanceLedger;
import dev.balancekit.ChargeRequest;
import dev.balancekit.Credits;
import dev.balancekit.EntryContext;
import dev.balancekit.HistoryQuery;
import dev.balancekit.Hold;
import dev.balancekit.LedgerConfig;
import dev.balancekit.LedgerEntry;
import dev.balancekit.ListQuery;
import dev.balancekit.Reservation;
import dev.balancekit.TokenType;
import dev.balancekit.Usage;
import dev.balancekit.memory.ManualClock;
import dev.balancekit.pricing.ModelPrice;
import dev.balancekit.pricing.PriceTable;
import dev.balancekit.yaml.YamlLedgerConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The request pipeline on the in-memory store: a user chats until the balance runs out, an admin
 * tops it up, the chat goes on; then the balance list and the user's history.
 *
 * <p>Run it from the repository root with {@code mvn -q -pl examples -am compile exec:java}; add
 * {@code -Dexec.args="--config examples/librechat.yaml"} to run it on the sample config file.
 */
public final class Quickstart {

    private static final Instant START = Instant.parse("2026-11-27T09:00:00Z");

    private Quickstart() {}

    /**
     * Runs the quickstart and prints to standard output.
     *
     * @param args none for the built-in config, or {@code --config FILE} to load the
     *     {@code balance:} section of a librechat.yaml-style file instead
     */
    public static void main(String[] args) {
        if (args.length == 2 && args[0].equals("--config")) {
            run(System.out, YamlLedgerConfig.load(Path.of(args[1])));
        } else if (args.length == 0) {
            run(System.out, config());
        } else {
            System.err.println("usage: Quickstart [--config librechat.yaml]");
            System.exit(1);
        }
    }

    /**
     * The quickstart's own config: 5,000 credits to start and two priced models.
     *
     * @return the config
     */
    static LedgerConfig config() {
        // Two models priced in credits per token (1,000,000 credits = 1 USD).
        PriceTable prices = PriceTable.builder()
                .model("gpt-4o", ModelPrice.perToken("2.5", "10"))
                .model("gpt-4o-mini", ModelPrice.perToken("0.15", "0.6"))
                .build();
        return LedgerConfig.builder()
                .startBalance(Credits.of(5000))
                .prices(prices)
                .build();
    }

    /**
     * Runs the quickstart on a manual clock, so its output is the same on every run.
     *
     * @param out where to print
     * @param config the ledger's config
     */
    static void run(PrintStream out, LedgerConfig config) {
        ManualClock clock = new ManualClock(START);
        BlockingBalanceLedger ledger =
                BalanceLedger.builder().config(config).clock(clock).build().blocking();

        out.println("== alice chats with gpt-4o (200 prompt tokens, up to 100 output tokens) ==");
        chat(ledger, clock, out, "alice", "gpt-4o", 4);
        out.println("== an admin adds 10000 credits ==");
        var topUp =
                ledger.addBalance(BalanceChange.of("alice", Credits.of(10_000)).withActor("admin@example.com"));
        out.println("added 10000, new balance " + topUp.balance());
        chat(ledger, clock, out, "alice", "gpt-4o", 2);
        chat(ledger, clock, out, "bob", "gpt-4o-mini", 1);

        out.println();
        out.println("== balances ==");
        out.printf("%-8s %12s %12s %8s  %s%n", "user", "balance", "available", "tokens", "last transaction");
        for (AccountView v : ledger.listBalances(ListQuery.byUser()).items()) {
            out.printf(
                    "%-8s %12s %12s %8d  %s%n",
                    v.user(), v.balance(), v.available(), v.totalTokens(), v.lastTransactionAt());
        }

        out.println();
        out.println("== alice's history, newest first ==");
        out.printf("%-20s %-12s %-10s %8s %10s %10s%n", "time", "context", "type", "tokens", "value", "balance");
        for (LedgerEntry e :
                ledger.transactionHistory("alice", HistoryQuery.all()).items()) {
            out.printf(
                    "%-20s %-12s %-10s %8s %10s %10s%n",
                    e.createdAt(),
                    e.context(),
                    e.tokenType().wireName(),
                    e.tokenType() == TokenType.CREDITS ? "" : e.rawAmount(),
                    e.tokenValue(),
                    e.balance());
        }
    }

    /** One chat turn after another: reserve, call the (pretend) model, charge the actual usage. */
    private static void chat(
            BlockingBalanceLedger ledger, ManualClock clock, PrintStream out, String user, String model, int turns) {
        for (int i = 0; i < turns; i++) {
            clock.advance(Duration.ofMinutes(1));
            Reservation r = ledger.reserve(BalanceRequest.of(user, model, 200, 100));
            if (!r.isAllowed()) {
                out.println(user + ": " + r.decision().message());
                return;
            }
            Usage usage = Usage.of(200, 80); // what the model reported
            var receipt = ledger.deduct(ChargeRequest.of(user, model, usage)
                    .withContext(EntryContext.MESSAGE)
                    .withHold(r.holdId()));
            Hold hold = Objects.requireNonNull(r.hold(), "an allowed reservation holds credits");
            out.println(user + ": charged " + receipt.total().negate() + " credits (held " + hold.amount()
                    + "), balance " + receipt.balance());
        }
    }
}
