package dev.balancekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancekit.BalanceRequest;
import dev.balancekit.ChargeRequest;
import dev.balancekit.Reservation;
import dev.balancekit.Usage;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HistoryCommandTest extends CliTestSupport {
    static final List<String> FIELDS = List.of(
            "createdAt",
            "seq",
            "context",
            "tokenType",
            "rawAmount",
            "rate",
            "tokenValue",
            "balance",
            "model",
            "valueKey",
            "conversationId",
            "inputTokens",
            "writeTokens",
            "readTokens",
            "holdId",
            "actor",
            "id",
            "user",
            "note");

    String alice;
    String holdId;

    /**
     * alice's ledger: 1 startBalance and 2 admin at T0; 3 prompt and 4 completion (gpt-4o, with a hold,
     * a conversation and cache tokens) at T0+1h; 5 tierChange at T0+2h.
     */
    @BeforeEach
    void arrange() {
        alice = addUser(ALICE, "Alice");
        addUser(CAROL, "Carol");
        assertThat(run("add-balance", "--email", ALICE, "--amount", "500", "--note", "welcome, \"friend\"\nline two")
                        .code())
                .isZero();
        clock.advance(Duration.ofHours(1));
        Reservation r = ledger().reserve(BalanceRequest.of(alice, "gpt-4o", 1300, 500));
        holdId = r.holdId();
        ledger().deduct(ChargeRequest.of(alice, "gpt-4o", Usage.of(1000, 500).withCache(200, 100))
                .withHold(holdId)
                .withConversationId("conv-1"));
        clock.advance(Duration.ofHours(1));
        assertThat(run("set-tier", "--email", ALICE, "--tier", "pro").code()).isZero();
    }

    @Test
    void json_hasEveryFieldOfEveryEntry_newestFirst() {
        Result r = run("history", "--email", ALICE, "--format", "json");

        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
        List<Map<String, @Nullable Object>> rows = json(r);
        assertThat(rows)
                .extracting(row -> row.get("seq"))
                .containsExactly(
                        new BigDecimal(5), new BigDecimal(4), new BigDecimal(3), new BigDecimal(2), new BigDecimal(1));
        assertThat(rows).allSatisfy(row -> assertThat(row.keySet()).containsExactlyElementsOf(FIELDS));

        Map<String, @Nullable Object> prompt = rows.get(2);
        assertThat(prompt)
                .containsEntry("createdAt", "2026-01-15T11:00:00Z")
                .containsEntry("context", "message")
                .containsEntry("tokenType", "prompt")
                .containsEntry("rawAmount", new BigDecimal("-1300"))
                .containsEntry("rate", new BigDecimal("2.5"))
                .containsEntry("model", "gpt-4o")
                .containsEntry("valueKey", "gpt-4o")
                .containsEntry("conversationId", "conv-1")
                .containsEntry("inputTokens", new BigDecimal(1000))
                .containsEntry("writeTokens", new BigDecimal(200))
                .containsEntry("readTokens", new BigDecimal(100))
                .containsEntry("holdId", holdId)
                .containsEntry("actor", null)
                .containsEntry("user", alice);
        Map<String, @Nullable Object> admin = rows.get(3);
        assertThat(admin)
                .containsEntry("context", "admin")
                .containsEntry("tokenType", "credits")
                .containsEntry("rawAmount", new BigDecimal("500"))
                .containsEntry("rate", new BigDecimal("1"))
                .containsEntry("tokenValue", new BigDecimal("500"))
                .containsEntry("balance", new BigDecimal("20500"))
                .containsEntry("actor", "ops-admin")
                .containsEntry("note", "welcome, \"friend\"\nline two")
                .containsEntry("model", null);
        assertThat(rows.get(0)).containsEntry("context", "tierChange").containsEntry("note", "none -> pro");
        assertThat(rows.get(4)).containsEntry("context", "startBalance").containsEntry("id", "startBalance");
    }

    @Test
    void csv_parsesBack_withTheFieldsAsHeader() {
        Result r = run("history", "--email", ALICE, "--format", "csv");

        List<List<String>> records = ParsedOutput.csv(r.out());
        assertThat(records.get(0)).containsExactlyElementsOf(FIELDS);
        assertThat(records).hasSize(6);
        List<String> admin = records.get(4);
        assertThat(admin.get(FIELDS.indexOf("note"))).isEqualTo("welcome, \"friend\"\nline two");
        assertThat(admin.get(FIELDS.indexOf("model"))).isEmpty();
        assertThat(records.get(3).get(FIELDS.indexOf("tokenType"))).isEqualTo("prompt");
    }

    @Test
    void table_hasAHeading_oneLinePerEntry_andACount() {
        Result r = run("history", "--email", ALICE);

        List<String> lines = r.lines();
        assertThat(lines.get(0)).isEqualTo("History of " + ALICE + " (user " + alice + "), newest first");
        assertThat(lines.get(1))
                .startsWith("CREATED AT")
                .contains(
                        "SEQ",
                        "CONTEXT",
                        "TYPE",
                        "RAW AMOUNT",
                        "RATE",
                        "VALUE",
                        "BALANCE",
                        "MODEL",
                        "VALUE KEY",
                        "CONVERSATION",
                        "INPUT",
                        "WRITE",
                        "READ",
                        "HOLD",
                        "ACTOR",
                        "ID",
                        "USER")
                .endsWith("NOTE");
        assertThat(lines).hasSize(8);
        assertThat(lines.get(5))
                .startsWith("2026-01-15T10:00:00Z")
                .contains("admin", "credits", "20500", "ops-admin")
                .endsWith("welcome, \"friend\" line two");
        assertThat(lines.get(7)).isEqualTo("5 entries");
    }

    @Test
    void filters_byTimeContextAndModel() {
        assertThat(seqs("--context", "admin")).containsExactly("2");
        assertThat(seqs("--model", "gpt-4o")).containsExactly("4", "3");
        assertThat(seqs("--since", "2026-01-15T10:30:00Z")).containsExactly("5", "4", "3");
        assertThat(seqs("--until", "2026-01-15T10:30Z")).containsExactly("2", "1");
        assertThat(seqs("--since", "2026-01-15T11:30:00+01:00")).containsExactly("5", "4", "3");
        assertThat(seqs("--since", "2026-01-15T11:00", "--until", "2026-01-15T12:00"))
                .containsExactly("4", "3");
        assertThat(seqs("--since", "2026-01-15", "--until", "2026-01-15")).containsExactly("5", "4", "3", "2", "1");
        assertThat(seqs("--since", "2026-01-16")).isEmpty();
    }

    @Test
    void limit_showsTheNewest_andSaysMoreExist() {
        assertThat(seqs("--limit", "2")).containsExactly("5", "4");
        assertThat(run("history", "--email", ALICE, "--limit", "2").lines().get(4))
                .isEqualTo("2 entries; more exist, raise --limit to see them");
        assertThat(run("history", "--email", ALICE, "--limit", "5").lines().get(7))
                .isEqualTo("5 entries");
    }

    @Test
    void byUserId_andUserWithoutAccount_hasAnEmptyHistory() {
        assertThat(seqs("--user", alice)).hasSize(5);
        Result carol = run("history", "--email", CAROL, "--format", "json");
        assertThat(carol.code()).isZero();
        assertThat(ParsedOutput.json(carol.out())).isEmpty();
        assertThat(run("history", "--email", CAROL).lines()).last().isEqualTo("0 entries");
    }

    @Test
    void errors() {
        assertThat(run("history", "--email", "x@example.com"))
                .isEqualTo(new Result(2, "", "Error: No user with that email was found\n"));
        assertThat(run("history")).isEqualTo(new Result(1, "", "Error: name the user with --email or --user\n"));
        assertThat(run("history", "--email", ALICE, "--since", "yesterday"))
                .isEqualTo(
                        new Result(
                                1,
                                "",
                                "Error: --since must be a date such as 2026-01-15 or a time such as 2026-01-15T10:00:00Z, was 'yesterday'\n"));
        assertThat(run("history", "--email", ALICE, "--until", "2026-13-01"))
                .isEqualTo(
                        new Result(
                                1,
                                "",
                                "Error: --until must be a date such as 2026-01-15 or a time such as 2026-01-15T10:00:00Z, was '2026-13-01'\n"));
        assertThat(run("history", "--email", ALICE, "--since", "2026-01-16", "--until", "2026-01-15T10:00:00Z"))
                .isEqualTo(new Result(
                        1,
                        "",
                        "Error: --since must be before --until, was 2026-01-16T00:00:00Z and 2026-01-15T10:00:00Z\n"));
        assertThat(run("history", "--email", ALICE, "--limit", "0"))
                .isEqualTo(new Result(1, "", "Error: --limit must be 1 or more, was 0\n"));
    }

    @Test
    void datesWithoutOffset_areInTheConfigsTimezone() throws Exception {
        variables.put(
                "CONFIG_PATH",
                writeConfig("berlin.yaml", "balance: {enabled: true, timezone: Europe/Berlin}\n")
                        .toString());

        // 11:30 in Berlin is 10:30 UTC
        assertThat(seqs("--since", "2026-01-15T11:30")).containsExactly("5", "4", "3");
    }

    /** The sequence numbers history prints for alice (by e-mail unless the options name {@code --user}). */
    private List<String> seqs(String... options) {
        List<String> args = new java.util.ArrayList<>(List.of("history", "--format", "csv"));
        if (options.length == 0 || !options[0].equals("--user")) {
            args.addAll(List.of("--email", ALICE));
        }
        args.addAll(List.of(options));
        Result r = run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isZero();
        List<List<String>> records = ParsedOutput.csv(r.out());
        return records.subList(1, records.size()).stream()
                .map(row -> row.get(FIELDS.indexOf("seq")))
                .toList();
    }

    private static List<Map<String, @Nullable Object>> json(Result r) {
        return ParsedOutput.json(r.out());
    }
}
