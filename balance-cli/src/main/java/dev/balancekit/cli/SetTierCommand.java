package dev.balancekit.cli;

import dev.balancekit.BlockingBalanceLedger;
import dev.balancekit.EntryContext;
import dev.balancekit.LedgerEntry;
import dev.balancekit.Receipt;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code set-tier}: moves an account to a tier of the config. */
@Command(
        name = "set-tier",
        mixinStandardHelpOptions = true,
        description = {
            "Moves a user to a tier of the config.",
            "The tier is a key of balance.tiers. Records an entry with context tierChange and the actor; the tier"
                    + " applies from the user's next request."
        })
final class SetTierCommand implements Callable<Integer> {
    private final Invocation invocation;

    @Mixin
    MongoOptions mongo = new MongoOptions();

    @Mixin
    ConfigOption config = new ConfigOption();

    @Mixin
    UserOptions who = new UserOptions();

    @Option(names = "--tier", paramLabel = "TIER", required = true, description = "The tier, a key of balance.tiers.")
    String tier = "";

    @Option(
            names = "--actor",
            paramLabel = "NAME",
            description = "Who makes the change, recorded with the entry (default: the operating-system user).")
    @Nullable
    String actor;

    SetTierCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public Integer call() {
        BlockingBalanceLedger ledger = invocation.ledger(mongo, config);
        Target target = Target.resolve(invocation, invocation.session(mongo), who, null, false);
        Receipt receipt = ledger.setTier(target.user(), tier.strip(), invocation.actor(actor));
        String change = tier.strip();
        for (LedgerEntry e : receipt.entries()) {
            if (EntryContext.TIER_CHANGE.equals(e.context()) && e.note() != null) {
                change = e.note(); // "free -> pro": the tier before, as the ledger saw it
            }
        }
        invocation.out().println("Tier of " + target.display() + ": " + change);
        return Main.OK;
    }
}
