package dev.balancekit.pricing;

import dev.balancekit.Credits;

/**
 * A price per token, exact to nine decimal places of a credit.
 *
 * <p>The rate is held as a {@code long} count of nano-credits per token (1 nano-credit =
 * 0.000000001 credit). Credits per token is the same number as LibreChat's "USD per 1M tokens", so
 * a table row {@code gpt-4o: 2.5} is {@code Rate.perToken("2.5")}. LibreChat's documented "standard
 * format", credits per 1,000 tokens, converts exactly as well: {@code Rate.perThousandTokens("2500")}
 * is the same rate.
 *
 * <p><b>Rounding rule.</b> A charge is {@code tokens x rate}, computed exactly in nano-credits and then
 * rounded <em>up</em> to a whole micro-credit, the unit of {@link Credits}: a provider is never
 * under-charged, and the error is below one micro-credit per rounding. One token at
 * {@code 0.0000001} credits per token (100 nano-credits) costs one micro-credit.
 *
 * @param nanosPerToken nano-credits per token, not negative
 */
public record Rate(long nanosPerToken) implements Comparable<Rate> {

    /** Nano-credits in one credit. */
    public static final long NANOS_PER_CREDIT = 1_000_000_000L;

    /** A rate of nothing per token. */
    public static final Rate ZERO = new Rate(0);

    /** Nano-credits in one micro-credit: the divisor of every charge. */
    static final long NANOS_PER_MICRO = 1_000L;

    private static final int NANO_SCALE = 9;
    private static final int MICRO_SCALE = 6;

    /**
     * Validates the rate.
     *
     * @param nanosPerToken nano-credits per token, not negative
     * @throws IllegalArgumentException if {@code nanosPerToken} is negative
     */
    public Rate {
        if (nanosPerToken < 0) {
            throw new IllegalArgumentException("nanosPerToken must not be negative, was " + nanosPerToken);
        }
    }

    /**
     * Returns the rate of the given number of nano-credits per token.
     *
     * @param nanosPerToken nano-credits per token
     * @return the rate
     * @throws IllegalArgumentException if {@code nanosPerToken} is negative
     */
    public static Rate ofNanos(long nanosPerToken) {
        return nanosPerToken == 0 ? ZERO : new Rate(nanosPerToken);
    }

    /**
     * Parses a rate in credits per token, which is the same number as USD per 1M tokens: a plain
     * decimal with at most nine fractional digits, such as {@code 2.5} or {@code 0.075}.
     *
     * @param creditsPerToken the decimal text
     * @return the exact rate
     * @throws IllegalArgumentException if the text is not a plain decimal
     * @throws IllegalArgumentException if the text has more than nine fractional digits
     * @throws IllegalArgumentException if the rate is negative
     * @throws IllegalArgumentException if the rate does not fit
     */
    public static Rate perToken(String creditsPerToken) {
        return parse(creditsPerToken, NANO_SCALE, "creditsPerToken");
    }

    /**
     * Parses a rate in credits per 1,000 tokens (LibreChat's documented "standard format"): a plain
     * decimal with at most six fractional digits, such as {@code 2500}. It is divided by 1,000
     * exactly, so {@code perThousandTokens("2500")} equals {@code perToken("2.5")}.
     *
     * @param creditsPerThousandTokens the decimal text
     * @return the exact rate
     * @throws IllegalArgumentException if the text is not a plain decimal
     * @throws IllegalArgumentException if the text has more than six fractional digits
     * @throws IllegalArgumentException if the rate is negative
     * @throws IllegalArgumentException if the rate does not fit
     */
    public static Rate perThousandTokens(String creditsPerThousandTokens) {
        // micro-credits per 1,000 tokens are exactly nano-credits per token
        return parse(creditsPerThousandTokens, MICRO_SCALE, "creditsPerThousandTokens");
    }

    /** Parses credits per token under the name {@code what}, for every reader of rates in this package. */
    static Rate parsePerToken(String text, String what) {
        return parse(text, NANO_SCALE, what);
    }

    private static Rate parse(String text, int scale, String what) {
        long nanos = Credits.parseScaled(text, scale, what);
        if (nanos < 0) {
            throw new IllegalArgumentException(what + " must not be negative, was '" + text + "'");
        }
        return ofNanos(nanos);
    }

    /**
     * Returns the cost of {@code tokens} tokens at this rate, rounded up to a whole micro-credit:
     * {@code ceil(tokens x nanosPerToken / 1000)} micro-credits.
     *
     * @param tokens the token count
     * @return the cost, never negative
     * @throws IllegalArgumentException if {@code tokens} is negative
     * @throws ArithmeticException if the cost does not fit {@link Credits}
     */
    public Credits costOf(long tokens) {
        if (tokens < 0) {
            throw new IllegalArgumentException("tokens must not be negative, was " + tokens);
        }
        return Credits.ofMicros(ExactMath.ceilMulDiv(tokens, nanosPerToken, NANOS_PER_MICRO));
    }

    /**
     * Returns this rate times {@code numerator / denominator}, rounded up to a whole nano-credit.
     * {@code scaled(115, 100)} is LibreChat's rate for the completion of an aborted stream.
     *
     * @param numerator the multiplier's numerator
     * @param denominator the multiplier's denominator
     * @return the scaled rate
     * @throws IllegalArgumentException if {@code numerator} is negative
     * @throws IllegalArgumentException if {@code denominator} is not positive
     * @throws ArithmeticException if the scaled rate does not fit a {@code long}
     */
    public Rate scaled(long numerator, long denominator) {
        if (numerator < 0) {
            throw new IllegalArgumentException("numerator must not be negative, was " + numerator);
        }
        if (denominator <= 0) {
            throw new IllegalArgumentException("denominator must be positive, was " + denominator);
        }
        return ofNanos(ExactMath.ceilMulDiv(nanosPerToken, numerator, denominator));
    }

    @Override
    public int compareTo(Rate other) {
        return Long.compare(nanosPerToken, other.nanosPerToken);
    }

    /**
     * Returns the rate as a plain decimal number of credits per token.
     *
     * @return the decimal text, for example {@code 2.5} or {@code 0.075}
     */
    @Override
    public String toString() {
        return Credits.formatScaled(nanosPerToken, NANO_SCALE);
    }
}
