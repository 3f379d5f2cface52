package dev.balancekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HelpTest extends CliTestSupport {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "add-balance",
                "set-balance",
                "list-balances",
                "history",
                "set-tier",
                "flush-pending",
                "config",
                "config check"
            })
    void everyCommand_hasHelp_withTheExitCodes(String command) {
        String[] words = (command + " --help").split(" ");

        Result r = run(words);

        assertThat(r.code()).isEqualTo(0);
        assertThat(r.err()).isEmpty();
        assertThat(r.out())
                .startsWith("Usage: balance " + command + " ")
                .contains(
                        "Exit codes:",
                        "  0   done",
                        "  1   usage or validation error",
                        "  2   not found",
                        "  3   MongoDB unreachable");
    }

    @Test
    void rootHelp_listsTheCommands() {
        Result r = run("--help");

        assertThat(r.code()).isEqualTo(0);
        assertThat(r.out())
                .contains(
                        "add-balance",
                        "set-balance",
                        "list-balances",
                        "history",
                        "set-tier",
                        "flush-pending",
                        "config",
                        "prices",
                        "MONGO_URI",
                        "CONFIG_PATH");
    }

    @Test
    void version_isPrinted() {
        assertThat(run("--version")).isEqualTo(new Result(0, "balance (BalanceKit) development build\n", ""));
    }

    @Test
    void noCommand_isAUsageError() {
        assertThat(run())
                .isEqualTo(new Result(
                        1, "", "Error: Missing required subcommand\nTry 'balance --help' for more information.\n"));
        assertThat(run("config").err()).startsWith("Error: Missing required subcommand\nTry 'balance config --help'");
    }

    @Test
    void unknownCommandOrOption_isAUsageError_withSuggestions() {
        Result r = run("add-balanse");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err())
                .startsWith("Error: Unmatched argument at index 0: 'add-balanse'\n")
                .contains("add-balance")
                .endsWith("Try 'balance --help' for more information.\n");
        assertThat(run("list-balances", "--colour").err()).startsWith("Error: Unknown option: '--colour'\n");
        assertThat(run("list-balances", "--format", "xml").err())
                .startsWith(
                        "Error: Invalid value for option '--format': expected one of table, csv, json but was 'xml'\n");
        assertThat(run("list-balances", "--limit", "many").err())
                .startsWith("Error: Invalid value for option '--limit': 'many' is not an int\n");
    }

    @Test
    void badOptionValue_withAPassword_isRedacted() {
        Result r = run(
                "list-balances", "--mongo-uri", "mongodb://u:letmein99@h/db", "--sort", "mongodb://u:letmein99@h/db");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).doesNotContain("letmein99").contains("mongodb://u:****@h/db");
    }
}
