package dev.balancekit.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.balancekit.Credits;
import dev.balancekit.Usage;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** What a call costs: the worked examples of librechat-balance.md, cache, long context, aborted streams, estimates. */
class PriceTablePriceTest {

    private static final PriceTable BUILT_IN = PriceTable.builtIn();

    private static Credits c(String credits) {
        return Credits.parse(credits);
    }

    private static Rate r(String perToken) {
        return Rate.perToken(perToken);
    }

    @Test
    void price_gpt35Turbo_workedExample_costs250ViaLegacyFallback() {
        PricedUsage p = BUILT_IN.price("gpt-3.5-turbo", Usage.of(100, 50), false);
        assertThat(p.valueKey()).isEqualTo("4k");
        assertThat(p.prompt()).isEqualTo(new PricedLine(100, r("1.5"), c("150"), 100, 0, 0));
        assertThat(p.completion()).isEqualTo(new PricedLine(50, r("2"), c("100"), 0, 0, 0));
        assertThat(p.total()).isEqualTo(c("250"));
    }

    @Test
    void price_claude35Sonnet_cacheWriteWorkedExample_costs527065point5() {
        PricedUsage p = BUILT_IN.price("claude-3-5-sonnet", Usage.of(11, 5).withCache(140_522, 0), false);
        assertThat(p.valueKey()).isEqualTo("claude-3-5-sonnet");
        // 11 x 3 + 140,522 x 3.75
        assertThat(p.prompt()).isEqualTo(new PricedLine(140_533, r("3"), c("526990.5"), 11, 140_522, 0));
        assertThat(p.completion()).isEqualTo(new PricedLine(5, r("15"), c("75"), 0, 0, 0));
        assertThat(p.total()).isEqualTo(c("527065.5"));
    }

    @Test
    void price_cacheRead_usesCacheReadRate() {
        PricedUsage p = BUILT_IN.price("claude-3-5-sonnet", Usage.of(0, 0).withCache(0, 1000), false);
        assertThat(p.prompt().cost()).isEqualTo(c("300"));
        assertThat(p.prompt().readTokens()).isEqualTo(1000);
    }

    @Test
    void price_modelWithoutCacheRates_billsCacheTokensAtPromptRate() {
        PricedUsage p = BUILT_IN.price("gpt-3.5-turbo", Usage.of(100, 0).withCache(100, 100), false);
        assertThat(p.prompt()).isEqualTo(new PricedLine(300, r("1.5"), c("450"), 100, 100, 100));
    }

    @Test
    void price_promptLine_sumsPartsExactlyAndRoundsOnce() {
        // 400 + 300 + 300 nanos = exactly one micro; rounding each part would give three
        PriceTable table = PriceTable.builder()
                .model("tiny", ModelPrice.perToken("0.0000004", "0").withCache(r("0.0000003"), r("0.0000003")))
                .build();
        PricedUsage p = table.price("tiny", Usage.of(1, 0).withCache(1, 1), false);
        assertThat(p.prompt().cost()).isEqualTo(Credits.ofMicros(1));
    }

    @Test
    void price_fractionOfMicro_roundsUp() {
        PriceTable table = PriceTable.builder()
                .model("tiny", ModelPrice.perToken("0.0000001", "0.0000001"))
                .build();
        PricedUsage p = table.price("tiny", Usage.of(1, 11), false);
        assertThat(p.prompt().cost()).isEqualTo(Credits.ofMicros(1));
        assertThat(p.completion().cost()).isEqualTo(Credits.ofMicros(2));
    }

    @Test
    void price_incomplete_chargesCompletionAt115Percent() {
        PricedUsage p = BUILT_IN.price("gpt-4o", Usage.of(1000, 100), true);
        assertThat(p.prompt().cost()).isEqualTo(c("2500"));
        assertThat(p.completion()).isEqualTo(new PricedLine(100, r("11.5"), c("1150"), 0, 0, 0));
    }

    @Test
    void price_incomplete_roundsUpToMicro() {
        // 1 token x 0.000001 x 1.15 = 1.15 micros, charged as 2
        PriceTable table = PriceTable.builder()
                .model("m", ModelPrice.perToken("0", "0.000001"))
                .build();
        assertThat(table.price("m", Usage.of(0, 1), true).completion().cost()).isEqualTo(Credits.ofMicros(2));
    }

