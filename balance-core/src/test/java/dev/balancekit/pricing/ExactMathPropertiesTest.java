package dev.balancekit.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.function.LongSupplier;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Positive;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

class ExactMathPropertiesTest {

    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    /** The reference: ceil(n / d) for n >= 0, d > 0, in BigInteger. */
    private static BigInteger ceil(BigInteger n, long d) {
        return n.add(BigInteger.valueOf(d - 1)).divide(BigInteger.valueOf(d));
    }

    private static void assertMatches(BigInteger expected, ThrowingCallable call, LongSupplier actual) {
        if (expected.compareTo(LONG_MAX) > 0) {
            assertThatThrownBy(call).isInstanceOf(ArithmeticException.class);
        } else {
            assertThat(actual.getAsLong()).isEqualTo(expected.longValueExact());
        }
    }

    @Property
    void ceilMulDiv_equalsBigIntegerCeiling(
            @ForAll @LongRange(min = 0) long a, @ForAll @LongRange(min = 0) long b, @ForAll @Positive long d) {
        BigInteger expected = ceil(BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)), d);
        assertMatches(expected, () -> ExactMath.ceilMulDiv(a, b, d), () -> ExactMath.ceilMulDiv(a, b, d));
    }

    // the range a real charge lives in: up to 2e9 tokens at up to 1000 credits per token, in micros or finer
    @Property
    void ceilMulDiv_smallOperands_equalsBigIntegerCeiling(
            @ForAll @LongRange(min = 0, max = 2_000_000_000L) long tokens,
            @ForAll @LongRange(min = 0, max = 1_000_000_000_000L) long nanos,
            @ForAll @LongRange(min = 1_000, max = 100_000) long d) {
        BigInteger expected = ceil(BigInteger.valueOf(tokens).multiply(BigInteger.valueOf(nanos)), d);
        assertThat(ExactMath.ceilMulDiv(tokens, nanos, d)).isEqualTo(expected.longValueExact());
    }

    @Property
    void ceilDiv_sumOfProducts_roundsOnceAndEqualsBigInteger(
            @ForAll @LongRange(min = 0) long a1, @ForAll @LongRange(min = 0) long b1,
            @ForAll @LongRange(min = 0, max = 1_000_000_000L) long a2, @ForAll @LongRange(min = 0) long b2,
            @ForAll @LongRange(min = 0, max = 1000) long c2, @ForAll @Positive long d) {
        BigInteger sum = BigInteger.valueOf(a1).multiply(BigInteger.valueOf(b1))
                .add(BigInteger.valueOf(a2).multiply(BigInteger.valueOf(b2)).multiply(BigInteger.valueOf(c2)));
        BigInteger expected = ceil(sum, d);
        assertMatches(expected, () -> ExactMath.ceilDiv(d, new long[] {a1, b1}, new long[] {a2, b2, c2}),
                () -> ExactMath.ceilDiv(d, new long[] {a1, b1}, new long[] {a2, b2, c2}));
    }
}
