package dev.balancekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CreditsTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "0",
                "250",
                "527065.5",
                "-0.000001",
                "0.000001",
                "20000",
                "9223372036854.775807",
                "-9223372036854.775808"
            })
    void parse_plainDecimal_roundTripsThroughToString(String text) {
        assertThat(Credits.parse(text).toString()).isEqualTo(text);
    }

    @ParameterizedTest
    @CsvSource({
        "1.500000, 1500000",
        "+3, 3000000",
        "1_000, 1000000000",
        "-0, 0",
        "' 7 ', 7000000",
        "2., 2000000",
        "1.0000000, 1000000"
    })
    void parse_equivalentSpellings_giveExactMicros(String text, long micros) {
        assertThat(Credits.parse(text).micros()).isEqualTo(micros);
    }

    @Test
    void parse_tooManyDecimals_rejectsNamingValue() {
        assertThatThrownBy(() -> Credits.parse("0.0000001"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("credits must have at most 6 fractional digits, was '0.0000001'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "abc", "1e5", "1.2.3", "--1", ".", "-", "0x10", "1,5", "_1"})
    void parse_garbage_rejectsNamingValue(String text) {
        assertThatThrownBy(() -> Credits.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("credits must be a plain decimal number, was '" + text + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854.775808", "-9223372036854.775809", "100000000000000000000"})
    void parse_outOfRange_rejectsAsTooLarge(String text) {
        assertThatThrownBy(() -> Credits.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("credits is too large, was '" + text + "'");
    }

    @ParameterizedTest
    @CsvSource({".5, 500000", "+.5, 500000", "1_, 1000000", "1_000_.25, 1000250000", "'\t-3.000000000 ', -3000000"})
    void parse_lenientSpellingsOfAPlainDecimal_areAccepted(String text, long micros) {
        assertThat(Credits.parse(text).micros()).isEqualTo(micros);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "100000000000000000000x | credits is too large, was '100000000000000000000x'",
                "1.0000001x | credits must have at most 6 fractional digits, was '1.0000001x'",
                "1.0000000x | credits must be a plain decimal number, was '1.0000000x'",
                "1._5 | credits must be a plain decimal number, was '1._5'",
                "+_1 | credits must be a plain decimal number, was '+_1'"
            })
    void parse_severalFaults_reportsTheFirstFromTheLeft(String text, String message) {
        assertThatThrownBy(() -> Credits.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void parseScaled_scaleZero_rejectsAFraction_acceptsTrailingZeros() {
        assertThat(Credits.parseScaled("12.000", 0, "threshold")).isEqualTo(12);
        assertThatThrownBy(() -> Credits.parseScaled("12.5", 0, "threshold"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threshold must have at most 0 fractional digits, was '12.5'");
    }

    @Test
    void parseScaled_formatScaled_scaleOutOfRange_rejectNamingTheScale() {
        assertThatThrownBy(() -> Credits.parseScaled("1", -1, "rate"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("scale must be between 0 and 18, was -1");
        assertThatThrownBy(() -> Credits.parseScaled("1", 19, "rate"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("scale must be between 0 and 18, was 19");
        assertThatThrownBy(() -> Credits.formatScaled(1, 19))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("scale must be between 0 and 18, was 19");
        assertThat(Credits.parseScaled("0.000000000000000001", 18, "x")).isEqualTo(1);
        assertThat(Credits.formatScaled(1, 18)).isEqualTo("0.000000000000000001");
    }

    @Test
    void of_wholeCredits_convertsToMicros() {
        assertThat(Credits.of(250)).isEqualTo(Credits.parse("250"));
        assertThat(Credits.of(250).micros()).isEqualTo(250_000_000L);
    }

    @Test
    void of_tooManyCredits_overflows() {
        assertThatThrownBy(() -> Credits.of(Long.MAX_VALUE / Credits.MICROS_PER_CREDIT + 1))
                .isInstanceOf(ArithmeticException.class);
    }

    @Test
    void arithmetic_isExact() {
        assertThat(Credits.parse("0.1").plus(Credits.parse("0.2"))).isEqualTo(Credits.parse("0.3"));
        assertThat(Credits.parse("1").minus(Credits.parse("1.000001"))).isEqualTo(Credits.parse("-0.000001"));
        assertThat(Credits.parse("5").negate()).isEqualTo(Credits.parse("-5"));
    }

    @Test
    void arithmetic_overflow_throwsInsteadOfWrapping() {
        Credits max = Credits.ofMicros(Long.MAX_VALUE);
        Credits min = Credits.ofMicros(Long.MIN_VALUE);
        assertThatThrownBy(() -> max.plus(Credits.ofMicros(1))).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> min.minus(Credits.ofMicros(1))).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(min::negate).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void signAndOrder_areByMicros() {
        Credits a = Credits.parse("-1");
        Credits b = Credits.parse("2");
        assertThat(a.isNegative()).isTrue();
        assertThat(b.isPositive()).isTrue();
        assertThat(Credits.ofMicros(0).isZero()).isTrue();
        assertThat(a.max(b)).isEqualTo(b);
        assertThat(a.min(b)).isEqualTo(a);
        assertThat(a).isLessThan(b);
    }

    @ParameterizedTest
    @CsvSource({
        "1, 9, 0.000000001",
        "2500000000, 9, 2.5",
        "0, 0, 0",
        "100, 0, 100",
        "-5, 6, -0.000005",
        "10000000, 6, 10",
        "-9223372036854775808, 6, -9223372036854.775808"
    })
    void formatScaled_writesPlainDecimalWithoutTrailingZeros(long value, int scale, String text) {
        assertThat(Credits.formatScaled(value, scale)).isEqualTo(text);
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "1000, 1000",
        "527065.5, 527065.5",
        "-0.000001, -0.000001",
        "99.999999, 99.999999",
        "9223372036854.775807, 9223372036854.775807",
        "-1.5, -1.5"
    })
    void toBigDecimal_isExact_withTheFewestDigits_andPrintsAsTheText(String text, String printed) {
        BigDecimal d = Credits.parse(text).toBigDecimal();

        assertThat(d.toString()).isEqualTo(printed);
        assertThat(d.scale()).isBetween(0, 6);
        assertThat(d.movePointRight(6).longValueExact())
                .isEqualTo(Credits.parse(text).micros());
    }
}
