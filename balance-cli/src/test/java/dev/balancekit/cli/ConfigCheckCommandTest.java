package dev.balancekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigCheckCommandTest extends CliTestSupport {

    @Test
    void configCheck_validFile_exits0_andSummarises() {
        Result r = run("config", "check", config.toString());

        assertThat(r)
                .isEqualTo(new Result(
                        0, config + " is valid: balance enabled, start balance 20000, tiers free, pro\n", ""));
    }

    @Test
    void configCheck_invalidFile_printsEveryProblemWithFileLineColumn_exits1() throws IOException {
        Path bad = writeConfig("librechat.yaml", """
                balance:
                  enabled: true
                  startBalence: 100
                  refillIntervalValue: 0
                  tiers:
                    pro: {refillMode: topup}
                """);

        Result r = run("config", "check", bad.toString());

        assertThat(r.code()).isEqualTo(Main.USAGE_ERROR);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("""
                Error: invalid balance config librechat.yaml, 3 problems:
                  librechat.yaml:3:3: balance.startBalence is not a known key; did you mean startBalance?
                  librechat.yaml:4:24: balance.refillIntervalValue must be positive, was 0
                  librechat.yaml:6:23: balance.tiers.pro.refillMode must be one of add, reset, topUp, was 'topup'
                """);
    }

    @Test
    void configCheck_withoutFile_checksCONFIG_PATH() {
        Result r = run("config", "check");

        assertThat(r.code()).isEqualTo(0);
        assertThat(r.out()).startsWith(config + " is valid");
    }

    @Test
    void configCheck_withoutFileOrCONFIG_PATH_isAUsageError() {
        variables.remove("CONFIG_PATH");

        assertThat(run("config", "check"))
                .isEqualTo(new Result(1, "", "Error: no config file to check: give FILE or set CONFIG_PATH\n"));
    }

    @Test
    void configCheck_missingFile_exits1_sayingWhy() {
        Result r = run("config", "check", dir.resolve("nope.yaml").toString());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("Error: invalid balance config nope.yaml, 1 problem:\n  nope.yaml: ");
    }

    @Test
    void configCheck_usesTheEnvironmentForReferences() throws IOException {
        Path file = writeConfig("env.yaml", "balance:\n  enabled: true\n  startBalance: ${START_CREDITS}\n");

        assertThat(run("config", "check", file.toString()).err()).isEqualTo("""
                Error: invalid balance config env.yaml, 1 problem:
                  env.yaml:3:17: balance.startBalance refers to the environment variable START_CREDITS, which is not set; set it or give a default: ${START_CREDITS:-value}
                """);
        variables.put("START_CREDITS", "42");
        assertThat(run("config", "check", file.toString()).out())
                .isEqualTo(file + " is valid: balance enabled, start balance 42\n");
    }

    @Test
    void configCheck_notEnabled_isValid_andSaysSo() throws IOException {
        Path file = writeConfig("off.yaml", "interface: {}\n");

        assertThat(run("config", "check", file.toString()).out())
                .isEqualTo(file + " is valid: balance not enabled, start balance 20000\n");
    }

    @Test
    void configCheck_longValueAliasedTwoThousandTimes_printsOneCleanProblem_exits1() throws IOException {
        StringBuilder yaml =
                new StringBuilder("big: &v \"").append("x".repeat(100_000)).append("\"\n");
        yaml.append("balance:\n  enabled: true\n  notifications:\n    windowPercent: [");
        for (int i = 0; i < 2_000; i++) {
            yaml.append(i > 0 ? ", " : "").append("*v");
        }
        Path bomb = writeConfig("bomb.yaml", yaml.append("]\n").toString());

        Result r = run("config", "check", bomb.toString());

        assertThat(r).isEqualTo(new Result(1, "", """
                Error: invalid balance config bomb.yaml, 1 problem:
                  bomb.yaml:5:57: the file's aliases expand it to more than 1048576 characters; a value repeated by aliases counts each time it is used
                """));
    }

    @Test
    void configCheck_manyProblems_printsTheFirstHundred_andHowManyMore() throws IOException {
        StringBuilder yaml = new StringBuilder("balance:\n  notifications:\n    windowPercent:\n");
        for (int i = 0; i < 150; i++) {
            yaml.append("      - 0\n");
        }
        Path many = writeConfig("many.yaml", yaml.toString());

        Result r = run("config", "check", many.toString());

        assertThat(r.code()).isEqualTo(Main.USAGE_ERROR);
        List<String> lines = List.of(r.err().split("\n"));
        assertThat(lines).hasSize(102);
        assertThat(lines.get(0)).isEqualTo("Error: invalid balance config many.yaml, 150 problems:");
        assertThat(lines.get(100))
                .isEqualTo(
                        "  many.yaml:103:9: balance.notifications.windowPercent[99] must be between 1 and 100, was 0");
        assertThat(lines.get(101)).isEqualTo("  and 50 more problems");
    }

    @Test
    void otherCommands_withAnInvalidConfig_printTheProblems_andExit1() throws IOException {
        addUser(ALICE, "Alice");
        Path bad = writeConfig("bad.yaml", "balance:\n  enabled: yes\n");
        Files.writeString(bad, "balance:\n  enabled: yes\n");

        Result r = run("add-balance", "--email", ALICE, "--amount", "5", "--config", bad.toString());

        assertThat(r).isEqualTo(new Result(1, "", """
                Error: invalid balance config bad.yaml, 1 problem:
                  bad.yaml:2:12: balance.enabled must be true or false, was 'yes'
                """));
    }
}
