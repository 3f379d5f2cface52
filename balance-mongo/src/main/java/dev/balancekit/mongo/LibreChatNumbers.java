package dev.balancekit.mongo;

import dev.balancekit.Credits;
import dev.balancekit.pricing.Rate;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;

/**
 * LibreChat's numbers (JavaScript numbers, stored as BSON doubles, or as Int32 / Int64 / Decimal128
 * when a tool wrote them) read as exact decimals, then rounded once to BalanceKit's units.
 *
 * <p>A double is taken at the shortest decimal that reads back as the same double, which is the
 * number LibreChat itself shows and sends to its web client ({@code 15000.5}, {@code 0.1}), not the
 * binary fraction behind it. No arithmetic happens in floating point.
 */
final class LibreChatNumbers {
    private static final BigDecimal NANOS = BigDecimal.valueOf(Rate.NANOS_PER_CREDIT);
    /** Fractional digits of a micro-credit. */
    private static final int MICRO_DIGITS = 6;

    private LibreChatNumbers() {}

    /**
     * The exact decimal of a numeric value.
     *
     * @param field the field name, for the message
     * @param v the value, or null
     * @return the decimal, or null when the value is absent or null
     * @throws IllegalArgumentException if the value is not a finite number
     */
    static @Nullable BigDecimal decimal(String field, @Nullable BsonValue v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isInt32()) {
            return BigDecimal.valueOf(v.asInt32().getValue());
        }
        if (v.isInt64()) {
            return BigDecimal.valueOf(v.asInt64().getValue());
        }
        if (v.isDouble()) {
            double d = v.asDouble().getValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException(field + " must be a finite number, was " + d);
            }
            return new BigDecimal(Double.toString(d));
        }
        if (v.isDecimal128() && v.asDecimal128().getValue().isFinite()) {
            return v.asDecimal128().getValue().bigDecimalValue();
        }
        throw new IllegalArgumentException(
                field + " must be a number, was " + v.getBsonType().name().toLowerCase(Locale.ROOT));
    }

    /**
     * The decimal rounded to the nearest micro-credit (half to even).
     *
     * @throws IllegalArgumentException if it does not fit a balance
     */
    static Credits credits(String field, BigDecimal value) {
        try {
            return Credits.ofMicros(value.setScale(MICRO_DIGITS, RoundingMode.HALF_EVEN)
                    .unscaledValue()
                    .longValueExact());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(field + " is too large for micro-credits, was " + value, e);
        }
    }

    /** What rounding to micro-credits left out: the decimal minus the rounded value. */
    static BigDecimal rounding(BigDecimal value) {
        return value.subtract(value.setScale(MICRO_DIGITS, RoundingMode.HALF_EVEN))
                .stripTrailingZeros();
    }

    /** A rate in credits per token, rounded to the nearest nano-credit; a negative rate counts as its size. */
    static Rate rate(BigDecimal value) {
        return Rate.ofNanos(
                value.abs().multiply(NANOS).setScale(0, RoundingMode.HALF_EVEN).longValueExact());
    }

    /** A token count, rounded to a whole token. */
    static long tokens(BigDecimal value) {
        return value.setScale(0, RoundingMode.HALF_EVEN).longValueExact();
    }
}
