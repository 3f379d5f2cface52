package dev.balancekit.yaml;

import static dev.balancekit.yaml.Yaml.failure;
import static dev.balancekit.yaml.Yaml.problems;
import static org.assertj.core.api.Assertions.assertThat;

import dev.balancekit.BalanceException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Every kind of problem, with its exact message and position, all reported at once. */
class ErrorsTest {

    @Nested
    class Format {
        @Test
        void styleGuideExample() {
            ConfigException e = Yaml.failure("""
                    # librechat.yaml
                    version: 1.2.8
                    balance:
                      enabled: true
                      startBalance: 20000
                      autoRefillEnabled: true
                      refillIntervalValue: 0
                    """);
            assertThat(e.getMessage()).isEqualTo("""
                    invalid balance config librechat.yaml, 1 problem:
                      balance.refillIntervalValue must be positive, was 0 (librechat.yaml:7:24)""");
            assertThat(e.problems())
                    .containsExactly(new ConfigProblem(
                            "librechat.yaml",
                            7,
                            24,
                            "balance.refillIntervalValue",
                            "balance.refillIntervalValue must be positive, was 0"));
            assertThat(e.source()).isEqualTo("librechat.yaml");
            assertThat(e).isInstanceOf(BalanceException.class);
        }

        @Test
        void everyProblemIsListed_inFileOrder() {
            ConfigException e = Yaml.failure("""
                    balance:
                      startBalence: 20000
                      enabled: yes
                    """, "balance.yaml");
            assertThat(e.getMessage()).isEqualTo("""
                    invalid balance config balance.yaml, 2 problems:
                      balance.startBalence is not a known key; did you mean startBalance? (balance.yaml:2:3)
                      balance.enabled must be true or false, was 'yes' (balance.yaml:3:12)""");
            assertThat(e.messages())
                    .containsExactly(
                            "balance.startBalence is not a known key; did you mean startBalance? (balance.yaml:2:3)",
                            "balance.enabled must be true or false, was 'yes' (balance.yaml:3:12)");
        }

        @Test
        void problemWithoutPosition_showsOnlyTheFile() {
            assertThat(new ConfigProblem("a.yaml", 0, 0, "", "the file is not valid UTF-8").toString())
                    .isEqualTo("the file is not valid UTF-8 (a.yaml)");
        }
    }

    @Test
    void allProblemsAtOnce() {
        assertThat(problems("""
                balance:
                  enabled: yes
                  startBalence: 20000
                  minBalance: -1
                  insufficientBalance:
                    action: deny
                    freeModel: [x]
                  timezone: Mars/Base
                  refillMode: adding
                  refillIntervalValue: 1.5
                  refillIntervalUnit: fortnights
                  refillAmount: lots
                  reservationTtlMs: 5000
                  usageLimits: {daily: 0, weekly: 500, monthly: 300, dailyTokens: -1}
                  defaultTier: gold
                  notifications: {balanceBelow: [1000, x], windowPercent: [80, 150, 0]}
                  minBalance: 3
                  operationsKept: 0
                  enforceForAdmins: []
                """))
                .containsExactly(
                        "balance.enabled must be true or false, was 'yes' (librechat.yaml:2:12)",
                        "balance.startBalence is not a known key; did you mean startBalance? (librechat.yaml:3:3)",
                        "balance.minBalance must be zero or more, was -1 (librechat.yaml:4:15)",
                        "balance.insufficientBalance.action must be one of block, allowNegative, freeModel, was 'deny' (librechat.yaml:6:13)",
                        "balance.insufficientBalance.freeModel must be a model name, was a list (librechat.yaml:7:16)",
                        "balance.timezone must be a time zone such as UTC or Europe/Berlin, was 'Mars/Base' (librechat.yaml:8:13)",
                        "balance.refillMode must be one of add, reset, topUp, was 'adding' (librechat.yaml:9:15)",
                        "balance.refillIntervalValue must be a whole number, was '1.5' (librechat.yaml:10:24)",
                        "balance.refillIntervalUnit must be one of seconds, minutes, hours, days, weeks, months, was 'fortnights' (librechat.yaml:11:23)",
                        "balance.refillAmount must be a plain decimal number, was 'lots' (librechat.yaml:12:17)",
                        "balance.reservationTtlMs must be at least 10 s, was PT5S (librechat.yaml:13:21)",
                        "balance.usageLimits.daily must be above zero, was 0 (librechat.yaml:14:24)",
                        "balance.usageLimits.weekly must not exceed usageLimits.monthly, was 500 > 300 (librechat.yaml:14:35)",
                        "balance.usageLimits.dailyTokens must be above zero, was -1 (librechat.yaml:14:67)",
                        "balance.defaultTier names a tier, but balance.tiers has none, was 'gold' (librechat.yaml:15:16)",
                        "balance.notifications.balanceBelow[1] must be a plain decimal number, was 'x' (librechat.yaml:16:40)",
                        "balance.notifications.windowPercent[1] must be between 1 and 100, was 150 (librechat.yaml:16:64)",
                        "balance.notifications.windowPercent[2] must be between 1 and 100, was 0 (librechat.yaml:16:69)",
                        "balance.minBalance appears more than once; first at line 4 (librechat.yaml:17:3)",
                        "balance.operationsKept must be between 1 and 10000, was 0 (librechat.yaml:18:19)",
                        "balance.enforceForAdmins must be true or false, was a list (librechat.yaml:19:21)");
    }

