package dev.balancekit.mongo;

import static dev.balancekit.mongo.BsonMapping.BALANCE;
import static dev.balancekit.mongo.BsonMapping.CREATED_AT;
import static dev.balancekit.mongo.BsonMapping.FUNDED;
import static dev.balancekit.mongo.BsonMapping.HOLDS;
import static dev.balancekit.mongo.BsonMapping.LAST_HOLD_SEQ;
import static dev.balancekit.mongo.BsonMapping.LAST_REFILL;
import static dev.balancekit.mongo.BsonMapping.LAST_SEQ;
import static dev.balancekit.mongo.BsonMapping.LAST_TRANSACTION_AT;
import static dev.balancekit.mongo.BsonMapping.LEGACY_CLOSED_HOLDS;
import static dev.balancekit.mongo.BsonMapping.NANOS;
import static dev.balancekit.mongo.BsonMapping.OPERATIONS;
import static dev.balancekit.mongo.BsonMapping.RECENT_KEYS;
import static dev.balancekit.mongo.BsonMapping.REFILL_ANCHOR;
import static dev.balancekit.mongo.BsonMapping.REFILL_OVERRIDE;
import static dev.balancekit.mongo.BsonMapping.REFILL_PERIOD;
import static dev.balancekit.mongo.BsonMapping.TIER;
import static dev.balancekit.mongo.BsonMapping.TOTAL_TOKENS;
import static dev.balancekit.mongo.BsonMapping.USER;
import static dev.balancekit.mongo.BsonMapping.WINDOWS;

import dev.balancekit.RefillOverride;
import dev.balancekit.spi.AccountState;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;

/**
 * The writes of an account document: every field of a state, or the minimal update that turns a
 * document holding one state into one holding the next. The values themselves are encoded by
 * {@link BsonMapping}, which also reads them back.
 */
final class AccountUpdates {

    private AccountUpdates() {}

    /**
     * Every field of an account state, as the top-level fields of its document (without
     * {@code _id}, {@code version} and {@code pending}, which belong to the store).
     */
    static BsonDocument accountFields(AccountState s) {
        return accountUpdate(null, s).getDocument("$set");
    }

    /**
     * The update that turns an account document holding {@code before} into one holding
     * {@code next}: {@code $set} of each field that changed, where a list that only gained elements
     * at its end (and perhaps lost some at its start) gets a {@code $push} of the new elements with
     * a {@code $slice} to its new length instead, so that an account remembering a hundred closed
     * holds sends one, not a hundred.
     *
     * @param before the state the document holds, or null when unknown (then every field is set)
     * @param next the state to write
     * @return an update document with {@code $set} (possibly empty: the caller adds the version)
     *     and, when needed, {@code $push} and {@code $unset}; an empty list, a null value and a
     *     count of 0 are left out of the document (a missing field reads as such)
     */
    @SuppressWarnings("NullAway") // all is true exactly when before is null, and every use of before is behind !all
    static BsonDocument accountUpdate(@Nullable AccountState before, AccountState next) {
        BsonDocument set = new BsonDocument();
        BsonDocument push = new BsonDocument();
        BsonDocument unset = new BsonDocument();
        boolean all = before == null;
        if (all || !before.user().equals(next.user())) {
            set.put(USER, new BsonString(next.user()));
        }
        if (all || !before.balance().equals(next.balance())) {
            set.put(BALANCE, BsonMapping.micros(next.balance()));
        }
        if (all || before.funded() != next.funded()) {
            set.put(FUNDED, BsonBoolean.valueOf(next.funded()));
        }
        setList(set, push, unset, HOLDS, all ? null : before.holds(), next.holds(), BsonMapping::packedHold);
        if (all || before.lastHoldSeq() != next.lastHoldSeq()) {
            setOrUnset(set, unset, LAST_HOLD_SEQ, count(next.lastHoldSeq()));
        }
        setList(
                set,
                push,
                unset,
                OPERATIONS,
                all ? null : before.operations(),
                next.operations(),
                BsonMapping::operation);
        if (all || !before.recentKeys().equals(next.recentKeys())) {
            setOrUnset(
                    set,
                    unset,
                    RECENT_KEYS,
                    next.recentKeys().isEmpty() ? null : BsonMapping.array(next.recentKeys(), BsonMapping::keyBucket));
        }
        if (all) {
            unset.put(LEGACY_CLOSED_HOLDS, new BsonString(""));
        }
        if (all || before.lastSeq() != next.lastSeq()) {
            set.put(LAST_SEQ, new BsonInt64(next.lastSeq()));
        }
        setInstant(
                set,
                unset,
                LAST_TRANSACTION_AT,
                all,
                all ? null : before.lastTransactionAt(),
                next.lastTransactionAt());
        if (all || before.totalTokens() != next.totalTokens()) {
            set.put(TOTAL_TOKENS, new BsonInt64(next.totalTokens()));
        }
        setInstant(set, unset, CREATED_AT, all, all ? null : before.createdAt(), next.createdAt());
        if (all || !Objects.equals(before.tier(), next.tier())) {
            String tier = next.tier();
            setOrUnset(set, unset, TIER, tier == null ? null : new BsonString(tier));
        }
        setInstant(set, unset, REFILL_ANCHOR, all, all ? null : before.refillAnchor(), next.refillAnchor());
        if (all || before.refillPeriod() != next.refillPeriod()) {
            setOrUnset(set, unset, REFILL_PERIOD, count(next.refillPeriod()));
        }
        setInstant(set, unset, LAST_REFILL, all, all ? null : before.lastRefill(), next.lastRefill());
        if (all || !before.windows().equals(next.windows())) {
            setOrUnset(set, unset, WINDOWS, next.windows().isEmpty() ? null : BsonMapping.windows(next.windows()));
        }
        if (all || !Objects.equals(before.refillOverride(), next.refillOverride())) {
            RefillOverride o = next.refillOverride();
            setOrUnset(set, unset, REFILL_OVERRIDE, o == null ? null : BsonMapping.refillOverride(o));
        }
        BsonDocument update = new BsonDocument("$set", set);
        if (!push.isEmpty()) {
            update.put("$push", push);
        }
        if (!unset.isEmpty()) {
            update.put("$unset", unset);
        }
        return update;
    }

