package dev.balancekit;

import org.jspecify.annotations.Nullable;

/**
 * Which accounts to list, in which order.
 *
 * @param sort the sort key; ties are broken by user id
 * @param descending whether to sort from the largest value down
 * @param limit the page size, 1 to {@value #MAX_LIMIT}
 * @param cursor the {@link Page#nextCursor()} of the previous page, or null for the first page;
 *     its form belongs to the store
 */
public record ListQuery(
        Sort sort, boolean descending, int limit, @Nullable String cursor) {

    /** The largest page size. */
    public static final int MAX_LIMIT = 10_000;

    /** What accounts can be sorted by. */
    public enum Sort {
        /** The user id. */
        USER,
        /** The balance. */
        BALANCE,
        /** The time of the last entry; accounts without one come first in ascending order. */
        LAST_ACTIVITY
    }

    /**
     * Validates.
     *
     * @throws IllegalArgumentException if the limit is out of range or the cursor is blank
     */
    public ListQuery {
        if (sort == null) {
            throw new IllegalArgumentException("sort must be given, was null");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
        Requests.requireOptionalText("cursor", cursor);
    }

    /** @return the first 100 accounts by user id */
    public static ListQuery byUser() {
        return new ListQuery(Sort.USER, false, 100, null);
    }

    /**
     * Sorts by the given key.
     *
     * @param sort the key
     * @param descending largest first when true
     * @return the query sorted so
     */
    public ListQuery sortedBy(Sort sort, boolean descending) {
        return new ListQuery(sort, descending, limit, null);
    }

    /**
     * Sets the page size.
     *
     * @param limit 1 to {@value #MAX_LIMIT}
     * @return the query with the limit
     * @throws IllegalArgumentException if out of range
     */
    public ListQuery withLimit(int limit) {
        return new ListQuery(sort, descending, limit, cursor);
    }

    /**
     * Continues after a page.
     *
     * @param cursor the previous page's next cursor
     * @return the query for the next page
     */
    public ListQuery after(@Nullable String cursor) {
        return new ListQuery(sort, descending, limit, cursor);
    }
}
