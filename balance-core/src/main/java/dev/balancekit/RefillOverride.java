package dev.balancekit;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One account's own auto-refill settings, which win over its tier's and the config's: LibreChat's
 * per-user {@code autoRefillEnabled}, {@code refillIntervalValue}, {@code refillIntervalUnit} and
 * {@code refillAmount}, as {@link dev.balancekit.spi.AccountState#refillOverride()} keeps them.
 *
 * @param enabled whether the account is refilled automatically; false turns refills off for the
 *     account even when its tier or the config refills
 * @param settings the refill settings; required when enabled, kept (when known) while disabled
 */
public record RefillOverride(boolean enabled, @Nullable Refill settings) {

    /**
     * Validates.
     *
     * @throws IllegalArgumentException if enabled without settings
     */
    public RefillOverride {
        if (enabled && settings == null) {
            throw new IllegalArgumentException("refillOverride must have settings when enabled, was enabled without");
        }
    }

    /**
     * An override that refills the account by the given settings.
     *
     * @param settings the settings
     * @return the override
     */
    public static RefillOverride of(Refill settings) {
        return new RefillOverride(true, Objects.requireNonNull(settings, "settings"));
    }

    /**
     * The refill that applies to the account under this override.
     *
     * @return the settings when enabled, null when refills are off
     */
    public @Nullable Refill effective() {
        return enabled ? settings : null;
    }
}
