package dev.balancekit.mongo;

import static dev.balancekit.mongo.MongoErrors.quote;

import com.mongodb.WriteConcern;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.reactivestreams.client.FindPublisher;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;
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
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonType;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SynchronousSink;

/**
 * A {@link BalanceStore} on MongoDB's reactive streams driver, correct on a standalone server, a
 * replica set and a sharded cluster alike, because every write is a single-document atomic write
 * and nothing needs a multi-document transaction.
 *
 * <p><b>Collections.</b> The accounts collection ({@value #DEFAULT_BALANCES_COLLECTION} by default)
 * holds one document per account ({@code _id} = user id, a string): every field of the
 * {@link AccountState}, a {@code version}, and {@code pending}, the ledger entries written but not
 * yet copied (each entry packed into one binary value, since every write carries them; the active
 * holds and the usage windows are packed too, and empty or default fields are left out). The
 * entries collection
 * ({@value #DEFAULT_TRANSACTIONS_COLLECTION} by default) holds
 * one document per ledger entry with LibreChat's field names, {@code _id = {u: user, e: entry id}}.
 * Money is an Int64 count of micro-credits, never a double. {@code docs/mongodb.md} lists every field.
 *
 * <p><b>Other applications' documents.</b> The default names are not LibreChat's, so a store on a
 * LibreChat database leaves LibreChat's {@code balances} and {@code transactions} alone. Before its
 * first write the store {@linkplain #verifyCollections() checks} that its collections hold only
 * documents of its own shape and otherwise fails with a {@link ForeignDocumentException}, writing
 * nothing; reads skip documents that are not its own.
 *
 * <p><b>Write protocol.</b>
 * <ol>
 *   <li>{@link #compareAndSet} is one write to the account document: {@code insertOne} for a new
 *       account (a duplicate key, code 11000, is a conflict), otherwise {@code findOneAndUpdate} on
 *       {@code {_id: user, version: expected}} that sets the new state and version and pushes the new
 *       entries onto {@code pending}, in the same atomic write, returning only the id, or the
 *       pending entries when the write may fill a copy batch. The result is
 *       {@link CasResult#APPLIED} only once this write is acknowledged.</li>
 *   <li>When that write returned a {@linkplain Builder#copyBatchSize(int) copy batch} of pending
 *       entries, the store copies them to {@code transactions} (unordered {@code insertMany}; a duplicate
 *       key means already copied) after the write returned, in the background (up to
 *       16 copies at once; beyond that, and with a copy batch of 1, the write waits for its copy).
 *       A later write of the account by this store removes the copied
 *       entries from {@code pending} with a {@code $slice} on its {@code $push}, so the cleanup
 *       costs no round trip of its own. A failure here is logged and does not fail the operation:
 *       the entries stay pending.</li>
 *   <li>Entries left pending, by a small batch, a crash or a failure, are copied by the next write
 *       that finds the batch full, or by {@link #flushPending()}, which a host calls on a schedule.</li>
 * </ol>
 * A crash at any point loses nothing: each entry is always in {@code pending}, in
 * {@code transactions}, or in both, and {@link #history} reads both.
 *
 * <p><b>Failures.</b> Driver failures come out as {@link dev.balancekit.StoreException} with the
 * driver exception as the cause. Timeouts and network errors are retried (twice, with a short
 * backoff) only for what is idempotent by construction: loads, history and list reads, copying and
 * removing pending entries, creating indexes. The compare-and-set is never retried here; the
 * engine retries a failed operation by reloading, and a host by its idempotency key.
 *
 * <p>Nothing here blocks; every method is lazy and does its work on subscription.
 */
public final class MongoBalanceStore implements BalanceStore {

    /**
     * The default name of the accounts collection: a name of BalanceKit's own, so that a store
     * pointed at a LibreChat database never writes into LibreChat's {@code balances}.
     */
    public static final String DEFAULT_BALANCES_COLLECTION = "balancekit_accounts";
    /** The default name of the ledger entries collection, never LibreChat's {@code transactions}. */
    public static final String DEFAULT_TRANSACTIONS_COLLECTION = "balancekit_entries";
    /** The default number of pending entries that makes a write copy them. */
    public static final int DEFAULT_COPY_BATCH_SIZE = 12;
    /** The largest copy batch size. */
    public static final int MAX_COPY_BATCH_SIZE = 1_000;

    private static final int FLUSH_ACCOUNTS_PER_BATCH = 100;
    private static final System.Logger LOG = System.getLogger(MongoBalanceStore.class.getName());
    /** The accounts this store wrote: a string {@code _id} and an Int64 balance. */
    private static final BsonDocument OWN_ACCOUNT = new BsonDocument(
                    "_id", new BsonDocument("$type", new BsonInt32(BsonType.STRING.getValue())))
            .append(BsonMapping.BALANCE, new BsonDocument("$type", new BsonInt32(BsonType.INT64.getValue())));

