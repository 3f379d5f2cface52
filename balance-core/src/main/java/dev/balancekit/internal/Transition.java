package dev.balancekit.internal;

import dev.balancekit.BalanceEvent;
import dev.balancekit.LedgerEntry;
import dev.balancekit.Receipt;
import dev.balancekit.spi.AccountState;
import dev.balancekit.spi.ReceiptRecord;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the engine decided for one operation on one account state.
 *
 * @param next the state to write, or null when nothing changes
 * @param entries the entries to append with it (empty when nothing changes)
 * @param result the value the caller gets once the write (if any) is applied
 * @param events what to report to listeners once the write (if any) is applied
 * @param replayed for a repeated request, the remembered first result whose entries the caller
 *     reads back from the history into {@code result} (a {@link Receipt}); otherwise null
 * @param lookup when not null, the decision is not made yet: the caller reads these entries from
 *     the history, adds them to its {@link Lookups} and decides again on the same state; the other
 *     fields are then meaningless
 * @param <R> the result type
 */
record Transition<R>(
        @Nullable AccountState next,
        List<LedgerEntry> entries,
        @Nullable R result,
        List<BalanceEvent> events,
        @Nullable ReceiptRecord replayed,
        Lookups.@Nullable Lookup lookup) {

    /**
     * An outcome that is not a replay.
     *
     * @param next the state to write, or null
     * @param entries the entries to append
     * @param result the result
     * @param events the events
     */
    public Transition(@Nullable AccountState next, List<LedgerEntry> entries, R result, List<BalanceEvent> events) {
        this(next, entries, result, events, null, null);
    }

    /**
     * An outcome that asks for entries from the history before the decision can be made.
     *
     * @param kind whose entries
     * @param id the operation id or hold id
     * @param <R> the result type
     * @return the outcome
     */
    static <R> Transition<R> needs(Lookups.Kind kind, String id) {
        return new Transition<>(null, List.of(), null, List.of(), null, new Lookups.Lookup(kind, id));
    }

    /**
     * An outcome that writes nothing and reports nothing.
     *
     * @param result the result
     * @param <R> the result type
     * @return the outcome
     */
    public static <R> Transition<R> unchanged(R result) {
        return new Transition<>(null, List.of(), result, List.of());
    }

    /**
     * The outcome of a repeated request: nothing is written, and the caller completes the receipt
     * with the first result's entries.
     *
     * @param receipt the first receipt, without its entries, marked as a replay
     * @param first what the account remembers of the first result
     * @return the outcome
     */
    static Transition<Receipt> replay(Receipt receipt, ReceiptRecord first) {
        return new Transition<>(null, List.of(), receipt, List.of(), first, null);
    }

    /**
     * The result of an outcome whose decision is made.
     *
     * @return the result
     * @throws IllegalStateException if the outcome asks for a lookup first
     */
    public R decided() {
        R r = result;
        if (r == null) {
            throw new IllegalStateException("no result yet: the outcome asks for the lookup " + lookup);
        }
        return r;
    }

    /**
     * The replayed receipt with its entries.
     *
     * @param firstEntries the first result's entries, in sequence order
     * @return the complete result
     * @throws IllegalStateException if this is not a replay
     */
    @SuppressWarnings("unchecked") // a replay's result is always a Receipt (see replay())
    public R withEntries(List<LedgerEntry> firstEntries) {
        if (replayed == null) {
            throw new IllegalStateException("not a replay");
        }
        Receipt r = (Receipt) decided();
        return (R) new Receipt(r.user(), r.operationId(), firstEntries, r.balance(), r.available(), true);
    }
}
