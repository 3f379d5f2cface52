package dev.balancekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancekit.ChargeRequest;
import dev.balancekit.EntryContext;
import dev.balancekit.Usage;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReportCommandTest extends CliTestSupport {
    String alice;
    String bob;

    /**
     * On 15 January alice spends 7,500 on gpt-4o (1,000 + 500 tokens) and bob 450 on a title (100 + 20);
     * on 16 January alice spends 1,250 more (100 + 100). Both started with 20,000.
     */
    @BeforeEach
    void arrange() {
        alice = addUser(ALICE, "Alice");
        bob = addUser(BOB, "Bob");
        ledger().deduct(ChargeRequest.of(alice, "gpt-4o", Usage.of(1000, 500)));
        ledger().deduct(ChargeRequest.of(bob, "gpt-4o", Usage.of(100, 20)).withContext(EntryContext.TITLE));
        clock.advance(Duration.ofDays(1));
        ledger().deduct(ChargeRequest.of(alice, "gpt-4o", Usage.of(100, 100)));
    }

    @Test
    void csv_byUserAndModel_rowsWithEmailAndExactAmounts_mostSpentFirst() {
        Result r = run(
                "report", "--since", "2026-01-15", "--until", "2026-01-16", "--by", "user,model", "--format", "csv");

        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(ParsedOutput.csv(r.out()))
                .containsExactly(
                        List.of(
                                "email",
                                "user",
                                "model",
                                "spent",
                                "credited",
                                "promptTokens",
                                "completionTokens",
                                "entries"),
                        List.of(ALICE, alice, "gpt-4o", "8750", "0", "1100", "600", "4"),
                        List.of(BOB, bob, "gpt-4o", "450", "0", "100", "20", "2"),
                        List.of(ALICE, alice, "", "0", "20000", "0", "0", "1"),
                        List.of(BOB, bob, "", "0", "20000", "0", "0", "1"));
    }

    @Test
    void json_byDayAndContext_onlyCharges() {
        Result r = run(
                "report",
                "--since",
                "2026-01-15",
                "--until",
                "2026-01-16",
                "--by",
                "day,context",
                "--model",
                "gpt-4o",
                "--format",
                "json");

        assertThat(r.code()).isZero();
        assertThat(json(r))
                .containsExactly(
                        Map.of(
                                "day",
                                "2026-01-15",
                                "context",
                                "message",
                                "spent",
                                new BigDecimal("7500"),
                                "credited",
                                BigDecimal.ZERO,
                                "promptTokens",
                                new BigDecimal(1000),
                                "completionTokens",
                                new BigDecimal(500),
                                "entries",
                                new BigDecimal(2)),
                        Map.of(
                                "day",
                                "2026-01-16",
                                "context",
                                "message",
                                "spent",
                                new BigDecimal("1250"),
                                "credited",
                                BigDecimal.ZERO,
                                "promptTokens",
                                new BigDecimal(100),
                                "completionTokens",
                                new BigDecimal(100),
                                "entries",
                                new BigDecimal(2)),
                        Map.of(
                                "day",
                                "2026-01-15",
                                "context",
                                "title",
                                "spent",
                                new BigDecimal("450"),
                                "credited",
                                BigDecimal.ZERO,
                                "promptTokens",
                                new BigDecimal(100),
                                "completionTokens",
                                new BigDecimal(20),
                                "entries",
                                new BigDecimal(2)));
    }

    @Test
    void table_showsGroupsTotalsAndTheLowBalanceList() {
        Result r = run("report", "--since", "2026-01-15", "--until", "2026-01-16", "--by", "user", "--top", "1");

        assertThat(r.code()).isZero();
        assertThat(r.lines())
                .contains(
                        "Usage from 2026-01-15T00:00 to 2026-01-17T00:00 (Z), by user, most spent first",
                        "1 of 2 groups; total spent 9200 credits, added 40000, prompt tokens 1200, completion tokens 620, entries 8",
                        "Low balance: will not cover 7 days of average daily spending");
        assertThat(r.out())
                .containsPattern(ALICE + " +" + alice + " +8750 +20000 +1100 +600 +5")
                .doesNotContain(BOB + " ");
        // alice: 8,750 over 2 days is 4,375 a day; 11,250 left covers 2 days. bob's 225 a day is covered.
        assertThat(r.out()).containsPattern(ALICE + " +11250 +4375 +2 +" + alice);
    }

    @Test
    void lowBalanceJson_listsTheUsersWhoWillRunDry() {
        Result r = run(
                "report",
                "--since",
                "2026-01-15",
                "--until",
                "2026-01-16",
                "--low-balance",
                "--low-balance-days",
                "3",
                "--format",
                "json");

        assertThat(r.code()).isZero();
        assertThat(json(r))
                .containsExactly(Map.of(
                        "email",
                        ALICE,
                        "balance",
                        new BigDecimal("11250"),
                        "averageDailySpend",
                        new BigDecimal("4375"),
                        "daysLeft",
                        new BigDecimal(2),
                        "user",
                        alice));
        assertThat(json(run(
                        "report",
                        "--since",
                        "2026-01-15",
                        "--until",
                        "2026-01-16",
                        "--low-balance",
                        "--low-balance-days",
                        "2",
                        "--format",
                        "json")))
                .isEmpty();
    }

    @Test
    void html_toFile_isOnePageWithTheThreeCharts() throws Exception {
        Path file = dir.resolve("report.html");

        Result r = run(
                "report",
                "--since",
                "2026-01-15",
                "--until",
                "2026-01-16",
                "--format",
                "html",
                "--output",
                file.toString());

        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("Report written to " + file + System.lineSeparator());
        String html = Files.readString(file);
        assertThat(html)
                .startsWith("<!DOCTYPE html>")
                .contains(
                        "<svg id='chart-daily'",
                        "<svg id='chart-top-users'",
                        "<svg id='chart-top-models'",
                        ">" + ALICE + "<",
                        "<section id=\"low-balance\">")
                .doesNotContain("<script");
    }

    @Test
    void userByEmail_filters_unknownEmail_isNotFound() {
        Result r = run(
                "report",
                "--since",
                "2026-01-15",
                "--until",
                "2026-01-16",
                "--user",
                BOB,
                "--by",
                "",
                "--format",
                "csv");

        assertThat(r.code()).isZero();
        assertThat(ParsedOutput.csv(r.out()))
                .containsExactly(
                        List.of("spent", "credited", "promptTokens", "completionTokens", "entries"),
                        List.of("450", "20000", "100", "20", "3"));
        Result unknown = run("report", "--user", CAROL);
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("No user with the email '" + CAROL + "' was found");
    }

    @Test
    void badOptions_areUsageErrors_namingTheValue() {
        Result by = run("report", "--by", "user,colour");
        assertThat(by.code()).isEqualTo(1);
        assertThat(by.err())
                .contains("--by must list user, model, price-key, context, tier, day, week or month, was 'colour'");

        Result twoPeriods = run("report", "--by", "day,month");
        assertThat(twoPeriods.code()).isEqualTo(1);
        assertThat(twoPeriods.err()).contains("by may hold one of day, week and month, was [DAY, MONTH]");

        Result format = run("report", "--format", "pdf");
        assertThat(format.code()).isEqualTo(1);
        assertThat(format.err()).contains("expected one of table, csv, json, html but was 'pdf'");

        Result top = run("report", "--top", "-1");
        assertThat(top.code()).isEqualTo(1);
        assertThat(top.err()).contains("--top must be between 0 (all) and 10000, was -1");

        Result range = run("report", "--since", "2026-01-16", "--until", "2026-01-15");
        assertThat(range.code()).isEqualTo(1);
        assertThat(range.err()).contains("--since must be before --until");
    }

    private static List<Map<String, @Nullable Object>> json(Result r) {
        return ParsedOutput.json(r.out());
    }
}
