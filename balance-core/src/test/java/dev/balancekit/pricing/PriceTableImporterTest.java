package dev.balancekit.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The importer that turns LibreChat's rate table into the built-in resource. */
class PriceTableImporterTest {

    private static final String HEADER = """
            source: LibreChat tx.ts as published (2027-01-15)
            unit: usdPer1MTokens
            defaultRate: 6
            """;

    private static PriceTable imported(String text) {
        return PriceTableImporter.table(PriceTableImporter.read(text, "rates.yaml"));
    }

    @Test
    void convert_everySection_becomesTheSameTable() {
        PriceTable t = imported(HEADER + """
                models:
                  "8k": {prompt: 30, completion: 60}
                  m-1: {prompt: 2.50, completion: 10.0}
                cache:
                  m-1: {write: 3.75, read: 0.3}
                premium:
                  m-1: {threshold: 1000, prompt: 5, completion: 20}
                premiumCache:
                  m-1: {threshold: 1000, write: 6, read: 0.6}
                legacyFallbacks:   # in order
                  - {contains: gpt-4, key: "8k"}
                # counts: models 2, cache 1, premium 1, premiumCache 1
                """);
        assertThat(t.asOf()).isEqualTo(LocalDate.of(2027, 1, 15));
        assertThat(t.source()).isEqualTo("LibreChat tx.ts as published (2027-01-15)");
        assertThat(t.defaultPrice()).isEqualTo(ModelPrice.perToken("6", "6"));
        assertThat(t.models())
                .containsExactly(
                        Map.entry("8k", ModelPrice.perToken("30", "60")),
                        Map.entry(
                                "m-1",
                                ModelPrice.perToken("2.5", "10")
                                        .withCache(Rate.perToken("3.75"), Rate.perToken("0.3"))
                                        .withPremium(new Premium(
                                                1000,
                                                Rate.perToken("5"),
                                                Rate.perToken("20"),
                                                Rate.perToken("6"),
                                                Rate.perToken("0.6")))));
        assertThat(t.legacyFallbacks()).containsExactly(Map.entry("gpt-4", "8k"));
    }

