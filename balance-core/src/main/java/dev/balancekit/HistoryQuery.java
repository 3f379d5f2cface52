package dev.balancekit;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Which entries of a user's history to read. Entries come newest first.
 *
 * @param from only entries created at or after this instant, or null
 * @param until only entries created before this instant, or null
 * @param context only entries with this context, or null
 * @param model only entries for this model (as the host named it), or null
 * @param limit the page size, 1 to {@value #MAX_LIMIT}
 * @param cursor the {@link Page#nextCursor()} of the previous page, or null for the first page
 */
public record HistoryQuery(
        @Nullable Instant from,
        @Nullable Instant until,
        @Nullable String context,
        @Nullable String model,
        int limit,
        @Nullable String cursor) {

    /** The largest page size. */
    public static final int MAX_LIMIT = 10_000;

    /** The default page size. */
    public static final int DEFAULT_LIMIT = 100;

    /**
     * Validates.
     *
     * @throws IllegalArgumentException if the limit is out of range, the range is reversed or the
     *     cursor is malformed
     */
    public HistoryQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
        if (from != null && until != null && !from.isBefore(until)) {
            throw new IllegalArgumentException("from must be before until, was from " + from + " until " + until);
        }
        Requests.requireOptionalText("context", context);
        Requests.requireOptionalText("model", model);
        if (cursor != null) {
            beforeSeq(cursor);
        }
    }

    /** @return the first page of everything, {@value #DEFAULT_LIMIT} entries */
    public static HistoryQuery all() {
        return new HistoryQuery(null, null, null, null, DEFAULT_LIMIT, null);
    }

    /**
     * Restricts to a time range.
     *
     * @param from inclusive start, or null
     * @param until exclusive end, or null
     * @return the narrowed query
     * @throws IllegalArgumentException if the range is reversed
     */
    public HistoryQuery between(@Nullable Instant from, @Nullable Instant until) {
        return new HistoryQuery(from, until, context, model, limit, cursor);
    }

    /**
     * Restricts to one context.
     *
     * @param context the context, or null for all
     * @return the narrowed query
     */
    public HistoryQuery withContext(@Nullable String context) {
        return new HistoryQuery(from, until, context, model, limit, cursor);
    }

    /**
     * Restricts to one model.
     *
     * @param model the model, or null for all
     * @return the narrowed query
     */
    public HistoryQuery withModel(@Nullable String model) {
        return new HistoryQuery(from, until, context, model, limit, cursor);
    }

    /**
     * Sets the page size.
     *
     * @param limit 1 to {@value #MAX_LIMIT}
     * @return the query with the limit
     * @throws IllegalArgumentException if out of range
     */
    public HistoryQuery withLimit(int limit) {
        return new HistoryQuery(from, until, context, model, limit, cursor);
    }

    /**
     * Continues after a page.
     *
     * @param cursor the previous page's next cursor, or null for the first page
     * @return the query for the next page
     * @throws IllegalArgumentException if the cursor is malformed
     */
    public HistoryQuery after(@Nullable String cursor) {
        return new HistoryQuery(from, until, context, model, limit, cursor);
    }

    /**
     * The sequence number the page starts below: entries with a smaller {@link LedgerEntry#seq()}
     * come next. Sequence numbers only grow, so pages stay stable while entries are added.
     *
     * @return the exclusive upper bound on {@code seq}, {@link Long#MAX_VALUE} for the first page
     */
    public long beforeSeq() {
        return cursor == null ? Long.MAX_VALUE : beforeSeq(cursor);
    }

    /**
     * Makes the cursor that continues below the given entry.
     *
     * @param last the last entry of a page
     * @return the cursor
     */
    public static String cursorAfter(LedgerEntry last) {
        return "s" + last.seq();
    }

    /**
     * Tells whether an entry passes this query's filters (not the cursor or limit).
     *
     * @param e the entry
     * @return whether it matches
     */
    public boolean matches(LedgerEntry e) {
        return (from == null || !e.createdAt().isBefore(from))
                && (until == null || e.createdAt().isBefore(until))
                && (context == null || context.equals(e.context()))
                && (model == null || model.equals(e.model()));
    }

    private static long beforeSeq(String cursor) {
        if (cursor.length() > 1 && cursor.charAt(0) == 's') {
            try {
                long seq = Long.parseLong(cursor, 1, cursor.length(), 10);
                if (seq > 0) {
                    return seq;
                }
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("cursor is not one this ledger issued, was '" + cursor + "'");
    }
}
