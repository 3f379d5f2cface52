package dev.balancekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancekit.EntryContext;
import dev.balancekit.LedgerEntry;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class SetTierAndFlushTest extends CliTestSupport {
    String alice;

    @BeforeEach
    void addUsers() {
        alice = addUser(ALICE, "Alice");
    }

    @Test
    void setTier_movesTheUser_recordsTheChangeWithTheActor() {
        Result r = run("set-tier", "--email", ALICE, "--tier", "pro");

        assertThat(r).isEqualTo(new Result(0, "Tier of " + ALICE + " (user " + alice + "): none -> pro\n", ""));
        assertThat(ledger().balance(alice).orElseThrow().tier()).isEqualTo("pro");
        LedgerEntry change = entries(alice).get(0);
        assertThat(change.context()).isEqualTo(EntryContext.TIER_CHANGE);
        assertThat(change.actor()).isEqualTo("ops-admin");

        Result again = run("set-tier", "--user", alice, "--tier", "free", "--actor", "sam");
        assertThat(again.out()).isEqualTo("Tier of " + ALICE + " (user " + alice + "): pro -> free\n");
        assertThat(entries(alice).get(0).actor()).isEqualTo("sam");
    }

    @Test
    void setTier_unknownTier_isAUsageError_namingTheTiers() {
        assertThat(run("set-tier", "--email", ALICE, "--tier", "gold"))
                .isEqualTo(new Result(1, "", "Error: tier 'gold' is not configured; tiers: free, pro\n"));
    }

    @Test
    void setTier_withoutTier_isAUsageError() {
        Result r = run("set-tier", "--email", ALICE);

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("Error: Missing required option: '--tier=TIER'\n");
    }

    @Test
    void setTier_withoutUser_isAUsageError_andUnknownEmailIsNotFound() {
        assertThat(run("set-tier", "--tier", "pro"))
                .isEqualTo(new Result(1, "", "Error: name the user with --email or --user\n"));
        assertThat(run("set-tier", "--email", "x@example.com", "--tier", "pro"))
                .isEqualTo(new Result(2, "", "Error: No user with that email was found\n"));
    }

    @Test
    void flushPending_copiesThePendingEntries_andSaysHowMany() {
        run("add-balance", "--email", ALICE, "--amount", "5");
        run("add-balance", "--email", ALICE, "--amount", "5");
        assertThat(transactionCount()).isZero(); // three entries wait in the account's outbox

        Result r = run("flush-pending");

        assertThat(r).isEqualTo(new Result(0, "Copied 3 pending entries to the transactions collection.\n", ""));
        assertThat(transactionCount()).isEqualTo(3);
        assertThat(run("flush-pending").out()).isEqualTo("Copied 0 pending entries to the transactions collection.\n");
    }

    @Test
    void flushPending_needsNoConfig() {
        variables.put("CONFIG_PATH", dir.resolve("missing.yaml").toString());

        assertThat(run("flush-pending").code()).isEqualTo(0);
    }

    private long transactionCount() {
        return Mono.from(transactions().countDocuments()).block(Duration.ofSeconds(30));
    }
}
