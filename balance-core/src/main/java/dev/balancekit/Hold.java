package dev.balancekit;

import java.time.Instant;
import java.util.Objects;

/**
 * Credits held for a request in flight. A hold lowers the available balance (balance minus
 * active holds) until it is settled by a charge, released, or expires at {@link #expiresAt()}.
 *
 * @param id the hold id, unique within the user's account
 * @param amount the credits held (the request's estimated cost)
 * @param tokens the tokens reserved (prompt plus output budget), counted toward token caps
 * @param model the model the request was reserved for
 * @param createdAt when the hold was made
 * @param expiresAt when the hold stops counting, unless extended first
 */
public record Hold(String id, Credits amount, long tokens, String model, Instant createdAt, Instant expiresAt) {

    /**
     * Validates the hold.
     *
     * @throws NullPointerException if a field is null
     * @throws IllegalArgumentException if tokens is negative
     */
    public Hold {
        Objects.requireNonNull(id, "id");
        if (tokens < 0) {
            throw new IllegalArgumentException("tokens must not be negative, was " + tokens);
        }
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /**
     * Tells whether the hold still counts at the given time.
     *
     * @param now the time
     * @return whether {@code now} is before the expiry
     */
    public boolean isActiveAt(Instant now) {
        return now.isBefore(expiresAt);
    }
}
