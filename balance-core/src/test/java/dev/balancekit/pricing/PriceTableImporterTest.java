package dev.balancekit.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
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

    private static PriceTable imported(String text) throws IOException {
        String tsv = PriceTableImporter.convert(text, "rates.yaml");
        return PriceTable.parse(new BufferedReader(new StringReader(tsv)), "out.tsv");
    }

    @Test
    void convert_everySection_becomesTheSameTable() throws IOException {
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
        assertThat(t.models()).containsExactly(
                Map.entry("8k", ModelPrice.perToken("30", "60")),
                Map.entry("m-1", ModelPrice.perToken("2.5", "10").withCache(Rate.perToken("3.75"), Rate.perToken("0.3"))
                        .withPremium(new Premium(1000, Rate.perToken("5"), Rate.perToken("20"), Rate.perToken("6"),
                                Rate.perToken("0.6")))));
        assertThat(t.legacyFallbacks()).containsExactly(Map.entry("gpt-4", "8k"));
    }

    @Test
    void convert_introductoryNote_datesFollowingRowsWithTheSameRatesOnly() throws IOException {
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
        assertThat(t.models().get("a-1")).isEqualTo(a1.until(LocalDate.of(2027, 3, 31),
                ModelPrice.perToken("3", "15").withCache(Rate.perToken("3.75"), Rate.perToken("0.3"))));
        assertThat(t.models().get("a-2")).isEqualTo(ModelPrice.perToken("2", "10").until(LocalDate.of(2027, 3, 31),
                ModelPrice.perToken("3", "15")));
        assertThat(t.models().get("b").through()).isNull();
        assertThat(t.models().get("c").through()).isEqualTo(LocalDate.of(2027, 4, 30));
        assertThat(t.models().get("d").through()).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "models:\\n  m: {prompt: 1}|models row 'm' must have exactly prompt, completion, was [prompt] (rates.yaml:5)",
        "models:\\n  m: {prompt: 1, completion: x}|completion must be a plain decimal number, was 'x' (rates.yaml:5)",
        "models:\\n  m prompt 1|models row must read '  key: {name: value, ...}', was '  m prompt 1' (rates.yaml:5)",
        "models:\\n  m: {prompt: 1, completion: 2}\\n  m: {prompt: 1, completion: 2}|models key must appear once, was 'm' again (rates.yaml:6)",
        "prices:\\n|section must be one of models, cache, premium, premiumCache, legacyFallbacks, was 'prices' (rates.yaml:4)",
        "models:\\n  # Intro through 2027-03-31 then 3 / 15\\n  m: {prompt: 1, completion: 2}|introductory-price note must read '... through YYYY-MM-DD; revert to { name: value } after', was '# Intro through 2027-03-31 then 3 / 15' (rates.yaml:5)",
        "models:\\n  m: {prompt: 1, completion: 2}\\n# counts: models 2, cache 0, premium 0, premiumCache 0|counts say models 2, cache 0, premium 0, premiumCache 0, but the file has 1, 0, 0, 0 (rates.yaml)",
        "legacyFallbacks:\\n  - gpt-4|legacy fallback must read '  - {contains: text, key: key}', was '  - gpt-4' (rates.yaml:5)"})
    void convert_malformedReference_failsNamingLine(String body, String message) {
        String text = HEADER + body.replace("\\n", "\n") + "\n";
        assertThatThrownBy(() -> PriceTableImporter.convert(text, "rates.yaml"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void convert_wrongUnitOrUndatedSource_rejected() {
        assertThatThrownBy(() -> PriceTableImporter.convert(HEADER.replace("usdPer1MTokens", "creditsPer1kTokens"), "r.yaml"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unit must be usdPer1MTokens, was 'creditsPer1kTokens' (r.yaml)");
        assertThatThrownBy(() -> PriceTableImporter.convert(HEADER.replace(" (2027-01-15)", ""), "r.yaml"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("source must end with its date in parentheses, like (2026-09-23), was"
                        + " 'LibreChat tx.ts as published' (r.yaml)");
    }

    @Test
    void main_writesResourceFile(@TempDir Path dir) throws IOException {
        Path in = Files.writeString(dir.resolve("rates.yaml"), HEADER + "models:\n  m: {prompt: 1, completion: 2}\n");
        Path out = dir.resolve("prices.tsv");
        PriceTableImporter.main(new String[] {in.toString(), out.toString()});
        String written = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(written).isEqualTo(PriceTableImporter.convert(Files.readString(in), "rates.yaml"));
        assertThat(written).contains("model\tm\t1\t2\n").contains("Generated by PriceTableImporter from rates.yaml");
    }
}