    @Test
    void price_incomplete_roundsOnceFromUnscaledRate() {
        // 100,000 tokens x 1 nano x 1.15 = exactly 115 micros; the recorded rate is 1.15 nanos rounded
        // up to 2, which would have charged 200 micros had the cost been computed from it
        PriceTable table = PriceTable.builder()
                .model("m", ModelPrice.perToken("0", "0.000000001"))
                .build();
        PricedLine line = table.price("m", Usage.of(0, 100_000), true).completion();
        assertThat(line.rate()).isEqualTo(Rate.ofNanos(2));
        assertThat(line.cost()).isEqualTo(Credits.ofMicros(115));
    }

    @Test
    void price_gemini31_atThreshold_usesStandardRates() {
        PricedUsage p = BUILT_IN.price("gemini-3.1", Usage.of(200_000, 1000), false);
        assertThat(p.prompt().rate()).isEqualTo(r("2"));
        assertThat(p.completion().rate()).isEqualTo(r("12"));
        assertThat(p.total()).isEqualTo(c("412000"));
    }

    @Test
    void price_gemini31_aboveThreshold_usesPremiumRates() {
        PricedUsage p = BUILT_IN.price("gemini-3.1-pro-preview", Usage.of(200_001, 1000), false);
        assertThat(p.valueKey()).isEqualTo("gemini-3.1");
        assertThat(p.prompt()).isEqualTo(new PricedLine(200_001, r("4"), c("800004"), 200_001, 0, 0));
        assertThat(p.completion()).isEqualTo(new PricedLine(1000, r("18"), c("18000"), 0, 0, 0));
    }

    @Test
    void price_gpt54_above272000_uses5And22point5() {
        PricedUsage above = BUILT_IN.price("gpt-5.4", Usage.of(272_001, 2), false);
        assertThat(above.prompt().rate()).isEqualTo(r("5"));
        assertThat(above.completion()).isEqualTo(new PricedLine(2, r("22.5"), c("45"), 0, 0, 0));
        assertThat(above.prompt().cost()).isEqualTo(c("1360005"));
        PricedUsage at = BUILT_IN.price("gpt-5.4", Usage.of(272_000, 2), false);
        assertThat(at.prompt().rate()).isEqualTo(r("2.5"));
        assertThat(at.completion().rate()).isEqualTo(r("15"));
    }

    @Test
    void price_premiumWithoutPremiumCache_countsCacheTokensTowardThresholdAndKeepsModelCacheRates() {
        // 100,000 input + 100,001 cache read > 200,000: input at 4, cache read still at 0.2
        PricedUsage p = BUILT_IN.price("gemini-3.1", Usage.of(100_000, 10).withCache(0, 100_001), false);
        assertThat(p.prompt()).isEqualTo(new PricedLine(200_001, r("4"), c("420000.2"), 100_000, 0, 100_001));
        assertThat(p.completion().rate()).isEqualTo(r("18"));
    }

    @Test
    void price_modelWithoutCacheRates_aboveThreshold_billsCacheAtEffectivePremiumPromptRate() {
        PriceTable table = PriceTable.builder()
                .model("m", ModelPrice.perToken("1", "1").withPremium(new Premium(10, r("2"), r("3"))))
                .build();
        // 15 > 10: input 5 x 2, cache write 10 x 2 (the effective prompt rate, the premium one)
        PricedUsage p = table.price("m", Usage.of(5, 1).withCache(10, 0), false);
        assertThat(p.prompt().cost()).isEqualTo(c("30"));
        assertThat(p.completion().cost()).isEqualTo(c("3"));
        // 10 is not above: everything at 1
        assertThat(table.price("m", Usage.of(5, 1).withCache(5, 0), false)
                        .prompt()
                        .cost())
                .isEqualTo(c("10"));
    }

    @Test
    void price_gpt54_100000InputAnd200000CacheRead_workedExample_costs600000() {
        // 300,000 > 272,000: 100,000 x 5 (premium prompt) + 200,000 x 0.5 (premium cache read)
        PricedUsage p = BUILT_IN.price("gpt-5.4", Usage.of(100_000, 0).withCache(0, 200_000), false);
        assertThat(p.valueKey()).isEqualTo("gpt-5.4");
        assertThat(p.prompt()).isEqualTo(new PricedLine(300_000, r("5"), c("600000"), 100_000, 0, 200_000));
        assertThat(p.total()).isEqualTo(c("600000"));
    }

