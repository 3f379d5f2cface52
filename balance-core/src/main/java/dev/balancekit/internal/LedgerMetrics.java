package dev.balancekit.internal;

import dev.balancekit.BalanceDecision;
import dev.balancekit.BalanceEvent;
import dev.balancekit.pricing.PriceMatch;
import java.util.List;

/**
 * What the ledger reports to a metrics system. {@link #NONE} does nothing; the Micrometer
 * implementation is created only when a host passes a registry, so Micrometer stays optional.
 */
interface LedgerMetrics {

    /** Reports nothing. */
    LedgerMetrics NONE = new LedgerMetrics() {};

    /**
     * A check or reservation was decided (not counted for replays).
     *
     * @param operation {@code check} or {@code reserve}
     * @param decision the decision
     */
    default void decided(String operation, BalanceDecision decision) {}

    /**
     * An operation's write was stored (or it needed none), with the events it caused.
     *
     * @param events the events
     * @param holdDelta active holds after minus before the operation
     */
    default void applied(List<BalanceEvent> events, int holdDelta) {}

    /**
     * A charge (not a replay) was priced by a generic row or the default price.
     *
     * @param model the model name as the request gave it
     * @param match the row that priced it
     */
    default void fallbackPriced(String model, PriceMatch match) {}

    /** A compare-and-set lost a race and the operation will be decided again. */
    default void conflict() {}

    /** An operation gave up after the configured number of conflicts. */
    default void exhausted() {}

    /**
     * A store call finished.
     *
     * @param operation {@code load}, {@code compare_and_set}, {@code history}, {@code accounts} or {@code usage}
     * @param nanos how long it took
     * @param success whether it succeeded
     */
    default void storeCall(String operation, long nanos, boolean success) {}

    /** @return whether store calls should be timed at all */
    default boolean timesStore() {
        return false;
    }
}
