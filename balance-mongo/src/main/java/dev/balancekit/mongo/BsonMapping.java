package dev.balancekit.mongo;

import dev.balancekit.BalanceDecision;
import dev.balancekit.Credits;
import dev.balancekit.DenialReason;
import dev.balancekit.Hold;
import dev.balancekit.LedgerEntry;
import dev.balancekit.Refill;
import dev.balancekit.RefillMode;
import dev.balancekit.RefillOverride;
import dev.balancekit.RefillUnit;
import dev.balancekit.Reservation;
import dev.balancekit.TokenType;
import dev.balancekit.UsageWindow;
import dev.balancekit.WindowUsage;
import dev.balancekit.pricing.Rate;
import dev.balancekit.spi.AccountState;
import dev.balancekit.spi.KeyBucket;
import dev.balancekit.spi.OperationRecord;
import dev.balancekit.spi.ReceiptRecord;
import dev.balancekit.spi.WindowState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;

/**
 * The one place where BalanceKit's values become BSON and back, written by hand, one pair of
 * methods per type.
 *
 * <p>Rules every method follows:
 * <ul>
 *   <li>Money is an Int64 count of micro-credits under the plain field name ({@code balance},
 *       {@code tokenValue}, {@code amount}, ...); a rate is an Int64 count of nano-credits per token.
 *       Reading accepts Int32 and Int64 only, so a double that crept in is reported, never rounded.</li>
 *   <li>An instant is a BSON date (milliseconds, so it sorts, filters and reads like LibreChat's
 *       {@code createdAt}); when it has nanoseconds below the millisecond, they are kept in a
 *       companion Int32 field named {@code <field>Nanos}, so every instant round-trips exactly.</li>
 *   <li>Enums are stored lower-case ({@code daily}, {@code insufficient_balance}); token types by
 *       LibreChat's names ({@code prompt}, {@code completion}, {@code credits}).</li>
 *   <li>Absent values are BSON null, except in ledger entries, whose optional text fields are left
 *       out, as LibreChat leaves them out of its transactions. A missing field reads as null.</li>
 *   <li>User ids and free text are always string values, never field names or operators.</li>
 * </ul>
 */
final class BsonMapping {

    /** The suffix of the field that holds an instant's nanoseconds below the millisecond. */
    static final String NANOS = "Nanos";

    // ledger entry (a transaction document or a pending entry)
    static final String ID = "id";
    static final String SEQ = "seq";
    static final String USER = "user";
    static final String TOKEN_TYPE = "tokenType";
    static final String RAW_AMOUNT = "rawAmount";
    static final String RATE = "rate";
    static final String TOKEN_VALUE = "tokenValue";
    static final String CONTEXT = "context";
    static final String MODEL = "model";
    static final String VALUE_KEY = "valueKey";
    static final String CONVERSATION_ID = "conversationId";
    static final String BALANCE = "balance";
    static final String CREATED_AT = "createdAt";
    static final String INPUT_TOKENS = "inputTokens";
    static final String WRITE_TOKENS = "writeTokens";
    static final String READ_TOKENS = "readTokens";
    static final String HOLD_ID = "holdId";
    static final String ACTOR = "actor";
    static final String NOTE = "note";

    // transaction document id: {u: user, e: entry id}
    static final String TX_USER = "u";
    static final String TX_ENTRY = "e";

    // account document
    static final String FUNDED = "funded";
    static final String HOLDS = "holds";
    /** A field of documents written before hold ids carried their number; removed by the next whole write. */
    static final String LEGACY_CLOSED_HOLDS = "closedHolds";