    @Nested
    class UnknownKeys {
        @Test
        void nearMiss_suggestsTheKey() {
            assertThat(problems("""
                    balance:
                      Enabled: true
                      startBalence: 1
                      refilAmount: 1
                      usageLimits: {dayly: 5}
                      insufficientBalance: {acton: block}
                    """))
                    .containsExactly(
                            "balance.Enabled is not a known key; did you mean enabled? (librechat.yaml:2:3)",
                            "balance.startBalence is not a known key; did you mean startBalance? (librechat.yaml:3:3)",
                            "balance.refilAmount is not a known key; did you mean refillAmount? (librechat.yaml:4:3)",
                            "balance.usageLimits.dayly is not a known key; did you mean daily? (librechat.yaml:5:17)",
                            "balance.insufficientBalance.acton is not a known key; did you mean action? (librechat.yaml:6:25)");
        }

        @Test
        void farMiss_listsTheKnownKeys() {
            assertThat(problems("balance:\n  usageLimits: {perHour: 5}\n"))
                    .containsExactly(
                            "balance.usageLimits.perHour is not a known key; known keys: daily, weekly, monthly, dailyTokens, "
                                    + "weeklyTokens, monthlyTokens (librechat.yaml:2:17)");
        }

        @Test
        void otherTopLevelSections_areIgnored() {
            assertThat(Yaml.parse("balancee: {enabled: true}\nbalance: {enabled: true}\n")
                            .enabled())
                    .isTrue();
        }
    }

    @Nested
    class Types {
        @Test
        void wrongTypes() {
            assertThat(problems("""
                    balance:
                      startBalance: [1, 2]
                      minBalance: {a: 1}
                      enabled:
                      refillAmount: null
                      refillIntervalValue: ~
                      timezone: 5
                      usageLimits: [1]
                      notifications: {balanceBelow: 5, windowPercent: {a: 1}}
                      tokenCosts: on
                      defaultTier: [free]
                    """))
                    .containsExactly(
                            "balance.startBalance must be a plain decimal number, was a list (librechat.yaml:2:17)",
                            "balance.minBalance must be a plain decimal number, was a mapping (librechat.yaml:3:15)",
                            "balance.enabled must be true or false, was empty (librechat.yaml:4:11)",
                            "balance.refillAmount must be a plain decimal number, was 'null' (librechat.yaml:5:17)",
                            "balance.refillIntervalValue must be a whole number, was '~' (librechat.yaml:6:24)",
                            "balance.timezone must be a time zone such as UTC or Europe/Berlin, was '5' (librechat.yaml:7:13)",
                            "balance.usageLimits must be a mapping, was a list (librechat.yaml:8:16)",
                            "balance.notifications.balanceBelow must be a list, was '5' (librechat.yaml:9:33)",
                            "balance.notifications.windowPercent must be a list, was a mapping (librechat.yaml:9:51)",
                            "balance.tokenCosts must be a mapping, was 'on' (librechat.yaml:10:15)",
                            "balance.defaultTier must be a tier name, was a list (librechat.yaml:11:16)");
        }