    private static final BsonDocument WITHOUT_PENDING = new BsonDocument(BsonMapping.PENDING, new BsonInt32(0));
    private static final BsonDocument ONLY_PENDING = new BsonDocument(BsonMapping.PENDING, new BsonInt32(1));
    /**
     * A write that will not fill a batch returns only the id, to tell an applied write from a
     * conflict (on the in-process server a findAndModify costs less than an update).
     */
    private static final FindOneAndUpdateOptions CAS_RETURNS_ID =
            new FindOneAndUpdateOptions().projection(new BsonDocument("_id", new BsonInt32(1)));
    /** A write that may fill a batch returns the pending entries, ready to copy. */
    private static final FindOneAndUpdateOptions CAS_RETURNS_PENDING = new FindOneAndUpdateOptions()
            .projection(new BsonDocument(BsonMapping.PENDING, new BsonInt32(1)).append("_id", new BsonInt32(0)))
            .returnDocument(ReturnDocument.AFTER);

    private static final ReplaceOptions UPSERT = new ReplaceOptions().upsert(true);
    /** How many accounts' copied-up-to marks a store keeps for their next write to remove. */
    private static final int COPIED_MAX = 10_000;
    /** Copies of all stores in this JVM running after their write returned. */
    private static final AtomicInteger IN_BACKGROUND_ALL = new AtomicInteger();
    /**
     * How many copies may run after their write returned; a write that fills a batch beyond this
     * waits for its copy, so that a server that falls behind slows the writers down instead of
     * piling up copies.
     */
    static final int BACKGROUND_COPIES_MAX = 16;

    private final MongoCollection<BsonDocument> balances;
    private final MongoCollection<BsonDocument> transactions;
    private final int copyBatchSize;
    private final Outbox outbox;
    private final UsageAggregation usage;
    /** Accounts whose pending entries this store is copying right now, so that it copies each once. */
    private final Set<String> copying = ConcurrentHashMap.newKeySet();
    /** Copies of this store running after their write returned. */
    private final AtomicInteger inBackground = new AtomicInteger();
    /**
     * How many copies of this store may run after their write returned: none with a copy batch of
     * 1, which asks for a transactions collection that is current when the write returns.
     */
    private final int backgroundCopiesMax;
    /**
     * Per account, the highest sequence number up to which this store copied the pending entries
     * and their account's next write has not yet removed them: set by a copy, cleared by the
     * write that removes them.
     */
    private final Map<String, Long> copiedUpTo = new ConcurrentHashMap<>();

    private final String balancesName;
    private final String transactionsName;
    /** Set once {@link #verifyCollections()} found only this store's documents; checked before every write. */
    private volatile boolean verified;

    private MongoBalanceStore(Builder b) {
        this.balances = b.database.getCollection(b.balancesCollection, BsonDocument.class);
        this.transactions = b.database.getCollection(b.transactionsCollection, BsonDocument.class);
        this.copyBatchSize = b.copyBatchSize;
        this.backgroundCopiesMax = b.copyBatchSize == 1 ? 0 : BACKGROUND_COPIES_MAX;
        this.balancesName = b.balancesCollection;
        this.transactionsName = b.transactionsCollection;
        this.outbox = new Outbox(balances, transactions);
        this.usage = new UsageAggregation(balances, transactions);
    }

    /**
     * Starts a store on the given database. Its write concern is the one the store writes with: use
     * {@code majority} on a replica set so that an acknowledged write survives a failover.
     *
     * @param database the database holding the two collections
     * @return a builder with the default collection names
     * @throws NullPointerException if the database is null
     */
    public static Builder builder(MongoDatabase database) {
        return new Builder(Objects.requireNonNull(database, "database"));
    }

    @Override
    public Mono<StoredAccount> load(String user) {
        Objects.requireNonNull(user, "user");
        return Mono.defer(() -> Mono.from(balances.find(idFilter(user))
                        .projection(WITHOUT_PENDING)
                        .first()))
                .retryWhen(MongoErrors.idempotentRetry())
                .map(doc -> new StoredAccount(BsonMapping.account(doc), BsonMapping.version(doc)))
                .onErrorMap(MongoErrors.toStoreException("load of account " + quote(user)));
    }

    /**
     * {@inheritDoc}
     *
     * <p>One write to the account document, never retried here. After it is acknowledged, a full
     * batch of pending entries is copied to the transactions collection before the result is
     * emitted; a failure of that copy is logged and leaves the entries pending.
     *
     * @throws IllegalArgumentException if the state or an entry belongs to another user, or the
     *     expected version is negative
     */
    @Override
    public Mono<CasResult> compareAndSet(
            String user, long expectedVersion, AccountState next, List<LedgerEntry> entries) {
        return compareAndSet(user, expectedVersion, null, next, entries);
    }

