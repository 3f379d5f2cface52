package dev.balancekit;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A user's usage in one calendar window, counting active holds.
 *
 * @param window the window
 * @param key the window's key ({@code 2026-11-27}, {@code 2026-W48}, {@code 2026-11})
 * @param spent credits charged in the window plus credits held by active holds
 * @param tokens tokens charged in the window plus tokens reserved by active holds
 * @param limit the credit cap, or null
 * @param tokenLimit the token cap, or null
 * @param resetsAt when the next window starts
 */
public record WindowUsage(
        UsageWindow window,
        String key,
        Credits spent,
        long tokens,
        @Nullable Credits limit,
        @Nullable Long tokenLimit,
        Instant resetsAt) {

    /**
     * Validates.
     *
     * @throws NullPointerException if a required field is null
     */
    public WindowUsage {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(spent, "spent");
        Objects.requireNonNull(resetsAt, "resetsAt");
    }

    /**
     * The share of the tighter cap used, in whole percent rounded down (0 without caps).
     *
     * @return the percentage, possibly above 100
     */
    public int percentUsed() {
        long p = 0;
        if (limit != null) {
            p = Math.max(p, percent(Math.max(spent.micros(), 0), limit.micros()));
        }
        if (tokenLimit != null) {
            p = Math.max(p, percent(tokens, tokenLimit));
        }
        return (int) Math.min(p, Integer.MAX_VALUE);
    }

    private static long percent(long used, long cap) {
        return java.math.BigInteger.valueOf(used)
                .multiply(java.math.BigInteger.valueOf(100))
                .divide(java.math.BigInteger.valueOf(cap))
                .min(java.math.BigInteger.valueOf(Integer.MAX_VALUE))
                .longValue();
    }
}
