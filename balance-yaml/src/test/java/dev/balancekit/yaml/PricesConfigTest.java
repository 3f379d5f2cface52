package dev.balancekit.yaml;

import static dev.balancekit.yaml.Yaml.parse;
import static dev.balancekit.yaml.Yaml.problems;
import static org.assertj.core.api.Assertions.assertThat;

import dev.balancekit.Credits;
import dev.balancekit.LedgerConfig;
import dev.balancekit.UnknownModelPolicy;
import dev.balancekit.Usage;
import dev.balancekit.pricing.MatchKind;
import dev.balancekit.pricing.ModelPrice;
import dev.balancekit.pricing.Multiplier;
import dev.balancekit.pricing.Premium;
import dev.balancekit.pricing.PriceTable;
import dev.balancekit.pricing.Rate;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Dated prices and premium cache rates in {@code tokenCosts}, {@code unknownModels}, and custom endpoints' {@code tokenConfig}. */
class PricesConfigTest {

    @Test
    void tokenCosts_datedPrice_throughAndAfter_afterKeepsWhatItLeavesOut() {
        PriceTable prices = parse("""
                balance:
                  tokenCosts:
                    unit: usdPer1MTokens
                    models:
                      my-intro-model:
                        prompt: 2
                        completion: 10
                        cacheWrite: 2.5
                        cacheRead: 0.2
                        through: 2026-08-31
                        after: {prompt: 3, completion: 15}
                """).prices();
        ModelPrice intro = ModelPrice.perToken("2", "10").withCache(Rate.perToken("2.5"), Rate.perToken("0.2"));
        assertThat(prices.models().get("my-intro-model"))
                .isEqualTo(intro.until(
                        LocalDate.of(2026, 8, 31), intro.withRates(Rate.perToken("3"), Rate.perToken("15"))));
        assertThat(prices.price(
                                "my-intro-model",
                                null,
                                LocalDate.of(2026, 9, 1),
                                Usage.of(1000, 0),
                                false,
                                Multiplier.ONE)
                        .total())
                .isEqualTo(Credits.of(3000));
    }

    @Test
    void tokenCosts_datedPrice_chained_andInCreditsPer1k() {
        ModelPrice p = parse("""
                balance:
                  tokenCosts:
                    models:
                      m: {prompt: 1000, completion: 1000, through: 2026-12-31,
                          after: {prompt: 2000, through: 2027-06-30, after: {completion: 3000}}}
                """).prices().models().get("m");
        assertThat(p.on(LocalDate.of(2026, 12, 31)).prompt()).isEqualTo(Rate.perToken("1"));
        assertThat(p.on(LocalDate.of(2027, 1, 1)))
                .isEqualTo(
                        ModelPrice.perToken("2", "1").until(LocalDate.of(2027, 6, 30), ModelPrice.perToken("2", "3")));
        assertThat(p.on(LocalDate.of(2027, 7, 1))).isEqualTo(ModelPrice.perToken("2", "3"));
    }

    @Test
    void tokenCosts_premiumCacheRates() {
        ModelPrice p = parse("""
                balance:
                  tokenCosts:
                    unit: usdPer1MTokens
                    models:
                      my-long: {prompt: 2.5, completion: 15, cacheWrite: 2.5, cacheRead: 0.25,
                                premium: {threshold: 272000, prompt: 5, completion: 22.5, cacheWrite: 5, cacheRead: 0.5}}
                """).prices().models().get("my-long");
        assertThat(p.premium())
                .isEqualTo(new Premium(
                        272_000, Rate.perToken("5"), Rate.perToken("22.5"), Rate.perToken("5"), Rate.perToken("0.5")));
    }

    @Test
    void tokenCosts_datedPriceErrors_atTheirPositions() {
        assertThat(problems("""
                balance:
                  tokenCosts:
                    models:
                      a: {prompt: 1, completion: 1, through: 31.08.2026, after: {prompt: 2}}
                      b: {prompt: 1, completion: 1, through: 2026-08-31}
                      c: {prompt: 1, completion: 1, after: {prompt: 2}}
                      d: {prompt: 1, completion: 1, through: 2026-08-31, after: {prompt: 2, through: 2026-08-01, after: {}}}
                      e: {prompt: 1, completion: 1, premium: {threshold: 10, prompt: 1, completion: 1, cacheWrite: 1}}
                """))
                .containsExactly(
                        "balance.tokenCosts.models.a.through must be a date such as 2026-08-31, was '31.08.2026' (librechat.yaml:4:46)",
                        "balance.tokenCosts.models.b.after is required when through is given (librechat.yaml:5:46)",
                        "balance.tokenCosts.models.c.through is required when after is given (librechat.yaml:6:44)",
                        "balance.tokenCosts.models.d.after.through must be later than through 2026-08-31, was 2026-08-01"
                                + " (librechat.yaml:7:86)",
                        "balance.tokenCosts.models.e.premium.cacheWrite and cacheRead must be given together, was 0.001 and null"
                                + " (librechat.yaml:8:100)");
    }

