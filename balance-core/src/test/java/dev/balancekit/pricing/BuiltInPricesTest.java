package dev.balancekit.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The shipped price table, the generated class {@code BuiltInPrices}. */
class BuiltInPricesTest {

    private static final PriceTable BUILT_IN = PriceTable.builtIn();

    private static final String REFERENCE = "/dev/balancekit/pricing/librechat-rates.yaml";

    static String resource(String path) throws IOException {
        try (InputStream in = BuiltInPricesTest.class.getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void builtIn_hasLibreChatsRowCounts() {
        Map<String, ModelPrice> models = BUILT_IN.models();
        assertThat(models).hasSize(300);
        assertThat(models.values().stream().filter(p -> p.cacheWrite() != null && p.cacheRead() != null))
                .hasSize(79);
        assertThat(models.values().stream().filter(p -> p.premium() != null)).hasSize(17);
        assertThat(models.values().stream()
                        .filter(p -> p.premium() != null && p.premium().cacheWrite() != null))
                .hasSize(10);
        assertThat(models.values().stream().filter(p -> p.through() != null)).hasSize(4);
        assertThat(BUILT_IN.legacyFallbacks()).hasSize(7);
        assertThat(BUILT_IN.overrides()).isEmpty();
        assertThat(BUILT_IN.endpointPrices()).isEmpty();
    }

    @Test
    void builtIn_isDatedAndSourced() {
        assertThat(BUILT_IN.asOf()).isEqualTo(LocalDate.of(2026, 9, 23));
        assertThat(BUILT_IN.source())
                .isEqualTo("LibreChat packages/data-schemas src/methods/tx.ts as published in"
                        + " @librechat/data-schemas 0.0.71 (2026-09-23)");
    }

    @Test
    void builtIn_equalsReferenceFile_rowByRow() throws IOException {
        PriceTableImporter.Rates ref = PriceTableImporter.read(resource(REFERENCE), "librechat-rates.yaml");
        assertThat(BUILT_IN.models().keySet())
                .containsExactlyElementsOf(ref.models().keySet());
        assertThat(BUILT_IN.defaultPrice()).isEqualTo(ModelPrice.perToken(ref.defaultRate(), ref.defaultRate()));
        ref.models().forEach((key, row) -> {
            ModelPrice p = BUILT_IN.models().get(key);
            assertThat(p.prompt()).as("%s prompt", key).isEqualTo(Rate.perToken(row.get("prompt")));
            assertThat(p.completion()).as("%s completion", key).isEqualTo(Rate.perToken(row.get("completion")));
            Map<String, String> cache = ref.cache().get(key);
            assertThat(p.cacheWrite())
                    .as("%s cache write", key)
                    .isEqualTo(cache == null ? null : Rate.perToken(cache.get("write")));
            assertThat(p.cacheRead())
                    .as("%s cache read", key)
                    .isEqualTo(cache == null ? null : Rate.perToken(cache.get("read")));
            Map<String, String> premium = ref.premium().get(key);
            Map<String, String> premiumCache = ref.premiumCache().get(key);
            if (premium == null) {
                assertThat(p.premium()).as("%s premium", key).isNull();
            } else {
                Premium expected = new Premium(
                        Long.parseLong(premium.get("threshold")),
                        Rate.perToken(premium.get("prompt")),
                        Rate.perToken(premium.get("completion")));
                if (premiumCache != null) {
                    assertThat(premiumCache.get("threshold")).isEqualTo(premium.get("threshold"));
                    expected = expected.withCache(
                            Rate.perToken(premiumCache.get("write")), Rate.perToken(premiumCache.get("read")));
                }
                assertThat(p.premium()).as("%s premium", key).isEqualTo(expected);
            }
            PriceTableImporter.Intro intro = ref.dated().get(key);
            assertThat(p.through()).as("%s through", key).isEqualTo(intro == null ? null : intro.through());
            if (intro != null) {
                ModelPrice after = p.after();
                assertThat(after.prompt()).isEqualTo(Rate.perToken(intro.after().get("prompt")));
                assertThat(after.completion())
                        .isEqualTo(Rate.perToken(intro.after().get("completion")));
                assertThat(after.cacheWrite())
                        .isEqualTo(Rate.perToken(intro.after().get("write")));
                assertThat(after.cacheRead())
                        .isEqualTo(Rate.perToken(intro.after().get("read")));
                assertThat(after.premium()).isEqualTo(p.premium());
                assertThat(after.through()).isNull();
            }
        });
        assertThat(ref.cache().keySet()).allMatch(BUILT_IN.models()::containsKey);
        assertThat(ref.premium().keySet()).allMatch(BUILT_IN.models()::containsKey);
        assertThat(ref.premiumCache().keySet()).allMatch(ref.premium()::containsKey);
        assertThat(BUILT_IN.legacyFallbacks()).containsExactlyEntriesOf(ref.fallbacks());
        assertThat(BUILT_IN.source()).isEqualTo(ref.source());
        assertThat(BUILT_IN.asOf()).isEqualTo(ref.asOf());
    }

    /** The generated source, relative to the module's directory (where the build runs the tests). */
    private static final Path GENERATED = Path.of("src/main/java/dev/balancekit/pricing/BuiltInPrices.java");

    @Test
    void importer_regeneratesBuiltInSource_byteForByte() throws IOException {
        String regenerated = PriceTableImporter.convert(resource(REFERENCE), "librechat-rates.yaml");
        assertThat(regenerated).isEqualTo(Files.readString(GENERATED, StandardCharsets.UTF_8));
    }

    @Test
    void builtIn_isTheImportersTable() throws IOException {
        PriceTable imported =
                PriceTableImporter.table(PriceTableImporter.read(resource(REFERENCE), "librechat-rates.yaml"));
        assertThat(BUILT_IN.models()).containsExactlyEntriesOf(imported.models());
        assertThat(BUILT_IN.legacyFallbacks()).containsExactlyEntriesOf(imported.legacyFallbacks());
        assertThat(BUILT_IN.defaultPrice()).isEqualTo(imported.defaultPrice());
        assertThat(BUILT_IN.toString()).isEqualTo(imported.toString());
    }

    @Test
    void builtIn_introductoryPrices_areDatedWithTheirRegularPricesAfter() {
        assertThat(BUILT_IN.models().get("claude-sonnet-5"))
                .isEqualTo(ModelPrice.perToken("2", "10")
                        .withCache(Rate.perToken("2.5"), Rate.perToken("0.2"))
                        .until(
                                LocalDate.of(2026, 8, 31),
                                ModelPrice.perToken("3", "15").withCache(Rate.perToken("3.75"), Rate.perToken("0.3"))));
        for (String key : List.of("gemini-3.6-flash", "gemini-3.7-flash", "gemini-3.8-flash")) {
            assertThat(BUILT_IN.models().get(key))
                    .as(key)
                    .isEqualTo(ModelPrice.perToken("0.75", "3.75")
                            .withCache(Rate.perToken("0.75"), Rate.perToken("0.075"))
                            .until(
                                    LocalDate.of(2026, 12, 31),
                                    ModelPrice.perToken("1.5", "7.5")
                                            .withCache(Rate.perToken("1.5"), Rate.perToken("0.15"))));
        }
        // the row after the Gemini note has other rates, so the note does not date it
        assertThat(BUILT_IN.models().get("gemini-pro-vision")).isEqualTo(ModelPrice.perToken("0.5", "1.5"));
        assertThat(BUILT_IN.models().get("command-r")).isEqualTo(ModelPrice.perToken("0.5", "1.5"));
    }

    @Test
    void builtIn_isParsedOnceAndShared() {
        assertThat(PriceTable.builtIn()).isSameAs(BUILT_IN);
    }

    @Test
    void builtIn_keepsTableOrder() {
        List<String> keys = new ArrayList<>(BUILT_IN.models().keySet());
        assertThat(keys).startsWith("8k", "32k", "4k", "16k", "claude-");
        assertThat(keys).endsWith("moonshot.kimi-k3", "moonshotai.kimi-k3");
        assertThat(keys.indexOf("command-text")).isLessThan(keys.indexOf("llama2"));
    }

    @Test
    void builtIn_defaultIs6And6() {
        assertThat(BUILT_IN.defaultPrice()).isEqualTo(ModelPrice.perToken("6", "6"));
    }

    @Test
    void builtIn_legacyFallbacks_inLibreChatsOrder() {
        assertThat(BUILT_IN.legacyFallbacks())
                .containsExactly(
                        Map.entry("gpt-3.5-turbo-16k", "16k"),
                        Map.entry("gpt-3.5", "4k"),
                        Map.entry("gpt-4-vision", "gpt-4-1106"),
                        Map.entry("gpt-4-0125", "gpt-4-1106"),
                        Map.entry("gpt-4-turbo", "gpt-4-1106"),
                        Map.entry("gpt-4-32k", "32k"),
                        Map.entry("gpt-4", "8k"));
    }

    @ParameterizedTest
    @CsvSource({
        "gpt-5.6-terra, 272000, 4, 18",
        "grok-4.5, 200000, 4, 12",
        "gpt-5.4, 272000, 5, 22.5",
        "gpt-5.4-pro, 272000, 60, 270",
        "gpt-5.5, 272000, 10, 45",
        "gpt-5.5-pro, 272000, 60, 270",
        "gemini-3.1, 200000, 4, 18"
    })
    void builtIn_premiumRows(String key, long threshold, String prompt, String completion) {
        assertThat(BUILT_IN.models().get(key).premium())
                .usingRecursiveComparison()
                .comparingOnlyFields("threshold", "prompt", "completion")
                .isEqualTo(new Premium(threshold, Rate.perToken(prompt), Rate.perToken(completion)));
    }

    @Test
    void builtIn_premiumCacheRows() {
        assertThat(BUILT_IN.models().get("gpt-5.4").premium())
                .isEqualTo(new Premium(
                        272_000, Rate.perToken("5"), Rate.perToken("22.5"), Rate.perToken("5"), Rate.perToken("0.5")));
        assertThat(BUILT_IN.models().get("grok-4-7").premium())
                .isEqualTo(new Premium(
                        199_999, Rate.perToken("4"), Rate.perToken("12"), Rate.perToken("4"), Rate.perToken("1")));
        assertThat(BUILT_IN.models().get("gpt-5.4-pro").premium().cacheWrite()).isNull();
        assertThat(BUILT_IN.models().get("gemini-3.1").premium().cacheRead()).isNull();
    }

    @ParameterizedTest
    @CsvSource({
        "claude-opus-5, 5, 25",
        "gpt-5.6, 4, 20",
        "kimi-k3, 3, 15",
        "glm-5.1, 1.4, 4.4",
        "nova-2-lite, 0.3, 2.5",
        "gpt-6-sol, 2, 10"
    })
    void builtIn_modelsTheOlderTableUnderCharged_matchTheirOwnRowsExactly(
            String model, String prompt, String completion) {
        PriceMatch m = BUILT_IN.match(model);
        assertThat(m.kind()).isEqualTo(MatchKind.EXACT);
        assertThat(m.valueKey()).isEqualTo(model);
        assertThat(m.price().prompt()).isEqualTo(Rate.perToken(prompt));
        assertThat(m.price().completion()).isEqualTo(Rate.perToken(completion));
    }

    @Test
    void builtIn_spotChecks() {
        assertThat(BUILT_IN.models().get("gemini-1.5-flash-8b")).isEqualTo(ModelPrice.perToken("0.075", "0.3"));
        assertThat(BUILT_IN.models().get("gpt-oss:120b")).isEqualTo(ModelPrice.perToken("0.15", "0.6"));
        assertThat(BUILT_IN.models().get("command-text")).isEqualTo(ModelPrice.perToken("1.5", "2"));
        assertThat(BUILT_IN.models().get("gpt-5-nano"))
                .isEqualTo(ModelPrice.perToken("0.05", "0.4").withCache(Rate.perToken("0.05"), Rate.perToken("0.005")));
    }
}
