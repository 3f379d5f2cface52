package dev.balancekit;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The result of {@code reserve}: the decision and, when allowed, the hold made for it.
 *
 * @param decision the balance decision
 * @param hold the hold made, present exactly when the decision allows the call
 * @param replay true when this is the result of an earlier call with the same idempotency key
 */
public record Reservation(
        BalanceDecision decision, @Nullable Hold hold, boolean replay) {

    /**
     * Validates.
     *
     * @throws IllegalArgumentException if a hold is present on a denial or missing on an allowance
     */
    public Reservation {
        Objects.requireNonNull(decision, "decision");
        if (decision.isAllowed() != (hold != null)) {
            throw new IllegalArgumentException(
                    "a hold must be present exactly when allowed, was " + hold + " for " + decision.status());
        }
    }

    /** @return whether the host may call the model in {@code decision().model()} */
    public boolean isAllowed() {
        return decision.isAllowed();
    }

    /** @return the id of the hold, or null when denied */
    public @Nullable String holdId() {
        return hold == null ? null : hold.id();
    }
}
