package dev.balancekit.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which row a model name gets: the matching examples of librechat-balance.md and the edges of the rules. */
class PriceTableMatchTest {

    private static final PriceTable BUILT_IN = PriceTable.builtIn();

    private static void assertMatch(PriceMatch m, String valueKey, String prompt, String completion) {
        assertThat(m.valueKey()).isEqualTo(valueKey);
        assertThat(m.price().prompt()).isEqualTo(Rate.perToken(prompt));
        assertThat(m.price().completion()).isEqualTo(Rate.perToken(completion));
    }

    @Test
    void match_versionedName_prefersLongestKey() {
        assertMatch(BUILT_IN.match("gpt-4o-2024-08-06"), "gpt-4o", "2.5", "10");
    }

    @Test
    void match_longerDatedKey_beatsShorterPrefix() {
        assertMatch(BUILT_IN.match("gpt-4o-2024-05-13-0718"), "gpt-4o-2024-05-13", "5", "15");
    }

    @Test
    void match_keyInsideName_matchesAsSubstring() {
        assertMatch(BUILT_IN.match("chatgpt-4o-latest"), "gpt-4o", "2.5", "10");
    }

    @Test
    void match_exactKey_winsAtOnce() {
        assertMatch(BUILT_IN.match("gpt-5.4-pro"), "gpt-5.4-pro", "30", "180");
        assertMatch(BUILT_IN.match("gemini-3.1"), "gemini-3.1", "2", "12");
    }

    @Test
    void match_upperCaseName_isComparedLowerCase() {
        assertMatch(BUILT_IN.match("GPT-4o-Mini"), "gpt-4o-mini", "0.15", "0.6");
    }

    @Test
    void match_providerPrefix_usesPartAfterLastSlash() {
        assertMatch(BUILT_IN.match("anthropic/claude-3.5-sonnet"), "claude-3.5-sonnet", "3", "15");
    }

    @Test
    void match_bedrockId_findsDashedClaude35SonnetRowWithCacheRates() {
        // The part after the last '/' is "anthropic.claude-3-5-sonnet-20240620-v1:0". The keys it
        // contains are "claude-" and "claude-3-5-sonnet"; the dotted "claude-3.5-sonnet" is not a
        // substring of it. The longest, "claude-3-5-sonnet", is the claude 3.5 sonnet row under its
        // dashed spelling, priced like the dotted one.
        PriceMatch m = BUILT_IN.match("bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0");
        assertMatch(m, "claude-3-5-sonnet", "3", "15");
        assertThat(m.price().cacheWrite()).isEqualTo(Rate.perToken("3.75"));
        assertThat(m.price().cacheRead()).isEqualTo(Rate.perToken("0.3"));
    }

    @Test
    void match_partAfterSlashMatches_winsOverLongerKeyInWholeName() {
        assertMatch(BUILT_IN.match("gpt-4o-2024-05-13/gpt-4o"), "gpt-4o", "2.5", "10");
    }

    @Test
    void match_partAfterSlashMatchesNothing_triesWholeName() {
        assertMatch(BUILT_IN.match("gpt-4o/custom"), "gpt-4o", "2.5", "10");
    }

    @Test
    void match_sameLengthKeys_laterKeyInTableOrderWins() {
        ModelPrice first = ModelPrice.perToken("1", "1");
        ModelPrice second = ModelPrice.perToken("2", "2");
        PriceTable ab = PriceTable.builder()
                .model("abc-1", first)
                .model("xyz-1", second)
                .build();
        PriceTable ba = PriceTable.builder()
                .model("xyz-1", second)
                .model("abc-1", first)
                .build();
        assertThat(ab.match("abc-1-xyz-1").valueKey()).isEqualTo("xyz-1");
        assertThat(ba.match("abc-1-xyz-1").valueKey()).isEqualTo("abc-1");
    }

    @ParameterizedTest
    @CsvSource({
        "gpt-3.5-turbo, 4k, 1.5, 2",
        "gpt-3.5-turbo-0613, 4k, 1.5, 2",
        "gpt-4-vision-preview, gpt-4-1106, 10, 30",
        "gpt-4-0125-preview, gpt-4-1106, 10, 30",
        "gpt-4-turbo, gpt-4-1106, 10, 30",
        "gpt-4-turbo-2024-04-09, gpt-4-1106, 10, 30",
        "gpt-4, 8k, 30, 60",
        "gpt-4-0613, 8k, 30, 60"
    })
    void match_noKeyContained_usesLegacyFallback(String model, String key, String prompt, String completion) {
        assertMatch(BUILT_IN.match(model), key, prompt, completion);
    }

