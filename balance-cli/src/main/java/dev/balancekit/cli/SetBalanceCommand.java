package dev.balancekit.cli;

import dev.balancekit.Credits;
import dev.balancekit.EntryContext;
import dev.balancekit.LedgerEntry;
import dev.balancekit.Receipt;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code set-balance}: overwrites a balance, recorded as an {@code adjustment} entry holding the difference. */
@Command(
        name = "set-balance",
        mixinStandardHelpOptions = true,
        description = {
            "Sets a user's balance to an amount (LibreChat's set-balance).",
            "Records the difference as a credits entry with context adjustment, the actor and the note, so the ledger"
                    + " still sums to the balance.",
            "Asks for the e-mail (Email:) and the amount (Amount:) when they are not given."
        })
final class SetBalanceCommand extends BalanceChangeCommand {

    @Parameters(
            index = "1",
            arity = "0..1",
            paramLabel = "AMOUNT",
            description = "The new balance, as LibreChat's script takes it.")
    @Nullable
    String amountArgument;

    @Option(names = "--amount", paramLabel = "CREDITS", description = "The new balance, such as 5000, 2.5 or -100.")
    @Nullable
    String amount;

    SetBalanceCommand(Invocation invocation) {
        super(invocation);
    }

    @Override
    public Integer call() {
        Start start = start(amount, amountArgument, "Amount:");
        String text = start.amountText();
        if (text.isBlank()) {
            throw CliException.usage("Amount is required");
        }
        Credits credits = Amounts.parse(text);
        Receipt receipt = start.ledger().setBalance(change(start.target(), credits));
        invocation.out().println("Set the balance of " + start.target().display() + ".");
        invocation.out().println("Current balance: " + previous(receipt));
        invocation.out().println("New balance: " + receipt.balance());
        return Main.OK;
    }

    /** The balance just before the adjustment, in the same atomic write (so no other change came between). */
    private static Credits previous(Receipt receipt) {
        for (LedgerEntry e : receipt.entries()) {
            if (EntryContext.ADJUSTMENT.equals(e.context())) {
                return e.balance().minus(e.tokenValue());
            }
        }
        return receipt.balance();
    }
}
