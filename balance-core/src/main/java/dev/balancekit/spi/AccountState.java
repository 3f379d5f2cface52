package dev.balancekit.spi;

import dev.balancekit.Credits;
import dev.balancekit.Hold;
import dev.balancekit.RefillOverride;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything mutable about one account: the document a store keeps per user. The ledger engine
 * computes the next state from the previous one; a store only stores it.
 *
 * @param user the user id
 * @param balance the balance; always equal to the sum of the account's entries' values
 * @param funded whether the start balance was granted (it is granted on the first operation while
 *     the balance system is enabled)
 * @param holds the holds; some may have expired since the last write, and count only while active
 * @param lastHoldSeq the sequence number of the account's last hold (0 before the first); hold ids
 *     carry theirs, so a hold id at or below it that is not among {@code holds} is known to be
 *     closed (settled, released or expired) without a list of closed holds
 * @param operations the last keyed operations with their first results; bounded, oldest first
 * @param recentKeys a summary of the idempotency keys used within the retention, which tells a key
 *     that is certainly new from one that may have been used; oldest bucket first
 * @param lastSeq the sequence number of the account's last entry (0 before the first)
 * @param lastTransactionAt when the last entry was written, null before the first
 * @param totalTokens all prompt and completion tokens ever charged
 * @param createdAt when the account was created
 * @param tier the tier an administrator set, or null for the config's default tier
 * @param refillAnchor the time of the first automatic refill, to which later ones align; null before it
 * @param refillPeriod the number of the refill period last refilled, counted from the anchor
 * @param lastRefill when the last automatic refill happened, null if never
 * @param windows the current usage windows that have seen usage (at most one per {@link dev.balancekit.UsageWindow})
 * @param refillOverride the account's own auto-refill settings, which win over its tier's and the
 *     config's, or null (the usual case) to be refilled by those
 */
public record AccountState(
        String user,
        Credits balance,
        boolean funded,
        List<Hold> holds,
        long lastHoldSeq,
        List<OperationRecord> operations,
        List<KeyBucket> recentKeys,
        long lastSeq,
        @Nullable Instant lastTransactionAt,
        long totalTokens,
        Instant createdAt,
        @Nullable String tier,
        @Nullable Instant refillAnchor,
        long refillPeriod,
        @Nullable Instant lastRefill,
        List<WindowState> windows,
        @Nullable RefillOverride refillOverride) {

    /**
     * Validates and copies.
     *
     * @throws NullPointerException if a required field is null
     * @throws IllegalArgumentException if lastHoldSeq or lastSeq is negative
     */
    public AccountState {
        if (lastHoldSeq < 0 || lastSeq < 0) {
            throw new IllegalArgumentException(
                    "lastHoldSeq and lastSeq must not be negative, were " + lastHoldSeq + " and " + lastSeq);
        }
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(balance, "balance");
        holds = List.copyOf(holds);
        operations = List.copyOf(operations);
        recentKeys = List.copyOf(recentKeys);
        Objects.requireNonNull(createdAt, "createdAt");
        windows = List.copyOf(windows);
    }

    /**
     * The state of an account nobody has touched yet.
     *
     * @param user the user id
     * @param now the creation time
     * @return an empty, unfunded account
     */
    public static AccountState empty(String user, Instant now) {
        return new AccountState(
                user,
                Credits.ZERO,
                false,
                List.of(),
                0,
                List.of(),
                List.of(),
                0,
                null,
                0,
                now,
                null,
                null,
                0,
                null,
                List.of(),
                null);
    }

    /**
     * Returns this state with another refill override.
     *
     * @param override the account's own refill settings, or null for its tier's or the config's
     * @return a copy with the override set
     */
    public AccountState withRefillOverride(@Nullable RefillOverride override) {
        return new AccountState(
                user,
                balance,
                funded,
                holds,
                lastHoldSeq,
                operations,
                recentKeys,
                lastSeq,
                lastTransactionAt,
                totalTokens,
                createdAt,
                tier,
                refillAnchor,
                refillPeriod,
                lastRefill,
                windows,
                override);
    }

    /**
     * The credits held by holds still active at the given time.
     *
     * @param now the time
     * @return the sum of active holds
     */
    public Credits heldAt(Instant now) {
        long sum = 0;
        for (Hold h : holds) {
            if (h.isActiveAt(now)) {
                sum = Math.addExact(sum, h.amount().micros());
            }
        }
        return Credits.ofMicros(sum);
    }

    /**
     * The balance minus the holds active at the given time.
     *
     * @param now the time
     * @return the available balance
     */
    public Credits availableAt(Instant now) {
        return balance.minus(heldAt(now));
    }
}