    @Test
    void price_gpt54_aboveThreshold_premiumCacheWriteRateReplacesStandard() {
        // 100,000 x 5 + 200,000 x 5 (premium cache write) + 1 x 0.5 (premium cache read)
        PricedUsage p = BUILT_IN.price("gpt-5.4", Usage.of(100_000, 0).withCache(200_000, 1), false);
        assertThat(p.prompt().cost()).isEqualTo(c("1500000.5"));
    }

    @Test
    void price_gpt54_atThreshold_keepsStandardCacheRates() {
        // 72,000 + 200,000 = 272,000, not above: 72,000 x 2.5 + 200,000 x 0.25
        PricedUsage p = BUILT_IN.price("gpt-5.4", Usage.of(72_000, 0).withCache(0, 200_000), false);
        assertThat(p.prompt().cost()).isEqualTo(c("230000"));
    }

    @Test
    void price_gpt54Pro_noCacheRates_aboveThreshold_billsCacheAtPremiumPromptRate() {
        // gpt-5.4-pro has no cache row: 300,000 > 272,000, so every prompt token at the premium 60
        PricedUsage p = BUILT_IN.price("gpt-5.4-pro", Usage.of(100_000, 0).withCache(0, 200_000), false);
        assertThat(p.prompt().cost()).isEqualTo(c("18000000"));
    }

    @Test
    void price_gemini31_over200000_workedExample_uses4And18() {
        PricedUsage p = BUILT_IN.price("gemini-3.1", Usage.of(200_001, 1000), false);
        assertThat(p.prompt().rate()).isEqualTo(r("4"));
        assertThat(p.completion().rate()).isEqualTo(r("18"));
        assertThat(p.total()).isEqualTo(c("818004"));
    }

    @Test
    void price_claudeSonnet5_throughAugust31_introductory2And10_thenRegular3And15() {
        Usage usage = Usage.of(1000, 1000).withCache(1000, 1000);
        PricedUsage last =
                BUILT_IN.price("claude-sonnet-5", null, LocalDate.of(2026, 8, 31), usage, false, Multiplier.ONE);
        assertThat(last.prompt().cost()).isEqualTo(c("4700")); // 1000 x (2 + 2.5 + 0.2)
        assertThat(last.completion().cost()).isEqualTo(c("10000"));
        PricedUsage next =
                BUILT_IN.price("claude-sonnet-5", null, LocalDate.of(2026, 9, 1), usage, false, Multiplier.ONE);
        assertThat(next.prompt().cost()).isEqualTo(c("7050")); // 1000 x (3 + 3.75 + 0.3)
        assertThat(next.completion().cost()).isEqualTo(c("15000"));
        assertThat(next.valueKey()).isEqualTo("claude-sonnet-5");
    }

    @Test
    void price_gemini36To38Flash_throughDecember31_introductory_thenRegular() {
        Usage usage = Usage.of(1000, 1000).withCache(1000, 1000);
        for (String model : new String[] {"gemini-3.6-flash", "gemini-3.7-flash", "gemini-3.8-flash"}) {
            PricedUsage last = BUILT_IN.price(model, null, LocalDate.of(2026, 12, 31), usage, false, Multiplier.ONE);
            assertThat(last.prompt().cost()).as(model).isEqualTo(c("1575")); // 1000 x (0.75 + 0.75 + 0.075)
            assertThat(last.completion().cost()).as(model).isEqualTo(c("3750"));
            PricedUsage next = BUILT_IN.price(model, null, LocalDate.of(2027, 1, 1), usage, false, Multiplier.ONE);
            assertThat(next.prompt().cost()).as(model).isEqualTo(c("3150")); // 1000 x (1.5 + 1.5 + 0.15)
            assertThat(next.completion().cost()).as(model).isEqualTo(c("7500"));
        }
    }

    @Test
    void estimate_datedPrice_usesRatesOfTheDay() {
        assertThat(BUILT_IN.estimate("claude-sonnet-5", null, LocalDate.of(2026, 8, 31), 1000, 1000, Multiplier.ONE))
                .isEqualTo(c("12000"));
        assertThat(BUILT_IN.estimate("claude-sonnet-5", null, LocalDate.of(2026, 9, 1), 1000, 1000, Multiplier.ONE))
                .isEqualTo(c("18000"));
    }

