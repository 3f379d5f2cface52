package dev.balancekit.spi;

import java.util.Objects;

/**
 * An account state as loaded, with the version a compare-and-set must name to replace it.
 *
 * @param state the state
 * @param version the version, 1 or more; each successful write increments it
 */
public record StoredAccount(AccountState state, long version) {

    /**
     * Validates.
     *
     * @throws IllegalArgumentException if the version is below 1
     */
    public StoredAccount {
        Objects.requireNonNull(state, "state");
        if (version < 1) {
            throw new IllegalArgumentException("version must be 1 or more, was " + version);
        }
    }
}
