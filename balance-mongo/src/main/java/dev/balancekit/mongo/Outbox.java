package dev.balancekit.mongo;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.reactivestreams.client.MongoCollection;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonDocument;
import reactor.core.publisher.Mono;

/**
 * The second half of the write protocol: copies entries from accounts' {@code pending} arrays into
 * the transactions collection, then removes the copied ones from {@code pending}.
 *
 * <p>Both steps are idempotent by construction, so both are retried after transient failures and
 * may be repeated by anyone at any time: a transaction's {@code _id} is {@code {u: user, e: entry
 * id}}, so inserting an entry twice fails with a duplicate key (11000), which means "already
 * copied"; removing is a {@code $pull} by entry id, which does nothing the second time and never
 * touches the account's {@code version}, so it never makes a compare-and-set conflict. An entry is
 * removed from {@code pending} only after its insert was acknowledged (or found to be there
 * already), so at every moment each entry is in {@code pending}, in the collection, or in both.
 */
final class Outbox {

    private static final InsertManyOptions UNORDERED_INSERT = new InsertManyOptions().ordered(false);
    private static final BulkWriteOptions UNORDERED_BULK = new BulkWriteOptions().ordered(false);
    private static final System.Logger LOG = System.getLogger(Outbox.class.getName());

    private final MongoCollection<BsonDocument> balances;
    private final MongoCollection<BsonDocument> transactions;

    Outbox(MongoCollection<BsonDocument> balances, MongoCollection<BsonDocument> transactions) {
        this.balances = balances;
        this.transactions = transactions;
    }

    /**
     * The pending entries of one account, as read from its document.
     *
     * @param user the account's user id
     * @param entries the raw entries of its {@code pending} array
     */
    record Batch(String user, List<BsonBinary> entries) {
        Batch {
            entries = List.copyOf(entries);
        }
    }

    /**
     * Copies the entries of the given accounts with one unordered insert, then removes the copied
     * ones from their accounts with one update (or one unordered bulk write for several accounts).
     *
     * @param batches the accounts and their pending entries
     * @return the number of entries copied and removed from {@code pending}
     */
    Mono<Long> copy(List<Batch> batches) {
        return copy(batches, true);
    }

    /**
     * Copies the entries of the given accounts with one unordered insert, and removes the copied
     * ones from {@code pending} when asked to.
     *
     * @param batches the accounts and their pending entries
     * @param remove whether to remove them (the caller that does not removes them with its next write)
     * @return the number of entries copied (and removed, when asked)
     */
    Mono<Long> copy(List<Batch> batches, boolean remove) {
        return Mono.defer(() -> {
            List<BsonDocument> docs = new ArrayList<>();
            List<String> owners = new ArrayList<>();
            List<BsonBinary> packed = new ArrayList<>();
            for (Batch b : batches) {
                for (BsonBinary entry : b.entries()) {
                    docs.add(BsonMapping.transaction(entry, b.user()));
                    owners.add(b.user());
                    packed.add(entry);
                }
            }
            if (docs.isEmpty()) {
                return Mono.just(0L);
            }
            return insert(docs)
                    .flatMap(
                            copied -> remove ? remove(copied, owners, packed) : Mono.just((long) copied.cardinality()));
        });
    }

    /** Inserts the documents; emits which of them are now in the collection. */
    private Mono<BitSet> insert(List<BsonDocument> docs) {
        BitSet all = new BitSet(docs.size());
        all.set(0, docs.size());
        return Mono.from(transactions.insertMany(docs, UNORDERED_INSERT))
                .retryWhen(MongoErrors.idempotentRetry())
                .thenReturn(all)
                .onErrorResume(MongoBulkWriteException.class, e -> {
                    if (e.getWriteConcernError() != null) {
                        // the inserts may not be durable: keep every entry in pending
                        return Mono.error(e);
                    }
                    BitSet copied = (BitSet) all.clone();
                    for (BulkWriteError err : e.getWriteErrors()) {
                        if (!MongoErrors.isDuplicateKey(err)) {
                            copied.clear(err.getIndex());
                            LOG.log(
                                    System.Logger.Level.WARNING,
                                    "copying ledger entry "
                                            + docs.get(err.getIndex()).get("_id") + " failed with code " + err.getCode()
                                            + "; it stays pending in its account");
                        }
                    }
                    return Mono.just(copied);
                });
    }

    /** Removes the copied entries from their accounts' pending arrays. */
    private Mono<Long> remove(BitSet copied, List<String> owners, List<BsonBinary> packed) {
        Map<String, BsonArray> byUser = new LinkedHashMap<>();
        for (int i = copied.nextSetBit(0); i >= 0; i = copied.nextSetBit(i + 1)) {
            byUser.computeIfAbsent(owners.get(i), u -> new BsonArray()).add(packed.get(i));
        }
        if (byUser.isEmpty()) {
            return Mono.just(0L);
        }
        long count = copied.cardinality();
        List<UpdateOneModel<BsonDocument>> pulls = new ArrayList<>(byUser.size());
        for (Map.Entry<String, BsonArray> e : byUser.entrySet()) {
            pulls.add(new UpdateOneModel<>(MongoBalanceStore.idFilter(e.getKey()), pullUpdate(e.getValue())));
        }
        Mono<?> write = pulls.size() == 1
                ? Mono.from(balances.updateOne(
                        pulls.get(0).getFilter(), pulls.get(0).getUpdate()))
                : Mono.from(balances.bulkWrite(pulls, UNORDERED_BULK));
        return write.retryWhen(MongoErrors.idempotentRetry()).thenReturn(count);
    }

    /**
     * {@code {$pull: {pending: {$in: entries}}}}: removes the copied entries by value (a packed
     * entry holds its id, so two entries are never equal); never touches the version.
     */
    private static BsonDocument pullUpdate(BsonArray entries) {
        return new BsonDocument("$pull", new BsonDocument(BsonMapping.PENDING, new BsonDocument("$in", entries)));
    }
}
