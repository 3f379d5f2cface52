package dev.balancekit.memory;

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
import dev.balancekit.spi.UsageTally;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A thread-safe store in the JVM's memory: the embedded default, and the stub consumer projects
 * use in their unit tests (with a {@link ManualClock}). Nothing survives the process.
 *
 * <p>Each account is one map entry; a compare-and-set replaces it and appends the entries inside
 * {@link ConcurrentHashMap#compute}, so the two happen atomically with respect to every other
 * writer of the account. Reads see a consistent snapshot of one account.
 *
 * <p>List pages are numbered by offset, so an account created between two pages may shift the
 * pages that follow it.
 */
public final class InMemoryBalanceStore implements BalanceStore {

    private static final Comparator<AccountState> BY_USER = Comparator.comparing(AccountState::user);
    private static final Comparator<AccountState> BY_BALANCE =
            Comparator.comparing(AccountState::balance).thenComparing(BY_USER);
    private static final Comparator<AccountState> BY_ACTIVITY = Comparator.comparing(
                    AccountState::lastTransactionAt, Comparator.nullsFirst(Comparator.<Instant>naturalOrder()))
            .thenComparing(BY_USER);

    private final ConcurrentHashMap<String, Node> accounts = new ConcurrentHashMap<>();

    /** Creates an empty store. */
    public InMemoryBalanceStore() {}

    @Override
    public Mono<StoredAccount> load(String user) {
        Objects.requireNonNull(user, "user");
        return Mono.fromSupplier(() -> {
            Node n = accounts.get(user);
            return n == null ? null : n.stored;
        });
    }

    @Override
    public Mono<CasResult> compareAndSet(
            String user, long expectedVersion, AccountState next, List<LedgerEntry> entries) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(next, "next");
        Objects.requireNonNull(entries, "entries");
        return Mono.fromSupplier(() -> {
            boolean[] applied = new boolean[1];
            accounts.compute(user, (k, current) -> {
                long version = current == null ? 0 : current.stored.version();
                if (version != expectedVersion) {
                    return current;
                }
                applied[0] = true;
                EntryLog log = current == null ? new EntryLog() : current.log;
                log.append(entries);
                return new Node(new StoredAccount(next, version + 1), log);
            });
            return applied[0] ? CasResult.APPLIED : CasResult.CONFLICT;
        });
    }

    @Override
    public Flux<LedgerEntry> history(String user, HistoryQuery query) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(query, "query");
        return Flux.defer(() -> {
            Node n = accounts.get(user);
            return n == null ? Flux.empty() : Flux.fromIterable(n.log.newestFirst(query));
        });
    }

    @Override
    public Flux<LedgerEntry> operationEntries(String user, String operationId) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(operationId, "operationId");
        return Flux.defer(() -> {
            Node n = accounts.get(user);
            return n == null ? Flux.empty() : Flux.fromIterable(n.log.byOperation(operationId));
        });
    }

    @Override
    public Flux<LedgerEntry> holdEntries(String user, String holdId) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(holdId, "holdId");
        return Flux.defer(() -> {
            Node n = accounts.get(user);
            return n == null ? Flux.empty() : Flux.fromIterable(n.log.byHold(holdId));
        });
    }

    @Override
    public Mono<Page<AccountState>> accounts(ListQuery query) {
        Objects.requireNonNull(query, "query");
        return Mono.fromSupplier(() -> {
            int offset = offsetOf(query.cursor());
            List<AccountState> all = new ArrayList<>(accounts.size());
            for (Node n : accounts.values()) {
                all.add(n.stored.state());
            }
            Comparator<AccountState> order = switch (query.sort()) {
                case USER -> BY_USER;
                case BALANCE -> BY_BALANCE;
                case LAST_ACTIVITY -> BY_ACTIVITY;
            };
            all.sort(query.descending() ? order.reversed() : order);
            int from = Math.min(offset, all.size());
            int to = Math.min(from + query.limit(), all.size());
            String next = to < all.size() ? "o" + to : null;
            return new Page<>(all.subList(from, to), next);
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>Adds up each account's entries in memory, under the account's log lock, without copying them.
     */
    @Override
    public Flux<UsageGroup> usage(UsageQuery query, ZoneId zone) {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(zone, "zone");
        return Flux.defer(() -> {
            UsageTally tally = new UsageTally(query, zone);
            if (query.users().isEmpty()) {
                for (Node n : accounts.values()) {
                    n.log.addTo(tally, n.stored.state().tier());
                }
            } else {
                for (String user : query.users()) {
                    Node n = accounts.get(user);
                    if (n != null) {
                        n.log.addTo(tally, n.stored.state().tier());
                    }
                }
            }
            return Flux.fromIterable(tally.groups());
        });
    }

    private static int offsetOf(@Nullable String cursor) {
        if (cursor == null) {
            return 0;
        }
        if (cursor.length() > 1 && cursor.charAt(0) == 'o') {
            try {
                int offset = Integer.parseInt(cursor, 1, cursor.length(), 10);
                if (offset >= 0) {
                    return offset;
                }
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("cursor is not one this store issued, was '" + cursor + "'");
    }

    /** One account: its state with version, and its entries, shared by all versions. */
    private record Node(StoredAccount stored, EntryLog log) {}

    /**
     * An account's entries in sequence order; appended under the account's map entry lock. Lookups
     * by operation or hold scan it: they are rare (a key that may have been used, a charge against a
     * closed hold), and an index would cost every operation.
     */
    private static final class EntryLog {
        private final List<LedgerEntry> entries = new ArrayList<>();

        synchronized void append(List<LedgerEntry> more) {
            entries.addAll(more);
        }

        synchronized void addTo(UsageTally tally, @Nullable String tier) {
            for (LedgerEntry e : entries) {
                tally.add(e, tier);
            }
        }

        synchronized List<LedgerEntry> byOperation(String operationId) {
            List<LedgerEntry> out = new ArrayList<>(2);
            for (LedgerEntry e : entries) {
                String id = e.id();
                int hash = id.lastIndexOf('#');
                if (hash == operationId.length() && id.startsWith(operationId)) {
                    out.add(e);
                }
            }
            return out;
        }

        synchronized List<LedgerEntry> byHold(String holdId) {
            List<LedgerEntry> out = new ArrayList<>(2);
            for (LedgerEntry e : entries) {
                if (holdId.equals(e.holdId())) {
                    out.add(e);
                }
            }
            return out;
        }

        synchronized List<LedgerEntry> newestFirst(HistoryQuery query) {
            List<LedgerEntry> out = new ArrayList<>(Math.min(query.limit() + 1, 64));
            // Entries are stored in sequence order, seq = index + 1, so a cursor is a direct index.
            long start = Math.min(query.beforeSeq() - 1, entries.size()) - 1;
            for (long i = start; i >= 0 && out.size() <= query.limit(); i--) {
                LedgerEntry e = entries.get((int) i);
                if (query.matches(e)) {
                    out.add(e);
                }
            }
            return out;
        }
    }
}
