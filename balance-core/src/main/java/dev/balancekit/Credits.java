package dev.balancekit;

/**
 * An exact amount of credits, LibreChat's {@code tokenCredits}: 1,000,000 credits are one US dollar.
 *
 * <p>The amount is held as a {@code long} count of micro-credits (1 credit = 1,000,000 micros), so
 * every amount from -9,223,372,036,854.775808 to 9,223,372,036,854.775807 credits is represented
 * exactly. Arithmetic uses {@code Math.*Exact}: a result that does not fit throws
 * {@link ArithmeticException} instead of wrapping. There is no floating point anywhere on this type.
 *
 * <p>The text form is a plain decimal with no exponent and no trailing zeros ({@code 250},
 * {@code 527065.5}, {@code -0.000001}); {@link #parse(String)} reads it back exactly.
 *
 * @param micros the amount in micro-credits
 */
public record Credits(long micros) implements Comparable<Credits> {

    /** Micro-credits in one credit. */
    public static final long MICROS_PER_CREDIT = 1_000_000L;

    /** Zero credits. */
    public static final Credits ZERO = new Credits(0);

    private static final int SCALE = 6;

    /**
     * Returns the amount of whole credits given.
     *
     * @param credits whole credits
     * @return the amount
     * @throws ArithmeticException if the amount in micro-credits does not fit a {@code long}
     */
    public static Credits of(long credits) {
        return new Credits(Math.multiplyExact(credits, MICROS_PER_CREDIT));
    }

    /**
     * Returns the amount of micro-credits given.
     *
     * @param micros micro-credits
     * @return the amount
     */
    public static Credits ofMicros(long micros) {
        return micros == 0 ? ZERO : new Credits(micros);
    }

    /**
     * Parses a plain decimal number of credits with at most six fractional digits, such as
     * {@code 20000}, {@code -1.5} or {@code 527065.5}.
     *
     * @param text the decimal text
     * @return the exact amount
     * @throws IllegalArgumentException if the text is not a plain decimal, has more than six
     *     fractional digits, or does not fit
     */
    public static Credits parse(String text) {
        return new Credits(parseScaled(text, SCALE, "credits"));
    }

    /**
     * Parses a plain decimal into a {@code long} scaled by {@code 10^scale}, exactly.
     *
     * <p>Shared by {@link Credits} and the pricing rates so that both read decimals the same way.
     *
     * @param text the decimal text
     * @param scale the number of fractional digits kept
     * @param what the name used in error messages
     * @return the scaled value
     * @throws IllegalArgumentException if the text is not a plain decimal, is more precise than the
     *     scale, or does not fit
     */
    public static long parseScaled(String text, int scale, String what) {
        if (text == null) {
            throw new IllegalArgumentException(what + " must be a decimal number, was null");
        }
        String s = text.strip();
        int i = 0;
        boolean negative = false;
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            negative = s.charAt(0) == '-';
            i = 1;
        }
        long value = 0;
        int fraction = -1;
        int digits = 0;
        try {
            for (; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '.' && fraction < 0) {
                    fraction = 0;
                } else if (c == '_' && digits > 0 && fraction < 0) {
                    continue; // 1_000_000, as YAML and Java allow
                } else if (c >= '0' && c <= '9') {
                    if (fraction >= 0) {
                        if (fraction == scale) {
                            if (c != '0') {
                                throw new IllegalArgumentException(what + " must have at most " + scale
                                        + " fractional digits, was '" + text + "'");
                            }
                            continue;
                        }
                        fraction++;
                    }
                    value = Math.addExact(Math.multiplyExact(value, 10L), negative ? -(c - '0') : (c - '0'));
                    digits++;
                } else {
                    throw new IllegalArgumentException(what + " must be a plain decimal number, was '" + text + "'");
                }
            }
            if (digits == 0) {
                throw new IllegalArgumentException(what + " must be a plain decimal number, was '" + text + "'");
            }
            for (int f = Math.max(fraction, 0); f < scale; f++) {
                value = Math.multiplyExact(value, 10L);
            }
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(what + " is too large, was '" + text + "'", e);
        }
        return value;
    }

    /**
     * Formats a scaled {@code long} as a plain decimal without trailing zeros.
     *
     * @param value the scaled value
     * @param scale the number of fractional digits in the value
     * @return the decimal text
     */
    public static String formatScaled(long value, int scale) {
        String digits = Long.toString(value);
        boolean negative = value < 0;
        if (negative) {
            digits = digits.substring(1);
        }
        StringBuilder sb = new StringBuilder(digits.length() + 3);
        if (negative) {
            sb.append('-');
        }
        if (digits.length() <= scale) {
            sb.append("0.");
            sb.append("0".repeat(scale - digits.length()));
            sb.append(digits);
        } else {
            sb.append(digits, 0, digits.length() - scale).append('.').append(digits, digits.length() - scale, digits.length());
        }
        int end = sb.length();
        while (sb.charAt(end - 1) == '0') {
            end--;
        }
        if (sb.charAt(end - 1) == '.') {
            end--;
        }
        sb.setLength(end);
        return sb.toString();
    }

    /**
     * Returns this plus {@code other}.
     *
     * @param other the amount to add
     * @return the sum
     * @throws ArithmeticException on overflow
     */
    public Credits plus(Credits other) {
        return ofMicros(Math.addExact(micros, other.micros));
    }

    /**
     * Returns this minus {@code other}.
     *
     * @param other the amount to subtract
     * @return the difference
     * @throws ArithmeticException on overflow
     */
    public Credits minus(Credits other) {
        return ofMicros(Math.subtractExact(micros, other.micros));
    }

    /**
     * Returns the negated amount.
     *
     * @return {@code -this}
     * @throws ArithmeticException for the one amount whose negation does not fit
     */
    public Credits negate() {
        return ofMicros(Math.negateExact(micros));
    }

    /** @return whether the amount is below zero */
    public boolean isNegative() {
        return micros < 0;
    }

    /** @return whether the amount is above zero */
    public boolean isPositive() {
        return micros > 0;
    }

    /** @return whether the amount is zero */
    public boolean isZero() {
        return micros == 0;
    }

    /**
     * Returns the larger of the two amounts.
     *
     * @param other the other amount
     * @return the larger amount
     */
    public Credits max(Credits other) {
        return micros >= other.micros ? this : other;
    }

    /**
     * Returns the smaller of the two amounts.
     *
     * @param other the other amount
     * @return the smaller amount
     */
    public Credits min(Credits other) {
        return micros <= other.micros ? this : other;
    }

    @Override
    public int compareTo(Credits other) {
        return Long.compare(micros, other.micros);
    }

    /** @return the plain decimal text, for example {@code 527065.5} */
    @Override
    public String toString() {
        return formatScaled(micros, SCALE);
    }
}
