package dev.balancekit;

import java.time.Instant;
import java.util.Objects;

/**
 * Something that happened to an account, handed to {@link BalanceListener}s after the change is
 * stored. Each event names the user and the time of the operation that caused it.
 */
public sealed interface BalanceEvent {

    /** @return the user id */
    String user();

    /** @return when the operation that caused the event ran */
    Instant at();

    /**
     * Usage was charged.
     *
     * @param user the user id
     * @param at the time
     * @param receipt the charge's receipt
     */
    record Charged(String user, Instant at, Receipt receipt) implements BalanceEvent {
        /** Validates. */
        public Charged {
            Objects.requireNonNull(receipt, "receipt");
        }
    }

    /**
     * A check or reservation was denied.
     *
     * @param user the user id
     * @param at the time
     * @param decision the denial, with its reason
     */
    record Denied(String user, Instant at, BalanceDecision decision) implements BalanceEvent {
        /** Validates. */
        public Denied {
            Objects.requireNonNull(decision, "decision");
        }
    }

    /**
     * An automatic refill was applied.
     *
     * @param user the user id
     * @param at the time
     * @param entry the {@code autoRefill} entry (its value is the change of the balance)
     */
    record Refilled(String user, Instant at, LedgerEntry entry) implements BalanceEvent {
        /** Validates. */
        public Refilled {
            Objects.requireNonNull(entry, "entry");
        }
    }

    /**
     * A hold reached its expiry without being settled or released; reported by the first write to
     * the account after the expiry.
     *
     * @param user the user id
     * @param at the time of that write
     * @param hold the hold
     */
    record HoldExpired(String user, Instant at, Hold hold) implements BalanceEvent {
        /** Validates. */
        public HoldExpired {
            Objects.requireNonNull(hold, "hold");
        }
    }

    /**
     * The balance went from at or above a configured threshold to below it.
     *
     * @param user the user id
     * @param at the time
     * @param threshold the threshold crossed
     * @param balance the balance after the operation
     */
    record BalanceBelow(String user, Instant at, Credits threshold, Credits balance) implements BalanceEvent {
        /** Validates. */
        public BalanceBelow {
            Objects.requireNonNull(threshold, "threshold");
            Objects.requireNonNull(balance, "balance");
        }
    }

    /**
     * A usage window passed a configured percentage of its cap, once per window and percentage.
     *
     * @param user the user id
     * @param at the time
     * @param percent the configured percentage passed
     * @param usage the window's usage after the operation
     */
    record WindowThreshold(String user, Instant at, int percent, WindowUsage usage) implements BalanceEvent {
        /** Validates. */
        public WindowThreshold {
            Objects.requireNonNull(usage, "usage");
        }
    }
}
