package dev.balancekit;

import java.util.Objects;

/**
 * What a group of ledger entries adds up to. Exact: credits are {@link Credits}, sums overflow
 * with an {@link ArithmeticException}, never wrap.
 *
 * @param spent credits charged for model usage (prompt and completion entries), positive for a
 *     charge
 * @param credited the net credits moved without tokens (start balance, admin top-ups and
 *     adjustments, refills, refunds); negative when an adjustment took more than was added
 * @param promptTokens prompt tokens charged, cache writes and reads included
 * @param completionTokens completion tokens charged
 * @param entries the number of entries
 */
public record UsageAmounts(Credits spent, Credits credited, long promptTokens, long completionTokens, long entries) {

    /** Nothing at all. */
    public static final UsageAmounts ZERO = new UsageAmounts(Credits.ZERO, Credits.ZERO, 0, 0, 0);

    /**
     * Validates.
     *
     * @throws NullPointerException if an amount is null
     * @throws IllegalArgumentException if a count is negative
     */
    public UsageAmounts {
        Objects.requireNonNull(spent, "spent");
        Objects.requireNonNull(credited, "credited");
        if (promptTokens < 0 || completionTokens < 0 || entries < 0) {
            throw new IllegalArgumentException("token and entry counts must not be negative, were " + promptTokens
                    + ", " + completionTokens + ", " + entries);
        }
    }

    /**
     * Returns what one entry counts.
     *
     * @param e the entry
     * @return its amounts
     */
    public static UsageAmounts of(LedgerEntry e) {
        return switch (e.tokenType()) {
            case PROMPT -> new UsageAmounts(e.tokenValue().negate(), Credits.ZERO, e.tokens(), 0, 1);
            case COMPLETION -> new UsageAmounts(e.tokenValue().negate(), Credits.ZERO, 0, e.tokens(), 1);
            case CREDITS -> new UsageAmounts(Credits.ZERO, e.tokenValue(), 0, 0, 1);
        };
    }

    /**
     * Adds two sets of amounts.
     *
     * @param other the other amounts
     * @return the sums
     * @throws ArithmeticException on overflow
     */
    public UsageAmounts plus(UsageAmounts other) {
        return new UsageAmounts(
                spent.plus(other.spent),
                credited.plus(other.credited),
                Math.addExact(promptTokens, other.promptTokens),
                Math.addExact(completionTokens, other.completionTokens),
                Math.addExact(entries, other.entries));
    }

    /**
     * @return prompt plus completion tokens
     * @throws ArithmeticException on overflow
     */
    public long tokens() {
        return Math.addExact(promptTokens, completionTokens);
    }
}
