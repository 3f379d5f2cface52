package dev.balancekit.pricing;

import java.math.BigInteger;

/**
 * The one place where prices are multiplied and rounded.
 *
 * <p>Every charge is a sum of products of non-negative {@code long}s divided by a positive
 * divisor and rounded up. The sum is computed with {@code Math.*Exact}; only when that overflows is
 * it recomputed with {@link BigInteger}, so the result is always exact and the common case needs
 * no big-number arithmetic.
 */
final class ExactMath {

    private ExactMath() {}

    /**
     * Returns {@code ceil(a * b / divisor)}.
     *
     * @throws ArithmeticException if the result does not fit a {@code long}
     */
    static long ceilMulDiv(long a, long b, long divisor) {
        return ceilDiv(divisor, new long[] {a, b});
    }

    /**
     * Returns {@code ceil(sum(product(term)) / divisor)}, where each term is a list of factors.
     * Factors must not be negative and the divisor must be positive; callers check their inputs.
     *
     * @throws ArithmeticException if the result does not fit a {@code long}
     */
    static long ceilDiv(long divisor, long[]... terms) {
        if (divisor <= 0) {
            throw new IllegalArgumentException("divisor must be positive, was " + divisor);
        }
        for (long[] term : terms) {
            for (long factor : term) {
                if (factor < 0) {
                    throw new IllegalArgumentException("factor must not be negative, was " + factor);
                }
            }
        }
        long sum = 0;
        try {
            for (long[] term : terms) {
                long product = 1;
                for (long factor : term) {
                    product = Math.multiplyExact(product, factor);
                }
                sum = Math.addExact(sum, product);
            }
        } catch (ArithmeticException overflow) {
            return bigCeilDiv(divisor, terms);
        }
        // sum >= 0 and divisor > 0, so this is the ceiling without Math.ceilDiv (Java 18).
        long quotient = sum / divisor;
        return sum % divisor == 0 ? quotient : quotient + 1;
    }

    private static long bigCeilDiv(long divisor, long[]... terms) {
        BigInteger sum = BigInteger.ZERO;
        for (long[] term : terms) {
            BigInteger product = BigInteger.ONE;
            for (long factor : term) {
                product = product.multiply(BigInteger.valueOf(factor));
            }
            sum = sum.add(product);
        }
        BigInteger[] qr = sum.divideAndRemainder(BigInteger.valueOf(divisor));
        BigInteger quotient = qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
        return quotient.longValueExact();
    }
}
