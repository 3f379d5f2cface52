package dev.balancekit.internal;

import dev.balancekit.LedgerEntry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Entries a decision needed from the history, read by the caller and handed back: the engine is
 * pure, so when it needs to know what an operation or a hold already appended it returns an
 * {@link Transition} asking for a {@link Lookup}, and the caller decides again with the answer here.
 * Valid for one state: a caller that reloads starts a new one.
 */
final class Lookups {
    /** Made on the first answer: almost every decision needs none. */
    private @Nullable Map<Lookup, List<LedgerEntry>> found;

    /** Creates an empty set of answers. */
    public Lookups() {}

    /**
     * What the history holds for a lookup.
     *
     * @param kind whose entries
     * @param id the operation id or hold id
     */
    public record Lookup(Kind kind, String id) {}

    /** Whose entries a lookup reads. */
    public enum Kind {
        /** The entries of an operation, by operation id (an idempotency key). */
        OPERATION,
        /** The entries charged against a hold, by hold id. */
        HOLD
    }

    /**
     * Records an answer.
     *
     * @param lookup the lookup
     * @param entries the entries found, in sequence order
     */
    public void put(Lookup lookup, List<LedgerEntry> entries) {
        if (found == null) {
            found = new HashMap<>(4);
        }
        found.put(lookup, List.copyOf(entries));
    }

    /**
     * The answer to a lookup.
     *
     * @param kind whose entries
     * @param id the operation id or hold id
     * @return the entries in sequence order, or null when not looked up yet
     */
    @Nullable
    List<LedgerEntry> get(Kind kind, String id) {
        return found == null ? null : found.get(new Lookup(kind, id));
    }
}
