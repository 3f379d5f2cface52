package dev.balancekit.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code flush-pending}: {@link dev.balancekit.mongo.MongoBalanceStore#flushPending()} on demand. */
@Command(
        name = "flush-pending",
        mixinStandardHelpOptions = true,
        description = {
            "Copies pending ledger entries to the transactions collection.",
            "Runs MongoBalanceStore.flushPending(): safe at any time, also while servers run."
        })
final class FlushPendingCommand implements Callable<Integer> {
    private final Invocation invocation;

    @Mixin
    MongoOptions mongo = new MongoOptions();

    @Mixin
    ConfigOption config = new ConfigOption();

    FlushPendingCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public Integer call() {
        if (config.file != null) {
            invocation.config(config); // only for its collection names: flushing needs no balance config
        }
        Long copied = invocation.session(mongo).store().flushPending().block();
        long n = copied == null ? 0 : copied;
        invocation
                .out()
                .println("Copied " + n + (n == 1 ? " pending entry" : " pending entries")
                        + " to the transactions collection.");
        return Main.OK;
    }
}