    static final String LAST_HOLD_SEQ = "lastHoldSeq";
    static final String RECENT_KEYS = "recentKeys";
    static final String BUCKET = "bucket";
    static final String BITS = "bits";
    static final String OPERATIONS = "operations";
    static final String LAST_SEQ = "lastSeq";
    static final String LAST_TRANSACTION_AT = "lastTransactionAt";
    static final String TOTAL_TOKENS = "totalTokens";
    static final String TIER = "tier";
    static final String REFILL_ANCHOR = "refillAnchor";
    static final String REFILL_PERIOD = "refillPeriod";
    static final String LAST_REFILL = "lastRefill";
    static final String WINDOWS = "windows";
    /** The account's own refill settings; left out of the document when it has none. */
    static final String REFILL_OVERRIDE = "refillOverride";

    static final String ENABLED = "enabled";
    static final String MODE = "mode";
    static final String INTERVAL_VALUE = "intervalValue";
    static final String INTERVAL_UNIT = "intervalUnit";
    static final String VERSION = "version";
    static final String PENDING = "pending";

    // hold, window state, window usage
    static final String AMOUNT = "amount";
    static final String TOKENS = "tokens";
    static final String EXPIRES_AT = "expiresAt";
    static final String WINDOW = "window";
    static final String KEY = "key";
    static final String SPENT = "spent";
    static final String LIMIT = "limit";
    static final String TOKEN_LIMIT = "tokenLimit";
    static final String RESETS_AT = "resetsAt";

    // operation record, receipt, reservation, decision
    static final String FINGERPRINT = "fingerprint";
    static final String AT = "at";
    static final String RECEIPT = "receipt";
    static final String RESERVATION = "reservation";
    static final String OPERATION_ID = "operationId";
    static final String FIRST_SEQ = "firstSeq";
    static final String ENTRY_COUNT = "entryCount";
    static final String AVAILABLE = "available";
    static final String REPLAY = "replay";
    static final String DECISION = "decision";
    static final String HOLD = "hold";
    static final String STATUS = "status";
    static final String REASON = "reason";
    static final String ESTIMATED_COST = "estimatedCost";
    static final String PROMPT_TOKENS = "promptTokens";
    static final String REFILL_AT = "refillAt";

    private BsonMapping() {}

    // ---------------------------------------------------------------- ledger entries

    /**
     * A ledger entry as stored in {@code pending} and (with an {@code _id}) in the
     * transactions collection.
     */
    static BsonDocument entry(LedgerEntry e) {
        BsonDocument d = new BsonDocument();
        d.put(ID, new BsonString(e.id()));
        d.put(SEQ, new BsonInt64(e.seq()));
        d.put(USER, new BsonString(e.user()));
        d.put(TOKEN_TYPE, new BsonString(e.tokenType().wireName()));
        d.put(RAW_AMOUNT, new BsonInt64(e.rawAmount()));
        d.put(RATE, new BsonInt64(e.rate().nanosPerToken()));
        d.put(TOKEN_VALUE, micros(e.tokenValue()));
        d.put(CONTEXT, new BsonString(e.context()));
        putTextIfPresent(d, MODEL, e.model());
        putTextIfPresent(d, VALUE_KEY, e.valueKey());
        putTextIfPresent(d, CONVERSATION_ID, e.conversationId());
        d.put(BALANCE, micros(e.balance()));
        putInstant(d, CREATED_AT, e.createdAt());
        d.put(INPUT_TOKENS, new BsonInt64(e.inputTokens()));
        d.put(WRITE_TOKENS, new BsonInt64(e.writeTokens()));
        d.put(READ_TOKENS, new BsonInt64(e.readTokens()));
        putTextIfPresent(d, HOLD_ID, e.holdId());
        putTextIfPresent(d, ACTOR, e.actor());
        putTextIfPresent(d, NOTE, e.note());
        return d;
    }

