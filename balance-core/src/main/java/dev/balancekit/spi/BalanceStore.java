package dev.balancekit.spi;

import dev.balancekit.HistoryQuery;
import dev.balancekit.LedgerEntry;
import dev.balancekit.ListQuery;
import dev.balancekit.Page;
import dev.balancekit.UsageGroup;
import dev.balancekit.UsageQuery;
import java.time.ZoneId;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Where accounts and their entries live. A store only stores: every decision is made by the ledger
 * engine, which loops load, decide, compare-and-set. A new backend implements the four abstract
 * methods and passes the contract suite in {@code balance-testkit}; it should also implement the two
 * lookups of entries by operation and by hold with an index, since their defaults read the whole
 * history, and may group usage reports itself by overriding {@link #usage}.
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
     * {@link #compareAndSet(String, long, AccountState, List)}, told the state the account holds at
     * the expected version (the one the caller loaded or last wrote), so that a store can write
     * only what changed. The ledger calls this one. The result is the same: when the version moved
     * on the write conflicts, whatever {@code current} says.
     *
     * @param user the user id
     * @param expectedVersion the version loaded, or 0 to create an account that must not exist yet
     * @param current the state at {@code expectedVersion}, or null when not known (and for a new account)
     * @param next the new state
     * @param entries the entries the change appends, in sequence order (possibly none)
     * @return {@link CasResult#APPLIED}, or {@link CasResult#CONFLICT} when the version moved on
     */
    default Mono<CasResult> compareAndSet(
            String user,
            long expectedVersion,
            @Nullable AccountState current,
            AccountState next,
            List<LedgerEntry> entries) {
        return compareAndSet(user, expectedVersion, next, entries);
    }

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
     * Reads the entries one operation appended to an account: those whose id is the operation id,
     * {@code #} and a sequence number. The ledger calls it rarely: when an idempotency key may have
     * been used before and the account no longer remembers it.
     *
     * @param user the user id
     * @param operationId the operation id (an idempotency key)
     * @return the entries, in sequence order; empty when there are none
     */
    default Flux<LedgerEntry> operationEntries(String user, String operationId) {
        return scan(user, e -> {
            String id = e.id();
            return id.lastIndexOf('#') == operationId.length() && id.startsWith(operationId);
        });
    }

    /**
     * Reads the entries that charged usage against a hold of an account (whose {@link LedgerEntry#holdId()}
     * is the hold id). The ledger calls it rarely: when a charge names a hold that is no longer
     * active, to tell a repeat of the charge that settled it from usage still to be charged.
     *
     * @param user the user id
     * @param holdId the hold id
     * @return the entries, in sequence order; empty when there are none
     */
    default Flux<LedgerEntry> holdEntries(String user, String holdId) {
        return scan(user, e -> holdId.equals(e.holdId()));
    }

    /**
     * The entries of an account that match, in sequence order, read page by page through
     * {@link #history}: what the lookups do unless a store answers them from an index.
     *
     * @param user the user id
     * @param matches which entries
     * @return the entries
     */
    private Flux<LedgerEntry> scan(String user, java.util.function.Predicate<LedgerEntry> matches) {
        HistoryQuery first = HistoryQuery.all().withLimit(HistoryQuery.MAX_LIMIT);
        return history(user, first)
                .collectList()
                .expand(page -> page.size() <= HistoryQuery.MAX_LIMIT
                        ? Mono.empty()
                        : history(user, first.after(HistoryQuery.cursorAfter(page.get(HistoryQuery.MAX_LIMIT - 1))))
                                .collectList())
                .flatMapIterable(
                        page -> page.size() > HistoryQuery.MAX_LIMIT ? page.subList(0, HistoryQuery.MAX_LIMIT) : page)
                .filter(matches)
                .collectList()
                .flatMapIterable(newestFirst -> {
                    java.util.List<LedgerEntry> inOrder = new java.util.ArrayList<>(newestFirst);
                    java.util.Collections.reverse(inOrder);
                    return inOrder;
                });
    }

    /**
     * Lists accounts in the query's order, one page at a time.
     *
     * @param query the order, page size and cursor
     * @return the page, with a cursor of the store's own form when more accounts follow
     */
    Mono<Page<AccountState>> accounts(ListQuery query);

    /**
     * Tells which of the users have an account, for a listing that shows users of a directory who
     * have none. This default loads each account; a store that can answer a batch in one query
     * should override it.
     *
     * @param users user ids
     * @return those of the users that have an account, each once, in any order
     * @throws NullPointerException if the collection or a user id is null
     */
    default Flux<String> usersWithAccounts(Collection<String> users) {
        List<String> wanted = List.copyOf(users);
        return Flux.fromIterable(wanted).distinct().concatMap(u -> load(u).map(account -> u));
    }

    /**
     * Adds up the entries that match a usage query into its groups, each group once, in any order;
     * the ledger orders and pages them. With {@link dev.balancekit.UsageDimension#TIER} a group's
     * tier is the account's stored tier (null when none was set).
     *
     * <p>This default reads every matching entry through {@link #accounts} and {@link #history} and
     * adds them up in memory with {@link UsageTally}: correct for any store, but it moves every
     * entry to the host. A store that can group where its data lives overrides it, and must give
     * the same groups.
     *
     * @param query the filters and dimensions (its order, limit and cursor are the ledger's business)
     * @param zone the zone of days, weeks and months
     * @return the groups
     */
    default Flux<UsageGroup> usage(UsageQuery query, ZoneId zone) {
        return Flux.defer(() -> {
            UsageTally tally = new UsageTally(query, zone);
            HistoryQuery range =
                    HistoryQuery.all().between(query.since(), query.until()).withLimit(HistoryQuery.MAX_LIMIT);
            Flux<AccountState> accounts = query.users().isEmpty()
                    ? allAccounts(ListQuery.byUser().withLimit(ListQuery.MAX_LIMIT))
                    : Flux.fromIterable(query.users()).concatMap(u -> load(u).map(StoredAccount::state));
            return accounts.concatMap(a -> allHistory(a.user(), range)
                            .doOnNext(e -> tally.add(e, a.tier()))
                            .then())
                    .thenMany(Flux.defer(() -> Flux.fromIterable(tally.groups())));
        });
    }

    /** Every entry of an account in a range, a page at a time. */
    private Flux<LedgerEntry> allHistory(String user, HistoryQuery first) {
        return history(user, first)
                .collectList()
                .expand(list -> list.size() <= first.limit()
                        ? Mono.empty()
                        : history(user, first.after(HistoryQuery.cursorAfter(list.get(first.limit() - 1))))
                                .collectList())
                .concatMapIterable(list -> list.size() <= first.limit() ? list : list.subList(0, first.limit()));
    }

    /** Every account, a page at a time. */
    private Flux<AccountState> allAccounts(ListQuery first) {
        return accounts(first)
                .expand(page -> page.nextCursor() == null ? Mono.empty() : accounts(first.after(page.nextCursor())))
                .concatMapIterable(Page::items);
    }
}
