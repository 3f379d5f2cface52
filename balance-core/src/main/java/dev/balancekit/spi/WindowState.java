package dev.balancekit.spi;

import dev.balancekit.UsageWindow;
import java.util.Objects;

/**
 * What an account has spent in its current calendar window. Only the current window is kept; the
 * first operation in a new window starts it from zero.
 *
 * @param window which window
 * @param key the window's key ({@code 2026-11-27}, {@code 2026-W48}, {@code 2026-11})
 * @param spentMicros micro-credits charged in the window (holds not included)
 * @param tokens tokens charged in the window
 * @param notifiedPercent the highest configured percentage already reported for this window, 0 if none
 */
public record WindowState(UsageWindow window, String key, long spentMicros, long tokens, int notifiedPercent) {

    /**
     * Validates.
     *
     * @throws NullPointerException if the window or key is null
     */
    public WindowState {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(key, "key");
    }
}
