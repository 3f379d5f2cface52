package dev.balancekit.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code flush-pending}: {@link dev.balancekit.mongo.MongoBalanceStore#flushPending()} on demand. */
@Command(name = "flush-pending", mixinStandardHelpOptions = true,
        description = {
            "Copies pending ledger entries to the transactions collection.",
            "Runs MongoBalanceStore.flushPending(): safe at any time, also while servers run."})
final class FlushPendingCommand implements Callable<Integer> {
    private final Ctx ctx;

    @Mixin
    MongoOptions mongo = new MongoOptions();

    @Mixin
    ConfigOption config = new ConfigOption();

    FlushPendingCommand(Ctx ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if (config.file != null) {
            ctx.config(config); // only for its collection names: flushing needs no balance config
        }
        Long copied = ctx.session(mongo).store().flushPending().block();
        long n = copied == null ? 0 : copied;
        ctx.out().println("Copied " + n + (n == 1 ? " pending entry" : " pending entries") + " to the transactions collection.");
        return Main.OK;
    }
}
