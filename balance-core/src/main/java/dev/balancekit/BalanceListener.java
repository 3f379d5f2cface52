package dev.balancekit;

/**
 * Receives {@link BalanceEvent}s. Events are delivered after the change is stored, one at a time
 * in the order they happened, on the ledger's event thread, never on the caller's. A listener that
 * throws is logged and skipped; it cannot fail or slow an operation.
 */
@FunctionalInterface
public interface BalanceListener {

    /**
     * Handles an event.
     *
     * @param event the event
     */
    void onEvent(BalanceEvent event);
}