    @Test
    void match_legacy16kAnd32kNames_matchTheirRowsByKey() {
        // "16k" and "32k" are table keys themselves, so these names resolve in step 2, to the same
        // rows their legacy fallbacks name
        assertMatch(BUILT_IN.match("gpt-3.5-turbo-16k"), "16k", "3", "4");
        assertMatch(BUILT_IN.match("gpt-4-32k"), "32k", "60", "120");
        assertMatch(BUILT_IN.match("gpt-4-32k-0613"), "32k", "60", "120");
    }

    @Test
    void match_legacyFallbacks_firstInOrderWins() {
        PriceTable table = PriceTable.builder()
                .model("a-row", ModelPrice.perToken("1", "1"))
                .model("b-row", ModelPrice.perToken("2", "2"))
                .legacyFallback("foo-bar", "b-row")
                .legacyFallback("foo", "a-row")
                .build();
        assertThat(table.match("x-foo-bar-y").valueKey()).isEqualTo("b-row");
        assertThat(table.match("x-foo-y").valueKey()).isEqualTo("a-row");
        assertThat(table.match("X-FOO-Y").valueKey()).isEqualTo("a-row");
    }

    @Test
    void match_unknownModel_getsDefaultRateWithNullKey() {
        PriceMatch m = BUILT_IN.match("totally-unknown-model");
        assertThat(m.valueKey()).isNull();
        assertThat(m.price()).isEqualTo(ModelPrice.perToken("6", "6"));
    }