    /** Reads a ledger entry; an {@code _id} is ignored. */
    static LedgerEntry entry(BsonDocument d) {
        return LedgerEntry.builder()
                .id(text(d, ID))
                .seq(int64(d, SEQ))
                .user(text(d, USER))
                .tokenType(TokenType.fromWireName(text(d, TOKEN_TYPE)))
                .rawAmount(int64(d, RAW_AMOUNT))
                .rate(Rate.ofNanos(int64(d, RATE)))
                .tokenValue(credits(d, TOKEN_VALUE))
                .context(text(d, CONTEXT))
                .model(optionalText(d, MODEL))
                .valueKey(optionalText(d, VALUE_KEY))
                .conversationId(optionalText(d, CONVERSATION_ID))
                .balance(credits(d, BALANCE))
                .createdAt(instant(d, CREATED_AT))
                .promptTokens(int64(d, INPUT_TOKENS), int64(d, WRITE_TOKENS), int64(d, READ_TOKENS))
                .holdId(optionalText(d, HOLD_ID))
                .actor(optionalText(d, ACTOR))
                .note(optionalText(d, NOTE))
                .build();
    }

    /**
     * The {@code _id} of an entry in the transactions collection: {@code {u: user, e: entry id}},
     * unique per account because entry ids are, and a document rather than a joined string so that
     * no user id or entry id can run into another.
     */
    static BsonDocument transactionId(String user, String entryId) {
        return new BsonDocument(TX_USER, new BsonString(user)).append(TX_ENTRY, new BsonString(entryId));
    }

    /** A pending entry of an account made into a transaction document, with LibreChat's field names. */
    static BsonDocument transaction(BsonBinary pending, String user) {
        LedgerEntry e = pendingEntry(pending, user);
        BsonDocument d = new BsonDocument("_id", transactionId(user, e.id()));
        d.putAll(entry(e));
        return d;
    }

    /**
     * A ledger entry as it waits in its account's {@code pending} array: one binary value packing
     * every field but the user (the account's {@code _id}), see {@link PackedEntry}. The account
     * document carries up to a copy batch of these, and the server copies and re-encodes it on
     * every write, so their number of values and their size are what an account costs.
     */
    static BsonBinary pendingEntry(LedgerEntry e) {
        return new BsonBinary(PackedEntry.pack(e));
    }

    /** Reads a pending entry of the given user's account. */
    static LedgerEntry pendingEntry(BsonBinary packed, String user) {
        return PackedEntry.unpack(packed.getData(), PENDING, user);
    }

    /**
     * The filter of accounts with pending entries: {@code {pending: {$gt: <empty binary>}}}.
     * MongoDB orders binary values by length first, so every packed entry is above the empty one,
     * and the range reads the multikey index on {@code pending}; an empty or missing array has no
     * key in that range.
     */
    static BsonDocument hasPending() {
        return new BsonDocument(PENDING, new BsonDocument("$gt", new BsonBinary(new byte[0])));
    }

    /** Reads the sequence number of a pending entry. */
    static long pendingSeq(BsonBinary packed) {
        return PackedEntry.seq(packed.getData(), PENDING);
    }

    // ---------------------------------------------------------------- account

    /** Reads an account document; the user id is its {@code _id}. */
    static AccountState account(BsonDocument d) {
        return new AccountState(
                text(d, "_id"),
                credits(d, BALANCE),
                bool(d, FUNDED),
                holds(d),
                isAbsent(d, LAST_HOLD_SEQ) ? 0 : int64(d, LAST_HOLD_SEQ),
                list(d, OPERATIONS, BsonMapping::operation),
                list(d, RECENT_KEYS, BsonMapping::keyBucket),
                int64(d, LAST_SEQ),
                optionalInstant(d, LAST_TRANSACTION_AT),
                int64(d, TOTAL_TOKENS),
                instant(d, CREATED_AT),
                optionalText(d, TIER),
                optionalInstant(d, REFILL_ANCHOR),
                isAbsent(d, REFILL_PERIOD) ? 0 : int64(d, REFILL_PERIOD),
                optionalInstant(d, LAST_REFILL),
                windows(d),
                isAbsent(d, REFILL_OVERRIDE) ? null : refillOverride(document(d, REFILL_OVERRIDE)));
    }

    // ---------------------------------------------------------------- refill override

