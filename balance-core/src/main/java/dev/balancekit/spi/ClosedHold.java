package dev.balancekit.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A hold that no longer counts, remembered for a while so that the ledger can tell a repeated
 * release or settle from an unknown hold id.
 *
 * @param id the hold id
 * @param closure how it ended
 * @param closedAt when it ended
 */
public record ClosedHold(String id, Closure closure, Instant closedAt) {

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
     * @throws NullPointerException if a field is null
     */
    public ClosedHold {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(closure, "closure");
        Objects.requireNonNull(closedAt, "closedAt");
    }
}