    @Test
    void unknownModels_refuse_andCharge_andErrors() {
        assertThat(parse("balance: {unknownModels: refuse}\n").unknownModels()).isEqualTo(UnknownModelPolicy.REFUSE);
        assertThat(parse("balance: {unknownModels: charge}\n").unknownModels()).isEqualTo(UnknownModelPolicy.CHARGE);
        assertThat(parse("balance: {enabled: true}\n").unknownModels()).isEqualTo(UnknownModelPolicy.CHARGE);
        assertThat(problems("balance: {unknownModels: deny}\n"))
                .containsExactly(
                        "balance.unknownModels must be one of charge, refuse, was 'deny' (librechat.yaml:1:26)");
    }

    @Test
    void endpointsCustomTokenConfig_exactPricesPerEndpoint_inUsdPer1M_whateverTheTokenCostsUnit() {
        LedgerConfig config = parse("""
                balance:
                  enabled: true
                  tokenCosts:
                    models:
                      my-model: {prompt: 1000, completion: 2000}
                endpoints:
                  custom:
                    - name: "Mistral"
                      apiKey: "${MISTRAL_KEY}"
                      baseURL: "https://api.mistral.ai/v1"
                      models: {default: ["mistral-large-latest"], fetch: false}
                      tokenConfig:
                        mistral-large-latest: {prompt: 2, completion: 6, context: 128000}
                        cached-model: {prompt: 1, completion: 2, write: 1.25, read: 0.1}
                    - name: "NoPrices"
                      apiKey: "x"
                """, Map.of("MISTRAL_KEY", "secret"));
        PriceTable prices = config.prices();
        assertThat(prices.endpointPrices())
                .containsExactly(Map.entry(
                        "Mistral",
                        Map.of(
                                "mistral-large-latest", ModelPrice.perToken("2", "6"),
                                "cached-model",
                                        ModelPrice.perToken("1", "2")
                                                .withCache(Rate.perToken("1.25"), Rate.perToken("0.1")))));
        assertThat(prices.match("mistral-large-latest", "Mistral").kind()).isEqualTo(MatchKind.ENDPOINT);
        assertThat(prices.match("mistral-large-latest").valueKey()).isEqualTo("mistral-large");
        // tokenCosts still applies, on top of the built-in table
        assertThat(prices.models().get("my-model")).isEqualTo(ModelPrice.perToken("1", "2"));
        assertThat(prices.models()).containsKey("gpt-4o");
    }

    @Test
    void endpointsWithoutBalanceSection_extendTheBuiltInTable() {
        PriceTable prices = parse("""
                endpoints:
                  custom:
                    - {name: Groq, tokenConfig: {llama-4-scout: {prompt: 0.11, completion: 0.34}}}
                """).prices();
        assertThat(prices.match("llama-4-scout", "Groq").price()).isEqualTo(ModelPrice.perToken("0.11", "0.34"));
        assertThat(prices.models()).hasSameSizeAs(PriceTable.builtIn().models());
    }

    @Test
    void endpointsTokenConfigErrors_atTheirPositions() {
        assertThat(problems("""
                endpoints:
                  custom:
                    - tokenConfig: {m: {prompt: 1, completion: 1}}
                    - name: E
                      tokenConfig:
                        m: {prompt: 1}
                        n: {prompt: 1, completion: x, cacheRead: 1}
                """))
                .containsExactly(
                        "endpoints.custom[0].name is required when tokenConfig is given (librechat.yaml:3:7)",
                        "endpoints.custom[1].tokenConfig.m.completion is required (librechat.yaml:6:12)",
                        "endpoints.custom[1].tokenConfig.n.completion must be a plain decimal number, was 'x' (librechat.yaml:7:36)",
                        "endpoints.custom[1].tokenConfig.n.cacheRead is not a known key; known keys: prompt, completion, write, read,"
                                + " context (librechat.yaml:7:39)");
    }
}
