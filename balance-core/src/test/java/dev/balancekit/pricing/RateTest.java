package dev.balancekit.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.balancekit.Credits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RateTest {

    @ParameterizedTest
    @CsvSource({
        "2.5, 2500000000",
        "0.075, 75000000",
        "0.000000001, 1",
        "0, 0",
        "15, 15000000000",
        "1_000, 1000000000000"
    })
    void perToken_creditsPerToken_isExactNanos(String text, long nanos) {
        assertThat(Rate.perToken(text).nanosPerToken()).isEqualTo(nanos);
    }

    @ParameterizedTest
    @CsvSource({"2500, 2.5", "1000, 1", "0.000001, 0.000000001", "75, 0.075", "0, 0"})
    void perThousandTokens_dividesByThousandExactly(String perThousand, String perToken) {
        assertThat(Rate.perThousandTokens(perThousand)).isEqualTo(Rate.perToken(perToken));
    }

    @Test
    void ofNanos_andZero() {
        assertThat(Rate.ofNanos(1_500_000_000L)).isEqualTo(Rate.perToken("1.5"));
        assertThat(Rate.ofNanos(0)).isSameAs(Rate.ZERO);
        assertThat(Rate.ZERO.nanosPerToken()).isZero();
    }

    @Test
    void perToken_tooManyDecimals_rejected() {
        assertThatThrownBy(() -> Rate.perToken("0.0000000001"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("creditsPerToken must have at most 9 fractional digits, was '0.0000000001'");
    }

    @Test
    void perThousandTokens_tooManyDecimals_rejected() {
        assertThatThrownBy(() -> Rate.perThousandTokens("0.0000001"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("creditsPerThousandTokens must have at most 6 fractional digits, was '0.0000001'");
    }

    @Test
    void perToken_negative_rejected() {
        assertThatThrownBy(() -> Rate.perToken("-1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("creditsPerToken must not be negative, was '-1'");
        assertThatThrownBy(() -> Rate.perThousandTokens("-0.5"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("creditsPerThousandTokens must not be negative, was '-0.5'");
    }

    @Test
    void perToken_garbage_rejected() {
        assertThatThrownBy(() -> Rate.perToken("2.5 USD"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("creditsPerToken must be a plain decimal number, was '2.5 USD'");
    }

    @Test
    void perToken_tooLarge_rejected() {
        assertThatThrownBy(() -> Rate.perToken("10000000000"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("creditsPerToken is too large, was '10000000000'");
    }

    @Test
    void constructor_negativeNanos_rejected() {
        assertThatThrownBy(() -> new Rate(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("nanosPerToken must not be negative, was -1");
        assertThatThrownBy(() -> Rate.ofNanos(-7))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("nanosPerToken must not be negative, was -7");
    }

    @ParameterizedTest
    @CsvSource({"2.5, 2.5", "2.500, 2.5", "0.075, 0.075", "0, 0", "15, 15", "0.000000001, 0.000000001"})
    void toString_isPlainCreditsPerToken(String text, String shown) {
        assertThat(Rate.perToken(text)).hasToString(shown);
    }

    @Test
    void costOf_exactProduct_isNotRounded() {
        assertThat(Rate.perToken("1.5").costOf(100)).isEqualTo(Credits.parse("150"));
        assertThat(Rate.perToken("3.75").costOf(140_522)).isEqualTo(Credits.parse("526957.5"));
        assertThat(Rate.perToken("0.0000001").costOf(10)).isEqualTo(Credits.ofMicros(1));
    }

    @Test
    void costOf_fractionOfMicro_roundsUp() {
        assertThat(Rate.perToken("0.0000001").costOf(1)).isEqualTo(Credits.ofMicros(1));
        assertThat(Rate.perToken("0.0000001").costOf(11)).isEqualTo(Credits.ofMicros(2));
        assertThat(Rate.perToken("0.000000001").costOf(1)).isEqualTo(Credits.ofMicros(1));
    }

    @Test
    void costOf_zeroTokensOrZeroRate_isZero() {
        assertThat(Rate.perToken("6").costOf(0)).isEqualTo(Credits.ZERO);
        assertThat(Rate.ZERO.costOf(1_000_000)).isEqualTo(Credits.ZERO);
    }

    @Test
    void costOf_negativeTokens_rejected() {
        assertThatThrownBy(() -> Rate.perToken("1").costOf(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tokens must not be negative, was -1");
    }

    @Test
    void costOf_productBeyondLong_isStillExact() {
        // 1000 x Long.MAX_VALUE nanos overflows a long, but the result in micros fits exactly
        assertThat(Rate.ofNanos(Long.MAX_VALUE).costOf(1000)).isEqualTo(Credits.ofMicros(Long.MAX_VALUE));
    }

    @Test
    void costOf_resultBeyondLong_throwsArithmeticException() {
        assertThatThrownBy(() -> Rate.ofNanos(Long.MAX_VALUE).costOf(1001)).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void scaled_cancelRate_isExactWhenRepresentable() {
        assertThat(Rate.perToken("10").scaled(115, 100)).isEqualTo(Rate.perToken("11.5"));
        assertThat(Rate.perToken("15").scaled(115, 100)).isEqualTo(Rate.perToken("17.25"));
    }

    @Test
    void scaled_fractionOfNano_roundsUp() {
        assertThat(Rate.ofNanos(1).scaled(115, 100)).isEqualTo(Rate.ofNanos(2));
        assertThat(Rate.ofNanos(3).scaled(1, 3)).isEqualTo(Rate.ofNanos(1));
        assertThat(Rate.ofNanos(10).scaled(1, 3)).isEqualTo(Rate.ofNanos(4));
    }

    @Test
    void scaled_productBeyondLong_isStillExact() {
        assertThat(Rate.ofNanos(Long.MAX_VALUE).scaled(100, 100)).isEqualTo(Rate.ofNanos(Long.MAX_VALUE));
        assertThatThrownBy(() -> Rate.ofNanos(Long.MAX_VALUE).scaled(101, 100)).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void scaled_badFraction_rejected() {
        assertThatThrownBy(() -> Rate.perToken("1").scaled(-1, 100))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("numerator must not be negative, was -1");
        assertThatThrownBy(() -> Rate.perToken("1").scaled(115, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("denominator must be positive, was 0");
    }

    @Test
    void compareTo_ordersByNanos() {
        assertThat(Rate.perToken("2")).isGreaterThan(Rate.perToken("1.999999999"));
        assertThat(Rate.perToken("2").compareTo(Rate.perThousandTokens("2000"))).isZero();
    }
}