    static BsonDocument refillOverride(RefillOverride o) {
        BsonDocument d = new BsonDocument(ENABLED, BsonBoolean.valueOf(o.enabled()));
        Refill r = o.settings();
        if (r != null) {
            d.put(MODE, new BsonString(r.mode().configName()));
            d.put(INTERVAL_VALUE, new BsonInt64(r.intervalValue()));
            d.put(INTERVAL_UNIT, new BsonString(r.unit().configName()));
            d.put(AMOUNT, micros(r.amount()));
        }
        return d;
    }

    static RefillOverride refillOverride(BsonDocument d) {
        boolean enabled = bool(d, ENABLED);
        if (isAbsent(d, INTERVAL_VALUE)) {
            return new RefillOverride(enabled, null);
        }
        try {
            return new RefillOverride(
                    enabled,
                    new Refill(
                            RefillMode.fromConfigName(text(d, MODE)),
                            int64(d, INTERVAL_VALUE),
                            RefillUnit.fromConfigName(text(d, INTERVAL_UNIT)),
                            credits(d, AMOUNT)));
        } catch (IllegalArgumentException e) {
            throw new MalformedDocumentException(
                    "field '" + REFILL_OVERRIDE + "' is not a refill: " + e.getMessage(), e);
        }
    }

    /** Reads the version of an account document. */
    static long version(BsonDocument d) {
        return int64(d, VERSION);
    }

    /** Reads the raw pending entries of an account document (empty when it has none). */
    static List<BsonBinary> pending(BsonDocument d) {
        return items(
                d,
                PENDING,
                "binary (a packed entry; see docs/mongodb.md on upgrading)",
                v -> v.isBinary() ? v.asBinary() : null);
    }

    // ---------------------------------------------------------------- holds

    /** An active hold as it is kept in the account's {@code holds} array: packed ({@link PackedHold}). */
    static BsonBinary packedHold(Hold h) {
        return new BsonBinary(PackedHold.pack(h));
    }

    /** Reads the active holds of an account document (empty when it has none). */
    static List<Hold> holds(BsonDocument d) {
        // a subdocument is a hold as an earlier snapshot wrote it; the next change of the holds packs it
        return items(
                d,
                HOLDS,
                "binary (a packed hold)",
                v -> v.isBinary()
                        ? PackedHold.unpack(v.asBinary().getData(), HOLDS)
                        : v.isDocument() ? hold(v.asDocument()) : null);
    }

    /** A hold as a subdocument, as an operation's reservation records it. */
    static BsonDocument hold(Hold h) {
        BsonDocument d = new BsonDocument();
        d.put(ID, new BsonString(h.id()));
        d.put(AMOUNT, micros(h.amount()));
        d.put(TOKENS, new BsonInt64(h.tokens()));
        d.put(MODEL, new BsonString(h.model()));
        putInstant(d, CREATED_AT, h.createdAt());
        putInstant(d, EXPIRES_AT, h.expiresAt());
        return d;
    }

    static Hold hold(BsonDocument d) {
        return new Hold(
                text(d, ID),
                credits(d, AMOUNT),
                int64(d, TOKENS),
                text(d, MODEL),
                instant(d, CREATED_AT),
                instant(d, EXPIRES_AT));
    }

    static BsonDocument keyBucket(KeyBucket k) {
        return new BsonDocument(BUCKET, new BsonInt64(k.bucket())).append(BITS, new BsonBinary(k.bits()));
    }

    static KeyBucket keyBucket(BsonDocument d) {
        BsonValue bits = required(d, BITS);
        if (!bits.isBinary()) {
            throw wrongType(BITS, "binary", bits);
        }
        byte[] data = bits.asBinary().getData();
        if (data.length != KeyBucket.BYTES) {
            throw new MalformedDocumentException(
                    "field '" + BITS + "' must be " + KeyBucket.BYTES + " bytes, was " + data.length);
        }
        return new KeyBucket(int64(d, BUCKET), data);
    }

