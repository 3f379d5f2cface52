package dev.balancekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancekit.Credits;
import dev.balancekit.EntryContext;
import dev.balancekit.LedgerEntry;
import java.io.IOException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SetBalanceCommandTest extends CliTestSupport {
    String alice;

    @BeforeEach
    void addUsers() {
        alice = addUser(ALICE, "Alice");
    }

    @Test
    void setBalance_overwrites_printsCurrentAndNew_recordsTheDifferenceAsAnAdjustment() {
        run("add-balance", "--email", ALICE, "--amount", "500");

        Result r = run(
                "set-balance", "--email", ALICE, "--amount", "5000", "--note", "reset after trial", "--actor", "sam");

        assertThat(r.code()).isEqualTo(0);
        assertThat(r.err()).isEmpty();
        assertThat(r.out())
                .isEqualTo("Set the balance of " + ALICE + " (user " + alice + ").\n"
                        + "Current balance: 20500\nNew balance: 5000\n");
        LedgerEntry adjustment = entries(alice).get(0);
        assertThat(adjustment.context()).isEqualTo(EntryContext.ADJUSTMENT);
        assertThat(adjustment.tokenValue()).isEqualTo(Credits.of(-15_500));
        assertThat(adjustment.actor()).isEqualTo("sam");
        assertThat(adjustment.note()).isEqualTo("reset after trial");
        assertThat(ledger().balance(alice).orElseThrow().balance()).isEqualTo(Credits.of(5000));
    }

    @Test
    void setBalance_newAccount_currentIsTheStartBalance() {
        Result r = run("set-balance", ALICE, "100");

        assertThat(r.out()).endsWith("Current balance: 20000\nNew balance: 100\n");
    }

    @Test
    void setBalance_acceptsNegativeAndFractionalAmounts() {
        Result r = run("set-balance", "--email", ALICE, "--amount", "-12.5");

        assertThat(r.code()).isEqualTo(0);
        assertThat(r.out()).endsWith("New balance: -12.5\n");
    }

    @Test
    void setBalance_interactive_promptsForEmailThenAmount_withoutDefault() {
        Result r = runWithInput(ALICE + "\n300\n", "set-balance");

        assertThat(r.code()).isEqualTo(0);
        assertThat(r.out())
                .startsWith("Email: Amount: Set the balance of " + ALICE)
                .endsWith("New balance: 300\n");
    }

    @Test
    void setBalance_emptyAmount_isRequired() {
        Result r = runWithInput(ALICE + "\n\n", "set-balance");

        assertThat(r).isEqualTo(new Result(1, "Email: Amount: ", "Error: Amount is required\n"));
        assertThat(entries(alice)).isEmpty();
    }

    @Test
    void setBalance_endOfInputBeforeAnAmount_isAmountRequired_andChangesNothing() {
        assertThat(run("set-balance", "--email", ALICE))
                .isEqualTo(new Result(1, "Amount: \n", "Error: Amount is required\n"));
        assertThat(runWithInput(ALICE + "\n", "set-balance"))
                .isEqualTo(new Result(1, "Email: Amount: \n", "Error: Amount is required\n"));
        assertThat(entries(alice)).isEmpty();
    }

    @Test
    void setBalance_zeroIsAnAmount() {
        Result r = run("set-balance", "--email", ALICE, "--amount", "0");

        assertThat(r.out()).endsWith("New balance: 0\n");
    }

    @Test
    void setBalance_unknownEmail_exits2() {
        assertThat(run("set-balance", "--email", "nobody@example.com", "--amount", "5"))
                .isEqualTo(new Result(2, "", "Error: No user with that email was found\n"));
    }

    @Test
    void setBalance_notEnabled_refuses() throws IOException {
        variables.put(
                "CONFIG_PATH",
                writeConfig("off.yaml", "balance: {startBalance: 5}\n").toString());

        Result r = run("set-balance", "--email", ALICE, "--amount", "5");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("Error: Balance is not enabled\n");
    }

    @Test
    void setBalance_badAmount_isAUsageError() {
        assertThat(run("set-balance", "--email", ALICE, "--amount", "lots"))
                .isEqualTo(new Result(1, "", "Error: amount must be a plain decimal number, was 'lots'\n"));
        assertThat(run("set-balance", ALICE, "1", "--amount", "2"))
                .isEqualTo(new Result(1, "", "Error: give the amount once: as an argument or with --amount\n"));
    }
}
