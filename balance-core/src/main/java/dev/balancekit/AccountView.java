package dev.balancekit;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A user's account as a host or an administrator sees it.
 *
 * @param user the user id
 * @param label the user's e-mail or display label, when a {@link UserDirectory} knows it
 * @param balance the balance
 * @param available the balance minus active holds
 * @param holds the active holds
 * @param lastTransactionAt when the last entry was written, null if never
 * @param totalTokens all prompt and completion tokens ever charged
 * @param refillAt the next time an automatic refill can happen, when known
 * @param tier the account's tier, null when no tiers are configured
 * @param refill the auto-refill settings that apply to the account (its own override, else its
 *     tier's, else the config's), or null when it is not refilled
 */
public record AccountView(
        String user,
        @Nullable String label,
        Credits balance,
        Credits available,
        List<Hold> holds,
        @Nullable Instant lastTransactionAt,
        long totalTokens,
        @Nullable Instant refillAt,
        @Nullable String tier,
        @Nullable Refill refill) {

    /**
     * Validates and copies.
     *
     * @throws NullPointerException if a required field is null
     */
    public AccountView {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(balance, "balance");
        Objects.requireNonNull(available, "available");
        holds = List.copyOf(holds);
    }

    /**
     * Returns the view with a label.
     *
     * @param label the label, or null
     * @return a copy with the label set
     */
    public AccountView withLabel(@Nullable String label) {
        return new AccountView(
                user, label, balance, available, holds, lastTransactionAt, totalTokens, refillAt, tier, refill);
    }
}
