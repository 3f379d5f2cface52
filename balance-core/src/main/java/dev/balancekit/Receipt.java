package dev.balancekit;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a mutating operation did.
 *
 * @param user the user id
 * @param operationId the operation's id: its idempotency key, or a generated id
 * @param entries the ledger entries the operation appended, in order (empty for a release)
 * @param balance the account balance after the operation
 * @param available the balance minus active holds after the operation
 * @param replay true when this is the stored result of an earlier call with the same idempotency
 *     key, returned without changing anything
 */
public record Receipt(
        String user,
        String operationId,
        List<LedgerEntry> entries,
        Credits balance,
        Credits available,
        boolean replay) {

    /**
     * Validates and copies.
     *
     * @throws NullPointerException if a field is null
     */
    public Receipt {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(operationId, "operationId");
        entries = List.copyOf(entries);
        Objects.requireNonNull(balance, "balance");
        Objects.requireNonNull(available, "available");
    }

    /** @return the sum of the entries' values: the net change of the balance */
    public Credits total() {
        Credits sum = Credits.ZERO;
        for (LedgerEntry e : entries) {
            sum = sum.plus(e.tokenValue());
        }
        return sum;
    }

    /**
     * Returns the same receipt marked as a replay.
     *
     * @return the replayed receipt
     */
    public Receipt asReplay() {
        return new Receipt(user, operationId, entries, balance, available, true);
    }

    /**
     * Returns the first entry of the given type, if any.
     *
     * @param type the token type
     * @return the entry, or null
     */
    public @Nullable LedgerEntry entry(TokenType type) {
        for (LedgerEntry e : entries) {
            if (e.tokenType() == type) {
                return e;
            }
        }
        return null;
    }
}
