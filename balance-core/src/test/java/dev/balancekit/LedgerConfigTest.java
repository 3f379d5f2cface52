package dev.balancekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.balancekit.policy.ShortfallPolicy;
import dev.balancekit.pricing.ModelPrice;
import dev.balancekit.pricing.PriceTable;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LedgerConfigTest {

    @Test
    void defaults_areEnabledWithLibreChatsValues() {
        LedgerConfig c = LedgerConfig.defaults();

        assertThat(c.enabled()).isTrue();
        assertThat(c.startBalance()).isEqualTo(Credits.of(20_000));
        assertThat(c.minBalance()).isEqualTo(Credits.ZERO);
        assertThat(c.shortfallPolicy()).isSameAs(ShortfallPolicy.block());
        assertThat(c.enforceForExempt()).isFalse();
        assertThat(c.prices()).isSameAs(PriceTable.builtIn());
        assertThat(c.holdTtl()).isEqualTo(Duration.ofMinutes(30));
        assertThat(c.operationsKept()).isEqualTo(16);
        assertThat(c.idempotencyRetention()).isEqualTo(Duration.ofHours(24));
        assertThat(c.zone()).isEqualTo(java.time.ZoneOffset.UTC);
        assertThat(c.usageLimits()).isEqualTo(UsageLimits.NONE);
        assertThat(c.refill()).isNull();
        assertThat(c.tiers()).isEmpty();
        assertThat(c.defaultTier()).isNull();
        assertThat(c.unknownModels()).isEqualTo(UnknownModelPolicy.CHARGE);
    }

    @Test
    void unknownModels_refuse_keptByToBuilder() {
        LedgerConfig c =
                LedgerConfig.builder().unknownModels(UnknownModelPolicy.REFUSE).build();
        assertThat(c.unknownModels()).isEqualTo(UnknownModelPolicy.REFUSE);
        assertThat(c.toBuilder().build().unknownModels()).isEqualTo(UnknownModelPolicy.REFUSE);
        assertThat(UnknownModelPolicy.fromConfigName("Refuse")).isEqualTo(UnknownModelPolicy.REFUSE);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> UnknownModelPolicy.fromConfigName("deny"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknownModels must be one of charge, refuse, was 'deny'");
    }

    @Test
    void toString_namesEveryPlainValue() {
        assertThat(LedgerConfig.defaults())
                .hasToString("LedgerConfig{enabled=true, startBalance=20000, minBalance=0, "
                        + "shortfallPolicy=block, enforceForExempt=false, unknownModels=CHARGE, holdTtl=PT30M, operationsKept=16, "
                        + "idempotencyRetention=PT24H, zone=Z, "
                        + "usageLimits=none, refill=null, tiers=[], defaultTier=null, balanceThresholds=[], windowThresholds=[], "
                        + "clampAtZero=false, firstRefillAfterInterval=true, metering=false}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT59S", "P367D", "PT0S", "-PT1H"})
    void idempotencyRetention_outOfRange_isRejectedNamingTheValue(String retention) {
        assertThatThrownBy(() -> LedgerConfig.builder().idempotencyRetention(Duration.parse(retention)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "idempotencyRetention must be between 1 minute and 366 days, was " + Duration.parse(retention));
    }

    @Test
    void idempotencyRetention_atTheBounds_isAccepted() {
        assertThat(LedgerConfig.builder()
                        .idempotencyRetention(Duration.ofMinutes(1))
                        .build()
                        .idempotencyRetention())
                .isEqualTo(Duration.ofMinutes(1));
        assertThat(LedgerConfig.builder()
                        .idempotencyRetention(Duration.ofDays(366))
                        .build()
                        .idempotencyRetention())
                .isEqualTo(Duration.ofDays(366));
    }

    @Test
    void startBalance_negative_isRejectedNamingTheValue() {
        assertThatThrownBy(() -> LedgerConfig.builder().startBalance(Credits.ofMicros(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("startBalance must be zero or more, was -0.000001");
    }

    @Test
    void minBalance_negative_isRejectedNamingTheValue() {
        assertThatThrownBy(() -> LedgerConfig.builder().minBalance(Credits.of(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("minBalance must be zero or more, was -1");
    }

    @Test
    void startAndMinBalance_zero_areAccepted() {
        LedgerConfig c = LedgerConfig.builder()
                .startBalance(Credits.ZERO)
                .minBalance(Credits.ZERO)
                .build();

        assertThat(c.startBalance()).isEqualTo(Credits.ZERO);
        assertThat(c.minBalance()).isEqualTo(Credits.ZERO);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT9.999S", "PT0.001S", "PT0S", "PT-5S", "-PT1S", "PT-2562047788015215H"})
    void holdTtl_under10Seconds_isRejectedNamingTheValue(String ttl) {
        assertThatThrownBy(() -> LedgerConfig.builder().holdTtl(Duration.parse(ttl)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("holdTtl must be at least 10 s, was " + Duration.parse(ttl));
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT168H0.001S", "P8D", "PT2562047788015215H", "PT2562047788015215H30M7.999999999S"})
    void holdTtl_over7Days_isRejectedNamingTheValue(String ttl) {
        assertThatThrownBy(() -> LedgerConfig.builder().holdTtl(Duration.parse(ttl)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("holdTtl must be at most 7 days, was " + Duration.parse(ttl));
    }

    @Test
    void holdTtl_exactly7Days_isAccepted() {
        assertThat(LedgerConfig.builder().holdTtl(Duration.ofDays(7)).build().holdTtl())
                .isEqualTo(LedgerConfig.MAX_HOLD_TTL);
    }

    @Test
    void holdTtl_exactly10Seconds_isAccepted() {
        assertThat(LedgerConfig.builder()
                        .holdTtl(Duration.ofSeconds(10))
                        .build()
                        .holdTtl())
                .isEqualTo(LedgerConfig.MIN_HOLD_TTL);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 10_001, Integer.MAX_VALUE})
    void operationsKept_outOfRange_isRejectedNamingTheValue(int count) {
        assertThatThrownBy(() -> LedgerConfig.builder().operationsKept(count))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("operationsKept must be between 1 and 10000, was " + count);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 10_000})
    void operationsKept_atTheBounds_isAccepted(int count) {
        assertThat(LedgerConfig.builder().operationsKept(count).build().operationsKept())
                .isEqualTo(count);
    }

    @Test
    void setters_null_areRejectedNamingTheSetting() {
        LedgerConfig.Builder b = LedgerConfig.builder();

        assertThatThrownBy(() -> b.startBalance(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("startBalance");
        assertThatThrownBy(() -> b.minBalance(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("minBalance");
        assertThatThrownBy(() -> b.shortfallPolicy(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("shortfallPolicy");
        assertThatThrownBy(() -> b.prices(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("prices");
        assertThatThrownBy(() -> b.holdTtl(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("holdTtl");
    }

    @Test
    void rejectedSetter_keepsTheEarlierValue() {
        LedgerConfig.Builder b =
                LedgerConfig.builder().startBalance(Credits.of(5)).holdTtl(Duration.ofMinutes(2));

        assertThatThrownBy(() -> b.startBalance(Credits.of(-5))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.holdTtl(Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);

        LedgerConfig c = b.build();
        assertThat(c.startBalance()).isEqualTo(Credits.of(5));
        assertThat(c.holdTtl()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void toBuilder_keepsEveryValue_andLeavesTheOriginalAlone() {
        PriceTable prices =
                PriceTable.builder().model("m", ModelPrice.perToken("1", "2")).build();
        ShortfallPolicy policy = ShortfallPolicy.freeModel("free");
        LedgerConfig original = LedgerConfig.builder()
                .enabled(false)
                .startBalance(Credits.parse("0.5"))
                .minBalance(Credits.of(3))
                .shortfallPolicy(policy)
                .enforceForExempt(true)
                .prices(prices)
                .holdTtl(Duration.ofSeconds(45))
                .operationsKept(7)
                .build();

        LedgerConfig copy = original.toBuilder().build();
        LedgerConfig changed =
                original.toBuilder().enabled(true).operationsKept(8).build();

        assertThat(copy).usingRecursiveComparison().isEqualTo(original);
        assertThat(copy.shortfallPolicy()).isSameAs(policy);
        assertThat(copy.prices()).isSameAs(prices);
        assertThat(changed.enabled()).isTrue();
        assertThat(changed.operationsKept()).isEqualTo(8);
        assertThat(original.enabled()).isFalse();
        assertThat(original.operationsKept()).isEqualTo(7);
    }

    @Test
    void builtConfig_isNotChangedByLaterBuilderCalls() {
        LedgerConfig.Builder b = LedgerConfig.builder().startBalance(Credits.of(1));
        LedgerConfig first = b.build();

        b.startBalance(Credits.of(2)).enabled(false);

        assertThat(first.startBalance()).isEqualTo(Credits.of(1));
        assertThat(first.enabled()).isTrue();
    }
}
