package dev.balancekit.cli;

import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;
import dev.balancekit.mongo.MongoUserDirectory;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.types.ObjectId;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The reads of LibreChat's users collection and the store's accounts collection that listing all
 * users needs: users in order, streamed in batches, the user documents of a batch of ids, and which
 * of a batch of ids has an account. Ids and e-mails are always sent as plain values, never as operators.
 */
final class Users {
    private static final String EMAIL = "email";
    private static final String NAME = "name";
    private static final BsonDocument USER_FIELDS = new BsonDocument("_id", new BsonInt32(1))
            .append(EMAIL, new BsonInt32(1)).append(NAME, new BsonInt32(1));
    private static final BsonDocument ONLY_ID = new BsonDocument("_id", new BsonInt32(1));

    private final MongoCollection<BsonDocument> users;
    private final MongoCollection<BsonDocument> accounts;

    Users(MongoDatabase database, String accountsCollection) {
        this.users = database.getCollection(MongoUserDirectory.DEFAULT_COLLECTION, BsonDocument.class);
        this.accounts = database.getCollection(accountsCollection, BsonDocument.class);
    }

    /**
     * A user document as listings show it.
     *
     * @param id the user id as the ledger keys accounts (an ObjectId's hex text)
     * @param label the e-mail, else the name, else null
     */
    record User(String id, @Nullable String label) {
    }

    /**
     * Every user, in order, read from one cursor in batches of {@code batchSize}: nothing is held
     * beyond what the consumer has not taken yet.
     *
     * @param byEmail sort by e-mail (then id) instead of by id
     * @param descending largest first
     * @param batchSize documents per round trip
     * @return the users; documents whose id is neither an ObjectId, a string nor a number are skipped
     */
    Flux<User> all(boolean byEmail, boolean descending, int batchSize) {
        BsonInt32 dir = new BsonInt32(descending ? -1 : 1);
        BsonDocument sort = byEmail ? new BsonDocument(EMAIL, dir).append("_id", dir) : new BsonDocument("_id", dir);
        return Flux.defer(() -> users.find().projection(USER_FIELDS).sort(sort).batchSize(batchSize))
                .handle((doc, sink) -> {
                    String id = MongoUserDirectory.idText(doc.get("_id"));
                    if (id != null) {
                        sink.next(new User(id, MongoUserDirectory.label(doc)));
                    }
                });
    }

    /**
     * Tells which of the ids have an account.
     *
     * @param ids user ids
     * @return the ids that have an account
     */
    Mono<Set<String>> withAccounts(List<String> ids) {
        BsonArray in = new BsonArray();
        for (String id : ids) {
            in.add(new BsonString(id));
        }
        if (in.isEmpty()) {
            return Mono.just(Set.of());
        }
        BsonDocument filter = new BsonDocument("_id", new BsonDocument("$in", in));
        return Flux.defer(() -> accounts.find(filter).projection(ONLY_ID).batchSize(Math.max(in.size(), 2)))
                .collect(HashSet<String>::new, (set, doc) -> {
                    String id = MongoUserDirectory.idText(doc.get("_id"));
                    if (id != null) {
                        set.add(id);
                    }
                })
                .map(Set::copyOf);
    }

    /**
     * Finds the user documents of a batch of ids in one query, matching an ObjectId with that hex
     * text or a string id, as {@link MongoUserDirectory} does.
     *
     * @param ids user ids
     * @return the users found, by id
     */
    Mono<Map<String, User>> find(List<String> ids) {
        BsonArray in = new BsonArray();
        for (String id : ids) {
            if (ObjectId.isValid(id)) {
                in.add(new BsonObjectId(new ObjectId(id)));
            }
            in.add(new BsonString(id));
        }
        if (in.isEmpty()) {
            return Mono.just(Map.of());
        }
        BsonDocument filter = new BsonDocument("_id", new BsonDocument("$in", in));
        return Flux.defer(() -> users.find(filter).projection(USER_FIELDS).batchSize(Math.max(in.size(), 2)))
                .collect(HashMap<String, User>::new, (map, doc) -> {
                    String id = MongoUserDirectory.idText(doc.get("_id"));
                    if (id != null) {
                        map.put(id, new User(id, MongoUserDirectory.label(doc)));
                    }
                })
                .map(Map::copyOf);
    }

}
