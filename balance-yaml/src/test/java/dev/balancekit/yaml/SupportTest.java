package dev.balancekit.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The small pieces: edit distance, interpolation, and the problem and exception values. */
class SupportTest {

    @ParameterizedTest
    @CsvSource({"kitten, sitting, 3", "'', abc, 3", "abc, abc, 0", "startBalence, startBalance, 1", "flaw, lawn, 2"})
    void distance(String a, String b, int expected) {
        assertThat(Suggestions.distance(a, b)).isEqualTo(expected);
        assertThat(Suggestions.distance(b, a)).isEqualTo(expected);
    }

    @Test
    void closest_onlyForNearMisses() {
        List<String> keys = List.of("enabled", "startBalance", "minBalance", "refillAmount");
        assertThat(Suggestions.closest("startbalance", keys)).isEqualTo("startBalance");
        assertThat(Suggestions.closest("minBalence", keys)).isEqualTo("minBalance");
        assertThat(Suggestions.closest("enabld", keys)).isEqualTo("enabled");
        assertThat(Suggestions.closest("refill", keys)).isNull();
        assertThat(Suggestions.closest("colour", keys)).isNull();
    }

    @Test
    void interpolation() throws Exception {
        Map<String, String> env = Map.of("A", "1", "EMPTY", "");
        assertThat(Interpolation.apply("plain", env)).isEqualTo("plain");
        assertThat(Interpolation.apply("${A}", env)).isEqualTo("1");
        assertThat(Interpolation.apply("x${A}y${A}z", env)).isEqualTo("x1y1z");
        assertThat(Interpolation.apply("${B:-two words}", env)).isEqualTo("two words");
        assertThat(Interpolation.apply("${EMPTY:-d}", env)).isEqualTo("d");
        assertThat(Interpolation.apply("${EMPTY}", env)).isEmpty();
        assertThat(Interpolation.apply("${B:-}", env)).isEmpty();
        assertThat(Interpolation.apply("${B:-a:-b}", env)).isEqualTo("a:-b");
        assertThat(Interpolation.apply("$A {A}", env)).isEqualTo("$A {A}");
        assertThatThrownBy(() -> Interpolation.apply("${B}", env))
                .hasMessage(
                        "refers to the environment variable B, which is not set; set it or give a default: ${B:-value}");
        assertThatThrownBy(() -> Interpolation.apply("${A-x}", env))
                .hasMessage(
                        "has an invalid variable reference '${A-x}'; a name is letters, digits and _, not starting with a digit");
    }

    @Test
    void problem_rendering() {
        ConfigProblem p = new ConfigProblem(
                "balance.yaml",
                7,
                24,
                "balance.refillIntervalValue",
                "balance.refillIntervalValue must be positive, was 0");
        assertThat(p).hasToString("balance.refillIntervalValue must be positive, was 0 (balance.yaml:7:24)");
        assertThat(p.location()).isEqualTo("balance.yaml:7:24");
        assertThat(new ConfigProblem("environment", 0, 0, "START_BALANCE", "m").location())
                .isEqualTo("environment");
        assertThatThrownBy(() -> new ConfigProblem("f", -1, 0, "", "m"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("line and column must be zero or more, was -1:0");
    }

    @Test
    void exception_needsAProblem() {
        assertThatThrownBy(() -> new ConfigException("f.yaml", List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("problems must not be empty");
    }
}
