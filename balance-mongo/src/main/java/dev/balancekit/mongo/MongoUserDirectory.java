package dev.balancekit.mongo;

import static dev.balancekit.mongo.MongoErrors.quote;

import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;
import dev.balancekit.UserDirectory;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
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
import reactor.core.publisher.SynchronousSink;

/**
 * A {@link UserDirectory} over a users collection shaped like LibreChat's ({@code {_id, email,
 * name}}): labels accounts with the user's e-mail (or name) in listings, and turns an e-mail into
 * the user id the ledger keys accounts by, for the CLI's {@code --email}.
 *
 * <p>LibreChat's user ids are ObjectIds, and the ledger sees them as their 24-digit hex text; a
 * lookup by user id therefore matches either an ObjectId with that hex text or a string id, so a
 * directory with string ids works too. E-mails are matched as given and lower-cased (LibreChat
 * stores them lower-case). Values are always sent as plain BSON values, never as operators.
 */
public final class MongoUserDirectory implements UserDirectory {

    /** The default name of the users collection, LibreChat's. */
    public static final String DEFAULT_COLLECTION = "users";

    private static final String EMAIL = "email";
    private static final String NAME = "name";
    private static final BsonDocument LABEL_FIELDS =
            new BsonDocument(EMAIL, new BsonInt32(1)).append(NAME, new BsonInt32(1));
    private static final BsonDocument ID_AND_EMAIL =
            new BsonDocument("_id", new BsonInt32(1)).append(EMAIL, new BsonInt32(1));
    private static final BsonDocument USER_FIELDS = new BsonDocument("_id", new BsonInt32(1))
            .append(EMAIL, new BsonInt32(1))
            .append(NAME, new BsonInt32(1));

    /**
     * A user of the directory as listings show it.
     *
     * @param id the user id as the ledger keys accounts (an ObjectId's hex text, a string id as it is)
     * @param label the e-mail, else the name, else null
     */
    public record User(String id, @Nullable String label) {
        /**
         * Validates.
         *
         * @throws NullPointerException if the id is null
         */
        public User {
            Objects.requireNonNull(id, "id");
        }
    }

    /** What {@link #users} orders the users by. */
    public enum Order {
        /** The user id ({@code _id}). */
        ID,
        /** The e-mail, then the user id. */
        EMAIL
    }

    private final MongoCollection<BsonDocument> users;

    private MongoUserDirectory(MongoCollection<BsonDocument> users) {
        this.users = users;
    }

    /**
     * A directory over the {@value #DEFAULT_COLLECTION} collection.
     *
     * @param database the database holding it
     * @return the directory
     * @throws NullPointerException if the database is null
     */
    public static MongoUserDirectory create(MongoDatabase database) {
        return create(database, DEFAULT_COLLECTION);
    }

    /**
     * A directory over the named collection.
     *
     * @param database the database holding it
     * @param collection the collection name
     * @return the directory
     * @throws NullPointerException if the database is null
     * @throws IllegalArgumentException if the collection name is blank or contains {@code $} or NUL
     */
    public static MongoUserDirectory create(MongoDatabase database, String collection) {
        Objects.requireNonNull(database, "database");
        if (collection == null || collection.isBlank()) {
            throw new IllegalArgumentException(
                    "collection must not be blank, was " + (collection == null ? "null" : "'" + collection + "'"));
        }
        if (collection.indexOf('$') >= 0 || collection.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("collection must not contain '$' or NUL, was '" + collection + "'");
        }
        return new MongoUserDirectory(database.getCollection(collection, BsonDocument.class));
    }

    /**
     * Looks up a user's e-mail, or name when the user has no e-mail.
     *
     * @param user the user id: an ObjectId's hex text or a string id
     * @return the label, or empty when the user is unknown or has neither
     */
    @Override
    public Mono<String> labelOf(String user) {
        Objects.requireNonNull(user, "user");
        return Mono.defer(() -> Mono.from(users.find(byIds(List.of(user)))
                        .projection(LABEL_FIELDS)
                        .first()))
                .retryWhen(MongoErrors.idempotentRetry())
                .flatMap(doc -> Mono.justOrEmpty(label(doc)))
                .onErrorMap(MongoErrors.toStoreException("lookup of user " + quote(user)));
    }

    /**
     * Finds the users of a batch of ids in one query, each id matched as {@link #labelOf} matches it.
     *
     * @param ids user ids: ObjectIds' hex texts or string ids
     * @return the users found, in no particular order; ids without a user are left out
     * @throws NullPointerException if the collection or an id is null
     */
    public Flux<User> find(Collection<String> ids) {
        List<String> wanted = List.copyOf(ids);
        if (wanted.isEmpty()) {
            return Flux.empty();
        }
        return Flux.defer(() -> {
                    BsonDocument filter = byIds(wanted);
                    int values = filter.getDocument("_id").getArray("$in").size();
                    return users.find(filter).projection(USER_FIELDS).batchSize(Math.max(values, 2));
                })
                .handle(MongoUserDirectory::emitUser)
                .onErrorMap(MongoErrors.toStoreException("lookup of " + wanted.size() + " users"));
    }

