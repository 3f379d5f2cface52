package dev.balancekit.yaml;

import static dev.balancekit.yaml.Yaml.parse;
import static dev.balancekit.yaml.Yaml.problems;
import static org.assertj.core.api.Assertions.assertThat;

import dev.balancekit.Credits;
import dev.balancekit.Usage;
import dev.balancekit.pricing.ModelPrice;
import dev.balancekit.pricing.Premium;
import dev.balancekit.pricing.PriceTable;
import dev.balancekit.pricing.Rate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code balance.tokenCosts}: units, the built-in table, model rows, cache and premium rates. */
class TokenCostsTest {

    private static ModelPrice priceOf(String yaml, String model) {
        return parse(yaml).prices().match(model).price();
    }

    @Test
    void issueSample_creditsPer1kTokensByDefault() {
        PriceTable prices = parse("""
                balance:
                  tokenCosts:
                    unit: creditsPer1kTokens
                    builtIn: true
                    default: {prompt: 6000, completion: 6000}
                    models:
                      gpt-4o: {prompt: 2500, completion: 10000}
                      claude-sonnet-4: {prompt: 3000, completion: 15000, cacheWrite: 3750, cacheRead: 300}
                      gemini-3.1: {prompt: 2000, completion: 12000, premium: {threshold: 200000, prompt: 4000, completion: 18000}}
                """).prices();
        assertThat(prices.match("gpt-4o").price()).isEqualTo(ModelPrice.perToken("2.5", "10"));
        assertThat(prices.match("claude-sonnet-4").price())
                .isEqualTo(ModelPrice.perToken("3", "15").withCache(Rate.perToken("3.75"), Rate.perToken("0.3")));
        assertThat(prices.match("gemini-3.1").price())
                .isEqualTo(ModelPrice.perToken("2", "12")
                        .withPremium(new Premium(200_000, Rate.perToken("4"), Rate.perToken("18"))));
        assertThat(prices.defaultPrice()).isEqualTo(ModelPrice.perToken("6", "6"));
        assertThat(prices.match("gpt-4o-mini").price())
                .isEqualTo(PriceTable.builtIn().match("gpt-4o-mini").price());
    }

    @Test
    void unitDefault_isCreditsPer1kTokens() {
        assertThat(priceOf("balance: {tokenCosts: {models: {m: {prompt: 2500, completion: 75}}}}\n", "m"))
                .isEqualTo(ModelPrice.of(Rate.perThousandTokens("2500"), Rate.perThousandTokens("75")));
    }

    @Test
    void usdPer1MTokens_isLibreChatsTableUnit() {
        assertThat(priceOf("""
                balance:
                  tokenCosts:
                    unit: usdPer1MTokens
                    models:
                      gpt-4o: {prompt: 2.5, completion: 10, cacheWrite: 3.125, cacheRead: 1.25}
                """, "gpt-4o"))
                .isEqualTo(ModelPrice.perToken("2.5", "10").withCache(Rate.perToken("3.125"), Rate.perToken("1.25")));
    }

    @ParameterizedTest
    @CsvSource({
        "creditsPer1kTokens, 0.000001, 1",
        "creditsPer1kTokens, 0.075, 75000",
        "usdPer1MTokens, 0.000000001, 1",
        "usdPer1MTokens, 0.075, 75000000",
        "usdPer1MTokens, 0.1, 100000000",
        "creditsPer1kTokens, 0.1, 100000"
    })
    void ratesAreExact_neverThroughFloatingPoint(String unit, String rate, long nanosPerToken) {
        assertThat(priceOf(
                                "balance:\n  tokenCosts:\n    unit: " + unit + "\n    models:\n      m: {prompt: "
                                        + rate + ", completion: 0}\n",
                                "m")
                        .prompt())
                .isEqualTo(Rate.ofNanos(nanosPerToken));
    }

    @Test
    void exactCharge_worksFromAConfiguredRate() {
        // 0.1 has no exact binary form: 3 tokens at 0.1 credits per 1,000 tokens are 0.0003 credits exactly
        PriceTable prices = parse("balance: {tokenCosts: {models: {m: {prompt: 0.1, completion: 0.1}}}}\n")
                .prices();
        assertThat(prices.price("m", Usage.of(3, 0), false).total()).isEqualTo(Credits.parse("0.0003"));
    }

    @Test
    void onlyOneCacheRate_theOtherIsThePromptRate() {
        ModelPrice p = priceOf(
                "balance: {tokenCosts: {models: {m: {prompt: 1000, completion: 2000, cacheRead: 100}}}}\n", "m");
        assertThat(p)
                .isEqualTo(new ModelPrice(Rate.perToken("1"), Rate.perToken("2"), null, Rate.perToken("0.1"), null));
    }

    @Test
    void modelRow_replacesTheBuiltInRowWhole() {
        // the built-in gpt-4o has cache rates; a row from the file has only what the file says
        ModelPrice p =
                priceOf("balance: {tokenCosts: {models: {gpt-4o: {prompt: 3000, completion: 12000}}}}\n", "gpt-4o");
        assertThat(p).isEqualTo(ModelPrice.perToken("3", "12"));
    }

