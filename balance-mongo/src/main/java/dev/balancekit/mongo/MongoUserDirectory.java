package dev.balancekit.mongo;

import static dev.balancekit.mongo.MongoErrors.quote;

import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;
import dev.balancekit.UserDirectory;
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
            throw new IllegalArgumentException("collection must not be blank, was "
                    + (collection == null ? "null" : "'" + collection + "'"));
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
        return Mono.defer(() -> {
            BsonArray ids = new BsonArray();
            if (ObjectId.isValid(user)) {
                ids.add(new BsonObjectId(new ObjectId(user)));
            }
            ids.add(new BsonString(user));
            BsonDocument filter = new BsonDocument("_id", new BsonDocument("$in", ids));
            return Mono.from(users.find(filter).projection(LABEL_FIELDS).first())
                    .retryWhen(MongoErrors.idempotentRetry())
                    .flatMap(doc -> Mono.justOrEmpty(label(doc)))
                    .onErrorMap(MongoErrors.toStoreException("lookup of user " + quote(user)));
        });
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
            throw new IllegalArgumentException("email must not be blank, was " + (email == null ? "null" : "'" + email + "'"));
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
    public static @Nullable String label(BsonDocument doc) {
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
    public static @Nullable String idText(@Nullable BsonValue id) {
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
