package dev.balancekit;

import dev.balancekit.pricing.PriceMatch;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Something that happened, handed to {@link BalanceListener}s after the change is stored: to an
 * account ({@link AccountEvent}s name the user), or to the ledger's config.
 */
public sealed interface BalanceEvent {

    /** @return when the operation that caused the event ran */
    Instant at();

    /** An event about one account. */
    sealed interface AccountEvent extends BalanceEvent {
        /** @return the user id */
        String user();
    }

    /**
     * A new config was put in use ({@link BalanceLedger#reconfigure(LedgerConfig, String)}).
     *
     * @param at the time
     * @param source where the config came from
     */
    record ConfigReloaded(Instant at, String source) implements BalanceEvent {
        /** Validates. */
        public ConfigReloaded {
            Objects.requireNonNull(source, "source");
        }
    }

    /**
     * A new config was rejected and the previous one kept
     * ({@link BalanceLedger#rejectConfig(String, List)}).
     *
     * @param at the time
     * @param source where the rejected config came from
     * @param problems what is wrong with it
     */
    record ConfigRejected(Instant at, String source, List<String> problems) implements BalanceEvent {
        /** Validates and copies. */
        public ConfigRejected {
            Objects.requireNonNull(source, "source");
            problems = List.copyOf(problems);
        }
    }

    /**
     * A model was seen, for the first time by this ledger, priced by a generic row or the default
     * price ({@link dev.balancekit.pricing.MatchKind#isFallback()}): by a check, a reservation or a
     * charge. Its price was probably not meant for it; add a row for it, or refuse such models with
     * {@link UnknownModelPolicy#REFUSE}. Reported once per model and endpoint (up to a bound of
     * 10,000 models per ledger).
     *
     * @param at the time
     * @param model the model name as the request gave it
     * @param endpoint the request's endpoint, or null
     * @param match the row that priced it (a generic row, or the default price) and its kind
     */
    record FallbackPrice(Instant at, String model, @Nullable String endpoint, PriceMatch match)
            implements BalanceEvent {
        /** Validates. */
        public FallbackPrice {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(match, "match");
        }
    }

    /**
     * Usage was charged.
     *
     * @param user the user id
     * @param at the time
     * @param receipt the charge's receipt
     */
    record Charged(String user, Instant at, Receipt receipt) implements AccountEvent {
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
    record Denied(String user, Instant at, BalanceDecision decision) implements AccountEvent {
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
    record Refilled(String user, Instant at, LedgerEntry entry) implements AccountEvent {
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
    record HoldExpired(String user, Instant at, Hold hold) implements AccountEvent {
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
    record BalanceBelow(String user, Instant at, Credits threshold, Credits balance) implements AccountEvent {
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
    record WindowThreshold(String user, Instant at, int percent, WindowUsage usage) implements AccountEvent {
        /** Validates. */
        public WindowThreshold {
            Objects.requireNonNull(usage, "usage");
        }
    }
}
