package dev.balancekit.mongo;

import com.mongodb.reactivestreams.client.MongoDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.types.ObjectId;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A LibreChat database as LibreChat leaves it: {@code users}, {@code balances} and
 * {@code transactions} with generated ObjectId ids, ObjectId user references, fractional
 * {@code tokenCredits} (JavaScript numbers, so doubles), refill fields, reservation fields and
 * negative cache token counts.
 */
final class LibreChatSeed {
    static final Duration TIMEOUT = Duration.ofMinutes(1);
    static final List<String> COLLECTIONS = List.of("users", "balances", "transactions");
    static final Instant LAST_REFILL = Instant.parse("2026-01-10T08:00:00Z");

    /** Alice: 15,000.5 credits, her transactions sum to it exactly. */
    final ObjectId alice = new ObjectId();
    /** Bob: 0.1234567 credits (more digits than a micro-credit), with a write-off LibreChat never recorded. */
    final ObjectId bob = new ObjectId();
    /** Carol: a whole number stored as Int32, no transactions, no lastRefill. */
    final ObjectId carol = new ObjectId();
    /** Dave: a user without a balance document. */
    final ObjectId dave = new ObjectId();

    private final MongoDatabase db;

    LibreChatSeed(MongoDatabase db) {
        this.db = db;
    }

    /** Inserts the users, balances and transactions. */
    LibreChatSeed insert() {
        insert(
                "users",
                user(alice, "alice@example.com", "Alice", "ADMIN"),
                user(bob, "bob@example.com", "Bob", "USER"),
                user(carol, "carol@example.com", "Carol", "USER"),
                user(dave, "dave@example.com", "Dave", "USER"));
        insert(
                "balances",
                balance(alice, new BsonDouble(15000.5), LAST_REFILL),
                balance(bob, new BsonDouble(0.1234567), LAST_REFILL),
                balance(carol, new BsonInt32(20000), null));
        Instant t = Instant.parse("2026-01-12T09:30:00Z");
        insert(
                "transactions",
                credits(alice, 20000, "admin", t),
                spend(alice, "prompt", -1000, 1.5, -1500, 0, 0, 0, t.plusSeconds(60)),
                spend(alice, "completion", -700, 5, -3500, 0, 0, 0, t.plusSeconds(61)),
                credits(alice, 1000.5, "admin", t.plusSeconds(62)),
                spend(alice, "prompt", -311, 3, -1000, -11, -200, -100, t.plusSeconds(63)),
                credits(bob, 20000, "admin", t),
                // Bob spent more than he had: LibreChat clamped tokenCredits and wrote nothing for the rest
                spend(bob, "completion", -10000, 2.5, -25000, 0, 0, 0, t.plusSeconds(90)));
        return this;
    }

    private void insert(String collection, BsonDocument... docs) {
        Mono.from(db.getCollection(collection, BsonDocument.class).insertMany(Arrays.asList(docs)))
                .block(TIMEOUT);
    }

    static BsonDocument user(ObjectId id, String email, String name, String role) {
        return new BsonDocument("_id", new BsonObjectId(id))
                .append("email", new BsonString(email))
                .append("name", new BsonString(name))
                .append("username", new BsonString(name.toLowerCase(Locale.ROOT)))
                .append("role", new BsonString(role));
    }

    static BsonDocument balance(ObjectId user, BsonValue tokenCredits, Instant lastRefill) {
        BsonDocument d = new BsonDocument("_id", new BsonObjectId(new ObjectId()))
                .append("user", new BsonObjectId(user))
                .append("tokenCredits", tokenCredits)
                .append("autoRefillEnabled", BsonBoolean.TRUE)
                .append("refillIntervalValue", new BsonInt32(30))
                .append("refillIntervalUnit", new BsonString("days"))
                .append("refillAmount", new BsonInt32(10000))
                .append("reservations", new BsonArray())
                .append("reservedCredits", new BsonInt32(0))
                .append("pendingRefill", BsonBoolean.FALSE)
                .append("__v", new BsonInt32(0));
        if (lastRefill != null) {
            d.append("lastRefill", new BsonDateTime(lastRefill.toEpochMilli()));
        }
        return d;
    }

    static BsonDocument credits(ObjectId user, double amount, String context, Instant at) {
        return tx(user, "credits", amount, 1, amount, context, null, 0, 0, 0, at);
    }

    static BsonDocument spend(
            ObjectId user,
            String type,
            long raw,
            double rate,
            double value,
            long input,
            long write,
            long read,
            Instant at) {
        return tx(user, type, (double) raw, rate, value, "message", "gpt-4o", input, write, read, at);
    }

    private static BsonDocument tx(
            ObjectId user,
            String type,
            double raw,
            double rate,
            double value,
            String context,
            String model,
            long input,
            long write,
            long read,
            Instant at) {
        BsonDocument d = new BsonDocument("_id", new BsonObjectId(new ObjectId()))
                .append("user", new BsonObjectId(user))
                .append("tokenType", new BsonString(type))
                .append("context", new BsonString(context))
                .append("rawAmount", new BsonDouble(raw))
                .append("rate", new BsonDouble(rate))
                .append("tokenValue", new BsonDouble(value))
                .append("tenantId", new BsonString("t1"))
                .append("createdAt", new BsonDateTime(at.toEpochMilli()))
                .append("updatedAt", new BsonDateTime(at.toEpochMilli()));
        if (model != null) {
            d.append("model", new BsonString(model))
                    .append("valueKey", new BsonString(model))
                    .append("conversationId", new BsonString("conv-" + at.getEpochSecond()))
                    .append("messageId", new BsonString("msg-" + at.getEpochSecond()));
        }
        if (input != 0 || write != 0 || read != 0) {
            d.append("inputTokens", new BsonInt32((int) input))
                    .append("writeTokens", new BsonInt32((int) write))
                    .append("readTokens", new BsonInt32((int) read));
        }
        return d;
    }

    /**
     * The raw bytes of every document of LibreChat's collections, in {@code _id} order: what must not
     * change.
     */
    static Map<String, List<String>> snapshot(MongoDatabase db) {
        Map<String, List<String>> all = new LinkedHashMap<>();
        for (String c : COLLECTIONS) {
            List<String> docs = new ArrayList<>();
            for (RawBsonDocument d : Flux.from(db.getCollection(c, RawBsonDocument.class)
                            .find()
                            .sort(new BsonDocument("_id", new BsonInt32(1))))
                    .collectList()
                    .block(TIMEOUT)) {
                byte[] bytes = new byte[d.getByteBuffer().remaining()];
                d.getByteBuffer().get(bytes);
                docs.add(java.util.HexFormat.of().formatHex(bytes));
            }
            all.put(c, docs);
        }
        return all;
    }
}
