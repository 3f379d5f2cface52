package dev.balancekit;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
     * A plain decimal: an optional sign, digits that may be grouped with {@code _} after the first
     * one (as YAML and Java allow), and an optional fraction; {@code 2.} and {@code .5} are
     * accepted, an exponent is not. Group 1 is the integer digits, group 2 the fraction digits.
     */
    private static final Pattern PLAIN_DECIMAL = Pattern.compile("[+-]?([0-9][0-9_]*)?(?:\\.([0-9]+)?)?");

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
     * Parses a plain decimal number exactly into a fixed-point {@code long}: the number times
     * {@code 10^scale}. This is how BalanceKit reads every decimal it is given: credits (scale 6,
     * {@link #parse}), price multipliers (6), rates (9 per token) and whole-number thresholds (0); a
     * host that reads such values from its own source (a form, a file) uses it to accept exactly
     * what BalanceKit accepts, with the same messages.
     *
     * <p>A plain decimal is an optional sign, digits (underscores allowed after the first) and an
     * optional fraction, such as {@code 20_000}, {@code -1.5} or {@code .25}; surrounding white
     * space is ignored. Nothing is rounded: more fractional digits than {@code scale} are rejected,
     * unless the extra ones are zeros. No exponent, no grouping commas.
     *
     * @param text the decimal text
     * @param scale the number of fractional digits kept, 0 to 18
     * @param what the name of the value in error messages, such as a field name
     * @return the value times {@code 10^scale}
     * @throws IllegalArgumentException naming {@code what} and the text if the text is not a plain
     *     decimal, is more precise than the scale, or does not fit a {@code long}; naming the scale
     *     if it is out of range
     */
    public static long parseScaled(String text, int scale, String what) {
        requireScale(scale);
        if (text == null) {
            throw new IllegalArgumentException(what + " must be a decimal number, was null");
        }
        String s = text.strip();
        Matcher m = PLAIN_DECIMAL.matcher(s);
        m.lookingAt(); // every part is optional: matches at least the empty prefix
        // The longest plain-decimal prefix is judged first, so a value that is too large or too
        // precise before some stray character is reported as such, as a left-to-right reader would.
        String prefix = s.substring(0, m.end()).replace("_", "");
        if (m.group(1) != null || m.group(2) != null) {
            BigDecimal value = new BigDecimal(prefix);
            try {
                value.setScale(Math.min(value.scale(), scale), RoundingMode.DOWN)
                        .unscaledValue()
                        .longValueExact();
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(what + " is too large, was '" + text + "'", e);
            }
            if (value.scale() > scale && value.stripTrailingZeros().scale() > scale) {
                throw new IllegalArgumentException(
                        what + " must have at most " + scale + " fractional digits, was '" + text + "'");
            }
            if (m.end() == s.length()) {
                try {
                    return value.setScale(scale, RoundingMode.UNNECESSARY)
                            .unscaledValue()
                            .longValueExact();
                } catch (ArithmeticException e) {
                    throw new IllegalArgumentException(what + " is too large, was '" + text + "'", e);
                }
            }
        }
        throw new IllegalArgumentException(what + " must be a plain decimal number, was '" + text + "'");
    }

    /**
     * Formats a fixed-point {@code long} (a number times {@code 10^scale}) as a plain decimal
     * without trailing zeros, such as {@code 1.5} or {@code -20000}: the text
     * {@link #parseScaled} reads back to the same value at the same scale.
     *
     * @param value the number times {@code 10^scale}
     * @param scale the number of fractional digits in the value, 0 to 18
     * @return the decimal text
     * @throws IllegalArgumentException if the scale is out of range
     */
    public static String formatScaled(long value, int scale) {
        requireScale(scale);
        return BigDecimal.valueOf(value, scale).stripTrailingZeros().toPlainString();
    }

    private static void requireScale(int scale) {
        if (scale < 0 || scale > 18) {
            throw new IllegalArgumentException("scale must be between 0 and 18, was " + scale);
        }
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

    /**
     * The exact amount as a decimal with as few fractional digits as it needs (scale 0 to 6), so that
     * its {@code toString()} is this amount's text: what a JSON library writes as the number
     * {@code 527065.5}.
     *
     * @return the amount in credits
     */
    public BigDecimal toBigDecimal() {
        BigDecimal d = BigDecimal.valueOf(micros, SCALE).stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0) : d;
    }

    /** @return the plain decimal text, for example {@code 527065.5} */
    @Override
    public String toString() {
        return formatScaled(micros, SCALE);
    }
}