    @Test
    void convert_introductoryNote_datesFollowingRowsWithTheSameRatesOnly() {
        PriceTable t = imported(HEADER + """
                models:
                  # Intro pricing through 2027-03-31; revert to { prompt: 3, completion: 15 } after.
                  a-1: {prompt: 2, completion: 10}
                  a-2: {prompt: 2, completion: 10}
                  b: {prompt: 2, completion: 11}
                  # Other intro through 2027-04-30; revert to { prompt: 1, completion: 1 } after.
                  c: {prompt: 0.5, completion: 0.5}
                  # a plain comment ends the group
                  d: {prompt: 0.5, completion: 0.5}
                cache:
                  # Intro pricing through 2027-03-31; revert to { write: 3.75, read: 0.3 } after.
                  a-1: {write: 2.5, read: 0.2}
                """);
        ModelPrice a1 = ModelPrice.perToken("2", "10").withCache(Rate.perToken("2.5"), Rate.perToken("0.2"));
        assertThat(t.models().get("a-1"))
                .isEqualTo(a1.until(
                        LocalDate.of(2027, 3, 31),
                        ModelPrice.perToken("3", "15").withCache(Rate.perToken("3.75"), Rate.perToken("0.3"))));
        assertThat(t.models().get("a-2"))
                .isEqualTo(ModelPrice.perToken("2", "10")
                        .until(LocalDate.of(2027, 3, 31), ModelPrice.perToken("3", "15")));
        assertThat(t.models().get("b").through()).isNull();
        assertThat(t.models().get("c").through()).isEqualTo(LocalDate.of(2027, 4, 30));
        assertThat(t.models().get("d").through()).isNull();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "models:\\n  m: {prompt: 1}|models row 'm' must have exactly prompt, completion, was [prompt] (rates.yaml:5)",
                "models:\\n  m: {prompt: 1, completion: x}|completion must be a plain decimal number, was 'x' (rates.yaml:5)",
                "models:\\n  m prompt 1|models row must read '  key: {name: value, ...}', was '  m prompt 1' (rates.yaml:5)",
                "models:\\n  m: {prompt: 1, completion: 2}\\n  m: {prompt: 1, completion: 2}|models key must appear once, was 'm' again (rates.yaml:6)",
                "prices:\\n|section must be one of models, cache, premium, premiumCache, legacyFallbacks, was 'prices' (rates.yaml:4)",
                "models:\\n  # Intro through 2027-03-31 then 3 / 15\\n  m: {prompt: 1, completion: 2}|introductory-price note must read '... through YYYY-MM-DD; revert to { name: value } after', was '# Intro through 2027-03-31 then 3 / 15' (rates.yaml:5)",
                "models:\\n  m: {prompt: 1, completion: 2}\\n# counts: models 2, cache 0, premium 0, premiumCache 0|counts say models 2, cache 0, premium 0, premiumCache 0, but the file has 1, 0, 0, 0 (rates.yaml)",
                "legacyFallbacks:\\n  - gpt-4|legacy fallback must read '  - {contains: text, key: key}', was '  - gpt-4' (rates.yaml:5)"
            })
    void convert_malformedReference_failsNamingLine(String body, String message) {
        String text = HEADER + body.replace("\\n", "\n") + "\n";
        assertThatThrownBy(() -> PriceTableImporter.convert(text, "rates.yaml"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void convert_wrongUnitOrUndatedSource_rejected() {
        assertThatThrownBy(() ->
                        PriceTableImporter.convert(HEADER.replace("usdPer1MTokens", "creditsPer1kTokens"), "r.yaml"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unit must be usdPer1MTokens, was 'creditsPer1kTokens' (r.yaml)");
        assertThatThrownBy(() -> PriceTableImporter.convert(HEADER.replace(" (2027-01-15)", ""), "r.yaml"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("source must end with its date in parentheses, like (2026-09-23), was"
                        + " 'LibreChat tx.ts as published' (r.yaml)");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "cache:\\n  nope: {write: 1, read: 2}|cache key must name a model row, was 'nope'",
                "premium:\\n  nope: {threshold: 10, prompt: 1, completion: 2}|premium key must name a model row, was 'nope'",
                "premiumCache:\\n  m: {threshold: 10, write: 1, read: 2}|premiumCache threshold must be the premium threshold of 'm', was 10 against no premium",
                "premium:\\n  m: {threshold: 10, prompt: 1, completion: 2}\\npremiumCache:\\n  m: {threshold: 11, write: 1, read: 2}|premiumCache threshold must be the premium threshold of 'm', was 11 against 10",
                "premium:\\n  m: {threshold: 0, prompt: 1, completion: 2}|threshold must be positive, was 0",
                "legacyFallbacks:\\n  - {contains: gpt, key: nope}|fallback key must name a model row, was 'nope'"
            })
    void convert_rowNamingNoModelRowOrBadPremium_isRejectedAndWritesNothing(String body, String message) {
        String text = HEADER + "models:\n  m: {prompt: 1, completion: 2}\n" + body.replace("\\n", "\n") + "\n";
        assertThatThrownBy(() -> PriceTableImporter.convert(text, "rates.yaml"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void convert_writesBuilderCallsPerRow_noFileFormat() {
        String source = PriceTableImporter.convert(HEADER + """
                models:
                  # Intro pricing through 2027-03-31; revert to { prompt: 3, completion: 15 } after.
                  "a key": {prompt: 2.50, completion: 10}
                  m: {prompt: 1, completion: 2}
                cache:
                  m: {write: 3.75, read: 0.3}
                premium:
                  m: {threshold: 1000, prompt: 5, completion: 20}
                premiumCache:
                  m: {threshold: 1000, write: 6, read: 0.6}
                legacyFallbacks:
                  - {contains: gpt-4, key: m}
                """, "rates.yaml");

        assertThat(source)
                .startsWith("package dev.balancekit.pricing;\n")
                .contains("Generated by PriceTableImporter from rates.yaml")
                .contains("                .asOf(LocalDate.of(2027, 1, 15))\n")
                .contains("                .defaultPrice(price(\"6\", \"6\"));\n")
                .contains("        b.model(\"a key\", price(\"2.5\", \"10\")\n"
                        + "                .until(LocalDate.of(2027, 3, 31), price(\"3\", \"15\")));\n")
                .contains(
                        "        b.model(\"m\", price(\"1\", \"2\")\n"
                                + "                .withCache(rate(\"3.75\"), rate(\"0.3\"))\n"
                                + "                .withPremium(premium(1000, \"5\", \"20\").withCache(rate(\"6\"), rate(\"0.6\"))));\n")
                .contains("        b.legacyFallback(\"gpt-4\", \"m\");\n")
                .doesNotContain("parse");
    }

    @Test
    void literal_escapesQuotesBackslashesAndNonAscii() {
        assertThat(PriceTableImporter.literal("a\"b\\c\u00e9\t")).isEqualTo("\"a\\\"b\\\\c\\u00e9\\u0009\"");
    }

    @Test
    void main_writesSourceFile(@TempDir Path dir) throws IOException {
        Path in = Files.writeString(dir.resolve("rates.yaml"), HEADER + "models:\n  m: {prompt: 1, completion: 2}\n");
        Path out = dir.resolve("BuiltInPrices.java");
        PriceTableImporter.main(new String[] {in.toString(), out.toString()});
        String written = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(written).isEqualTo(PriceTableImporter.convert(Files.readString(in), "rates.yaml"));
        assertThat(written)
                .contains("        b.model(\"m\", price(\"1\", \"2\"));\n")
                .contains("Generated by PriceTableImporter from rates.yaml");
    }
}