    /**
     * {@inheritDoc}
     *
     * <p>With the current state, the write sends only the fields that changed (a list that only
     * gained elements at its end gets a {@code $push}), and it returns only the document's id unless
     * it may fill a copy batch; without it, the write sets every field and returns the pending
     * entries.
     *
     * @throws IllegalArgumentException if the state or an entry belongs to another user, or the
     *     expected version is negative
     */
    @Override
    public Mono<CasResult> compareAndSet(
            String user,
            long expectedVersion,
            @Nullable AccountState current,
            AccountState next,
            List<LedgerEntry> entries) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(next, "next");
        Objects.requireNonNull(entries, "entries");
        return Mono.defer(() -> {
            if (expectedVersion < 0) {
                throw new IllegalArgumentException("expectedVersion must be 0 or more, was " + expectedVersion);
            }
            if (!next.user().equals(user)) {
                throw new IllegalArgumentException("next.user must be " + quote(user) + ", was " + quote(next.user()));
            }
            BsonArray newEntries = new BsonArray(new ArrayList<>(entries.size()));
            long upTo = next.lastSeq();
            for (LedgerEntry e : entries) {
                if (!e.user().equals(user)) {
                    throw new IllegalArgumentException(
                            "entry " + e.id() + " must belong to " + quote(user) + ", was " + quote(e.user()));
                }
                newEntries.add(BsonMapping.pendingEntry(e));
                upTo = Math.max(upTo, e.seq());
            }
            long lastEntry = upTo;
            Mono<Pending> write = Mono.defer(() -> expectedVersion == 0
                    ? create(user, next, newEntries)
                    : update(user, expectedVersion, current, next, newEntries, lastEntry));
            return beforeWrite()
                    .then(write)
                    .onErrorMap(MongoErrors.toStoreException("write of account " + quote(user)))
                    .flatMap(pending -> afterWrite(user, pending))
                    .defaultIfEmpty(CasResult.CONFLICT);
        });
    }

    /**
     * What an applied write found pending.
     *
     * @param entries the pending entries after the write, when it returned them
     * @param upTo the highest sequence number the write knows of (its entries' and the new state's)
     */
    private record Pending(@Nullable List<BsonBinary> entries, long upTo) {
        static final Pending NOT_READ = new Pending(null, 0);
    }

    /** Inserts a new account; emits its pending entries, or nothing when it exists already. */
    private Mono<Pending> create(String user, AccountState next, BsonArray newEntries) {
        BsonDocument doc = new BsonDocument("_id", new BsonString(user));
        doc.putAll(AccountUpdates.accountFields(next));
        doc.put(BsonMapping.VERSION, new BsonInt64(1));
        doc.put(BsonMapping.PENDING, newEntries);
        List<BsonBinary> pending = new ArrayList<>(newEntries.size());
        newEntries.forEach(v -> pending.add(v.asBinary()));
        return Mono.from(balances.insertOne(doc))
                .thenReturn(new Pending(pending, next.lastSeq()))
                .onErrorResume(MongoErrors::isDuplicateKey, e -> Mono.empty());
    }

    /**
     * Updates the account at the expected version; emits what is pending, or nothing on a conflict.
     *
     * <p>With the current state only the changes are sent. The entries this store copied are
     * removed from {@code pending} in the same write, by a {@code $slice} that keeps only the
     * newest entries, as many as there are sequence numbers above the copied ones: entry sequence
     * numbers of an account are consecutive and {@code pending} is in their order, so the entries
     * cut are copied ones, whatever else happened to the document.
     *
     * <p>Copy batches follow the sequence numbers: a write whose entries reach the next multiple
     * of the copy batch size returns the pending entries, to copy; the others return only the
     * document's id. Without the current state the write returns the pending entries too.
     */
    private Mono<Pending> update(
            String user,
            long expectedVersion,
            @Nullable AccountState current,
            AccountState next,
            BsonArray newEntries,
            long upTo) {
        BsonDocument filter = idFilter(user).append(BsonMapping.VERSION, new BsonInt64(expectedVersion));
        BsonDocument update = AccountUpdates.accountUpdate(current, next);
        boolean fills = current == null || current.lastSeq() / copyBatchSize != upTo / copyBatchSize;
        BsonDocument set = update.getDocument("$set");
        set.put(BsonMapping.VERSION, new BsonInt64(expectedVersion + 1));
        Long copied = copiedUpTo.get(user);
        long keep = copied == null ? -1 : upTo - copied;
        if (keep == 0) {
            // nothing left and nothing new: an empty outbox is left out of the document
            BsonDocument unset = update.containsKey("$unset") ? update.getDocument("$unset") : new BsonDocument();
            unset.put(BsonMapping.PENDING, new BsonString(""));
            update.put("$unset", unset);
        } else if (keep > 0 || !newEntries.isEmpty()) {
            BsonDocument each = new BsonDocument("$each", newEntries);
            if (keep > 0) {
                each.put("$slice", new BsonInt32((int) -Math.min(keep, Integer.MAX_VALUE)));
            }
            BsonDocument push = update.containsKey("$push") ? update.getDocument("$push") : new BsonDocument();
            push.put(BsonMapping.PENDING, each);
            update.put("$push", push);
        }
        long finalUpTo = upTo;
        Mono<Pending> write = fills
                ? Mono.from(balances.findOneAndUpdate(filter, update, CAS_RETURNS_PENDING))
                        .map(doc -> new Pending(BsonMapping.pending(doc), finalUpTo))
                : Mono.from(balances.findOneAndUpdate(filter, update, CAS_RETURNS_ID))
                        .map(doc -> Pending.NOT_READ);
        return write.doOnNext(p -> {
            if (copied != null) {
                copiedUpTo.remove(user, copied);
            }
        });
    }

    /**
     * Starts the copy of a full batch that a write returned, without waiting for it: the write is
     * applied and acknowledged, and a copy changes nothing that the caller sees (history reads
     * pending entries too). Beyond {@link #BACKGROUND_COPIES_MAX} copies at once, and with a copy
     * batch of 1, the write waits for its copy.
     */
    private Mono<CasResult> afterWrite(String user, Pending pending) {
        List<BsonBinary> list = pending.entries();
        if (list == null || list.size() < copyBatchSize) {
            return Mono.just(CasResult.APPLIED);
        }
        if (inBackground.incrementAndGet() > backgroundCopiesMax) {
            inBackground.decrementAndGet();
            return copyBatch(user, pending).thenReturn(CasResult.APPLIED);
        }
        IN_BACKGROUND_ALL.incrementAndGet();
        copyBatch(user, pending)
                .doFinally(signal -> {
                    inBackground.decrementAndGet();
                    IN_BACKGROUND_ALL.decrementAndGet();
                })
                .subscribe();
        return Mono.just(CasResult.APPLIED);
    }

    /**
     * Waits until no store of this JVM runs a copy in the background any more (for tests that look
     * at the transactions collection right after a write).
     *
     * @return whether none runs any more, false when the timeout passed first
     */
    static boolean awaitBackgroundCopies(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (IN_BACKGROUND_ALL.get() > 0) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(100_000);
        }
        return true;
    }

    /**
     * Copies an account's pending entries (a full batch that a write returned), and
     * remembers up to which sequence number they are copied, so that the account's next write
     * removes them; never fails. A copy that finishes after the account's next write leaves the
     * removal to the write after that.
     */
    private Mono<Void> copyBatch(String user, Pending pending) {
        return Mono.defer(() -> {
            List<BsonBinary> list = pending.entries();
            if (list == null || !copying.add(user)) {
                return Mono.empty();
            }
            return outbox.copy(List.of(new Outbox.Batch(user, list)), false)
                    .doOnNext(n -> {
                        if (n == list.size()) {
                            long highest = 0;
                            for (BsonBinary e : list) {
                                highest = Math.max(highest, BsonMapping.pendingSeq(e));
                            }
                            markCopied(user, Math.min(highest, pending.upTo()));
                        }
                    })
                    .doFinally(signal -> copying.remove(user))
                    .onErrorResume(e -> {
                        LOG.log(
                                System.Logger.Level.WARNING,
                                "copying " + list.size() + " pending entries of account " + quote(user)
                                        + " failed; they stay pending until a later batch or flushPending()",
                                e);
                        return Mono.empty();
                    })
                    .then();
        });
    }

    /** Remembers that an account's entries up to a sequence number are copied, for its next write to remove. */
    private void markCopied(String user, long seq) {
        if (copiedUpTo.size() >= COPIED_MAX) {
            // a crude bound: forgetting only leaves copied entries pending until a later batch copies them again
            copiedUpTo.clear();
        }
        copiedUpTo.merge(user, seq, Math::max);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Reads the account's pending entries first and the transactions collection second, then
     * merges them by entry id: an entry leaves {@code pending} only after it was copied, so in this
     * order no entry can slip between the two reads.
     */
    @Override
    public Flux<LedgerEntry> history(String user, HistoryQuery query) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(query, "query");
        return Flux.defer(() -> {
                    int want = query.limit() + 1;
                    long before = query.beforeSeq();
                    Mono<List<LedgerEntry>> pending = Mono.from(balances.find(idFilter(user))
                                    .projection(ONLY_PENDING)
                                    .first())
                            .retryWhen(MongoErrors.idempotentRetry())
                            .map(doc -> {
                                List<LedgerEntry> out = new ArrayList<>();
                                for (BsonBinary raw : BsonMapping.pending(doc)) {
                                    LedgerEntry e = BsonMapping.pendingEntry(raw, user);
                                    if (e.seq() < before && query.matches(e)) {
                                        out.add(e);
                                    }
                                }
                                return out;
                            })
                            .defaultIfEmpty(List.of());
                    return pending.flatMap(p -> copied(user, query, want).map(c -> merge(p, c, want)))
                            .flatMapIterable(list -> list);
                })
                .onErrorMap(MongoErrors.toStoreException("history of account " + quote(user)));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Reads the account's pending entries and the transactions collection (by the index
     * {@code {user: 1, id: 1}}, on the range of ids that start with the operation id and {@code #}).
     */
    @Override
    public Flux<LedgerEntry> operationEntries(String user, String operationId) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(operationId, "operationId");
        BsonDocument filter = new BsonDocument(BsonMapping.USER, new BsonString(user))
                .append(
                        BsonMapping.ID,
                        new BsonDocument("$gte", new BsonString(operationId + '#'))
                                .append("$lt", new BsonString(operationId + '$')));
        return entriesWhere(
                user,
                filter,
                e -> {
                    String id = e.id();
                    return id.lastIndexOf('#') == operationId.length() && id.startsWith(operationId);
                },
                "entries of operation " + quote(operationId) + " of account " + quote(user));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Reads the account's pending entries and the transactions collection (by the index
     * {@code {user: 1, holdId: 1}}).
     */
    @Override
    public Flux<LedgerEntry> holdEntries(String user, String holdId) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(holdId, "holdId");
        BsonDocument filter = new BsonDocument(BsonMapping.USER, new BsonString(user))
                .append(BsonMapping.HOLD_ID, new BsonString(holdId));
        return entriesWhere(
                user,
                filter,
                e -> holdId.equals(e.holdId()),
                "entries of hold " + quote(holdId) + " of account " + quote(user));
    }

    /**
     * The entries of an account, pending or copied, that match: pending first, then copied (the
     * order in which no entry slips between the reads), merged by id, in sequence order.
     */
    private Flux<LedgerEntry> entriesWhere(
            String user, BsonDocument copiedFilter, Predicate<LedgerEntry> matches, String what) {
        return Flux.defer(() -> {
                    Mono<List<LedgerEntry>> pending = Mono.from(balances.find(idFilter(user))
                                    .projection(ONLY_PENDING)
                                    .first())
                            .retryWhen(MongoErrors.idempotentRetry())
                            .map(doc -> {
                                List<LedgerEntry> out = new ArrayList<>(2);
                                for (BsonBinary raw : BsonMapping.pending(doc)) {
                                    LedgerEntry e = BsonMapping.pendingEntry(raw, user);
                                    if (matches.test(e)) {
                                        out.add(e);
                                    }
                                }
                                return out;
                            })
                            .defaultIfEmpty(List.of());
                    Mono<List<LedgerEntry>> copied = Flux.defer(() -> transactions.find(copiedFilter))
                            .map(BsonMapping::entry)
                            .filter(matches)
                            .collectList()
                            .retryWhen(MongoErrors.idempotentRetry());
                    return pending.flatMap(p -> copied.map(c -> {
                                List<LedgerEntry> all = merge(p, c, Integer.MAX_VALUE);
                                java.util.Collections.reverse(all);
                                return all;
                            }))
                            .flatMapIterable(list -> list);
                })
                .onErrorMap(MongoErrors.toStoreException(what));
    }

    /** Reads the copied entries that match the query, newest first, at most {@code want}. */
    private Mono<List<LedgerEntry>> copied(String user, HistoryQuery query, int want) {
        BsonDocument filter = new BsonDocument(BsonMapping.USER, new BsonString(user));
        if (query.beforeSeq() != Long.MAX_VALUE) {
            filter.put(BsonMapping.SEQ, new BsonDocument("$lt", new BsonInt64(query.beforeSeq())));
        }
        // Dates are stored in milliseconds: a bound with finer nanoseconds widens the query to whole
        // milliseconds, and the exact filter below narrows it again.
        boolean exact = true;
        BsonDocument created = new BsonDocument();
        Instant from = query.from();
        if (from != null) {
            created.put("$gte", new BsonDateTime(from.toEpochMilli()));
            exact = subMillis(from) == 0;
        }
        Instant until = query.until();
        if (until != null) {
            boolean whole = subMillis(until) == 0;
            created.put(whole ? "$lt" : "$lte", new BsonDateTime(until.toEpochMilli()));
            exact &= whole;
        }
        if (!created.isEmpty()) {
            filter.put(BsonMapping.CREATED_AT, created);
        }
        if (query.context() != null) {
            filter.put(BsonMapping.CONTEXT, new BsonString(query.context()));
        }
        if (query.model() != null) {
            filter.put(BsonMapping.MODEL, new BsonString(query.model()));
        }
        FindPublisher<BsonDocument> find =
                transactions.find(filter).sort(new BsonDocument(BsonMapping.SEQ, new BsonInt32(-1)));
        Flux<LedgerEntry> entries = exact
                ? Flux.from(find.limit(want)).map(BsonMapping::entry)
                : Flux.from(find.batchSize(Math.min(want, 1000)))
                        .map(BsonMapping::entry)
                        .filter(query::matches)
                        .take(want);
        return entries.collectList().retryWhen(MongoErrors.idempotentRetry());
    }

    private static int subMillis(Instant t) {
        return t.getNano() % 1_000_000;
    }

    /** The union of pending and copied entries by id, newest first, at most {@code want}. */
    static List<LedgerEntry> merge(List<LedgerEntry> pending, List<LedgerEntry> copied, int want) {
        Set<String> seen = new HashSet<>();
        List<LedgerEntry> all = new ArrayList<>(pending.size() + copied.size());
        for (List<LedgerEntry> source : List.of(pending, copied)) {
            for (LedgerEntry e : source) {
                if (seen.add(e.id())) {
                    all.add(e);
                }
            }
        }
        all.sort(Comparator.comparingLong(LedgerEntry::seq).reversed());
        return all.size() <= want ? all : new ArrayList<>(all.subList(0, want));
    }

    /**
     * {@inheritDoc}
     *
     * <p>One query of the accounts collection for the whole batch, reading only the ids.
     */
    @Override
    public Flux<String> usersWithAccounts(Collection<String> users) {
        List<String> wanted = List.copyOf(users);
        if (wanted.isEmpty()) {
            return Flux.empty();
        }
        return Flux.defer(() -> {
                    BsonArray ids = new BsonArray(wanted.size());
                    for (String user : wanted) {
                        ids.add(new BsonString(user));
                    }
                    return balances.find(new BsonDocument("_id", new BsonDocument("$in", ids)))
                            .projection(new BsonDocument("_id", new BsonInt32(1)))
                            .batchSize(Math.max(ids.size(), 2));
                })
                .handle((BsonDocument doc, SynchronousSink<String> sink) -> {
                    BsonValue id = doc.get("_id");
                    if (id != null && id.isString()) {
                        sink.next(id.asString().getValue());
                    }
                })
                .onErrorMap(MongoErrors.toStoreException("lookup of " + wanted.size() + " accounts"));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Reads the accounts collection only, with keyset paging: the cursor holds the last sort key
     * and user id of a page. Last activity is compared to the millisecond, then by user id.
     */
    @Override
    public Mono<Page<AccountState>> accounts(ListQuery query) {
        Objects.requireNonNull(query, "query");
        return Mono.defer(() -> {
            ListCursor after = query.cursor() == null ? null : ListCursor.parse(query.sort(), query.cursor());
            // only documents of this store's shape: another application's documents are not accounts
            BsonDocument filter = after == null
                    ? OWN_ACCOUNT
                    : new BsonDocument("$and", new BsonArray(List.of(OWN_ACCOUNT, after.filter(query.descending()))));
            return Flux.defer(() -> balances.find(filter)
                            .projection(WITHOUT_PENDING)
                            .sort(ListCursor.sortOf(query))
                            .limit(query.limit() + 1))
                    .collectList()
                    .retryWhen(MongoErrors.idempotentRetry())
                    .map(docs -> {
                        int taken = Math.min(docs.size(), query.limit());
                        List<AccountState> items = new ArrayList<>(taken);
                        for (int i = 0; i < taken; i++) {
                            AccountState account = readAccount(docs.get(i));
                            if (account != null) {
                                items.add(account);
                            }
                        }
                        // the cursor comes from the last document read, so a skipped one cannot end the list
                        String next = docs.size() > query.limit()
                                ? ListCursor.after(query.sort(), docs.get(taken - 1))
                                        .encode()
                                : null;
                        return new Page<>(items, next);
                    })
                    .onErrorMap(MongoErrors.toStoreException("listing of accounts"));
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>Groups on the server: one aggregation ({@code $match}, {@code $group}) over the
     * transactions collection, plus the entries still pending in account documents, each entry
     * counted once. Only groups reach the host. The aggregation may spill to disk on a real server.
     */
    @Override
    public Flux<UsageGroup> usage(UsageQuery query, ZoneId zone) {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(zone, "zone");
        return usage.usage(query, zone).onErrorMap(MongoErrors.toStoreException("usage report"));
    }

    /**
     * Creates the indexes the store's reads need; idempotent, so call it at every start.
     *
     * <ul>
     *   <li>transactions {@code {user: 1, seq: -1}}: history, newest first, and its cursor;</li>
     *   <li>transactions {@code {user: 1, createdAt: -1}}: history by time range, usage reports of some users;</li>
     *   <li>transactions {@code {createdAt: 1}}: usage reports over a time range of all users;</li>
     *   <li>transactions {@code {user: 1, id: 1}} and {@code {user: 1, holdId: 1}}: the entries of
     *       an idempotency key that may have been used, and of a hold that is no longer active;</li>
     *   <li>balances {@code {balance: 1, _id: 1}} and {@code {lastTransactionAt: 1, _id: 1}}: the
     *       account list sorted by balance or last activity (either direction);</li>
     *   <li>balances {@code {pending: 1}}: {@link #flushPending()} and the usage report find accounts with pending
     *       entries without scanning the others.</li>
     * </ul>
     * Lookups by user id and by entry id use the {@code _id} indexes.
     *
     * @return completes when the indexes exist
     */
    public Mono<Void> ensureIndexes() {
        List<IndexModel> tx = List.of(
                new IndexModel(new BsonDocument(BsonMapping.USER, new BsonInt32(1))
                        .append(BsonMapping.SEQ, new BsonInt32(-1))),
                new IndexModel(new BsonDocument(BsonMapping.USER, new BsonInt32(1))
                        .append(BsonMapping.CREATED_AT, new BsonInt32(-1))),
                new IndexModel(new BsonDocument(BsonMapping.CREATED_AT, new BsonInt32(1))),
                new IndexModel(
                        new BsonDocument(BsonMapping.USER, new BsonInt32(1)).append(BsonMapping.ID, new BsonInt32(1))),
                new IndexModel(new BsonDocument(BsonMapping.USER, new BsonInt32(1))
                        .append(BsonMapping.HOLD_ID, new BsonInt32(1))));
        List<IndexModel> accounts = List.of(
                new IndexModel(new BsonDocument(BsonMapping.BALANCE, new BsonInt32(1)).append("_id", new BsonInt32(1))),
                new IndexModel(new BsonDocument(BsonMapping.LAST_TRANSACTION_AT, new BsonInt32(1))
                        .append("_id", new BsonInt32(1))),
                new IndexModel(new BsonDocument(BsonMapping.PENDING, new BsonInt32(1))));
        return beforeWrite()
                .then(Flux.defer(() ->
                                Flux.from(transactions.createIndexes(tx)).thenMany(balances.createIndexes(accounts)))
                        .retryWhen(MongoErrors.idempotentRetry())
                        .then()
                        .onErrorMap(MongoErrors.toStoreException("creating indexes")));
    }

    /**
     * Copies every pending entry of every account to the transactions collection and removes it from
     * its account: the sweep that finishes what a crash, a failure or a not yet full batch left
     * behind. Safe to run at any time, from any number of processes, while the ledger is in use; a
     * host runs it on a schedule (every minute, say) and at shutdown.
     *
     * @return the number of entries copied and removed from pending
     */
    public Mono<Long> flushPending() {
        BsonDocument hasPending = BsonMapping.hasPending();
        return beforeWrite()
                .then(Flux.defer(() -> Flux.from(
                                balances.find(new BsonDocument("$and", new BsonArray(List.of(OWN_ACCOUNT, hasPending))))
                                        .projection(ONLY_PENDING)))
                        .map(doc -> new Outbox.Batch(BsonMapping.text(doc, "_id"), BsonMapping.pending(doc)))
                        .filter(b -> !b.entries().isEmpty())
                        .buffer(FLUSH_ACCOUNTS_PER_BATCH)
                        .concatMap(outbox::copy)
                        .reduce(0L, Long::sum)
                        .onErrorMap(MongoErrors.toStoreException("flush of pending entries")));
    }

    /**
     * Reads an account document of the list, or skips it with a warning when it is not one this
     * store wrote (a document of the same shape with a field of another type).
     */
    private @Nullable AccountState readAccount(BsonDocument doc) {
        try {
            return BsonMapping.account(doc);
        } catch (BsonMapping.MalformedDocumentException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "skipping document " + doc.get("_id") + " of collection '" + balancesName
                            + "' in the account list: " + e.getMessage());
            return null;
        }
    }

    /**
     * Checks that both collections hold only documents of this store's shape: in the accounts
     * collection a string {@code _id} (a user id), in the entries collection a document
     * {@code _id} ({@code {u, e}}). LibreChat's documents, and any other application's with
     * generated ObjectId ids, fail this check. Both checks are on {@code _id}, so they use its index
     * and stay cheap on large collections.
     *
     * <p>The store runs this itself before its first write ({@link #compareAndSet},
     * {@link #flushPending()}, {@link #ensureIndexes()}) and, once it passed, not again. A failed
     * check writes nothing and is tried again by the next write.
     *
     * @return completes when both collections are the store's own (or empty); fails with a
     *     {@link ForeignDocumentException} naming the collection and one foreign document's id
     */
    public Mono<Void> verifyCollections() {
        return check().onErrorMap(MongoErrors.toStoreException("check of the collections"));
    }

    /** The collection check, its driver failures not yet mapped, so that a write names them as its own. */
    private Mono<Void> check() {
        return Mono.defer(() -> foreign(balances, balancesName, BsonType.STRING)
                        .switchIfEmpty(Mono.defer(() -> foreign(transactions, transactionsName, BsonType.DOCUMENT)))
                        .flatMap(Mono::<Void>error))
                .doOnSuccess(v -> verified = true);
    }

    /** Runs the collection check unless it passed already. */
    private Mono<Void> beforeWrite() {
        return verified ? Mono.empty() : check();
    }

    /** Finds one document whose {@code _id} is not of the given type, as the failure to report. */
    private static Mono<ForeignDocumentException> foreign(
            MongoCollection<BsonDocument> collection, String name, BsonType own) {
        BsonDocument notOwn = new BsonDocument(
                "_id", new BsonDocument("$not", new BsonDocument("$type", new BsonInt32(own.getValue()))));
        return Mono.from(collection
                        .find(notOwn)
                        .projection(new BsonDocument("_id", new BsonInt32(1)))
                        .first())
                .retryWhen(MongoErrors.idempotentRetry())
                .map(doc -> new ForeignDocumentException(
                        name, Objects.requireNonNull(doc.get("_id"), "_id"))); // every document has one
    }

    /**
     * Writes entries straight into the entries collection, for an import that writes a user's
     * entries before it creates the account: each replaces the document with its id, or is
     * inserted, so writing an entry again (a run that was interrupted and started again) leaves it
     * once, with the new content. Call {@link #verifyCollections()} first.
     */
    Mono<Void> putEntries(List<LedgerEntry> entries) {
        return Mono.defer(() -> {
                    List<ReplaceOneModel<BsonDocument>> writes = new ArrayList<>(entries.size());
                    for (LedgerEntry e : entries) {
                        BsonDocument doc = new BsonDocument("_id", BsonMapping.transactionId(e.user(), e.id()));
                        doc.putAll(BsonMapping.entry(e));
                        writes.add(new ReplaceOneModel<>(new BsonDocument("_id", doc.get("_id")), doc, UPSERT));
                    }
                    return Mono.from(transactions.bulkWrite(writes, new BulkWriteOptions().ordered(false)))
                            .retryWhen(MongoErrors.idempotentRetry())
                            .then();
                })
                .onErrorMap(MongoErrors.toStoreException("import of entries"));
    }

    /**
     * Removes every entry of a user from the entries collection: what an interrupted import left of
     * a user who has no account. Only for users without an account, whose entries no reader sees.
     */
    Mono<Void> removeEntries(String user) {
        return Mono.defer(() ->
                        Mono.from(transactions.deleteMany(new BsonDocument(BsonMapping.USER, new BsonString(user)))))
                .retryWhen(MongoErrors.idempotentRetry())
                .then()
                .onErrorMap(MongoErrors.toStoreException("removal of the entries of " + quote(user)));
    }

    /** {@code {_id: user}}, with the user id as a plain string value. */
    static BsonDocument idFilter(String user) {
        return new BsonDocument("_id", new BsonString(user));
    }

    /** Configures a {@link MongoBalanceStore}; every setter checks its value at once. */
    public static final class Builder {
        private final MongoDatabase database;
        private String balancesCollection = DEFAULT_BALANCES_COLLECTION;
        private String transactionsCollection = DEFAULT_TRANSACTIONS_COLLECTION;
        private int copyBatchSize = DEFAULT_COPY_BATCH_SIZE;

        private Builder(MongoDatabase database) {
            this.database = database;
        }

        /**
         * Sets the name of the accounts collection, {@value MongoBalanceStore#DEFAULT_BALANCES_COLLECTION} by default.
         *
         * @param name the collection name
         * @return this builder
         * @throws IllegalArgumentException if the name is blank, contains {@code $} or NUL, or starts with {@code system.}
         */
        public Builder balancesCollection(String name) {
            this.balancesCollection = collectionName("balancesCollection", name);
            return this;
        }

        /**
         * Sets the name of the ledger entries collection, {@value MongoBalanceStore#DEFAULT_TRANSACTIONS_COLLECTION}
         * by default. Never LibreChat's own {@code transactions}: the shapes differ, and the store
         * refuses to write into a collection that holds other documents.
         *
         * @param name the collection name
         * @return this builder
         * @throws IllegalArgumentException if the name is blank, contains {@code $} or NUL, or starts with {@code system.}
         */
        public Builder transactionsCollection(String name) {
            this.transactionsCollection = collectionName("transactionsCollection", name);
            return this;
        }

        /**
         * Sets how many entries may wait in an account's {@code pending} array before a write copies
         * them to the transactions collection, {@value MongoBalanceStore#DEFAULT_COPY_BATCH_SIZE} by
         * default. Larger batches mean fewer round trips per operation and larger account documents
         * (every write carries the pending entries, about 95 bytes each); 1 copies after every write
         * that appends entries, before the write returns, so that the transactions collection is
         * current for readers that look at it directly (larger batches are copied after their write
         * returned). Entries of quiet accounts wait for {@link #flushPending()}; history
         * reads include them either way.
         *
         * @param entries 1 to {@value MongoBalanceStore#MAX_COPY_BATCH_SIZE}
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder copyBatchSize(int entries) {
            if (entries < 1 || entries > MAX_COPY_BATCH_SIZE) {
                throw new IllegalArgumentException(
                        "copyBatchSize must be between 1 and " + MAX_COPY_BATCH_SIZE + ", was " + entries);
            }
            this.copyBatchSize = entries;
            return this;
        }

        /**
         * Builds the store. It does not touch the database; call {@link #ensureIndexes()} once at start.
         *
         * @return the store
         * @throws IllegalArgumentException if both collections have the same name
         * @throws IllegalArgumentException if the database's write concern is unacknowledged
         */
        public MongoBalanceStore build() {
            if (balancesCollection.equals(transactionsCollection)) {
                throw new IllegalArgumentException("transactionsCollection must differ from balancesCollection, was '"
                        + transactionsCollection + "' for both");
            }
            WriteConcern wc = database.getWriteConcern();
            if (!wc.isAcknowledged()) {
                throw new IllegalArgumentException("the database's write concern must be acknowledged, was " + wc
                        + ": the store must know that a write happened before it copies or removes entries");
            }
            return new MongoBalanceStore(this);
        }

        private static String collectionName(String what, String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException(
                        what + " must not be blank, was " + (name == null ? "null" : "'" + name + "'"));
            }
            if (name.indexOf('$') >= 0 || name.indexOf('\0') >= 0) {
                throw new IllegalArgumentException(what + " must not contain '$' or NUL, was '" + name + "'");
            }
            if (name.startsWith("system.")) {
                throw new IllegalArgumentException(what + " must not start with 'system.', was '" + name + "'");
            }
            return name;
        }
    }
}
