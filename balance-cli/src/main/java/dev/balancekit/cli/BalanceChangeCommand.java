package dev.balancekit.cli;

import dev.balancekit.BalanceChange;
import dev.balancekit.BalanceNotEnabledException;
import dev.balancekit.BlockingBalanceLedger;
import dev.balancekit.Credits;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What {@code add-balance} and {@code set-balance} share: the connection, config and user options,
 * the e-mail argument, the note and actor, and the checks before the change.
 */
abstract class BalanceChangeCommand implements Callable<Integer> {
    final Invocation invocation;

    @Mixin
    MongoOptions mongo = new MongoOptions();

    @Mixin
    ConfigOption config = new ConfigOption();

    @Mixin
    UserOptions who = new UserOptions();

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "EMAIL",
            description = "The user's e-mail, as LibreChat's script takes it.")
    @Nullable
    String emailArgument;

    @Option(names = "--note", paramLabel = "TEXT", description = "Why, recorded with the entry.")
    @Nullable
    String note;

    @Option(
            names = "--actor",
            paramLabel = "NAME",
            description = "Who makes the change, recorded with the entry (default: the operating-system user).")
    @Nullable
    String actor;

    BalanceChangeCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    /**
     * The ledger, the user and the amount as typed, once the shared checks have passed.
     *
     * @param prompted whether the amount was answered at the prompt rather than given on the command line
     */
    record Start(BlockingBalanceLedger ledger, Target target, String amountText, boolean prompted) {}

    /**
     * Checks the amount is given at most once and the balance system is enabled, resolves the
     * user (asking for the e-mail if needed), then takes the amount from the option, the argument
     * or a prompt, in that order. Input that ends before an amount is given is no amount: the
     * command fails with {@code Amount is required} and changes nothing.
     */
    Start start(@Nullable String amountOption, @Nullable String amountArgument, String prompt) {
        if (amountOption != null && amountArgument != null) {
            throw CliException.usage("give the amount once: as an argument or with --amount");
        }
        if (!invocation.config(config).enabled()) {
            throw new BalanceNotEnabledException();
        }
        BlockingBalanceLedger ledger = invocation.ledger(mongo, config);
        Target target = Target.resolve(invocation, invocation.session(mongo), who, emailArgument, true);
        String amount = amountOption != null ? amountOption : amountArgument;
        if (amount != null) {
            return new Start(ledger, target, amount, false);
        }
        String answer = invocation.prompt(prompt);
        if (answer == null) {
            throw CliException.usage("Amount is required");
        }
        return new Start(ledger, target, answer, true);
    }

    /** The change for the user, with the actor and the note. */
    BalanceChange change(Target target, Credits amount) {
        return BalanceChange.of(target.user(), amount)
                .withActor(invocation.actor(actor))
                .withNote(blankToNull(note));
    }

    static @Nullable String blankToNull(@Nullable String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
