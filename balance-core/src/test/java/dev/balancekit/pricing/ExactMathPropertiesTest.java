package dev.balancekit.pricing;

import static dev.balancekit.property.Property.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.balancekit.property.Gen;
import java.math.BigInteger;
import java.util.function.LongSupplier;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class ExactMathPropertiesTest {

    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);
    private static final Gen<Long> NON_NEGATIVE = Gen.longs(0, Long.MAX_VALUE);
    private static final Gen<Long> POSITIVE = Gen.longs(1, Long.MAX_VALUE);

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

    private record MulDiv(long a, long b, long d) {}

    @Test
    void ceilMulDiv_equalsBigIntegerCeiling() {
        Gen<MulDiv> cases = r -> new MulDiv(NON_NEGATIVE.next(r), NON_NEGATIVE.next(r), POSITIVE.next(r));
        forAll(cases, c -> {
            long a = c.a();
            long b = c.b();
            long d = c.d();
            BigInteger expected = ceil(BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)), d);
            assertMatches(expected, () -> ExactMath.ceilMulDiv(a, b, d), () -> ExactMath.ceilMulDiv(a, b, d));
        });
    }

    private record Charge(long tokens, long nanos, long d) {}

    // the range a real charge lives in: up to 2e9 tokens at up to 1000 credits per token, in micros or finer
    @Test
    void ceilMulDiv_smallOperands_equalsBigIntegerCeiling() {
        Gen<Long> tokens = Gen.longs(0, 2_000_000_000L);
        Gen<Long> nanos = Gen.longs(0, 1_000_000_000_000L);
        Gen<Long> divisors = Gen.longs(1_000, 100_000);
        Gen<Charge> cases = r -> new Charge(tokens.next(r), nanos.next(r), divisors.next(r));
        forAll(cases, c -> {
            BigInteger expected = ceil(BigInteger.valueOf(c.tokens()).multiply(BigInteger.valueOf(c.nanos())), c.d());
            assertThat(ExactMath.ceilMulDiv(c.tokens(), c.nanos(), c.d())).isEqualTo(expected.longValueExact());
        });
    }

    private record SumOfProducts(long a1, long b1, long a2, long b2, long c2, long d) {}

    @Test
    void ceilDiv_sumOfProducts_roundsOnceAndEqualsBigInteger() {
        Gen<Long> a2s = Gen.longs(0, 1_000_000_000L);
        Gen<Long> c2s = Gen.longs(0, 1000);
        Gen<SumOfProducts> cases = r -> new SumOfProducts(
                NON_NEGATIVE.next(r),
                NON_NEGATIVE.next(r),
                a2s.next(r),
                NON_NEGATIVE.next(r),
                c2s.next(r),
                POSITIVE.next(r));
        forAll(cases, c -> {
            long a1 = c.a1();
            long b1 = c.b1();
            long a2 = c.a2();
            long b2 = c.b2();
            long c2 = c.c2();
            long d = c.d();
            BigInteger sum = BigInteger.valueOf(a1)
                    .multiply(BigInteger.valueOf(b1))
                    .add(BigInteger.valueOf(a2).multiply(BigInteger.valueOf(b2)).multiply(BigInteger.valueOf(c2)));
            BigInteger expected = ceil(sum, d);
            assertMatches(
                    expected,
                    () -> ExactMath.ceilDiv(d, new long[] {a1, b1}, new long[] {a2, b2, c2}),
                    () -> ExactMath.ceilDiv(d, new long[] {a1, b1}, new long[] {a2, b2, c2}));
        });
    }
}
