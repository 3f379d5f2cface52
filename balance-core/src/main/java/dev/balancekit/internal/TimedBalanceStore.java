package dev.balancekit.internal;

import dev.balancekit.HistoryQuery;
import dev.balancekit.LedgerEntry;
import dev.balancekit.ListQuery;
import dev.balancekit.Page;
import dev.balancekit.UsageGroup;
import dev.balancekit.UsageQuery;
import dev.balancekit.spi.AccountState;
import dev.balancekit.spi.BalanceStore;
import dev.balancekit.spi.CasResult;
import dev.balancekit.spi.StoredAccount;
import java.time.ZoneId;
import java.util.List;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Times every call of a store, from subscription to completion or error. */
final class TimedBalanceStore implements BalanceStore {
    private final BalanceStore store;
    private final LedgerMetrics metrics;

    /**
     * Wraps a store.
     *
     * @param store the store
     * @param metrics where the timings go
     */
    public TimedBalanceStore(BalanceStore store, LedgerMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    @Override
    public Mono<StoredAccount> load(String user) {
        return Mono.defer(() -> {
            long start = System.nanoTime();
            return timed(store.load(user), "load", start);
        });
    }

    @Override
    public Mono<CasResult> compareAndSet(
            String user, long expectedVersion, AccountState next, List<LedgerEntry> entries) {
        return Mono.defer(() -> {
            long start = System.nanoTime();
            return timed(store.compareAndSet(user, expectedVersion, next, entries), "compare_and_set", start);
        });
    }

    @Override
    public Mono<CasResult> compareAndSet(
            String user,
            long expectedVersion,
            @Nullable AccountState current,
            AccountState next,
            List<LedgerEntry> entries) {
        return Mono.defer(() -> {
            long start = System.nanoTime();
            return timed(store.compareAndSet(user, expectedVersion, current, next, entries), "compare_and_set", start);
        });
    }

    @Override
    public Flux<LedgerEntry> history(String user, HistoryQuery query) {
        return timed(() -> store.history(user, query), "history");
    }

    @Override
    public Flux<LedgerEntry> operationEntries(String user, String operationId) {
        return timed(() -> store.operationEntries(user, operationId), "operation_entries");
    }

    @Override
    public Flux<LedgerEntry> holdEntries(String user, String holdId) {
        return timed(() -> store.holdEntries(user, holdId), "hold_entries");
    }

    private Flux<LedgerEntry> timed(java.util.function.Supplier<Flux<LedgerEntry>> call, String operation) {
        return Flux.defer(() -> {
            long start = System.nanoTime();
            return call.get()
                    .doOnComplete(() -> record(operation, start, true))
                    .doOnError(e -> record(operation, start, false))
                    .doOnCancel(() -> record(operation, start, true));
        });
    }

    @Override
    public Flux<UsageGroup> usage(UsageQuery query, ZoneId zone) {
        return Flux.defer(() -> {
            long start = System.nanoTime();
            return store.usage(query, zone)
                    .doOnComplete(() -> record("usage", start, true))
                    .doOnError(e -> record("usage", start, false))
                    .doOnCancel(() -> record("usage", start, true));
        });
    }

    @Override
    public Mono<Page<AccountState>> accounts(ListQuery query) {
        return Mono.defer(() -> {
            long start = System.nanoTime();
            return timed(store.accounts(query), "accounts", start);
        });
    }

    /**
     * Records a call when it ends, before its result travels on, so that whoever receives the
     * result also sees the call counted. A cancelled call counts as a success.
     */
    private <T> Mono<T> timed(Mono<T> call, String operation, long start) {
        return call.doOnSuccess(v -> record(operation, start, true))
                .doOnError(e -> record(operation, start, false))
                .doOnCancel(() -> record(operation, start, true));
    }

    private void record(String operation, long start, boolean success) {
        metrics.storeCall(operation, System.nanoTime() - start, success);
    }
}
