package dev.balancekit.yaml;

import static dev.balancekit.yaml.Yaml.parse;
import static dev.balancekit.yaml.Yaml.problems;
import static org.assertj.core.api.Assertions.assertThat;

import dev.balancekit.Credits;
import dev.balancekit.LedgerConfig;
import dev.balancekit.policy.ShortfallPolicy;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code ${VAR}} in values, and LibreChat's legacy {@code CHECK_BALANCE} and {@code START_BALANCE}. */
class EnvironmentTest {

    @Nested
    class Interpolation {
        @Test
        void variable_isReplaced() {
            LedgerConfig c = parse(
                    """
                    balance:
                      enabled: ${BALANCE_ON}
                      startBalance: ${START}
                      timezone: "${TZ_NAME}"
                      insufficientBalance: {action: freeModel, freeModel: '${FREE}'}
                    """,
                    Map.of("BALANCE_ON", "true", "START", "1234.5", "TZ_NAME", "Europe/Paris", "FREE", "gpt-4o-mini"));
            assertThat(c.enabled()).isTrue();
            assertThat(c.startBalance()).isEqualTo(Credits.parse("1234.5"));
            assertThat(c.zone()).isEqualTo(ZoneId.of("Europe/Paris"));
            assertThat(c.shortfallPolicy()).isEqualTo(ShortfallPolicy.freeModel("gpt-4o-mini"));
        }

        @ParameterizedTest
        @CsvSource(
                value = {"'', 500", "START=700, 700", "START=, 500"},
                quoteCharacter = '\'')
        void default_appliesWhenUnsetOrEmpty(String env, String expected) {
            Map<String, String> environment =
                    env.isEmpty() ? Map.of() : Map.of("START", env.substring("START=".length()));
            assertThat(parse("balance: {startBalance: '${START:-500}'}\n", environment)
                            .startBalance())
                    .isEqualTo(Credits.parse(expected));
        }

        @Test
        void severalReferencesInOneValue() {
            assertThat(parse("balance: {timezone: '${REGION}/${CITY:-Berlin}'}\n", Map.of("REGION", "Europe"))
                            .zone())
                    .isEqualTo(ZoneId.of("Europe/Berlin"));
        }

        @Test
        void valueWithoutReference_isLeftAlone() {
            assertThat(parse("balance: {insufficientBalance: {action: freeModel, freeModel: 'a $b {c} $'}}\n")
                            .shortfallPolicy())
                    .isEqualTo(ShortfallPolicy.freeModel("a $b {c} $"));
        }

        @Test
        void interpolatedValue_isCheckedLikeAWrittenOne() {
            assertThat(problems("balance:\n  startBalance: ${START}\n", Map.of("START", "lots")))
                    .containsExactly(
                            "balance.startBalance must be a plain decimal number, was 'lots' (librechat.yaml:2:17)");
        }

        @Test
        void missingVariable_isAnErrorAtItsPosition() {
            assertThat(problems("""
                    balance:
                      enabled: true
                      startBalance: ${START_CREDITS}
                    """))
                    .containsExactly(
                            "balance.startBalance refers to the environment variable START_CREDITS, which is not set; "
                                    + "set it or give a default: ${START_CREDITS:-value} (librechat.yaml:3:17)");
        }

        @Test
        void malformedReferences() {
            assertThat(problems("""
                    balance:
                      startBalance: "${START"
                      minBalance: "${1X}"
                      timezone: "${}"
                    """))
                    .containsExactly(
                            "balance.startBalance has an unterminated variable reference '${START' (librechat.yaml:2:17)",
                            "balance.minBalance has an invalid variable reference '${1X}'; a name is letters, digits and _, "
                                    + "not starting with a digit (librechat.yaml:3:15)",
                            "balance.timezone has an invalid variable reference '${}'; a name is letters, digits and _, "
                                    + "not starting with a digit (librechat.yaml:4:13)");
        }

        @Test
        void otherSections_areNotInterpolated() {
            LedgerConfig c = parse("""
                    endpoints:
                      custom: [{name: x, apiKey: "${NOT_SET_ANYWHERE}"}]
                    balance:
                      enabled: true
                    """);
            assertThat(c.enabled()).isTrue();
        }

        @Test
        void keys_areNotInterpolated() {
            assertThat(problems("balance:\n  ${KEY}: 1\n", Map.of("KEY", "startBalance")))
                    .containsExactly(
                            "balance.${KEY} is not a known key; known keys: enabled, startBalance, minBalance, allowNegative, "
                                    + "insufficientBalance, enforceForAdmins, timezone, unknownModels, autoRefillEnabled, refillIntervalValue, "
                                    + "refillIntervalUnit, refillAmount, refillMode, reservationTtlMs, operationsKept, tokenCosts, "
                                    + "usageLimits, tiers, defaultTier, notifications, clampAtZero, firstRefillAfterInterval, metering, mongo"
                                    + " (librechat.yaml:2:3)");
        }
    }

    @Nested
    class LegacyVariables {
        @ParameterizedTest
        @CsvSource({"true, true", "TRUE, true", "' true ', true", "false, false", "yes, false", "1, false"})
        void checkBalance_enablesWhenTrue(String value, boolean enabled) {
            assertThat(parse("version: 1.2.8\n", Map.of("CHECK_BALANCE", value)).enabled())
                    .isEqualTo(enabled);
        }

        @Test
        void startBalance_setsTheStartBalance() {
            LedgerConfig c = parse("", Map.of("CHECK_BALANCE", "true", "START_BALANCE", "5000"));
            assertThat(c.enabled()).isTrue();
            assertThat(c.startBalance()).isEqualTo(Credits.of(5000));
        }

        @Test
        void blankStartBalance_isIgnored() {
            assertThat(parse("", Map.of("START_BALANCE", " ")).startBalance()).isEqualTo(Credits.of(20_000));
        }

        @Test
        void balanceSection_winsOverTheLegacyVariables() {
            Map<String, String> env = Map.of("CHECK_BALANCE", "true", "START_BALANCE", "5000");
            LedgerConfig empty = parse("balance:\n", env);
            assertThat(empty.enabled()).isFalse();
            assertThat(empty.startBalance()).isEqualTo(Credits.of(20_000));
            LedgerConfig some = parse("balance: {enabled: true}\n", env);
            assertThat(some.startBalance()).isEqualTo(Credits.of(20_000));
        }

        @Test
        void invalidStartBalance_isAProblemOfTheEnvironment() {
            assertThat(problems("", Map.of("START_BALANCE", "lots")))
                    .containsExactly("START_BALANCE must be a plain decimal number, was 'lots' (environment)");
            assertThat(problems("", Map.of("START_BALANCE", "-5")))
                    .containsExactly("START_BALANCE must be zero or more, was -5 (environment)");
        }

        @Test
        void invalidStartBalance_isNotReadWhenTheFileHasABalanceSection() {
            assertThat(parse("balance: {}\n", Map.of("START_BALANCE", "lots")).startBalance())
                    .isEqualTo(Credits.of(20_000));
        }
    }
}
