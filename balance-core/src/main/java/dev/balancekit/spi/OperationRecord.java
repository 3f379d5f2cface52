package dev.balancekit.spi;

import dev.balancekit.Reservation;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The first result of an operation made with an idempotency key, kept in the account so that a
 * repeat returns it instead of applying the operation again.
 *
 * @param key the idempotency key
 * @param fingerprint a canonical text of the request; a repeat with another fingerprint is an error
 * @param at when the operation was applied
 * @param receipt the result of a charge or balance change
 * @param reservation the result of a reservation
 */
public record OperationRecord(
        String key,
        String fingerprint,
        Instant at,
        @Nullable ReceiptRecord receipt,
        @Nullable Reservation reservation) {

    /**
     * Validates.
     *
     * @throws IllegalArgumentException unless exactly one of receipt and reservation is present
     */
    public OperationRecord {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(at, "at");
        if ((receipt == null) == (reservation == null)) {
            throw new IllegalArgumentException("exactly one of receipt and reservation must be present");
        }
    }
}
