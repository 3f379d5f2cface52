package dev.balancekit.policy;

import dev.balancekit.Credits;
import dev.balancekit.DenialReason;
import org.jspecify.annotations.Nullable;

/**
 * What to do when a request's estimated cost does not fit: the available balance minus the cost
 * would fall below the minimum balance.
 *
 * <p>The ledger asks the policy only on a shortfall, and only for callers that are checked.
 * Implementations must be pure and thread-safe: the ledger may ask again for the same request when
 * it retries a write.
 */
@FunctionalInterface
public interface ShortfallPolicy {

    /**
     * Decides a request that does not fit.
     *
     * @param shortfall the account and request figures
     * @return allow, deny with a reason, or fall back to another model
     */
    PolicyVerdict onShortfall(Shortfall shortfall);

    /**
     * Refuses requests that do not fit (the default). The reason is
     * {@link DenialReason#BELOW_MINIMUM_BALANCE} when the cost alone would fit but the minimum
     * balance would not be kept, {@link DenialReason#INSUFFICIENT_BALANCE} otherwise.
     *
     * @return the block policy
     */
    static ShortfallPolicy block() {
        return Policies.BLOCK;
    }

    /**
     * Lets the balance go negative, down to a floor when one is given (a credit line).
     *
     * @param floor the lowest balance a request may take the account to, at most zero; null for no
     *     floor
     * @return the policy
     * @throws IllegalArgumentException if the floor is above zero
     */
    static ShortfallPolicy allowNegative(@Nullable Credits floor) {
        if (floor != null && floor.isPositive()) {
            throw new IllegalArgumentException("negativeFloor must be zero or below, was " + floor);
        }
        return new Policies.AllowNegative(floor);
    }

    /**
     * Answers requests that do not fit with a free model instead.
     *
     * @param model the model to use instead
     * @return the policy
     * @throws IllegalArgumentException if the model is blank
     */
    static ShortfallPolicy freeModel(String model) {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException(
                    "freeModel must not be blank, was " + (model == null ? "null" : "'" + model + "'"));
        }
        return new Policies.FreeModel(model);
    }
}