        @Test
        void balanceMustBeAMapping() {
            assertThat(problems("balance: true\n"))
                    .containsExactly("balance must be a mapping, was 'true' (librechat.yaml:1:10)");
        }

        @Test
        void fileMustBeAMapping() {
            assertThat(problems("- balance\n- enabled\n"))
                    .containsExactly(
                            "the file must be a mapping of sections such as balance:, was a list (librechat.yaml:1:1)");
        }

        @Test
        void blankTexts() {
            assertThat(problems(
                            "balance: {defaultTier: ' ', insufficientBalance: {action: freeModel, freeModel: ''}}\n"))
                    .containsExactly(
                            "balance.defaultTier must not be blank, was ' ' (librechat.yaml:1:24)",
                            "balance.insufficientBalance.freeModel must not be blank, was '' (librechat.yaml:1:81)");
        }

        @Test
        void tooLargeNumbers() {
            assertThat(
                            problems(
                                    "balance: {startBalance: 99999999999999999999, refillIntervalValue: 99999999999999999999}\n"))
                    .containsExactly(
                            "balance.startBalance is too large, was '99999999999999999999' (librechat.yaml:1:25)",
                            "balance.refillIntervalValue is too large, was '99999999999999999999' (librechat.yaml:1:68)");
        }

        @Test
        void operationsKept_range() {
            assertThat(problems("balance: {operationsKept: 10001}\n"))
                    .containsExactly(
                            "balance.operationsKept must be between 1 and 10000, was 10001 (librechat.yaml:1:27)");
            assertThat(problems("balance: {operationsKept: 5000000000}\n"))
                    .containsExactly("balance.operationsKept is too large, was 5000000000 (librechat.yaml:1:27)");
        }

        @Test
        void refillIntervalValue_upperBoundFromCore() {
            assertThat(problems("balance: {autoRefillEnabled: true, refillIntervalValue: 1000001}\n"))
                    .containsExactly(
                            "balance.refillIntervalValue must be at most 1000000, was 1000001 (librechat.yaml:1:57)");
        }
    }

    @Nested
    class Values {
        @Test
        void nonPositiveAndNegative() {
            assertThat(problems("""
                    balance:
                      startBalance: -1
                      refillIntervalValue: -3
                      refillAmount: -5
                      usageLimits: {monthly: -1, weeklyTokens: 0}
                    """))
                    .containsExactly(
                            "balance.startBalance must be zero or more, was -1 (librechat.yaml:2:17)",
                            "balance.refillIntervalValue must be positive, was -3 (librechat.yaml:3:24)",
                            "balance.refillAmount must be zero or more, was -5 (librechat.yaml:4:17)",
                            "balance.usageLimits.monthly must be above zero, was -1 (librechat.yaml:5:26)",
                            "balance.usageLimits.weeklyTokens must be above zero, was 0 (librechat.yaml:5:44)");
        }

        @Test
        void usageLimits_dailyAboveMonthly() {
            assertThat(problems("""
                    balance:
                      usageLimits:
                        daily: 500
                        monthly: 300
                    """))
                    .containsExactly(
                            "balance.usageLimits.daily must not exceed usageLimits.monthly, was 500 > 300 (librechat.yaml:3:12)");
        }

        @Test
        void usageLimits_tokenCapsInOrderToo() {
            assertThat(problems("balance: {usageLimits: {dailyTokens: 10, weeklyTokens: 5}}\n"))
                    .containsExactly(
                            "balance.usageLimits.dailyTokens must not exceed usageLimits.weeklyTokens, was 10 > 5 (librechat.yaml:1:38)");
        }

