package dev.balancekit.internal;

import dev.balancekit.BalanceEvent;
import dev.balancekit.LedgerEntry;
import dev.balancekit.spi.AccountState;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the engine decided for one operation on one account state.
 *
 * @param next the state to write, or null when nothing changes
 * @param entries the entries to append with it (empty when nothing changes)
 * @param result the value the caller gets once the write (if any) is applied
 * @param events what to report to listeners once the write (if any) is applied
 * @param <R> the result type
 */
public record Outcome<R>(@Nullable AccountState next, List<LedgerEntry> entries, R result, List<BalanceEvent> events) {

    /**
     * An outcome that writes nothing and reports nothing.
     *
     * @param result the result
     * @param <R> the result type
     * @return the outcome
     */
    public static <R> Outcome<R> unchanged(R result) {
        return new Outcome<>(null, List.of(), result, List.of());
    }
}
