package dev.balancekit.cli;

import dev.balancekit.BalanceChange;
import dev.balancekit.BalanceNotEnabledException;
import dev.balancekit.BlockingBalanceLedger;
import dev.balancekit.Credits;
import dev.balancekit.EntryContext;
import dev.balancekit.LedgerEntry;
import dev.balancekit.Receipt;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code set-balance}: overwrites a balance, recorded as an {@code adjustment} entry holding the difference. */
@Command(name = "set-balance", mixinStandardHelpOptions = true,
        description = {
            "Sets a user's balance to an amount (LibreChat's set-balance).",
            "Records the difference as a credits entry with context adjustment, the actor and the note, so the ledger"
                    + " still sums to the balance.",
            "Asks for the e-mail (Email:) and the amount (Amount:) when they are not given."})
final class SetBalanceCommand implements Callable<Integer> {
    private final Ctx ctx;

    @Mixin
    MongoOptions mongo = new MongoOptions();

    @Mixin
    ConfigOption config = new ConfigOption();

    @Mixin
    UserOptions who = new UserOptions();

    @Parameters(index = "0", arity = "0..1", paramLabel = "EMAIL", description = "The user's e-mail, as LibreChat's script takes it.")
    @Nullable String emailArgument;

    @Parameters(index = "1", arity = "0..1", paramLabel = "AMOUNT", description = "The new balance, as LibreChat's script takes it.")
    @Nullable String amountArgument;

    @Option(names = "--amount", paramLabel = "CREDITS", description = "The new balance, such as 5000, 2.5 or -100.")
    @Nullable String amount;

    @Option(names = "--note", paramLabel = "TEXT", description = "Why, recorded with the entry.")
    @Nullable String note;

    @Option(names = "--actor", paramLabel = "NAME", description = "Who makes the change, recorded with the entry (default: the operating-system user).")
    @Nullable String actor;

    SetBalanceCommand(Ctx ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if (amount != null && amountArgument != null) {
            throw CliException.usage("give the amount once: as an argument or with --amount");
        }
        if (!ctx.config(config).enabled()) {
            throw new BalanceNotEnabledException();
        }
        BlockingBalanceLedger ledger = ctx.ledger(mongo, config);
        Target target = Target.resolve(ctx, ctx.session(mongo), who, emailArgument, true);
        String text = amount != null ? amount : amountArgument != null ? amountArgument : ctx.prompt("Amount:");
        if (text.isBlank()) {
            throw CliException.usage("Amount is required");
        }
        Credits credits = Amounts.parse(text);
        Receipt receipt = ledger.setBalance(BalanceChange.of(target.user(), credits)
                .withActor(ctx.actor(actor)).withNote(AddBalanceCommand.blankToNull(note)));
        ctx.out().println("Set the balance of " + target.display() + ".");
        ctx.out().println("Current balance: " + previous(receipt));
        ctx.out().println("New balance: " + receipt.balance());
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
