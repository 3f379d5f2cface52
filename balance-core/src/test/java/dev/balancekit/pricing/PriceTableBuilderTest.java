package dev.balancekit.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PriceTableBuilderTest {

    private static final ModelPrice ONE_TWO = ModelPrice.perToken("1", "2");

    @Test
    void builder_empty_hasLibreChatDefaultAndNoMetadata() {
        PriceTable t = PriceTable.builder().build();
        assertThat(t.defaultPrice()).isEqualTo(ModelPrice.perToken("6", "6"));
        assertThat(t.models()).isEmpty();
        assertThat(t.overrides()).isEmpty();
        assertThat(t.legacyFallbacks()).isEmpty();
        assertThat(t.asOf()).isNull();
        assertThat(t.source()).isNull();
        assertThat(t.match("gpt-4o")).isEqualTo(new PriceMatch(null, ModelPrice.perToken("6", "6"), MatchKind.DEFAULT));
    }

    @Test
    void defaultPrice_replacesTheDefault() {
        PriceTable t = PriceTable.builder().defaultPrice(ONE_TWO).build();
        assertThat(t.match("anything")).isEqualTo(new PriceMatch(null, ONE_TWO, MatchKind.DEFAULT));
    }

    @Test
    void builderFromBase_configuredRow_replacesBuiltInRowInPlace() {
        PriceTable base = PriceTable.builtIn();
        PriceTable t = PriceTable.builder(base).model("gpt-4o", ONE_TWO).build();
        List<String> baseKeys = new ArrayList<>(base.models().keySet());
        List<String> keys = new ArrayList<>(t.models().keySet());
        assertThat(keys).isEqualTo(baseKeys);
        assertThat(t.models().get("gpt-4o")).isEqualTo(ONE_TWO);
        assertThat(base.models().get("gpt-4o"))
                .isEqualTo(ModelPrice.perToken("2.5", "10").withCache(Rate.perToken("2.5"), Rate.perToken("1.25")));
    }

    @Test
    void builderFromBase_newRow_isAddedAtTheEnd_andBaseMetadataKept() {
        PriceTable base = PriceTable.builtIn();
        PriceTable t = PriceTable.builder(base).model("my-model", ONE_TWO).build();
        List<String> keys = new ArrayList<>(t.models().keySet());
        assertThat(keys).hasSize(base.models().size() + 1).endsWith("my-model");
        assertThat(t.asOf()).isEqualTo(base.asOf());
        assertThat(t.source()).isEqualTo(base.source());
        assertThat(t.legacyFallbacks()).isEqualTo(base.legacyFallbacks());
        assertThat(t.defaultPrice()).isEqualTo(base.defaultPrice());
    }

    @Test
    void builderFromBase_replacedRow_isUsedByLegacyFallbacks() {
        PriceTable t =
                PriceTable.builder(PriceTable.builtIn()).model("8k", ONE_TWO).build();
        assertThat(t.match("gpt-4-0613")).isEqualTo(new PriceMatch("8k", ONE_TWO, MatchKind.LEGACY_FALLBACK));
    }

    @Test
    void model_keyDifferingOnlyInCase_replacesSameRow() {
        PriceTable t = PriceTable.builder()
                .model("my-model", ModelPrice.perToken("6", "6"))
                .model("My-Model", ONE_TWO)
                .build();
        assertThat(t.models()).containsExactly(Map.entry("My-Model", ONE_TWO));
        assertThat(t.match("prefix-my-model-2")).isEqualTo(new PriceMatch("My-Model", ONE_TWO, MatchKind.GENERIC));
    }

    @Test
    void metadata_canBeSetAndCleared() {
        PriceTable t = PriceTable.builder()
                .asOf(LocalDate.of(2026, 11, 27))
                .source("our price list")
                .build();
        assertThat(t.asOf()).isEqualTo(LocalDate.of(2026, 11, 27));
        assertThat(t.source()).isEqualTo("our price list");
        PriceTable cleared = PriceTable.builder(t).asOf(null).source(null).build();
        assertThat(cleared.asOf()).isNull();
        assertThat(cleared.source()).isNull();
    }

    @Test
    void builtTable_isUnaffectedByLaterBuilderCalls() {
        PriceTable.Builder b = PriceTable.builder().model("a", ONE_TWO);
        PriceTable t = b.build();
        b.model("b", ONE_TWO).override("x", ONE_TWO).legacyFallback("zz", "a");
        assertThat(t.models()).containsOnlyKeys("a");
        assertThat(t.overrides()).isEmpty();
        assertThat(t.legacyFallbacks()).isEmpty();
    }

    @Test
    void views_areUnmodifiable() {
        PriceTable t = PriceTable.builder()
                .model("a", ONE_TWO)
                .override("x", ONE_TWO)
                .legacyFallback("zz", "a")
                .build();
        assertThatThrownBy(() -> t.models().put("b", ONE_TWO)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> t.overrides().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> t.legacyFallbacks().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void model_blankKey_rejectedNamingValue() {
        assertThatThrownBy(() -> PriceTable.builder().model("  ", ONE_TWO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("key must not be blank, was '  '");
        assertThatThrownBy(() -> PriceTable.builder().model(null, ONE_TWO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("key must not be blank, was null");
    }

    @Test
    void model_nullPrice_rejectedNamingKey() {
        assertThatThrownBy(() -> PriceTable.builder().model("gpt-4o", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("price of 'gpt-4o' must not be null");
    }

    @Test
    void override_badArguments_rejectedNamingValue() {
        assertThatThrownBy(() -> PriceTable.builder().override("", ONE_TWO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("exactModelId must not be blank, was ''");
        assertThatThrownBy(() -> PriceTable.builder().override("my-model", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("price of 'my-model' must not be null");
    }

    @Test
    void legacyFallback_blankArguments_rejectedNamingValue() {
        assertThatThrownBy(() -> PriceTable.builder().legacyFallback(" ", "8k"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("contains must not be blank, was ' '");
        assertThatThrownBy(() -> PriceTable.builder().legacyFallback("gpt-4", ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("key must not be blank, was ''");
    }

    @Test
    void build_fallbackToUnknownKey_rejectedNamingKey() {
        PriceTable.Builder b = PriceTable.builder().model("8k", ONE_TWO).legacyFallback("gpt-4", "9k");
        assertThatThrownBy(b::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("legacyFallback key must be a table key, was '9k' (contains 'gpt-4')");
    }

    @Test
    void defaultPriceAndSource_badValues_rejected() {
        assertThatThrownBy(() -> PriceTable.builder().defaultPrice(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("defaultPrice must not be null");
        assertThatThrownBy(() -> PriceTable.builder().source(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("source must not be blank, was ' '");
        assertThatThrownBy(() -> PriceTable.builder(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("base must not be null");
    }
}
