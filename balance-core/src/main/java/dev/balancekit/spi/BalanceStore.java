package dev.balancekit.spi;

import dev.balancekit.HistoryQuery;
import dev.balancekit.LedgerEntry;
import dev.balancekit.ListQuery;
import dev.balancekit.Page;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Where accounts and their entries live. A store only stores: every decision is made by the ledger
 * engine, which loops load, decide, compare-and-set. A new backend implements these four methods
 * and passes the contract suite in {@code balance-testkit}.
 *
 * <p>All methods are lazy: nothing happens before subscription. Failures are signalled as
 * {@link dev.balancekit.StoreException} with the driver's exception as the cause.
 */
public interface BalanceStore {

    /**
     * Loads an account.
     *
     * @param user the user id
     * @return the state and its version, or empty when the account does not exist
     */
    Mono<StoredAccount> load(String user);

    /**
     * Replaces an account's state if its version is still the expected one, and appends the
     * entries, in one atomic step: either both are written or neither is.
     *
     * @param user the user id
     * @param expectedVersion the version loaded, or 0 to create an account that must not exist yet
     * @param next the new state
     * @param entries the entries the change appends, in sequence order (possibly none)
     * @return {@link CasResult#APPLIED}, or {@link CasResult#CONFLICT} when the version moved on
     */
    Mono<CasResult> compareAndSet(String user, long expectedVersion, AccountState next, List<LedgerEntry> entries);

    /**
     * Reads an account's entries, newest (highest sequence number) first, that match the query's
     * filters and have a sequence number below {@link HistoryQuery#beforeSeq()}.
     *
     * @param user the user id
     * @param query the filters; the store returns at most {@code query.limit() + 1} entries, so the
     *     caller can tell whether another page follows
     * @return the entries
     */
    Flux<LedgerEntry> history(String user, HistoryQuery query);

    /**
     * Lists accounts in the query's order, one page at a time.
     *
     * @param query the order, page size and cursor
     * @return the page, with a cursor of the store's own form when more accounts follow
     */
    Mono<Page<AccountState>> accounts(ListQuery query);
}
