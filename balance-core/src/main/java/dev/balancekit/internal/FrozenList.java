package dev.balancekit.internal;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;
import org.jspecify.annotations.Nullable;

/**
 * An immutable list over an array that nothing else holds. An account remembers its last keyed
 * operations, and every keyed write appends to that list: building the new list as one array, and letting {@link dev.balancekit.spi.AccountState} take it without a defensive copy,
 * makes that one copy instead of three.
 *
 * @param <E> the element type
 */
public final class FrozenList<E> extends AbstractList<E> implements RandomAccess {
    private final Object[] items;

    private FrozenList(Object[] items) {
        this.items = items;
    }

    /**
     * An immutable list with the same elements: the list itself when it is immutable already
     * (a frozen list or one of {@link List#copyOf}), otherwise a copy.
     *
     * @param list the list
     * @param <E> the element type
     * @return an immutable list
     * @throws NullPointerException if the list or an element is null
     */
    public static <E> List<E> copyOf(List<E> list) {
        return list instanceof FrozenList<E> ? list : List.copyOf(list);
    }

    /**
     * The elements of {@code base} without {@code removed}, then those of {@code added}, keeping only
     * the last {@code keep}.
     *
     * @param base the elements before
     * @param removed an element of {@code base} to leave out (compared by identity), or null
     * @param added the elements to append
     * @param keep the most elements to keep, the newest
     * @param <E> the element type
     * @return the new list
     */
    static <E> List<E> concat(List<E> base, @Nullable E removed, List<E> added, int keep) {
        int size = base.size() - (removed == null ? 0 : 1) + added.size();
        int skip = Math.max(0, size - keep);
        Object[] out = new Object[size - skip];
        int i = 0;
        int seen = 0;
        for (E e : base) {
            if (e == removed) {
                continue;
            }
            if (seen++ >= skip) {
                out[i++] = e;
            }
        }
        for (E e : added) {
            if (seen++ >= skip) {
                out[i++] = e;
            }
        }
        return new FrozenList<>(out);
    }

    @Override
    @SuppressWarnings("unchecked") // only elements of type E are ever stored
    public E get(int index) {
        return (E) items[index];
    }

    @Override
    public int size() {
        return items.length;
    }
}