    // ---------------------------------------------------------------- windows

    /** An account's usage windows as one packed binary value ({@link PackedWindows}). */
    static BsonBinary windows(List<WindowState> windows) {
        return new BsonBinary(PackedWindows.pack(windows));
    }

    /** Reads the usage windows of an account document (empty when it has none). */
    static List<WindowState> windows(BsonDocument d) {
        BsonValue v = d.get(WINDOWS);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (v.isArray()) {
            // as an earlier snapshot wrote them; the account's next charge packs them
            return list(d, WINDOWS, BsonMapping::unpackedWindow);
        }
        if (!v.isBinary()) {
            throw wrongType(WINDOWS, "binary (packed usage windows)", v);
        }
        return PackedWindows.unpack(v.asBinary().getData(), WINDOWS);
    }

    /** A usage window as an earlier snapshot wrote it: {@code {w, k, s, t, n}}, {@code n} left out while 0. */
    private static WindowState unpackedWindow(BsonDocument d) {
        return new WindowState(
                enumOf(UsageWindow.class, d, "w"),
                text(d, "k"),
                int64(d, "s"),
                int64(d, "t"),
                isAbsent(d, "n") ? 0 : int32(d, "n"));
    }

    static BsonDocument windowUsage(WindowUsage w) {
        BsonDocument d = new BsonDocument();
        d.put(WINDOW, enumValue(w.window()));
        d.put(KEY, new BsonString(w.key()));
        d.put(SPENT, micros(w.spent()));
        d.put(TOKENS, new BsonInt64(w.tokens()));
        d.put(LIMIT, w.limit() == null ? BsonNull.VALUE : micros(w.limit()));
        d.put(TOKEN_LIMIT, w.tokenLimit() == null ? BsonNull.VALUE : new BsonInt64(w.tokenLimit()));
        putInstant(d, RESETS_AT, w.resetsAt());
        return d;
    }

    static WindowUsage windowUsage(BsonDocument d) {
        return new WindowUsage(
                enumOf(UsageWindow.class, d, WINDOW),
                text(d, KEY),
                credits(d, SPENT),
                int64(d, TOKENS),
                isAbsent(d, LIMIT) ? null : credits(d, LIMIT),
                isAbsent(d, TOKEN_LIMIT) ? null : int64(d, TOKEN_LIMIT),
                instant(d, RESETS_AT));
    }

    // ---------------------------------------------------------------- operations and their results

    static BsonDocument operation(OperationRecord o) {
        BsonDocument d = new BsonDocument();
        d.put(KEY, new BsonString(o.key()));
        d.put(FINGERPRINT, new BsonString(o.fingerprint()));
        putInstant(d, AT, o.at());
        d.put(RECEIPT, o.receipt() == null ? BsonNull.VALUE : receipt(o.receipt()));
        d.put(RESERVATION, o.reservation() == null ? BsonNull.VALUE : reservation(o.reservation()));
        return d;
    }

    static OperationRecord operation(BsonDocument d) {
        return new OperationRecord(
                text(d, KEY),
                text(d, FINGERPRINT),
                instant(d, AT),
                isAbsent(d, RECEIPT) ? null : receipt(document(d, RECEIPT)),
                isAbsent(d, RESERVATION) ? null : reservation(document(d, RESERVATION)));
    }

    static BsonDocument receipt(ReceiptRecord r) {
        BsonDocument d = new BsonDocument();
        d.put(OPERATION_ID, new BsonString(r.operationId()));
        d.put(FIRST_SEQ, new BsonInt64(r.firstSeq()));
        d.put(ENTRY_COUNT, new BsonInt32(r.entryCount()));
        d.put(BALANCE, micros(r.balance()));
        d.put(AVAILABLE, micros(r.available()));
        return d;
    }

    static ReceiptRecord receipt(BsonDocument d) {
        return new ReceiptRecord(
                text(d, OPERATION_ID),
                int64(d, FIRST_SEQ),
                int32(d, ENTRY_COUNT),
                credits(d, BALANCE),
                credits(d, AVAILABLE));
    }