    @Test
    void price_incompleteAndPremium_scalesPremiumCompletionRate() {
        PricedUsage p = BUILT_IN.price("gpt-5.4", Usage.of(272_001, 100), true);
        assertThat(p.completion()).isEqualTo(new PricedLine(100, r("25.875"), c("2587.5"), 0, 0, 0));
    }

    @Test
    void price_unknownModel_usesDefault6() {
        PricedUsage p = BUILT_IN.price("totally-unknown-model", Usage.of(10, 10), false);
        assertThat(p.valueKey()).isNull();
        assertThat(p.total()).isEqualTo(c("120"));
    }

    @Test
    void price_noTokens_costsNothing() {
        assertThat(BUILT_IN.price("gpt-4o", Usage.of(0, 0), true).total()).isEqualTo(Credits.ZERO);
    }

    @Test
    void price_configuredRow_overridesBuiltInRow() {
        PriceTable table = PriceTable.builder(BUILT_IN)
                .model("gpt-4o", ModelPrice.perToken("1", "2"))
                .build();
        PricedUsage p = table.price("gpt-4o-2024-08-06", Usage.of(100, 100), false);
        assertThat(p.valueKey()).isEqualTo("gpt-4o");
        assertThat(p.total()).isEqualTo(c("300"));
    }

    @Test
    void price_exactOverride_winsAndIsRecordedAsValueKey() {
        PriceTable table = PriceTable.builder(BUILT_IN)
                .override("gpt-4o-2024-08-06", ModelPrice.perToken("1", "1"))
                .build();
        PricedUsage p = table.price("gpt-4o-2024-08-06", Usage.of(100, 100), false);
        assertThat(p.valueKey()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(p.total()).isEqualTo(c("200"));
    }

    @Test
    void price_blankModelOrNullUsage_rejected() {
        assertThatThrownBy(() -> BUILT_IN.price(" ", Usage.of(1, 1), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("model must not be blank, was ' '");
        assertThatThrownBy(() -> BUILT_IN.price("gpt-4o", null, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("usage must not be null");
    }

    @Test
    void price_chargeBeyondCredits_throwsArithmeticException() {
        PriceTable table = PriceTable.builder()
                .model("m", new ModelPrice(Rate.ofNanos(Long.MAX_VALUE), Rate.ZERO, null, null, null))
                .build();
        assertThatThrownBy(() -> table.price("m", Usage.of(2000, 0), false)).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void estimate_promptAndMaxOutput_atPromptAndCompletionRates() {
        assertThat(BUILT_IN.estimate("gpt-4o", 1000, 500)).isEqualTo(c("7500"));
    }

    @Test
    void estimate_zeroMaxOutput_isPromptOnly() {
        assertThat(BUILT_IN.estimate("gpt-4o", 1000, 0)).isEqualTo(c("2500"));
    }

    @Test
    void estimate_longPrompt_usesPremiumRates() {
        assertThat(BUILT_IN.estimate("gpt-5.4", 272_001, 2)).isEqualTo(c("1360050"));
        assertThat(BUILT_IN.estimate("gpt-5.4", 272_000, 2)).isEqualTo(c("680030"));
    }

    @Test
    void estimate_roundsUpOnce() {
        PriceTable table = PriceTable.builder()
                .model("m", ModelPrice.perToken("0.0000005", "0.0000005"))
                .build();
        assertThat(table.estimate("m", 1, 1)).isEqualTo(Credits.ofMicros(1));
        assertThat(table.estimate("m", 1, 2)).isEqualTo(Credits.ofMicros(2));
    }

    @Test
    void estimate_badCounts_rejectedNamingParameter() {
        assertThatThrownBy(() -> BUILT_IN.estimate("gpt-4o", -1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("promptTokens must be between 0 and 1000000000, was -1");
        assertThatThrownBy(() -> BUILT_IN.estimate("gpt-4o", 0, 1_000_000_001L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxOutputTokens must be between 0 and 1000000000, was 1000000001");
        assertThatThrownBy(() -> BUILT_IN.estimate("", 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("model must not be blank, was ''");
    }
}
