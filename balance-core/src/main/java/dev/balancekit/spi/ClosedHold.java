package dev.balancekit.spi;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A hold that no longer counts, remembered for a while so that the ledger can tell a repeated
 * release or settle from an unknown hold id. A hold settled by a charge also remembers that charge,
 * so a repeat of it (a retry after a lost response) returns the first receipt.
 *
 * @param id the hold id
 * @param closure how it ended
 * @param closedAt when it ended
 * @param fingerprint the settling charge's canonical text, present exactly when {@code receipt} is
 * @param receipt the settling charge's result; present only for a settled hold
 */
public record ClosedHold(String id, Closure closure, Instant closedAt, @Nullable String fingerprint,
        @Nullable ReceiptRecord receipt) {

    /** How a hold ended. */
    public enum Closure {
        /** A charge settled it. */
        SETTLED,
        /** The host released it. */
        RELEASED,
        /** Its time ran out. */
        EXPIRED
    }

    /**
     * Validates.
     *
     * @throws NullPointerException if a required field is null
     * @throws IllegalArgumentException if only one of fingerprint and receipt is present, or they
     *     are present on a hold that was not settled
     */
    public ClosedHold {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(closure, "closure");
        Objects.requireNonNull(closedAt, "closedAt");
        if ((fingerprint == null) != (receipt == null)) {
            throw new IllegalArgumentException("fingerprint and receipt must be both present or both absent");
        }
        if (receipt != null && closure != Closure.SETTLED) {
            throw new IllegalArgumentException("only a settled hold has a receipt, was " + closure);
        }
    }

    /**
     * A hold closed without a charge: released, expired, or settled by a charge whose result is
     * remembered elsewhere.
     *
     * @param id the hold id
     * @param closure how it ended
     * @param closedAt when it ended
     * @return the closed hold
     */
    public static ClosedHold of(String id, Closure closure, Instant closedAt) {
        return new ClosedHold(id, closure, closedAt, null, null);
    }
}
