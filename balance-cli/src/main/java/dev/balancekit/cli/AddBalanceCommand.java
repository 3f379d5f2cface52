package dev.balancekit.cli;

import dev.balancekit.Credits;
import dev.balancekit.Receipt;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code add-balance}: LibreChat's top-up, recorded as an {@code admin} entry with the actor. */
@Command(
        name = "add-balance",
        mixinStandardHelpOptions = true,
        description = {
            "Adds credits to a user's balance (LibreChat's add-balance).",
            "Records a credits entry with context admin, the actor and the note.",
            "Asks for the e-mail (Email:) and the amount (Amount (default 1000):) when they are not given; an empty"
                    + " answer adds 1000 credits. Input that ends before an amount is given changes nothing."
        })
final class AddBalanceCommand extends BalanceChangeCommand {
    /** LibreChat's default top-up. */
    static final Credits DEFAULT_AMOUNT = Credits.of(1000);

    @Parameters(
            index = "1",
            arity = "0..1",
            paramLabel = "AMOUNT",
            description = "The credits to add, as LibreChat's script takes them.")
    @Nullable
    String amountArgument;

    @Option(
            names = "--amount",
            paramLabel = "CREDITS",
            description = "Credits to add, such as 1000 or 2.5 (default 1000).")
    @Nullable
    String amount;

    AddBalanceCommand(Invocation invocation) {
        super(invocation);
    }

    @Override
    public Integer call() {
        Start start = start(amount, amountArgument, "Amount (default 1000):");
        String text = start.amountText();
        // only an empty line typed at the prompt means the default; an amount given is that amount
        Credits credits = start.prompted() && text.isBlank() ? DEFAULT_AMOUNT : Amounts.parse(text);
        if (!credits.isPositive()) {
            throw CliException.usage("amount must be above zero, was " + credits);
        }
        Receipt receipt = start.ledger().addBalance(change(start.target(), credits));
        invocation
                .out()
                .println("Added " + credits + " credits to " + start.target().display() + ".");
        invocation.out().println("New balance: " + receipt.balance());
        return Main.OK;
    }
}