        @Test
        void reservationTtl() {
            assertThat(problems("balance: {reservationTtlMs: PT5S}\n"))
                    .containsExactly("balance.reservationTtlMs must be at least 10 s, was PT5S (librechat.yaml:1:29)");
            assertThat(problems("balance: {reservationTtlMs: soon}\n"))
                    .containsExactly(
                            "balance.reservationTtlMs must be milliseconds or an ISO-8601 duration such as PT30M, was 'soon' "
                                    + "(librechat.yaml:1:29)");
            assertThat(problems("balance: {reservationTtlMs: -PT1M}\n"))
                    .containsExactly("balance.reservationTtlMs must be at least 10 s, was PT-1M (librechat.yaml:1:29)");
        }

        @Test
        void reservationTtl_negativeOrHuge_isAPositionedProblem_notAnArithmeticException() {
            assertThat(problems("balance:\n  reservationTtlMs: -PT1S\n"))
                    .containsExactly("balance.reservationTtlMs must be at least 10 s, was PT-1S (librechat.yaml:2:21)");
            assertThat(problems("balance: {reservationTtlMs: PT-5S}\n"))
                    .containsExactly("balance.reservationTtlMs must be at least 10 s, was PT-5S (librechat.yaml:1:29)");
            assertThat(problems("balance: {reservationTtlMs: -PT2562047788015215H}\n"))
                    .containsExactly(
                            "balance.reservationTtlMs must be at least 10 s, was PT-2562047788015215H (librechat.yaml:1:29)");
            assertThat(problems("balance: {reservationTtlMs: PT2562047788015215H}\n"))
                    .containsExactly(
                            "balance.reservationTtlMs must be at most 7 days, was PT2562047788015215H (librechat.yaml:1:29)");
            assertThat(problems("balance: {reservationTtlMs: 9223372036854775807}\n"))
                    .containsExactly(
                            "balance.reservationTtlMs must be at most 7 days, was PT2562047788015H12M55.807S (librechat.yaml:1:29)");
            assertThat(problems("balance: {reservationTtlMs: -5000}\n"))
                    .containsExactly("balance.reservationTtlMs must be at least 10 s, was PT-5S (librechat.yaml:1:29)");
        }

        @Test
        void reservationTtl_atTheBounds_isAccepted() {
            assertThat(Yaml.parse("balance: {reservationTtlMs: P7D}\n").holdTtl())
                    .isEqualTo(Duration.ofDays(7));
            assertThat(Yaml.parse("balance: {reservationTtlMs: 604800000}\n").holdTtl())
                    .isEqualTo(Duration.ofDays(7));
            assertThat(Yaml.parse("balance: {reservationTtlMs: 10000}\n").holdTtl())
                    .isEqualTo(Duration.ofSeconds(10));
        }
    }

    @Nested
    class InsufficientBalance {
        @Test
        void freeModelActionWithoutFreeModel() {
            assertThat(problems("""
                    balance:
                      insufficientBalance:
                        action: freeModel
                    """))
                    .containsExactly(
                            "balance.insufficientBalance.freeModel is required when action is freeModel (librechat.yaml:3:5)");
        }

        @Test
        void freeModelWithAnotherAction() {
            assertThat(problems("balance: {insufficientBalance: {freeModel: gpt-4o-mini}}\n"))
                    .containsExactly(
                            "balance.insufficientBalance.freeModel is only used when action is freeModel, but action is block "
                                    + "(librechat.yaml:1:44)");
        }

        @Test
        void negativeFloorWithAnotherAction() {
            assertThat(problems("balance: {insufficientBalance: {action: block, negativeFloor: -5}}\n"))
                    .containsExactly(
                            "balance.insufficientBalance.negativeFloor is only used when action is allowNegative, but action is block "
                                    + "(librechat.yaml:1:63)");
        }

        @Test
        void negativeFloorAboveZero() {
            assertThat(problems("balance: {allowNegative: true, insufficientBalance: {negativeFloor: 5}}\n"))
                    .containsExactly(
                            "balance.insufficientBalance.negativeFloor must be zero or below, was 5 (librechat.yaml:1:69)");
        }