    /**
     * Sets an instant that changed (or every instant, when the document is unknown), and removes
     * its sub-millisecond field when the new value has none but the document may.
     */
    private static void setInstant(
            BsonDocument set,
            BsonDocument unset,
            String field,
            boolean all,
            @Nullable Instant before,
            @Nullable Instant next) {
        if (!all && Objects.equals(before, next)) {
            return;
        }
        String nanos = field + NANOS;
        if (next == null) {
            unset.put(field, new BsonString(""));
            unset.put(nanos, new BsonString(""));
            return;
        }
        BsonMapping.putInstant(set, field, next);
        boolean mayHaveNanos = all || (before != null && before.getNano() % 1_000_000 != 0);
        if (!set.containsKey(nanos) && mayHaveNanos) {
            unset.put(nanos, new BsonString(""));
        }
    }

    /**
     * Sets a field, or removes it when the value is null: an empty list, a null value and a count
     * of 0 are left out of the document, and a missing field reads as such.
     */
    private static void setOrUnset(BsonDocument set, BsonDocument unset, String field, @Nullable BsonValue value) {
        if (value == null) {
            unset.put(field, new BsonString(""));
        } else {
            set.put(field, value);
        }
    }

    /** A count as stored: null (left out) when 0. */
    private static @Nullable BsonValue count(long value) {
        return value == 0 ? null : new BsonInt64(value);
    }

    /**
     * Adds what turns the list {@code before} into {@code next} to the update: nothing, a push, a
     * set, or, for an empty list, an unset (a missing list reads as empty).
     */
    private static <T> void setList(
            BsonDocument set,
            BsonDocument push,
            BsonDocument unset,
            String field,
            @Nullable List<T> before,
            List<T> next,
            Function<T, ? extends BsonValue> encoder) {
        if (next.isEmpty()) {
            if (before == null || !before.isEmpty()) {
                setOrUnset(set, unset, field, null);
            }
            return;
        }
        if (before != null) {
            int added = appended(before, next);
            if (added == 0) {
                return;
            }
            if (added > 0) {
                BsonArray each = BsonMapping.array(next.subList(next.size() - added, next.size()), encoder);
                push.put(field, new BsonDocument("$each", each).append("$slice", new BsonInt32(-next.size())));
                return;
            }
        }
        set.put(field, BsonMapping.array(next, encoder));
    }

    /**
     * How many elements {@code next} appends to {@code before}: the smallest {@code n} such that
     * {@code next} without its last {@code n} elements is the end of {@code before}. 0 means
     * unchanged; -1 means changed in some other way (or by more than a few elements).
     */
    static <T> int appended(List<T> before, List<T> next) {
        int most = Math.min(next.size(), 8);
        for (int added = next.size() == before.size() ? 0 : 1; added <= most; added++) {
            int kept = next.size() - added;
            // keeping nothing of a list that had elements is a replacement, not an append
            boolean keepsSome = kept > 0 || before.isEmpty();
            if (keepsSome && kept <= before.size() && sameElements(next, 0, before, before.size() - kept, kept)) {
                return added;
            }
        }
        return -1;
    }

    private static <T> boolean sameElements(List<T> a, int from, List<T> b, int bFrom, int count) {
        for (int i = 0; i < count; i++) {
            T x = a.get(from + i);
            T y = b.get(bFrom + i);
            if (x != y && !x.equals(y)) {
                return false;
            }
        }
        return true;
    }
}
