package dev.balancekit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.balancekit.ChargeRequest;
import dev.balancekit.Usage;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ListBalancesCommandTest extends CliTestSupport {
    String alice;
    String bob;
    String carol;

    /**
     * alice: 20,500 credits at T0, then 1,500 gpt-4o tokens (2.5 / 10 credits per token) at T0+1h: 13,000;
     * service-bot, an account without a user document: 20,010 at T0+30m; bob: set to 100 at T0+2h, tier pro;
     * carol: a user without an account.
     */
    @BeforeEach
    void arrange() {
        alice = addUser(ALICE, "Alice");
        bob = addUser(BOB, "Bob");
        carol = addUser(CAROL, "Carol");
        assertThat(run("add-balance", "--email", ALICE, "--amount", "500").code())
                .isZero();
        clock.advance(Duration.ofMinutes(30));
        assertThat(run("add-balance", "--user", "service-bot", "--amount", "10").code())
                .isZero();
        clock.advance(Duration.ofMinutes(30));
        ledger().deduct(ChargeRequest.of(alice, "gpt-4o", Usage.of(1000, 500)));
        clock.advance(Duration.ofHours(1));
        assertThat(run("set-balance", "--email", BOB, "--amount", "100").code()).isZero();
        assertThat(run("set-tier", "--email", BOB, "--tier", "pro").code()).isZero();
    }

    @Test
    void table_byEmail_listsUsersWithBalances_usersWithoutAsNoBalance_thenAccountsWithoutUser_andTotals() {
        Result r = run("list-balances");

        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
        List<List<String>> cells =
                r.lines().stream().map(l -> List.of(l.split("\\s{2,}"))).toList();
        assertThat(cells)
                .containsExactly(
                        List.of("EMAIL", "BALANCE", "LAST TRANSACTION", "TOKENS USED", "TIER", "USER"),
                        List.of(ALICE, "13000", "2026-01-15T11:00:00Z", "1500", "-", alice),
                        List.of(BOB, "100", "2026-01-15T12:00:00Z", "0", "pro", bob),
                        List.of(CAROL, "no balance", "-", "-", "-", carol),
                        List.of("-", "20010", "2026-01-15T10:30:00Z", "0", "-", "service-bot"),
                        List.of("4 users, 3 with a balance; total balance 33110, total tokens used 1500"));
        assertThat(r.lines().get(1))
                .startsWith(ALICE + " ".repeat(30 - ALICE.length()) + "  " + " ".repeat(14 - 5) + "13000  ");
    }

    @Test
    void csv_parsesBack_withAHeader_andEmptyFieldsForNoBalance() {
        Result r = run("list-balances", "--format", "csv");

        assertThat(r.code()).isZero();
        assertThat(ParsedOutput.csv(r.out()))
                .containsExactly(
                        List.of("email", "balance", "lastTransactionAt", "totalTokens", "tier", "user"),
                        List.of(ALICE, "13000", "2026-01-15T11:00:00Z", "1500", "", alice),
                        List.of(BOB, "100", "2026-01-15T12:00:00Z", "0", "pro", bob),
                        List.of(CAROL, "", "", "", "", carol),
                        List.of("", "20010", "2026-01-15T10:30:00Z", "0", "", "service-bot"));
    }

    @Test
    void json_parsesBack_withNumbers_andNullForNoBalance() {
        Result r = run("list-balances", "--format", "json");

        assertThat(r.code()).isZero();
        List<Map<String, @Nullable Object>> rows = ParsedOutput.json(r.out());
        assertThat(rows).hasSize(4);
        assertThat(rows.get(0))
                .containsExactly(
                        entry("email", ALICE), entry("balance", new BigDecimal("13000")),
                        entry("lastTransactionAt", "2026-01-15T11:00:00Z"),
                                entry("totalTokens", new BigDecimal("1500")),
                        entry("tier", null), entry("user", alice));
        assertThat(rows.get(2))
                .containsExactly(
                        entry("email", CAROL),
                        entry("balance", null),
                        entry("lastTransactionAt", null),
                        entry("totalTokens", null),
                        entry("tier", null),
                        entry("user", carol));
        assertThat(rows.get(3)).containsEntry("email", null);
    }

    @Test
    void sortByBalance_highestFirst_usersWithoutAccountLast_reverseFlips() {
        assertThat(column(run("list-balances", "--format", "csv", "--sort", "balance"), 5))
                .containsExactly("service-bot", alice, bob, carol);
        assertThat(column(run("list-balances", "--format", "csv", "--sort", "balance", "--reverse"), 5))
                .containsExactly(bob, alice, "service-bot", carol);
    }

    @Test
    void sortByLastActivity_mostRecentFirst() {
        assertThat(column(run("list-balances", "--format", "csv", "--sort", "last-activity"), 5))
                .containsExactly(bob, alice, "service-bot", carol);
        assertThat(column(run("list-balances", "--format", "csv", "--sort", "LAST-ACTIVITY", "--reverse"), 5))
                .containsExactly("service-bot", alice, bob, carol);
    }

    @Test
    void sortByEmail_reverse() {
        assertThat(column(run("list-balances", "--format", "csv", "--reverse"), 5))
                .containsExactly(carol, bob, alice, "service-bot");
    }

    @Test
    void pageSizeOfOne_streamsTheSameListing_inEveryOrder() {
        for (String sort : List.of("email", "balance", "last-activity")) {
            Result whole = run("list-balances", "--format", "csv", "--sort", sort);
            Result paged = run("list-balances", "--format", "csv", "--sort", sort, "--page-size", "1");
            assertThat(paged.out()).as(sort).isEqualTo(whole.out());
        }
    }

    @Test
    void limit_stopsAfterNUsers_andTheTotalsSaySo() {
        Result r = run("list-balances", "--limit", "2", "--sort", "balance");

        assertThat(r.lines()).hasSize(4);
        assertThat(r.lines().get(3))
                .isEqualTo("2 users shown (--limit), 2 with a balance; total balance 33010, total tokens used 1500");
        assertThat(column(run("list-balances", "--format", "csv", "--limit", "3", "--page-size", "1"), 5))
                .containsExactly(alice, bob, carol);
        assertThat(run("list-balances", "--limit", "4").lines().get(5)).startsWith("4 users, ");
    }

    @Test
    void emptyDatabase_printsHeaderAndZeroTotals_emptyJsonArray() {
        variables.put("MONGO_URI", server.getConnectionString() + "/bk_cli_empty");

        assertThat(run("list-balances").out())
                .isEqualTo("EMAIL" + " ".repeat(25) + "  " + " ".repeat(7) + "BALANCE"
                        + "  LAST TRANSACTION" + " ".repeat(14) + "   TOKENS USED  TIER      " + "  USER\n"
                        + "0 users, 0 with a balance; total balance 0, total tokens used 0\n");
        assertThat(ParsedOutput.json(run("list-balances", "--format", "json").out()))
                .isEmpty();
        assertThat(ParsedOutput.csv(run("list-balances", "--format", "csv").out()))
                .hasSize(1);
    }

    @Test
    void onATerminal_showsProgressOnStandardError_andClearsIt() {
        terminal = true;

        Result r = run("list-balances", "--format", "csv", "--page-size", "2");

        assertThat(r.err()).contains("users listed: 2 ...").endsWith("\r");
        assertThat(ParsedOutput.csv(r.out())).hasSize(5);
    }

    @Test
    void notOnATerminal_printsNoProgress() {
        assertThat(run("list-balances", "--page-size", "1").err()).isEmpty();
    }

    @Test
    void userWithoutEmail_isLabelledWithTheName() {
        String dave = addUser(null, "Dave");

        Result r = run("list-balances", "--format", "csv");

        assertThat(ParsedOutput.csv(r.out())).contains(List.of("Dave", "", "", "", "", dave));
    }

    @Test
    void badLimitOrPageSize_isAUsageError() {
        assertThat(run("list-balances", "--limit", "-1"))
                .isEqualTo(new Result(1, "", "Error: --limit must be 0 (all) or more, was -1\n"));
        assertThat(run("list-balances", "--page-size", "0"))
                .isEqualTo(new Result(1, "", "Error: --page-size must be between 1 and 10000, was 0\n"));
        assertThat(run("list-balances", "--sort", "name").err())
                .startsWith(
                        "Error: Invalid value for option '--sort': expected one of email, balance, last-activity but was 'name'\n");
    }

    @Test
    void csvAndJson_escapeWhatTheyMust() {
        String odd = addUser("odd,\"quoted\"@example.com", "Odd");
        run("add-balance", "--user", odd, "--amount", "1");

        Result csv = run("list-balances", "--format", "csv");
        Result json = run("list-balances", "--format", "json");

        assertThat(ParsedOutput.csv(csv.out()))
                .anySatisfy(row -> assertThat(row.get(0)).isEqualTo("odd,\"quoted\"@example.com"));
        List<Map<String, @Nullable Object>> rows = ParsedOutput.json(json.out());
        assertThat(rows).anySatisfy(row -> assertThat(row.get("email")).isEqualTo("odd,\"quoted\"@example.com"));
    }

    private static List<String> column(Result r, int index) {
        assertThat(r.code()).isZero();
        List<List<String>> records = ParsedOutput.csv(r.out());
        return records.subList(1, records.size()).stream()
                .map(row -> row.get(index))
                .toList();
    }
}