    static BsonDocument reservation(Reservation r) {
        BsonDocument d = new BsonDocument();
        d.put(DECISION, decision(r.decision()));
        d.put(HOLD, r.hold() == null ? BsonNull.VALUE : hold(r.hold()));
        d.put(REPLAY, BsonBoolean.valueOf(r.replay()));
        return d;
    }

    static Reservation reservation(BsonDocument d) {
        return new Reservation(
                decision(document(d, DECISION)), isAbsent(d, HOLD) ? null : hold(document(d, HOLD)), bool(d, REPLAY));
    }

    static BsonDocument decision(BalanceDecision b) {
        BsonDocument d = new BsonDocument();
        d.put(STATUS, enumValue(b.status()));
        d.put(REASON, b.reason() == null ? BsonNull.VALUE : enumValue(b.reason()));
        d.put(MODEL, new BsonString(b.model()));
        putText(d, VALUE_KEY, b.valueKey());
        d.put(BALANCE, micros(b.balance()));
        d.put(AVAILABLE, micros(b.available()));
        d.put(ESTIMATED_COST, micros(b.estimatedCost()));
        d.put(PROMPT_TOKENS, new BsonInt64(b.promptTokens()));
        putInstant(d, REFILL_AT, b.refillAt());
        d.put(WINDOW, b.window() == null ? BsonNull.VALUE : windowUsage(b.window()));
        return d;
    }

    static BalanceDecision decision(BsonDocument d) {
        return new BalanceDecision(
                enumOf(BalanceDecision.Status.class, d, STATUS),
                isAbsent(d, REASON) ? null : enumOf(DenialReason.class, d, REASON),
                text(d, MODEL),
                optionalText(d, VALUE_KEY),
                credits(d, BALANCE),
                credits(d, AVAILABLE),
                credits(d, ESTIMATED_COST),
                int64(d, PROMPT_TOKENS),
                optionalInstant(d, REFILL_AT),
                isAbsent(d, WINDOW) ? null : windowUsage(document(d, WINDOW)));
    }

    // ---------------------------------------------------------------- writing helpers

    static BsonInt64 micros(Credits c) {
        return new BsonInt64(c.micros());
    }

    /** Writes an instant as a date plus, when needed, its sub-millisecond nanoseconds; null as BSON null. */
    static void putInstant(BsonDocument d, String field, @Nullable Instant t) {
        if (t == null) {
            d.put(field, BsonNull.VALUE);
            return;
        }
        d.put(field, new BsonDateTime(t.toEpochMilli()));
        int subMillis = t.getNano() % 1_000_000;
        if (subMillis != 0) {
            d.put(field + NANOS, new BsonInt32(subMillis));
        }
    }

    static void putText(BsonDocument d, String field, @Nullable String value) {
        d.put(field, value == null ? BsonNull.VALUE : new BsonString(value));
    }

    private static void putTextIfPresent(BsonDocument d, String field, @Nullable String value) {
        if (value != null) {
            d.put(field, new BsonString(value));
        }
    }

    private static BsonString enumValue(Enum<?> e) {
        return new BsonString(e.name().toLowerCase(Locale.ROOT));
    }

    static <T> BsonArray array(List<T> items, Function<T, ? extends BsonValue> encoder) {
        BsonArray a = new BsonArray(new ArrayList<>(items.size()));
        for (T item : items) {
            a.add(encoder.apply(item));
        }
        return a;
    }

    // ---------------------------------------------------------------- reading helpers

    private static boolean isAbsent(BsonDocument d, String field) {
        BsonValue v = d.get(field);
        return v == null || v.isNull();
    }

    private static BsonValue required(BsonDocument d, String field) {
        BsonValue v = d.get(field);
        if (v == null || v.isNull()) {
            throw new MalformedDocumentException("field '" + field + "' is missing");
        }
        return v;
    }

