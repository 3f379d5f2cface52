package dev.balancekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancekit.BalanceLedger;
import dev.balancekit.ChargeRequest;
import dev.balancekit.LedgerConfig;
import dev.balancekit.Usage;
import dev.balancekit.mongo.MongoBalanceStore;
import dev.balancekit.yaml.YamlLedgerConfig;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** {@code balance prices show} and {@code balance prices check}. */
class PricesCommandTest extends CliTestSupport {

    private static List<List<String>> records(Result r) {
        List<List<String>> all = ParsedOutput.csv(r.out());
        return all.subList(1, all.size());
    }

    private static List<Map<String, @Nullable Object>> json(Result r) {
        return ParsedOutput.json(r.out());
    }

    @Test
    void show_gpt54_longPrompt_marksPremiumAndPremiumCacheRatesAsApplying() {
        Result r = run("prices", "show", "gpt-5.4", "--prompt-tokens", "300000", "--format", "csv");

        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(ParsedOutput.csv(r.out()).get(0))
                .containsExactly(
                        "model",
                        "endpoint",
                        "valueKey",
                        "match",
                        "from",
                        "through",
                        "context",
                        "rate",
                        "perToken",
                        "applies");
        assertThat(records(r))
                .extracting(row -> String.join(" ", row.subList(6, 10)))
                .containsExactly(
                        "standard prompt 2.5 no",
                        "standard completion 15 no",
                        "standard cacheWrite 2.5 no",
                        "standard cacheRead 0.25 no",
                        "above 272000 prompt 5 yes",
                        "above 272000 completion 22.5 yes",
                        "above 272000 cacheWrite 5 yes",
                        "above 272000 cacheRead 0.5 yes");
        assertThat(records(r))
                .allSatisfy(row -> assertThat(row.subList(0, 4)).containsExactly("gpt-5.4", "", "gpt-5.4", "exact"));
    }

    @Test
    void show_claudeSonnet5_listsBothDatedPeriods_andTheOneInForceByTheClock() {
        clock.set(Instant.parse("2026-09-01T00:00:00Z"));
        Result r = run("prices", "show", "claude-sonnet-5", "--format", "json");

        assertThat(r.code()).isZero();
        List<Map<String, @Nullable Object>> rows = json(r);
        assertThat(rows).hasSize(8);
        assertThat(rows.get(0))
                .containsEntry("from", null)
                .containsEntry("through", "2026-08-31")
                .containsEntry("rate", "prompt")
                .containsEntry("perToken", new BigDecimal("2"))
                .containsEntry("applies", "no");
        assertThat(rows.get(3)).containsEntry("rate", "cacheRead").containsEntry("perToken", new BigDecimal("0.2"));
        assertThat(rows.get(4))
                .containsEntry("from", "2026-09-01")
                .containsEntry("through", null)
                .containsEntry("rate", "prompt")
                .containsEntry("perToken", new BigDecimal("3"))
                .containsEntry("applies", "yes");
        assertThat(rows.get(7)).containsEntry("rate", "cacheRead").containsEntry("perToken", new BigDecimal("0.3"));
    }

    @Test
    void show_genericRow_tableSaysTheKindAndWhatItMeans() {
        Result r = run("prices", "show", "claude-opus-7");

        assertThat(r.code()).isZero();
        assertThat(r.lines().get(0))
                .isEqualTo(
                        "claude-opus-7: row claude-, generic (" + "a generic row: the key names a"
                                + " family or an older model, and the name goes on after it with more than a date, version stamp or tag)");
        assertThat(r.lines().get(1))
                .isEqualTo("FROM        THROUGH     CONTEXT         RATE         PER TOKEN  APPLIES");
        assertThat(r.lines().get(2)).isEqualTo("-           -           standard        prompt             0.8  yes");
        assertThat(r.lines().get(r.lines().size() - 1))
                .isEqualTo("Rates in credits per token (USD per 1M tokens);"
                        + " applies: in force on 2026-01-15 (Z) for a prompt of 0 tokens");
        assertThat(r.lines().get(3)).endsWith("completion         2.4  yes");
    }

