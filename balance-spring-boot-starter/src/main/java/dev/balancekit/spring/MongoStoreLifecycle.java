package dev.balancekit.spring;

import com.mongodb.reactivestreams.client.MongoClient;
import dev.balancekit.mongo.MongoBalanceStore;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs the MongoDB store's housekeeping with the application: {@code ensureIndexes()} at start,
 * {@code flushPending()} on a schedule (copying ledger entries still pending in account documents
 * to the transactions collection) and once more at shutdown, then closes the client BalanceKit made
 * itself (never the application's).
 */
final class MongoStoreLifecycle implements SmartLifecycle {

    private static final System.Logger LOG = System.getLogger(MongoStoreLifecycle.class.getName());
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

    private final MongoBalanceStore store;
    private final Duration flushInterval;
    private final @Nullable MongoClient ownClient;
    private volatile @Nullable Disposable flushing;

    MongoStoreLifecycle(MongoBalanceStore store, Duration flushInterval, @Nullable MongoClient ownClient) {
        this.store = store;
        this.flushInterval = flushInterval;
        this.ownClient = ownClient;
    }

    @Override
    public void start() {
        // at start-up, before the application takes requests: a store without its indexes must not serve
        store.ensureIndexes().block(STARTUP_TIMEOUT);
        flushing = Flux.interval(flushInterval, flushInterval)
                // a flush that outlasts the interval skips the ticks it covers instead of failing the schedule
                .onBackpressureDrop()
                .concatMap(tick -> store.flushPending().onErrorResume(e -> {
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "flushing pending ledger entries failed; retried next time",
                            e);
                    return Mono.empty();
                }))
                .subscribe(
                        copied -> {},
                        e -> LOG.log(
                                System.Logger.Level.ERROR,
                                "the schedule that flushes pending ledger entries stopped",
                                e));
    }

    @Override
    public void stop() {
        Disposable d = flushing;
        flushing = null;
        if (d != null) {
            d.dispose();
        }
        try {
            store.flushPending().block(SHUTDOWN_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "flushing pending ledger entries at shutdown failed; "
                            + "the next write of each account or a flush-pending run copies them",
                    e);
        } finally {
            if (ownClient != null) {
                ownClient.close();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return flushing != null;
    }

    @Override
    public int getPhase() {
        // stops before the application's own MongoDB client is closed
        return SmartLifecycle.DEFAULT_PHASE - 1024;
    }
}
