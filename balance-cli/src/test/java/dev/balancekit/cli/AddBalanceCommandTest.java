package dev.balancekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancekit.Credits;
import dev.balancekit.EntryContext;
import dev.balancekit.LedgerEntry;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AddBalanceCommandTest extends CliTestSupport {
    String alice;

    @BeforeEach
    void addUsers() {
        alice = addUser(ALICE, "Alice");
    }

    @Test
    void addBalance_withOptions_addsTheAmount_recordsAnAdminEntry_printsTheNewBalance() {
        Result r = run("add-balance", "--email", ALICE, "--amount", "500", "--note", "refund #12", "--actor", "sam");

        assertThat(r.code()).isEqualTo(0);
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo("Added 500 credits to " + ALICE + " (user " + alice + ").\nNew balance: 20500\n");
        LedgerEntry admin = entries(alice).get(0);
        assertThat(admin.context()).isEqualTo(EntryContext.ADMIN);
        assertThat(admin.tokenValue()).isEqualTo(Credits.of(500));
        assertThat(admin.actor()).isEqualTo("sam");
        assertThat(admin.note()).isEqualTo("refund #12");
        assertThat(admin.createdAt()).isEqualTo(T0);
        assertThat(admin.balance()).isEqualTo(Credits.of(20_500));
    }

    @Test
    void addBalance_interactive_promptsForEmailThenAmount() {
        Result r = runWithInput(ALICE + "\n250\n", "add-balance");

        assertThat(r.code()).isEqualTo(0);
        assertThat(r.out())
                .isEqualTo("Email: Amount (default 1000): Added 250 credits to " + ALICE + " (user " + alice
                        + ").\nNew balance: 20250\n");
    }

    @Test
    void addBalance_interactive_emptyAmount_adds1000() {
        Result r = runWithInput(ALICE + "\n\n", "add-balance");

        assertThat(r.code()).isEqualTo(0);
        assertThat(r.out()).contains("Added 1000 credits", "New balance: 21000");
    }

    @Test
    void addBalance_zeroAmountOnTheCommandLine_isAnErrorNamingTheValue_notTheDefault() {
        assertThat(run("add-balance", "--email", ALICE, "--amount", "0"))
                .isEqualTo(new Result(1, "", "Error: amount must be above zero, was 0\n"));
        assertThat(run("add-balance", ALICE, "0.000"))
                .isEqualTo(new Result(1, "", "Error: amount must be above zero, was 0\n"));
        assertThat(entries(alice)).isEmpty();
    }

    @Test
    void addBalance_zeroTypedAtThePrompt_isAnError_onlyAnEmptyAnswerIsTheDefault() {
        assertThat(runWithInput("0\n", "add-balance", "--email", ALICE))
                .isEqualTo(new Result(1, "Amount (default 1000): ", "Error: amount must be above zero, was 0\n"));
        assertThat(entries(alice)).isEmpty();
    }

    @Test
    void addBalance_emptyAmountOnTheCommandLine_isAnError_notTheDefault() {
        assertThat(run("add-balance", "--email", ALICE, "--amount", ""))
                .isEqualTo(new Result(1, "", "Error: amount must be a plain decimal number, was ''\n"));
        assertThat(entries(alice)).isEmpty();
    }

    @Test
    void addBalance_withEmailOnly_promptsForTheAmountOnly() {
        Result r = runWithInput("2.5\n", "add-balance", "--email", ALICE);

        assertThat(r.code()).isEqualTo(0);
        assertThat(r.out())
                .startsWith("Amount (default 1000): Added 2.5 credits")
                .contains("New balance: 20002.5");
    }

    @Test
    void addBalance_endOfInputBeforeAnAmount_isAmountRequired_andChangesNothing() {
        assertThat(run("add-balance", "--email", ALICE))
                .isEqualTo(new Result(1, "Amount (default 1000): \n", "Error: Amount is required\n"));
        // a pipe that gives the e-mail and ends
        assertThat(runWithInput(ALICE + "\n", "add-balance"))
                .isEqualTo(new Result(1, "Email: Amount (default 1000): \n", "Error: Amount is required\n"));
        assertThat(entries(alice)).isEmpty();
    }

    @Test
    void addBalance_endOfInputBeforeAnEmail_isEmailRequired() {
        assertThat(run("add-balance")).isEqualTo(new Result(1, "Email: \n", "Error: Email is required\n"));
    }

    @Test
    void addBalance_takesEmailAndAmountAsArguments_asLibreChatsScript() {
        Result r = run("add-balance", ALICE, "750");

        assertThat(r.code()).isEqualTo(0);
        assertThat(r.out()).contains("Added 750 credits to " + ALICE, "New balance: 20750");
    }

    @Test
    void addBalance_byUserId_labelsTheUser() {
        Result r = run("add-balance", "--user", alice, "--amount", "10");

        assertThat(r.out()).startsWith("Added 10 credits to " + ALICE + " (user " + alice + ").");
    }

    @Test
    void addBalance_byUserIdWithoutUserDocument_opensTheAccount() {
        Result r = run("add-balance", "--user", "service-bot", "--amount", "10");

        assertThat(r.code()).isEqualTo(0);
        assertThat(r.out()).isEqualTo("Added 10 credits to user service-bot.\nNew balance: 20010\n");
    }

    @Test
    void addBalance_actorDefaultsToTheOperatingSystemUser() {
        run("add-balance", "--email", ALICE, "--amount", "5");

        assertThat(entries(alice).get(0).actor()).isEqualTo("ops-admin");
        assertThat(entries(alice).get(0).note()).isNull();
    }

    @Test
    void addBalance_unknownEmail_exits2() {
        Result r = run("add-balance", "--email", "nobody@example.com", "--amount", "5");

        assertThat(r.code()).isEqualTo(Main.NOT_FOUND);
        assertThat(r.err()).isEqualTo("Error: No user with that email was found\n");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void addBalance_emailMatchesLowerCased_asLibreChatStoresIt() {
        Result r = run("add-balance", "--email", "Alice@Example.com", "--amount", "5");

        assertThat(r.code()).isEqualTo(0);
    }

    @Test
    void addBalance_balanceNotEnabledWithoutConfigFile_refusesAndSaysHowToEnable() {
        variables.remove("CONFIG_PATH");

        Result r = run("add-balance", "--email", ALICE, "--amount", "5");

        assertThat(r.code()).isEqualTo(Main.USAGE_ERROR);
        assertThat(r.err()).isEqualTo("""
                Error: Balance is not enabled
                  No config file was given (--config or CONFIG_PATH), and without one balances are off unless CHECK_BALANCE=true.
                  Enable it in librechat.yaml with 'balance: enabled: true' and pass the file with --config.
                """);
        assertThat(entries(alice)).isEmpty();
    }

    @Test
    void addBalance_balanceDisabledInTheConfigFile_refusesAndNamesTheFile() throws IOException {
        variables.put(
                "CONFIG_PATH",
                writeConfig("off.yaml", "balance:\n  enabled: false\n").toString());

        Result r = run("add-balance", "--email", ALICE, "--amount", "5");

        assertThat(r.code()).isEqualTo(Main.USAGE_ERROR);
        assertThat(r.err())
                .isEqualTo("Error: Balance is not enabled\n  Enable it in " + dir.resolve("off.yaml")
                        + ":\n    balance:\n      enabled: true\n");
    }

    @Test
    void addBalance_checkBalanceVariableWithoutConfigFile_enables_asLibreChatsLegacySetting() {
        variables.remove("CONFIG_PATH");
        variables.put("CHECK_BALANCE", "true");
        variables.put("START_BALANCE", "100");

        Result r = run("add-balance", "--email", ALICE, "--amount", "5");

        assertThat(r.code()).isEqualTo(0);
        assertThat(r.out()).endsWith("New balance: 105\n");
    }

    @Test
    void addBalance_configOptionWinsOverCONFIG_PATH() throws IOException {
        variables.put(
                "CONFIG_PATH",
                writeConfig("off.yaml", "balance:\n  enabled: false\n").toString());

        Result r = run("add-balance", "--email", ALICE, "--amount", "5", "--config", config.toString());

        assertThat(r.code()).isEqualTo(0);
    }

    @Test
    void addBalance_invalidAmounts_areUsageErrors() {
        assertThat(run("add-balance", "--email", ALICE, "--amount", "abc"))
                .isEqualTo(new Result(1, "", "Error: amount must be a plain decimal number, was 'abc'\n"));
        assertThat(run("add-balance", "--email", ALICE, "--amount", "-5"))
                .isEqualTo(new Result(1, "", "Error: amount must be above zero, was -5\n"));
        assertThat(run("add-balance", "--email", ALICE, "--amount", "0.0000001"))
                .isEqualTo(new Result(1, "", "Error: amount must have at most 6 fractional digits, was '0.0000001'\n"));
        assertThat(run("add-balance", "--email", ALICE, "--amount", "99999999999999"))
                .isEqualTo(new Result(1, "", "Error: amount is too large, was '99999999999999'\n"));
        assertThat(entries(alice)).isEmpty();
    }

    @Test
    void addBalance_namingTheUserTwice_isAUsageError() {
        assertThat(run("add-balance", "--email", ALICE, "--user", alice, "--amount", "5"))
                .isEqualTo(new Result(1, "", "Error: give either --email or --user, not both\n"));
        assertThat(run("add-balance", ALICE, "--email", ALICE))
                .isEqualTo(new Result(1, "", "Error: give the e-mail once: as an argument or with --email\n"));
        assertThat(run("add-balance", ALICE, "5", "--amount", "5"))
                .isEqualTo(new Result(1, "", "Error: give the amount once: as an argument or with --amount\n"));
        assertThat(run("add-balance", "--user", " ", "--amount", "5"))
                .isEqualTo(new Result(1, "", "Error: --user must not be blank\n"));
    }

    @Test
    void addBalance_malformedOrMissingEmail_isAUsageError() {
        assertThat(run("add-balance", "--email", "alice", "--amount", "5"))
                .isEqualTo(new Result(1, "", "Error: Invalid email address: 'alice'\n"));
        assertThat(runWithInput("\n", "add-balance")).isEqualTo(new Result(1, "Email: ", "Error: Email is required\n"));
    }

    @Test
    void addBalance_tooManyArguments_isAUsageError() {
        Result r = run("add-balance", ALICE, "5", "extra");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err())
                .startsWith("Error: Unmatched argument at index 3: 'extra'\n")
                .endsWith("Try 'balance add-balance --help' for more information.\n");
    }

    @Test
    void addBalance_twice_addsTwice() {
        run("add-balance", "--email", ALICE, "--amount", "5");
        Result r = run("add-balance", "--email", ALICE, "--amount", "5");

        assertThat(r.out()).endsWith("New balance: 20010\n");
        List<LedgerEntry> entries = entries(alice);
        assertThat(entries)
                .extracting(LedgerEntry::context)
                .containsExactly(EntryContext.ADMIN, EntryContext.ADMIN, EntryContext.START_BALANCE);
    }
}
