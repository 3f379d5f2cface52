package dev.balancekit.internal;

import dev.balancekit.HistoryQuery;
import dev.balancekit.LedgerEntry;
import dev.balancekit.ListQuery;
import dev.balancekit.Page;
import dev.balancekit.spi.AccountState;
import dev.balancekit.spi.BalanceStore;
import dev.balancekit.spi.CasResult;
import dev.balancekit.spi.StoredAccount;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/** Times every call of a store, from subscription to completion or error. */
public final class TimedBalanceStore implements BalanceStore {
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
            return store.load(user).doFinally(s -> metrics.storeCall("load",
                    System.nanoTime() - start, s != SignalType.ON_ERROR));
        });
    }

    @Override
    public Mono<CasResult> compareAndSet(String user, long expectedVersion, AccountState next, List<LedgerEntry> entries) {
        return Mono.defer(() -> {
            long start = System.nanoTime();
            return store.compareAndSet(user, expectedVersion, next, entries).doFinally(s -> metrics.storeCall(
                    "compare_and_set", System.nanoTime() - start, s != SignalType.ON_ERROR));
        });
    }

    @Override
    public Flux<LedgerEntry> history(String user, HistoryQuery query) {
        return Flux.defer(() -> {
            long start = System.nanoTime();
            return store.history(user, query).doFinally(s -> metrics.storeCall("history", System.nanoTime() - start,
                    s != SignalType.ON_ERROR));
        });
    }

    @Override
    public Mono<Page<AccountState>> accounts(ListQuery query) {
        return Mono.defer(() -> {
            long start = System.nanoTime();
            return store.accounts(query).doFinally(s -> metrics.storeCall("accounts", System.nanoTime() - start,
                    s != SignalType.ON_ERROR));
        });
    }
}
