package dev.balancekit.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.balancekit.Credits;
import org.junit.jupiter.api.Test;

/** The small value types: {@link Premium}, {@link ModelPrice}, {@link PriceMatch}, {@link PricedLine}, {@link PricedUsage}. */
class PriceValuesTest {

    private static final Rate ONE = Rate.perToken("1");

    @Test
    void modelPrice_perToken_parsesBothRates() {
        ModelPrice p = ModelPrice.perToken("2.5", "10");
        assertThat(p).isEqualTo(new ModelPrice(Rate.perToken("2.5"), Rate.perToken("10"), null, null, null));
        assertThat(ModelPrice.of(Rate.perToken("2.5"), Rate.perToken("10"))).isEqualTo(p);
    }

    @Test
    void modelPrice_perToken_badRate_rejectedNamingSide() {
        assertThatThrownBy(() -> ModelPrice.perToken("x", "1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prompt must be a plain decimal number, was 'x'");
        assertThatThrownBy(() -> ModelPrice.perToken("1", "-2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("completion must not be negative, was '-2'");
    }

    @Test
    void modelPrice_withCacheAndPremium_keepTheOtherParts() {
        Premium premium = new Premium(200_000, Rate.perToken("4"), Rate.perToken("18"));
        ModelPrice p =
                ModelPrice.perToken("2", "12").withPremium(premium).withCache(Rate.perToken("2"), Rate.perToken("0.2"));
        assertThat(p)
                .isEqualTo(new ModelPrice(
                        Rate.perToken("2"), Rate.perToken("12"), Rate.perToken("2"), Rate.perToken("0.2"), premium));
    }

    @Test
    void modelPrice_nulls_rejectedNamingField() {
        assertThatThrownBy(() -> ModelPrice.of(null, ONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prompt must not be null");
        assertThatThrownBy(() -> ModelPrice.of(ONE, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("completion must not be null");
        assertThatThrownBy(() -> ModelPrice.of(ONE, ONE).withCache(null, ONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("write must not be null");
        assertThatThrownBy(() -> ModelPrice.of(ONE, ONE).withCache(ONE, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("read must not be null");
        assertThatThrownBy(() -> ModelPrice.of(ONE, ONE).withPremium(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("premium must not be null");
    }

    @Test
    void premium_appliesStrictlyAboveThreshold() {
        Premium p = new Premium(200_000, ONE, ONE);
        assertThat(p.appliesTo(200_000)).isFalse();
        assertThat(p.appliesTo(200_001)).isTrue();
    }

    @Test
    void premium_nonPositiveThreshold_rejected() {
        assertThatThrownBy(() -> new Premium(0, ONE, ONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threshold must be positive, was 0");
        assertThatThrownBy(() -> new Premium(-5, ONE, ONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threshold must be positive, was -5");
    }

    @Test
    void premium_nullRates_rejected() {
        assertThatThrownBy(() -> new Premium(1, null, ONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prompt must not be null");
        assertThatThrownBy(() -> new Premium(1, ONE, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("completion must not be null");
    }

    @Test
    void priceMatch_blankKey_rejected() {
        assertThatThrownBy(() -> new PriceMatch(" ", ModelPrice.of(ONE, ONE), MatchKind.EXACT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("valueKey must not be blank, was ' '");
        assertThat(new PriceMatch(null, ModelPrice.of(ONE, ONE), MatchKind.DEFAULT).valueKey())
                .isNull();
    }

    @Test
    void priceMatch_keyAndDefaultKind_mustAgree() {
        assertThatThrownBy(() -> new PriceMatch(null, ModelPrice.of(ONE, ONE), MatchKind.EXACT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("valueKey must be null exactly for the default price, was 'null' for exact");
        assertThatThrownBy(() -> new PriceMatch("k", ModelPrice.of(ONE, ONE), MatchKind.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("valueKey must be null exactly for the default price, was 'k' for default");
    }

    @Test
    void pricedLine_negativeCounts_rejectedNamingField() {
        assertThatThrownBy(() -> new PricedLine(-1, ONE, Credits.ZERO, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tokens must not be negative, was -1");
        assertThatThrownBy(() -> new PricedLine(1, ONE, Credits.parse("-0.5"), 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cost must not be negative, was -0.5");
        assertThatThrownBy(() -> new PricedLine(1, ONE, Credits.ZERO, -2, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("inputTokens must not be negative, was -2");
        assertThatThrownBy(() -> new PricedLine(1, ONE, Credits.ZERO, 0, -3, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("writeTokens must not be negative, was -3");
        assertThatThrownBy(() -> new PricedLine(1, ONE, Credits.ZERO, 0, 0, -4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("readTokens must not be negative, was -4");
    }

    @Test
    void pricedUsage_total_isSumOfLines() {
        PricedUsage u = new PricedUsage(
                new PriceMatch("4k", ModelPrice.of(ONE, ONE), MatchKind.EXACT),
                new PricedLine(100, Rate.perToken("1.5"), Credits.parse("150"), 100, 0, 0),
                new PricedLine(50, Rate.perToken("2"), Credits.parse("100"), 0, 0, 0));
        assertThat(u.total()).isEqualTo(Credits.parse("250"));
    }
}