    static String text(BsonDocument d, String field) {
        BsonValue v = required(d, field);
        if (!v.isString()) {
            throw wrongType(field, "a string", v);
        }
        return v.asString().getValue();
    }

    static @Nullable String optionalText(BsonDocument d, String field) {
        return isAbsent(d, field) ? null : text(d, field);
    }

    /** Reads an integer; a double or decimal is refused rather than rounded. */
    static long int64(BsonDocument d, String field) {
        BsonValue v = required(d, field);
        if (v.isInt64()) {
            return v.asInt64().getValue();
        }
        if (v.isInt32()) {
            return v.asInt32().getValue();
        }
        throw wrongType(field, "an integer (Int64)", v);
    }

    private static int int32(BsonDocument d, String field) {
        long v = int64(d, field);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new MalformedDocumentException("field '" + field + "' must fit an Int32, was " + v);
        }
        return (int) v;
    }

    private static Credits credits(BsonDocument d, String field) {
        return Credits.ofMicros(int64(d, field));
    }

    private static boolean bool(BsonDocument d, String field) {
        BsonValue v = required(d, field);
        if (!v.isBoolean()) {
            throw wrongType(field, "a boolean", v);
        }
        return v.asBoolean().getValue();
    }

    static Instant instant(BsonDocument d, String field) {
        BsonValue v = required(d, field);
        if (!v.isDateTime()) {
            throw wrongType(field, "a date", v);
        }
        Instant t = Instant.ofEpochMilli(v.asDateTime().getValue());
        BsonValue nanos = d.get(field + NANOS);
        if (nanos != null && !nanos.isNull()) {
            int n = int32(d, field + NANOS);
            if (n < 0 || n >= 1_000_000) {
                throw new MalformedDocumentException("field '" + field + NANOS + "' must be 0 to 999999, was " + n);
            }
            t = t.plusNanos(n);
        }
        return t;
    }

    private static @Nullable Instant optionalInstant(BsonDocument d, String field) {
        return isAbsent(d, field) ? null : instant(d, field);
    }

    private static BsonDocument document(BsonDocument d, String field) {
        BsonValue v = required(d, field);
        if (!v.isDocument()) {
            throw wrongType(field, "a document", v);
        }
        return v.asDocument();
    }

    private static <T> List<T> list(BsonDocument d, String field, Function<BsonDocument, T> decoder) {
        return items(d, field, "a document", v -> v.isDocument() ? decoder.apply(v.asDocument()) : null);
    }

    /**
     * Reads an array field (empty when missing or null).
     *
     * @param expected what an element must be, for the error
     * @param decoder reads an element, or returns null when it is not what is expected
     */
    private static <T> List<T> items(
            BsonDocument d, String field, String expected, Function<BsonValue, @Nullable T> decoder) {
        BsonValue v = d.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw wrongType(field, "an array", v);
        }
        List<T> out = new ArrayList<>(v.asArray().size());
        for (BsonValue item : v.asArray()) {
            T t = decoder.apply(item);
            if (t == null) {
                throw wrongType(field + "[]", expected, item);
            }
            out.add(t);
        }
        return out;
    }

    private static <E extends Enum<E>> E enumOf(Class<E> type, BsonDocument d, String field) {
        String name = text(d, field);
        try {
            return Enum.valueOf(type, name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new MalformedDocumentException(
                    "field '" + field + "' is not a " + type.getSimpleName() + ", was '" + name + "'", e);
        }
    }

    private static MalformedDocumentException wrongType(String field, String expected, BsonValue actual) {
        return new MalformedDocumentException("field '" + field + "' must be " + expected + ", was "
                + actual.getBsonType().name().toLowerCase(Locale.ROOT));
    }

    /** A stored document that does not have the shape this mapping writes. */
    static final class MalformedDocumentException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedDocumentException(String message) {
            super(message);
        }

        MalformedDocumentException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