    @Test
    void newModelRow_isMatchedLikeBuiltInOnes() {
        PriceTable prices = parse("balance: {tokenCosts: {models: {acme-large: {prompt: 1000, completion: 1000}}}}\n")
                .prices();
        assertThat(prices.match("acme/acme-large-2026-01").valueKey()).isEqualTo("acme-large");
    }

    @Test
    void builtInFalse_startsFromAnEmptyTable() {
        PriceTable prices = parse("""
                balance:
                  tokenCosts:
                    builtIn: false
                    models:
                      gpt-4o: {prompt: 2500, completion: 10000}
                """).prices();
        assertThat(prices.models()).containsOnlyKeys("gpt-4o");
        assertThat(prices.legacyFallbacks()).isEmpty();
        assertThat(prices.match("gpt-4o-mini").valueKey()).isEqualTo("gpt-4o");
        assertThat(prices.match("claude-3-opus").valueKey()).isNull();
        assertThat(prices.defaultPrice()).isEqualTo(ModelPrice.perToken("6", "6"));
    }

    @Test
    void builtInFalse_withDefaultOnly() {
        PriceTable prices = parse(
                        "balance: {tokenCosts: {builtIn: false, default: {prompt: 1000, completion: 2000}}}\n")
                .prices();
        assertThat(prices.models()).isEmpty();
        assertThat(prices.match("anything").price()).isEqualTo(ModelPrice.perToken("1", "2"));
    }

    @Test
    void emptyTokenCosts_isTheBuiltInTable() {
        PriceTable prices = parse("balance:\n  tokenCosts:\n").prices();
        assertThat(prices.models()).isEqualTo(PriceTable.builtIn().models());
        assertThat(prices.defaultPrice()).isEqualTo(PriceTable.builtIn().defaultPrice());
    }

    @Test
    void errors_everyOneAtItsPosition() {
        assertThat(problems("""
                balance:
                  tokenCosts:
                    unit: perToken
                    builtIn: maybe
                    default: {prompt: 1}
                    models:
                      a: {prompt: 2.5e3, completion: -1}
                      b: {prompt: 0.0000001, completion: 1, promt: 2}
                      c: {prompt: 1, completion: 1, premium: {threshold: 0, prompt: 2}}
                      C: {prompt: 1, completion: 1}
                      d: 5
                      e: {prompt: 1, completion: 1, premium: {threshold: 1.5, prompt: x, completion: [1]}}
                """))
                .containsExactly(
                        "balance.tokenCosts.unit must be one of creditsPer1kTokens, usdPer1MTokens, was 'perToken' (librechat.yaml:3:11)",
                        "balance.tokenCosts.builtIn must be true or false, was 'maybe' (librechat.yaml:4:14)",
                        "balance.tokenCosts.default.completion is required (librechat.yaml:5:14)",
                        "balance.tokenCosts.models.a.prompt must be a plain decimal number, was '2.5e3' (librechat.yaml:7:19)",
                        "balance.tokenCosts.models.a.completion must be zero or more, was -1 (librechat.yaml:7:38)",
                        "balance.tokenCosts.models.b.prompt must have at most 6 fractional digits, was '0.0000001' (librechat.yaml:8:19)",
                        "balance.tokenCosts.models.b.promt is not a known key; did you mean prompt? (librechat.yaml:8:45)",
                        "balance.tokenCosts.models.c.premium.completion is required (librechat.yaml:9:46)",
                        "balance.tokenCosts.models.c.premium.threshold must be positive, was 0 (librechat.yaml:9:58)",
                        "balance.tokenCosts.models.C is the same model key as c; model keys are compared ignoring case (librechat.yaml:10:7)",
                        "balance.tokenCosts.models.d must be a mapping, was '5' (librechat.yaml:11:10)",
                        "balance.tokenCosts.models.e.premium.threshold must be a whole number, was '1.5' (librechat.yaml:12:58)",
                        "balance.tokenCosts.models.e.premium.prompt must be a plain decimal number, was 'x' (librechat.yaml:12:71)",
                        "balance.tokenCosts.models.e.premium.completion must be a plain decimal number, was a list (librechat.yaml:12:86)");
    }

    @Test
    void unknownPriceKey_withoutNearMiss_listsTheKnownKeys() {
        assertThat(problems("balance: {tokenCosts: {models: {m: {prompt: 1, completion: 1, input: 1}}}}\n"))
                .containsExactly(
                        "balance.tokenCosts.models.m.input is not a known key; known keys: prompt, completion, cacheWrite, "
                                + "cacheRead, premium, through, after (librechat.yaml:1:63)");
    }

    @Test
    void blankModelKey() {
        assertThat(problems("balance:\n  tokenCosts:\n    models:\n      ' ': {prompt: 1, completion: 1}\n"))
                .containsExactly("balance.tokenCosts.models has a blank model key (librechat.yaml:4:7)");
    }

    @Test
    void usdPer1MTokens_allowsNineFractionalDigits_creditsPer1kTokensSix() {
        assertThat(
                        problems(
                                "balance: {tokenCosts: {unit: usdPer1MTokens, models: {m: {prompt: 0.0000000001, completion: 1}}}}\n"))
                .containsExactly("balance.tokenCosts.models.m.prompt must have at most 9 fractional digits, was "
                        + "'0.0000000001' (librechat.yaml:1:67)");
    }
}
