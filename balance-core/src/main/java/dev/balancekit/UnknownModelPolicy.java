package dev.balancekit;

import dev.balancekit.pricing.MatchKind;

/**
 * What a ledger does with a model that has no price of its own: one priced only by a generic row or
 * by the default price ({@link MatchKind#isFallback()}). Either way such charges are counted and the
 * first one of each model is reported as a {@link BalanceEvent.FallbackPrice}.
 */
public enum UnknownModelPolicy {
    /** Charge it at that price, as LibreChat does (the default). */
    CHARGE,
    /**
     * Deny checks and reservations for it with {@link DenialReason#UNKNOWN_MODEL}, naming the model.
     * Usage that already happened is still charged.
     */
    REFUSE;

    /**
     * Returns the policy for its name in config files, in any case: {@code charge} or {@code refuse}.
     *
     * @param name the name
     * @return the policy
     * @throws IllegalArgumentException if the name is neither
     */
    public static UnknownModelPolicy fromConfigName(String name) {
        for (UnknownModelPolicy p : values()) {
            if (p.name().equalsIgnoreCase(name.strip())) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknownModels must be one of charge, refuse, was '" + name + "'");
    }
}
