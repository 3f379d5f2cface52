package dev.balancekit.cli;

import dev.balancekit.BalanceChange;
import dev.balancekit.BalanceNotEnabledException;
import dev.balancekit.BlockingBalanceLedger;
import dev.balancekit.Credits;
import dev.balancekit.Receipt;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code add-balance}: LibreChat's top-up, recorded as an {@code admin} entry with the actor. */
@Command(name = "add-balance", mixinStandardHelpOptions = true,
        description = {
            "Adds credits to a user's balance (LibreChat's add-balance).",
            "Records a credits entry with context admin, the actor and the note.",
            "Asks for the e-mail (Email:) and the amount (Amount (default 1000):) when they are not given; an empty or"
                    + " 0 amount adds 1000 credits."})
final class AddBalanceCommand implements Callable<Integer> {
    /** LibreChat's default top-up. */
    static final Credits DEFAULT_AMOUNT = Credits.of(1000);

    private final Ctx ctx;

    @Mixin
    MongoOptions mongo = new MongoOptions();

    @Mixin
    ConfigOption config = new ConfigOption();

    @Mixin
    UserOptions who = new UserOptions();

    @Parameters(index = "0", arity = "0..1", paramLabel = "EMAIL", description = "The user's e-mail, as LibreChat's script takes it.")
    @Nullable String emailArgument;

    @Parameters(index = "1", arity = "0..1", paramLabel = "AMOUNT", description = "The credits to add, as LibreChat's script takes them.")
    @Nullable String amountArgument;

    @Option(names = "--amount", paramLabel = "CREDITS", description = "Credits to add, such as 1000 or 2.5 (default 1000).")
    @Nullable String amount;

    @Option(names = "--note", paramLabel = "TEXT", description = "Why, recorded with the entry.")
    @Nullable String note;

    @Option(names = "--actor", paramLabel = "NAME", description = "Who makes the change, recorded with the entry (default: the operating-system user).")
    @Nullable String actor;

    AddBalanceCommand(Ctx ctx) {
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
        String text = amount != null ? amount : amountArgument != null ? amountArgument : ctx.prompt("Amount (default 1000):");
        Credits credits = text.isBlank() ? DEFAULT_AMOUNT : Amounts.parse(text);
        if (credits.isZero()) {
            credits = DEFAULT_AMOUNT;
        } else if (credits.isNegative()) {
            throw CliException.usage("amount must be above zero, was " + credits);
        }
        Receipt receipt = ledger.addBalance(BalanceChange.of(target.user(), credits)
                .withActor(ctx.actor(actor)).withNote(blankToNull(note)));
        ctx.out().println("Added " + credits + " credits to " + target.display() + ".");
        ctx.out().println("New balance: " + receipt.balance());
        return Main.OK;
    }

    static @Nullable String blankToNull(@Nullable String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