        @Test
        void allowNegativeDisagreeingWithAction() {
            assertThat(problems("""
                    balance:
                      allowNegative: true
                      insufficientBalance: {action: block}
                    """))
                    .containsExactly(
                            "balance.allowNegative is true but balance.insufficientBalance.action is block; set only one of them "
                                    + "(librechat.yaml:2:18)");
            assertThat(problems("balance: {allowNegative: false, insufficientBalance: {action: allowNegative}}\n"))
                    .containsExactly(
                            "balance.allowNegative is false but balance.insufficientBalance.action is allowNegative; "
                                    + "set only one of them (librechat.yaml:1:26)");
        }
    }

    @Nested
    class Syntax {
        @Test
        void invalidYaml_isReportedWithItsPosition() {
            ConfigException e = failure("balance:\n  enabled: [true\n");
            assertThat(e.problems())
                    .containsExactly(
                            new ConfigProblem(
                                    "librechat.yaml",
                                    3,
                                    1,
                                    "",
                                    "the file is not valid YAML: while parsing a flow sequence: expected ',' or ']', but got <stream end>"));
        }

        @Test
        void tabIndentation() {
            assertThat(problems("balance:\n\tenabled: true\n"))
                    .containsExactly(
                            "the file is not valid YAML: while scanning for the next token: found character '\\t(TAB)' that "
                                    + "cannot start any token. (Do not use \\t(TAB) for indentation) (librechat.yaml:2:1)");
        }

        @Test
        void mappingValueInAPlainScalar() {
            assertThat(problems("balance:\n  a: b: c\n"))
                    .containsExactly(
                            "the file is not valid YAML: mapping values are not allowed here (librechat.yaml:2:7)");
        }

        @Test
        void twoDocuments() {
            assertThat(problems("balance: {}\n---\nbalance: {}\n"))
                    .containsExactly(
                            "the file is not valid YAML: expected a single document in the stream: but found another document "
                                    + "(librechat.yaml:2:1)");
        }

        @Test
        void keyThatIsAListOrMapping_isAPositionedProblem_notInvalidYaml() {
            assertThat(problems("""
                    balance:
                      ? [a, b]
                      : 1
                      tiers:
                        ? {a: 1}
                        : {}
                        pro: {startBalance: 5}
                    """))
                    .containsExactly(
                            "balance has a key that is a list; keys must be plain scalars (librechat.yaml:2:5)",
                            "balance.tiers has a key that is a mapping; keys must be plain scalars (librechat.yaml:5:7)");
        }

        @Test
        void keyThatIsAList_inAnIgnoredSection_isNotOurs() {
            assertThat(Yaml.parse("endpoints:\n  ? [a, b]\n  : 1\nbalance: {enabled: true}\n")
                            .enabled())
                    .isTrue();
        }

        @Test
        void undefinedAlias() {
            assertThat(problems("balance: {startBalance: *nothing}\n"))
                    .containsExactly("the file is not valid YAML: found undefined alias nothing (librechat.yaml:1:25)");
        }
    }

    @Test
    void moreThanAHundredProblems_areCutOff() {
        StringBuilder yaml = new StringBuilder("balance:\n  notifications:\n    windowPercent:\n");
        for (int i = 0; i < 150; i++) {
            yaml.append("      - 101\n");
        }
        ConfigException e = failure(yaml.toString());
        List<String> problems = e.messages();
        assertThat(problems).hasSize(101);
        assertThat(problems.get(0))
                .isEqualTo(
                        "balance.notifications.windowPercent[0] must be between 1 and 100, was 101 (librechat.yaml:4:9)");
        assertThat(problems.get(100)).isEqualTo("and 50 more problems");
        assertThat(e.problems()).hasSize(100);
        assertThat(e.omitted()).isEqualTo(50);
        assertThat(e.getMessage()).startsWith("invalid balance config librechat.yaml, 150 problems:\n");
    }
}
