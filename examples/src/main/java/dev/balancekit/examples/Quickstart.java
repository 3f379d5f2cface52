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
import dev.balancekit.LedgerConfig;
import dev.balancekit.LedgerEntry;
import dev.balancekit.ListQuery;
import dev.balancekit.Reservation;
import dev.balancekit.TokenType;
import dev.balancekit.Usage;
import dev.balancekit.memory.ManualClock;
import dev.balancekit.pricing.ModelPrice;
import dev.balancekit.pricing.PriceTable;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;

/**
 * The request pipeline on the in-memory store: a user chats until the balance runs out, an admin
 * tops it up, the chat goes on; then the balance list and the user's history.
 *
 * <p>Run it from the repository root with {@code mvn -q -pl examples -am compile exec:java}.
 */
public final class Quickstart {

    private static final Instant START = Instant.parse("2026-11-27T09:00:00Z");

    private Quickstart() {
    }

    /**
     * Runs the quickstart and prints to standard output.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        run(System.out);
    }

    /**
     * Runs the quickstart on a manual clock, so its output is the same on every run.
     *
     * @param out where to print
     */
    static void run(PrintStream out) {
        // Two models priced in credits per token (1,000,000 credits = 1 USD).
        PriceTable prices = PriceTable.builder()
                .model("gpt-4o", ModelPrice.perToken("2.5", "10"))
                .model("gpt-4o-mini", ModelPrice.perToken("0.15", "0.6"))
                .build();
        LedgerConfig config = LedgerConfig.builder()
                .startBalance(Credits.of(5000))
                .prices(prices)
                .build();
        ManualClock clock = new ManualClock(START);
        BlockingBalanceLedger ledger = BalanceLedger.builder().config(config).clock(clock).build().blocking();

        out.println("== alice chats with gpt-4o (200 prompt tokens, up to 100 output tokens) ==");
        chat(ledger, clock, out, "alice", "gpt-4o", 4);
        out.println("== an admin adds 10000 credits ==");
        var topUp = ledger.addBalance(BalanceChange.of("alice", Credits.of(10_000)).withActor("admin@example.com"));
        out.println("added 10000, new balance " + topUp.balance());
        chat(ledger, clock, out, "alice", "gpt-4o", 2);
        chat(ledger, clock, out, "bob", "gpt-4o-mini", 1);

        out.println();
        out.println("== balances ==");
        out.printf("%-8s %12s %12s %8s  %s%n", "user", "balance", "available", "tokens", "last transaction");
        for (AccountView v : ledger.listBalances(ListQuery.byUser()).items()) {
            out.printf("%-8s %12s %12s %8d  %s%n", v.user(), v.balance(), v.available(), v.totalTokens(),
                    v.lastTransactionAt());
        }

        out.println();
        out.println("== alice's history, newest first ==");
        out.printf("%-20s %-12s %-10s %8s %10s %10s%n", "time", "context", "type", "tokens", "value", "balance");
        for (LedgerEntry e : ledger.transactionHistory("alice", HistoryQuery.all()).items()) {
            out.printf("%-20s %-12s %-10s %8s %10s %10s%n", e.createdAt(), e.context(), e.tokenType().wireName(),
                    e.tokenType() == TokenType.CREDITS ? "" : e.rawAmount(), e.tokenValue(), e.balance());
        }
    }

    /** One chat turn after another: reserve, call the (pretend) model, charge the actual usage. */
    private static void chat(BlockingBalanceLedger ledger, ManualClock clock, PrintStream out, String user,
            String model, int turns) {
        for (int i = 0; i < turns; i++) {
            clock.advance(Duration.ofMinutes(1));
            Reservation r = ledger.reserve(BalanceRequest.of(user, model, 200, 100));
            if (!r.isAllowed()) {
                out.println(user + ": " + r.decision().message());
                return;
            }
            Usage usage = Usage.of(200, 80); // what the model reported
            var receipt = ledger.deduct(ChargeRequest.of(user, model, usage)
                    .withContext(EntryContext.MESSAGE).withHold(r.holdId()));
            out.println(user + ": charged " + receipt.total().negate() + " credits (held " + r.hold().amount()
                    + "), balance " + receipt.balance());
        }
    }
}