    @Test
    void show_endpoint_exactPriceFromTokenConfig() throws Exception {
        Path file = writeConfig("endpoints.yaml", """
                endpoints:
                  custom:
                    - name: Groq
                      tokenConfig:
                        llama-4-scout: {prompt: 0.11, completion: 0.34}
                """);
        Result r = run(
                "prices",
                "show",
                "llama-4-scout",
                "--endpoint",
                "Groq",
                "--config",
                file.toString(),
                "--format",
                "csv");

        assertThat(r.code()).isZero();
        assertThat(records(r).get(0))
                .containsExactly(
                        "llama-4-scout",
                        "Groq",
                        "llama-4-scout",
                        "endpoint",
                        "",
                        "",
                        "standard",
                        "prompt",
                        "0.11",
                        "yes");
        assertThat(records(r).get(3))
                .containsExactly(
                        "llama-4-scout",
                        "Groq",
                        "llama-4-scout",
                        "endpoint",
                        "",
                        "",
                        "standard",
                        "cacheRead",
                        "0.11",
                        "yes");
    }

    @Test
    void show_badArguments_areUsageErrors() {
        assertThat(run("prices", "show", " "))
                .isEqualTo(new Result(1, "", "Error: MODEL must not be blank, was ' '\n"));
        assertThat(run("prices", "show", "gpt-4o", "--prompt-tokens", "-1").err())
                .isEqualTo("Error: --prompt-tokens must be between 0 and 1000000000, was -1\n");
    }

    @Test
    void check_givenModels_listsGenericAndDefaultPriced_exit1() {
        Result r = run("prices", "check", "gpt-4o", "claude-opus-7", "glm-9", "gpt-4o-2024-08-06", "gpt-4-0613");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.lines()).hasSize(4);
        assertThat(r.lines().get(1)).startsWith("claude-opus-7").contains("claude-", "generic", "0.8", "2.4");
        assertThat(r.lines().get(2)).startsWith("glm-9").contains("default", "6");
        assertThat(r.lines().get(3))
                .isEqualTo("2 of 5 models priced by a generic row or the default rate; give them a"
                        + " row in balance.tokenCosts, or refuse them with balance.unknownModels: refuse");
    }

    @Test
    void check_onlyModelsWithRowsOfTheirOwn_exit0() {
        Result r = run("prices", "check", "gpt-4o", "claude-opus-5", "--format", "json");
        assertThat(r).isEqualTo(new Result(0, "[]\n", ""));
    }

    @Test
    void check_withoutModels_readsTheTransactionHistory() {
        String alice = addUser(ALICE, "Alice");
        String bob = addUser(BOB, "Bob");
        ledger().deduct(ChargeRequest.of(alice, "gpt-4o", Usage.of(10, 10)));
        ledger().deduct(ChargeRequest.of(alice, "kimi-k9", Usage.of(10, 10)));
        ledger().deduct(ChargeRequest.of(bob, "kimi-k9", Usage.of(10, 10)));
        ledger().deduct(ChargeRequest.of(bob, "my-own-model", Usage.of(10, 10)));
        assertThat(run("add-balance", "--email", ALICE, "--amount", "5").code()).isZero();

        Result r = run("prices", "check", "--format", "csv");

        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isEqualTo(1);
        assertThat(records(r))
                .containsExactly(
                        List.of("kimi-k9", "kimi", "generic", "0.6", "2.5"),
                        List.of("my-own-model", "", "default", "6", "6"));
    }

    @Test
    void check_withoutModels_readsTheHistoryOfTheConfiguredCollections() {
        variables.put("BALANCEKIT_ACCOUNTS_COLLECTION", "team_accounts");
        variables.put("BALANCEKIT_ENTRIES_COLLECTION", "team_entries");
        LedgerConfig cfg = YamlLedgerConfig.parse(ENABLED_CONFIG, "librechat.yaml", Map.of());
        BalanceLedger.builder()
                .store(MongoBalanceStore.builder(db)
                        .balancesCollection("team_accounts")
                        .transactionsCollection("team_entries")
                        .build())
                .config(cfg)
                .clock(clock)
                .build()
                .blocking()
                .deduct(ChargeRequest.of(addUser(ALICE, "Alice"), "kimi-k9", Usage.of(10, 10)));

        Result r = run("prices", "check", "--format", "csv");

        assertThat(r.err()).isEmpty();
        assertThat(records(r)).containsExactly(List.of("kimi-k9", "kimi", "generic", "0.6", "2.5"));
        assertThat(r.code()).isEqualTo(1);
    }

    @Test
    void check_modelPricedInConfig_isNoLongerReported() throws Exception {
        Path file = writeConfig("priced.yaml", """
                balance:
                  tokenCosts:
                    unit: usdPer1MTokens
                    models:
                      my-own-model: {prompt: 1, completion: 2}
                """);
        Result r = run("prices", "check", "my-own-model", "--config", file.toString());
        assertThat(r.code()).isZero();
        assertThat(r.lines().get(r.lines().size() - 1))
                .isEqualTo("0 of 1 model priced by a generic row or the default rate");
    }
}
