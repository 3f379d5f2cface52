package dev.balancekit;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An administrative balance change: credits added, or a balance overwritten.
 *
 * @param user the user id
 * @param amount for {@code addBalance} the credits to add (above zero); for {@code setBalance} the
 *     new balance (any amount)
 * @param actor who makes the change, recorded in the entry; null when unknown
 * @param note a free-text note recorded in the entry, or null
 * @param idempotencyKey repeating the change with the same key returns the first receipt instead of
 *     applying it twice; null for none
 */
public record BalanceChange(
        String user,
        Credits amount,
        @Nullable String actor,
        @Nullable String note,
        @Nullable String idempotencyKey) {

    /**
     * Validates.
     *
     * @throws IllegalArgumentException if the user is blank, or the actor, note or key is blank or
     *     too long; or any text is not well-formed UTF-16
     */
    public BalanceChange {
        Requests.requireText("user", user);
        Objects.requireNonNull(amount, "amount");
        Requests.requireOptionalText("actor", actor);
        Requests.requireOptionalText("note", note);
        Requests.requireKey(idempotencyKey);
    }

    /**
     * A change without actor, note or key.
     *
     * @param user the user id
     * @param amount the amount
     * @return the change
     * @throws IllegalArgumentException if the user is blank
     */
    public static BalanceChange of(String user, Credits amount) {
        return new BalanceChange(user, amount, null, null, null);
    }

    /**
     * Names who makes the change.
     *
     * @param actor the actor, or null
     * @return a copy with the actor
     * @throws IllegalArgumentException if blank
     */
    public BalanceChange withActor(@Nullable String actor) {
        return new BalanceChange(user, amount, actor, note, idempotencyKey);
    }

    /**
     * Adds a note.
     *
     * @param note the note, or null
     * @return a copy with the note
     * @throws IllegalArgumentException if blank
     */
    public BalanceChange withNote(@Nullable String note) {
        return new BalanceChange(user, amount, actor, note, idempotencyKey);
    }

    /**
     * Sets the idempotency key.
     *
     * @param key the key, or null
     * @return a copy with the key
     * @throws IllegalArgumentException if blank
     */
    public BalanceChange withIdempotencyKey(@Nullable String key) {
        return new BalanceChange(user, amount, actor, note, key);
    }
}