    /**
     * Every user of the collection, in order, read from one cursor in batches: nothing is held
     * beyond what the subscriber has not taken yet, so it suits any number of users.
     *
     * @param order what to sort by
     * @param descending largest first
     * @param batchSize documents per round trip, at least 1
     * @return the users; documents whose {@code _id} is neither an ObjectId, a string nor a whole
     *     number are skipped
     * @throws NullPointerException if the order is null
     * @throws IllegalArgumentException if the batch size is below 1
     */
    public Flux<User> users(Order order, boolean descending, int batchSize) {
        Objects.requireNonNull(order, "order");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
        }
        BsonInt32 direction = new BsonInt32(descending ? -1 : 1);
        BsonDocument sort = order == Order.EMAIL
                ? new BsonDocument(EMAIL, direction).append("_id", direction)
                : new BsonDocument("_id", direction);
        return Flux.defer(() -> users.find().projection(USER_FIELDS).sort(sort).batchSize(batchSize))
                .handle(MongoUserDirectory::emitUser)
                .onErrorMap(MongoErrors.toStoreException("listing of users"));
    }

    private static void emitUser(BsonDocument doc, SynchronousSink<User> sink) {
        String id = idText(doc.get("_id"));
        if (id != null) {
            sink.next(new User(id, label(doc)));
        }
    }

    /**
     * {@code {_id: {$in: [...]}}} matching each id as an ObjectId with that hex text or as a string
     * id; values are plain BSON values, never operators.
     */
    private static BsonDocument byIds(List<String> ids) {
        BsonArray in = new BsonArray();
        for (String id : ids) {
            Objects.requireNonNull(id, "id");
            if (ObjectId.isValid(id)) {
                in.add(new BsonObjectId(new ObjectId(id)));
            }
            in.add(new BsonString(id));
        }
        return new BsonDocument("_id", new BsonDocument("$in", in));
    }

    /**
     * Finds the user id for an e-mail address.
     *
     * @param email the e-mail address
     * @return the user id (an ObjectId as its hex text), or empty when no user has that e-mail
     * @throws IllegalArgumentException if the e-mail is blank
     */
    public Mono<String> userIdForEmail(String email) {
        if (email == null || email.isBlank()) {
            throw new IllegalArgumentException(
                    "email must not be blank, was " + (email == null ? "null" : "'" + email + "'"));
        }
        return Mono.defer(() -> {
            String lower = email.toLowerCase(Locale.ROOT);
            BsonArray candidates = new BsonArray();
            candidates.add(new BsonString(email));
            if (!lower.equals(email)) {
                candidates.add(new BsonString(lower));
            }
            BsonDocument filter = new BsonDocument(EMAIL, new BsonDocument("$in", candidates));
            return Flux.from(users.find(filter).projection(ID_AND_EMAIL).limit(2))
                    .collectList()
                    .retryWhen(MongoErrors.idempotentRetry())
                    .flatMap(docs -> {
                        BsonDocument best = null;
                        for (BsonDocument d : docs) {
                            if (best == null || email.equals(textOrNull(d.get(EMAIL)))) {
                                best = d;
                            }
                        }
                        return best == null ? Mono.<String>empty() : Mono.justOrEmpty(idText(best.get("_id")));
                    })
                    .onErrorMap(MongoErrors.toStoreException("lookup of e-mail " + quote(email)));
        });
    }

    /**
     * The label of a users document: its e-mail, else its name.
     *
     * @param doc a document of the users collection
     * @return the label, or null when it has neither
     */
    static @Nullable String label(BsonDocument doc) {
        String email = textOrNull(doc.get(EMAIL));
        if (email != null && !email.isBlank()) {
            return email;
        }
        String name = textOrNull(doc.get(NAME));
        return name != null && !name.isBlank() ? name : null;
    }

    private static @Nullable String textOrNull(@Nullable BsonValue v) {
        return v != null && v.isString() ? v.asString().getValue() : null;
    }

    /**
     * The user id the ledger uses for a users document's {@code _id}: the hex form of an ObjectId
     * (as LibreChat's user ids are), a string as it is, or a whole number in decimal.
     *
     * @param id the {@code _id} value
     * @return the user id, or null for any other type
     */
    static @Nullable String idText(@Nullable BsonValue id) {
        if (id == null) {
            return null;
        }
        if (id.isObjectId()) {
            return id.asObjectId().getValue().toHexString();
        }
        if (id.isString()) {
            return id.asString().getValue();
        }
        if (id.isInt32() || id.isInt64()) {
            return Long.toString(id.asNumber().longValue());
        }
        return null;
    }
}
