package dev.balancekit.yaml;

import dev.balancekit.BalanceLedger;
import dev.balancekit.LedgerConfig;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Reloads a config file into a running {@link BalanceLedger} when the file changes.
 *
 * <p>A valid new file is handed to {@link BalanceLedger#reconfigure(LedgerConfig, String)}, which
 * swaps it in atomically: each operation runs wholly under the old config or wholly under the new
 * one. An invalid new file keeps the config in use; its problems go to
 * {@link BalanceLedger#rejectConfig(String, List)}, which logs them and tells the ledger's
 * listeners ({@code ConfigRejected}). Both events name the file. A failure of the loader itself
 * (an exception, a stack overflow, running out of memory) is reported the same way, and the watcher
 * keeps watching.
 *
 * <pre>{@code
 * LedgerConfig config = YamlLedgerConfig.load(path);
 * BalanceLedger ledger = BalanceLedger.builder().config(config).build();
 * try (YamlConfigWatcher watcher = YamlConfigWatcher.start(path, ledger)) {
 *     ... serve ...
 * }
 * }</pre>
 *
 * <p>The watcher compares the file's bytes with what it last saw, so repeated file-system events
 * and rewrites of the same content change nothing. The file as it is when the watcher starts is
 * taken as the one in use; only later changes are applied. A background thread (a daemon) watches
 * the file's directory with a {@link WatchService}, which also sees editors that replace the file
 * and symbolic link swaps; {@link #checkNow()} does the same check on demand, for tests or for
 * file systems where watching is slow or missing.
 */
public final class YamlConfigWatcher implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(YamlConfigWatcher.class.getName());

    /** Events that arrive this close together are handled once: an editor's save is often several writes. */
    static final long SETTLE_MILLIS = 50;

    /** What one check found. */
    public enum CheckResult {
        /** The file has not changed since the last check. */
        UNCHANGED,
        /** The file changed and its config is now in use. */
        RELOADED,
        /** The file changed but cannot be used; the previous config stays in use. */
        REJECTED
    }

    private final Path file;
    private final String source;
    private final BalanceLedger ledger;
    private final Map<String, String> environment;
    private final @Nullable WatchService watchService;
    private final @Nullable Thread thread;
    /** The bytes last seen, or null when the file could not be read then. */
    private byte @Nullable [] lastBytes;
    /** Why the file could not be read at the last check, or null when it was read. */
    private @Nullable String lastReadFailure;

    private YamlConfigWatcher(Builder b) {
        this.file = b.file;
        this.source = YamlLedgerConfig.sourceName(b.file);
        this.ledger = b.ledger;
        this.environment = b.environment;
        snapshotCurrentFile();
        if (b.background) {
            // an absolute path to a file always has a parent directory
            Path directory = Objects.requireNonNull(b.file.toAbsolutePath().getParent(), "directory");
            try {
                WatchService ws = b.file.getFileSystem().newWatchService();
                try {
                    directory.register(
                            ws,
                            StandardWatchEventKinds.ENTRY_CREATE,
                            StandardWatchEventKinds.ENTRY_MODIFY,
                            StandardWatchEventKinds.ENTRY_DELETE);
                } catch (IOException | RuntimeException e) {
                    ws.close();
                    throw e;
                }
                this.watchService = ws;
            } catch (IOException e) {
                throw new ConfigException(
                        source,
                        List.of(new ConfigProblem(
                                source, 0, 0, "", "the directory " + directory + " cannot be watched: " + e)),
                        e);
            }
            Thread t = new Thread(this::watchLoop, "balancekit-config-watcher-" + source);
            t.setDaemon(true);
            this.thread = t;
            t.start();
        } else {
            this.watchService = null;
            this.thread = null;
        }
    }

    /**
     * Starts watching a file for a ledger, with the process environment.
     *
     * @param file the config file
     * @param ledger the ledger to reconfigure
     * @return the running watcher; close it to stop
     * @throws ConfigException if the file's directory cannot be watched
     */
    public static YamlConfigWatcher start(Path file, BalanceLedger ledger) {
        return builder(file, ledger).start();
    }

    /**
     * Starts configuring a watcher.
     *
     * @param file the config file
     * @param ledger the ledger to reconfigure
     * @return the builder
     */
    public static Builder builder(Path file, BalanceLedger ledger) {
        return new Builder(file, ledger);
    }

    /**
     * Reads the file now and, if it changed since the last check, reloads or rejects it. Safe to
     * call from any thread, also while the background thread runs.
     *
     * @return what the check found
     */
    public synchronized CheckResult checkNow() {
        byte[] bytes;
        try {
            bytes = YamlLedgerConfig.readBytes(file, source);
        } catch (ConfigException e) {
            String failure = String.join("\n", e.messages());
            if (failure.equals(lastReadFailure)) {
                return CheckResult.UNCHANGED;
            }
            lastReadFailure = failure;
            lastBytes = null;
            ledger.rejectConfig(source, e.messages());
            return CheckResult.REJECTED;
        }
        if (lastReadFailure == null && lastBytes != null && Arrays.equals(bytes, lastBytes)) {
            return CheckResult.UNCHANGED;
        }
        lastBytes = bytes;
        lastReadFailure = null;
        LedgerConfig next;
        try {
            next = BalanceSchema.read(YamlLedgerConfig.decode(bytes, source), source, environment);
        } catch (ConfigException e) {
            ledger.rejectConfig(source, e.messages());
            return CheckResult.REJECTED;
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            // The loader failed, not the file's content. Loading is a function of the bytes: it changes
            // nothing outside itself, so once the failure has unwound, all it built is garbage and the
            // config in use is untouched. Other errors (a class that cannot be linked, a broken JVM) are
            // not survivable here and propagate. The bytes stay recorded, so the same content is not
            // loaded again and again; the next change is.
            LOG.log(System.Logger.Level.ERROR, "loading " + source + " failed", e);
            ledger.rejectConfig(
                    source,
                    List.of(new ConfigProblem(source, 0, 0, "", "the file could not be loaded: " + e).toString()));
            return CheckResult.REJECTED;
        }
        ledger.reconfigure(next, source);
        return CheckResult.RELOADED;
    }

    /** Stops the background thread, if any. Calling it again does nothing. */
    @Override
    public void close() {
        WatchService ws = watchService;
        if (ws != null) {
            try {
                ws.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "closing the watch service of " + source + " failed", e);
            }
        }
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    private synchronized void snapshotCurrentFile() {
        try {
            lastBytes = YamlLedgerConfig.readBytes(file, source);
            lastReadFailure = null;
        } catch (ConfigException e) {
            lastBytes = null;
            lastReadFailure = String.join("\n", e.messages());
        }
    }

    private void watchLoop() {
        WatchService ws = Objects.requireNonNull(watchService);
        try {
            while (true) {
                // any event in the directory may be a change of the file (replaced, or a link swapped);
                // the check compares bytes, so an unrelated event costs one read
                drain(ws.take());
                WatchKey more;
                while ((more = ws.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS)) != null) {
                    drain(more);
                }
                try {
                    checkNow();
                } catch (RuntimeException | Error e) {
                    // one failed check must not end the watching: the next change may be the fix. The
                    // thread holds nothing a failure could leave half-changed, and it only runs when the
                    // directory changes, so a failure that repeats cannot spin
                    LOG.log(System.Logger.Level.ERROR, "checking " + source + " failed", e);
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed: the thread ends
        }
    }

    private static void drain(WatchKey key) {
        key.pollEvents();
        key.reset();
    }

    /** Configures a {@link YamlConfigWatcher}. */
    public static final class Builder {
        private final Path file;
        private final BalanceLedger ledger;
        private Map<String, String> environment = System.getenv();
        private boolean background = true;

        private Builder(Path file, BalanceLedger ledger) {
            this.file = Objects.requireNonNull(file, "file");
            this.ledger = Objects.requireNonNull(ledger, "ledger");
        }

        /**
         * Sets the variables for {@code ${VAR}} and the legacy {@code CHECK_BALANCE} and
         * {@code START_BALANCE}.
         *
         * @param environment the variables, the process environment by default
         * @return this builder
         */
        public Builder environment(Map<String, String> environment) {
            this.environment = Objects.requireNonNull(environment, "environment");
            return this;
        }

        /**
         * Chooses whether a background thread watches the file. Without it, only
         * {@link YamlConfigWatcher#checkNow()} checks the file.
         *
         * @param background true (the default) to watch the file system
         * @return this builder
         */
        public Builder background(boolean background) {
            this.background = background;
            return this;
        }

        /**
         * Takes the file as it is now as the one in use and, unless turned off, starts watching it.
         *
         * @return the watcher; close it to stop
         * @throws ConfigException if the file's directory cannot be watched
         */
        public YamlConfigWatcher start() {
            return new YamlConfigWatcher(this);
        }
    }
}