    @Test
    void match_exactOverride_winsOverMatching() {
        ModelPrice custom = ModelPrice.perToken("1", "2");
        PriceTable table = PriceTable.builder(BUILT_IN)
                .override("gpt-4o", custom)
                .override("my-org/finetune-7", custom)
                .build();
        assertThat(table.match("gpt-4o")).isEqualTo(new PriceMatch("gpt-4o", custom, MatchKind.OVERRIDE));
        assertThat(table.match("my-org/finetune-7"))
                .isEqualTo(new PriceMatch("my-org/finetune-7", custom, MatchKind.OVERRIDE));
        // only the exact id, case-sensitively, is overridden
        assertMatch(table.match("gpt-4o-2024-08-06"), "gpt-4o", "2.5", "10");
        assertMatch(table.match("GPT-4o"), "gpt-4o", "2.5", "10");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t"})
    void match_blankModel_rejectedNamingModel(String model) {
        assertThatThrownBy(() -> BUILT_IN.match(model))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("model must not be blank, was '" + model + "'");
    }

    @Test
    void match_nullModel_rejectedNamingModel() {
        assertThatThrownBy(() -> BUILT_IN.match(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("model must not be blank, was null");
    }

    @Test
    void match_repeatedName_returnsSameResult() {
        PriceTable table = PriceTable.builder(BUILT_IN).build();
        PriceMatch first = table.match("gpt-4o-2024-08-06");
        assertThat(table.match("gpt-4o-2024-08-06")).isSameAs(first);
        assertThat(table.cachedMatches()).isEqualTo(1);
    }

    @Test
    void match_manyDistinctNames_cacheStaysBounded() {
        PriceTable table = PriceTable.builder(BUILT_IN).build();
        for (int i = 0; i < PriceTable.MATCH_CACHE_LIMIT + 500; i++) {
            assertThat(table.match("gpt-4o-client-" + i).valueKey()).isEqualTo("gpt-4o");
        }
        assertThat(table.cachedMatches()).isEqualTo(PriceTable.MATCH_CACHE_LIMIT);
    }

    @Test
    void match_veryLongName_isMatchedButNotCached() {
        PriceTable table = PriceTable.builder(BUILT_IN).build();
        String name = "gpt-4o-" + "x".repeat(PriceTable.MATCH_CACHE_MAX_NAME_LENGTH);
        assertThat(table.match(name).valueKey()).isEqualTo("gpt-4o");
        assertThat(table.cachedMatches()).isZero();
    }

    @ParameterizedTest
    @CsvSource({
        "claude-opus-5, claude-opus-5, exact",
        "anthropic/claude-3.5-sonnet, claude-3.5-sonnet, exact",
        "GPT-4o, gpt-4o, exact",
        "gpt-4o-2024-08-06, gpt-4o, longest_key",
        "chatgpt-4o-latest, gpt-4o, longest_key",
        "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0, claude-3-5-sonnet, longest_key",
        "gemini-2.5-flash-preview-05-20, gemini-2.5-flash, longest_key",
        "deepseek/deepseek-r1:free, deepseek-r1, longest_key",
        "mistral-large-2411, mistral-large, longest_key",
        "claude-opus-6, claude-, generic",
        "gpt-5.9, gpt-5, generic",
        "kimi-k4, kimi, generic",
        "gemini-1.5-pro-002, gemini-1.5, generic",
        "gpt-4-0613, 8k, legacy_fallback",
        "gpt-3.5-turbo, 4k, legacy_fallback"
    })
    void match_builtIn_reportsKindOfMatch(String model, String key, String kind) {
        PriceMatch m = BUILT_IN.match(model);
        assertThat(m.valueKey()).isEqualTo(key);
        assertThat(m.kind().wireName()).isEqualTo(kind);
    }

    @ParameterizedTest
    @ValueSource(strings = {"glm-9", "nova-3-lite", "totally-unknown-model"})
    void match_nothingMatches_isDefaultKind(String model) {
        PriceMatch m = BUILT_IN.match(model);
        assertThat(m.kind()).isEqualTo(MatchKind.DEFAULT);
        assertThat(m.kind().isFallback()).isTrue();
        assertThat(m.valueKey()).isNull();
    }

    @Test
    void match_tableWithoutNewestModels_pricesThemByGenericRows() {
        // the table LibreChat had before these models: each is priced by a shorter family row
        PriceTable older = PriceTable.builder()
                .model("claude-", ModelPrice.perToken("0.8", "2.4"))
                .model("gpt-5", ModelPrice.perToken("1.25", "10"))
                .model("kimi", ModelPrice.perToken("0.6", "2.5"))
                .build();
        assertThat(older.match("claude-opus-5"))
                .extracting(PriceMatch::valueKey, PriceMatch::kind)
                .containsExactly("claude-", MatchKind.GENERIC);
        assertThat(older.match("gpt-5.6"))
                .extracting(PriceMatch::valueKey, PriceMatch::kind)
                .containsExactly("gpt-5", MatchKind.GENERIC);
        assertThat(older.match("kimi-k3"))
                .extracting(PriceMatch::valueKey, PriceMatch::kind)
                .containsExactly("kimi", MatchKind.GENERIC);
        assertThat(older.match("gpt-5-2025-08-07"))
                .extracting(PriceMatch::valueKey, PriceMatch::kind)
                .containsExactly("gpt-5", MatchKind.LONGEST_KEY);
        assertThat(older.match("glm-5.1").kind()).isEqualTo(MatchKind.DEFAULT);
        assertThat(MatchKind.GENERIC.isFallback()).isTrue();
        assertThat(MatchKind.LONGEST_KEY.isFallback()).isFalse();
        assertThat(MatchKind.LEGACY_FALLBACK.isFallback()).isFalse();
    }

    @Test
    void match_endpointPrice_winsForExactIdOnThatEndpointOnly() {
        ModelPrice custom = ModelPrice.perToken("0.5", "0.7");
        PriceTable table = PriceTable.builder(BUILT_IN)
                .endpointPrice("OpenRouter", "openai/gpt-4o", custom)
                .build();
        assertThat(table.match("openai/gpt-4o", "OpenRouter"))
                .isEqualTo(new PriceMatch("openai/gpt-4o", custom, MatchKind.ENDPOINT));
        // no endpoint, another endpoint, another spelling, or a model it does not list: the table
        assertMatch(table.match("openai/gpt-4o"), "gpt-4o", "2.5", "10");
        assertMatch(table.match("openai/gpt-4o", "Azure"), "gpt-4o", "2.5", "10");
        assertMatch(table.match("openai/gpt-4o", "openrouter"), "gpt-4o", "2.5", "10");
        assertMatch(table.match("openai/gpt-4o-mini", "OpenRouter"), "gpt-4o-mini", "0.15", "0.6");
        assertThat(table.endpointPrices()).containsExactly(Map.entry("OpenRouter", Map.of("openai/gpt-4o", custom)));
    }

    @Test
    void endpointPrice_blankNames_rejectedNamingField() {
        assertThatThrownBy(() -> PriceTable.builder().endpointPrice(" ", "m", ModelPrice.perToken("1", "1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("endpoint must not be blank, was ' '");
        assertThatThrownBy(() -> PriceTable.builder().endpointPrice("e", "", ModelPrice.perToken("1", "1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("exactModelId must not be blank, was ''");
    }
}
