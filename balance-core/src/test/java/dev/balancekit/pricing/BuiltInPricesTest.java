package dev.balancekit.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The shipped price table and the line format it is read from. */
class BuiltInPricesTest {

    private static final PriceTable BUILT_IN = PriceTable.builtIn();

    private static PriceTable parse(String text) throws IOException {
        return PriceTable.parse(new BufferedReader(new StringReader(text)), "prices.tsv");
    }

    @Test
    void builtIn_hasLibreChatsRowCounts() {
        Map<String, ModelPrice> models = BUILT_IN.models();
        assertThat(models).hasSize(247);
        assertThat(models.values().stream().filter(p -> p.cacheWrite() != null && p.cacheRead() != null)).hasSize(62);
        assertThat(models.values().stream().filter(p -> p.premium() != null)).hasSize(5);
        assertThat(BUILT_IN.legacyFallbacks()).hasSize(7);
        assertThat(BUILT_IN.overrides()).isEmpty();
    }

    @Test
    void builtIn_isDatedAndSourced() {
        assertThat(BUILT_IN.asOf()).isEqualTo(LocalDate.of(2026, 11, 27));
        assertThat(BUILT_IN.source()).contains("tx.ts").contains("02244615d4d83050d66ef7d36b95cbade021685b");
    }

    @Test
    void builtIn_isParsedOnceAndShared() {
        assertThat(PriceTable.builtIn()).isSameAs(BUILT_IN);
    }

    @Test
    void builtIn_keepsTableOrder() {
        List<String> keys = new ArrayList<>(BUILT_IN.models().keySet());
        assertThat(keys).startsWith("8k", "32k", "4k", "16k", "claude-");
        assertThat(keys).endsWith("moonshot.kimi-k2-thinking");
        assertThat(keys.indexOf("command-text")).isLessThan(keys.indexOf("llama2"));
    }

    @Test
    void builtIn_defaultIs6And6() {
        assertThat(BUILT_IN.defaultPrice()).isEqualTo(ModelPrice.perToken("6", "6"));
    }

    @Test
    void builtIn_legacyFallbacks_inLibreChatsOrder() {
        assertThat(BUILT_IN.legacyFallbacks()).containsExactly(
                Map.entry("gpt-3.5-turbo-16k", "16k"),
                Map.entry("gpt-3.5", "4k"),
                Map.entry("gpt-4-vision", "gpt-4-1106"),
                Map.entry("gpt-4-0125", "gpt-4-1106"),
                Map.entry("gpt-4-turbo", "gpt-4-1106"),
                Map.entry("gpt-4-32k", "32k"),
                Map.entry("gpt-4", "8k"));
    }

    @Test
    void builtIn_claudeSonnet5_carriesRegularPricesAfterIntroductoryPeriod() {
        assertThat(BUILT_IN.models().get("claude-sonnet-5")).isEqualTo(ModelPrice.perToken("3", "15")
                .withCache(Rate.perToken("3.75"), Rate.perToken("0.3")));
    }

    @ParameterizedTest
    @CsvSource({
        "gpt-5.4, 272000, 5, 22.5",
        "gpt-5.4-pro, 272000, 60, 270",
        "gpt-5.5, 272000, 10, 45",
        "gpt-5.5-pro, 272000, 60, 270",
        "gemini-3.1, 200000, 4, 18"})
    void builtIn_premiumRows(String key, long threshold, String prompt, String completion) {
        assertThat(BUILT_IN.models().get(key).premium())
                .isEqualTo(new Premium(threshold, Rate.perToken(prompt), Rate.perToken(completion)));
    }

    @Test
    void builtIn_spotChecks() {
        assertThat(BUILT_IN.models().get("gemini-1.5-flash-8b")).isEqualTo(ModelPrice.perToken("0.075", "0.3"));
        assertThat(BUILT_IN.models().get("gpt-oss:120b")).isEqualTo(ModelPrice.perToken("0.15", "0.6"));
        assertThat(BUILT_IN.models().get("command-text")).isEqualTo(ModelPrice.perToken("1.5", "2"));
        assertThat(BUILT_IN.models().get("gpt-5-nano"))
                .isEqualTo(ModelPrice.perToken("0.05", "0.4").withCache(Rate.perToken("0.05"), Rate.perToken("0.005")));
    }

    @Test
    void parse_validFile_readsEveryRecordType() throws IOException {
        PriceTable t = parse("""
                # comment

                asOf\t2026-01-02
                source\tunit test
                default\t1\t2
                model\tm\t3\t4
                cache\tm\t5\t6
                premium\tm\t100\t7\t8
                fallback\tlegacy\tm
                """);
        assertThat(t.asOf()).isEqualTo(LocalDate.of(2026, 1, 2));
        assertThat(t.source()).isEqualTo("unit test");
        assertThat(t.defaultPrice()).isEqualTo(ModelPrice.perToken("1", "2"));
        assertThat(t.models()).containsExactly(Map.entry("m", ModelPrice.perToken("3", "4")
                .withCache(Rate.perToken("5"), Rate.perToken("6"))
                .withPremium(new Premium(100, Rate.perToken("7"), Rate.perToken("8")))));
        assertThat(t.legacyFallbacks()).containsExactly(Map.entry("legacy", "m"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "model\\tm\\t1|model record must have 4 tab-separated fields, was 3 (prices.tsv:3)",
        "price\\tm\\t1\\t2|record type must be one of asOf, source, default, model, cache, premium, fallback, was 'price' (prices.tsv:3)",
        "model\\tm\\tone\\t2|prompt must be a plain decimal number, was 'one' (prices.tsv:3)",
        "model\\tm\\t1\\t-2|completion must not be negative, was '-2' (prices.tsv:3)",
        "model\\t \\t1\\t2|key must not be blank, was ' ' (prices.tsv:3)",
        "cache\\tnope\\t1\\t2|cache key must name a model row above it, was 'nope' (prices.tsv:3)",
        "premium\\tnope\\t10\\t1\\t2|premium key must name a model row above it, was 'nope' (prices.tsv:3)",
        "fallback\\tgpt\\tnope|fallback key must name a model row above it, was 'nope' (prices.tsv:3)",
        "model\\tx\\t1\\t2\\nmodel\\tx\\t1\\t2|model key must appear once, was 'x' again (prices.tsv:4)",
        "model\\tx\\t1\\t2\\ncache\\tx\\t1\\t2\\ncache\\tx\\t1\\t2|cache key must appear once, was 'x' again (prices.tsv:5)",
        "model\\tx\\t1\\t2\\npremium\\tx\\t0\\t1\\t2|threshold must be positive, was 0 (prices.tsv:4)",
        "model\\tx\\t1\\t2\\npremium\\tx\\t1.5\\t1\\t2|threshold must have at most 0 fractional digits, was '1.5' (prices.tsv:4)",
        "asOf\\t27.11.2026|asOf must be a date like 2026-11-27, was '27.11.2026' (prices.tsv:3)",
        "asOf\\t2026-11-27\\nasOf\\t2026-11-28|asOf must appear once, was repeated (prices.tsv:4)",
        "default\\t6|default record must have 3 tab-separated fields, was 2 (prices.tsv:3)",
        "model m 1 2|record type must be one of asOf, source, default, model, cache, premium, fallback, was 'model m 1 2' (prices.tsv:3)"})
    void parse_malformedLine_failsNamingLineNumber(String body, String message) {
        String text = "# header\n\n" + body.replace("\\t", "\t").replace("\\n", "\n") + "\n";
        assertThatThrownBy(() -> parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }
}
