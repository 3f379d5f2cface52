package dev.balancekit;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One page of a listing.
 *
 * @param items the items of this page
 * @param nextCursor pass it to the next query to get the following page; null on the last page
 * @param <T> the item type
 */
public record Page<T>(List<T> items, @Nullable String nextCursor) {

    /** Copies the items. */
    public Page {
        items = List.copyOf(items);
    }
}
