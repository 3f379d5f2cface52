package dev.balancekit.mongo;

import dev.balancekit.ListQuery;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.bson.BsonArray;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;

/**
 * Keyset paging for the account list: a cursor holds the sort key and the user id of the last
 * account of a page, and the next page starts strictly after that pair in the query's order, so a
 * page never repeats or skips an account that did not change in between.
 *
 * <p>Forms: {@code u.<id>} (by user), {@code b.<balance micros>.<id>} (by balance) and
 * {@code a.<epoch millis, or n for none>.<id>} (by last activity), where {@code <id>} is the user id
 * in unpadded base64url, so no user id can break the form.
 *
 * @param sort the sort the cursor belongs to
 * @param key the last sort key: balance micros, last activity epoch millis, or null
 * @param user the last user id
 */
record ListCursor(ListQuery.Sort sort, @Nullable Long key, String user) {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODER = Base64.getUrlDecoder();

    /**
     * The cursor after the given account document, read leniently: a document the list skipped as
     * malformed still moves the cursor on. The list's filter guarantees a string id and an Int64
     * balance; a last activity that is not a date counts as none.
     */
    static ListCursor after(ListQuery.Sort sort, BsonDocument doc) {
        Long key = switch (sort) {
            case USER -> null;
            case BALANCE -> doc.getInt64(BsonMapping.BALANCE).getValue();
            case LAST_ACTIVITY ->
                doc.get(BsonMapping.LAST_TRANSACTION_AT) instanceof BsonDateTime d ? d.getValue() : null;
        };
        return new ListCursor(sort, key, doc.getString("_id").getValue());
    }

    /** Encodes the cursor. */
    String encode() {
        String id = B64.encodeToString(user.getBytes(StandardCharsets.UTF_8));
        return switch (sort) {
            case USER -> "u." + id;
            case BALANCE -> "b." + key + "." + id;
            case LAST_ACTIVITY -> "a." + (key == null ? "n" : key.toString()) + "." + id;
        };
    }

    /**
     * Parses a cursor this store issued for the given sort.
     *
     * @throws IllegalArgumentException if it is not one
     */
    static ListCursor parse(ListQuery.Sort sort, String cursor) {
        try {
            String[] parts = cursor.split("\\.", -1);
            String tag = switch (sort) {
                case USER -> "u";
                case BALANCE -> "b";
                case LAST_ACTIVITY -> "a";
            };
            int expected = sort == ListQuery.Sort.USER ? 2 : 3;
            if (parts.length == expected && parts[0].equals(tag)) {
                String user = new String(B64_DECODER.decode(parts[expected - 1]), StandardCharsets.UTF_8);
                Long key = null;
                if (sort == ListQuery.Sort.BALANCE || (sort == ListQuery.Sort.LAST_ACTIVITY && !parts[1].equals("n"))) {
                    key = Long.parseLong(parts[1]);
                }
                return new ListCursor(sort, key, user);
            }
        } catch (IllegalArgumentException e) {
            // fall through to the error below (NumberFormatException is one, and so is bad base64)
        }
        throw new IllegalArgumentException(
                "cursor is not one this store issued for sort " + sort + ", was '" + cursor + "'");
    }

    /** The field the sort is on. */
    static String field(ListQuery.Sort sort) {
        return switch (sort) {
            case USER -> "_id";
            case BALANCE -> BsonMapping.BALANCE;
            case LAST_ACTIVITY -> BsonMapping.LAST_TRANSACTION_AT;
        };
    }

    /** The sort document: the key, then the user id, both in the query's direction. */
    static BsonDocument sortOf(ListQuery query) {
        BsonInt32 dir = new BsonInt32(query.descending() ? -1 : 1);
        BsonDocument sort = new BsonDocument(field(query.sort()), dir);
        if (query.sort() != ListQuery.Sort.USER) {
            sort.append("_id", dir);
        }
        return sort;
    }

    /**
     * The filter for the accounts strictly after this cursor in the query's direction. Missing
     * last-activity dates sort before every date, as MongoDB sorts null.
     */
    BsonDocument filter(boolean descending) {
        String after = descending ? "$lt" : "$gt";
        BsonDocument idAfter = new BsonDocument("_id", new BsonDocument(after, new BsonString(user)));
        switch (sort) {
            case USER:
                return idAfter;
            case BALANCE:
                BsonInt64 balance = new BsonInt64(key == null ? 0 : key);
                return or(
                        new BsonDocument(BsonMapping.BALANCE, new BsonDocument(after, balance)),
                        new BsonDocument(BsonMapping.BALANCE, balance).append("_id", idAfter.get("_id")));
            default:
                String f = BsonMapping.LAST_TRANSACTION_AT;
                BsonDocument isNull = new BsonDocument(f, BsonNull.VALUE);
                BsonDocument notNull = new BsonDocument(f, new BsonDocument("$ne", BsonNull.VALUE));
                if (key == null) {
                    BsonDocument sameAndAfter = isNull.clone().append("_id", idAfter.get("_id"));
                    return descending ? sameAndAfter : or(sameAndAfter, notNull);
                }
                BsonValue date = new BsonDateTime(key);
                BsonDocument beyond = new BsonDocument(f, new BsonDocument(after, date));
                BsonDocument same = new BsonDocument(f, date).append("_id", idAfter.get("_id"));
                return descending ? or(beyond, same, isNull) : or(beyond, same);
        }
    }

    private static BsonDocument or(BsonDocument... clauses) {
        return new BsonDocument("$or", new BsonArray(java.util.List.of(clauses)));
    }
}
