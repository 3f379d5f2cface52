package dev.balancekit.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancekit.Credits;
import dev.balancekit.LedgerConfig;
import dev.balancekit.Refill;
import dev.balancekit.RefillMode;
import dev.balancekit.RefillUnit;
import dev.balancekit.Tier;
import dev.balancekit.UsageLimits;
import dev.balancekit.policy.ShortfallPolicy;
import dev.balancekit.pricing.ModelPrice;
import dev.balancekit.pricing.Multiplier;
import dev.balancekit.pricing.Premium;
import dev.balancekit.pricing.Rate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code examples/librechat.yaml}, the complete commented sample, loads and means what its comments say. */
class ExampleFileTest {

    private static final Path EXAMPLE = Path.of("../examples/librechat.yaml");

    /**
     * LibreChat reads the same {@code balance:} section with its own schema: numbers must be YAML
     * numbers, switches YAML booleans, the unit one of its names. Anything else stops LibreChat.
     */
    @Test
    void example_libreChatsOwnKeys_holdOnlyValuesLibreChatsSchemaAccepts() throws Exception {
        Object root = new org.snakeyaml.engine.v2.api.Load(
                        org.snakeyaml.engine.v2.api.LoadSettings.builder().build())
                .loadFromString(Files.readString(EXAMPLE));
        Map<?, ?> balance = (Map<?, ?>) ((Map<?, ?>) root).get("balance");

        assertThat(balance.get("enabled")).isInstanceOf(Boolean.class);
        assertThat(balance.get("autoRefillEnabled")).isInstanceOf(Boolean.class);
        for (String number : new String[] {"startBalance", "refillIntervalValue", "refillAmount", "reservationTtlMs"}) {
            assertThat(balance.get(number)).as(number).isInstanceOf(Number.class);
        }
        assertThat(((Number) balance.get("refillIntervalValue")).longValue()).isPositive();
        assertThat(((Number) balance.get("reservationTtlMs")).longValue()).isGreaterThanOrEqualTo(10_000);
        assertThat(balance.get("refillIntervalUnit")).isIn("seconds", "minutes", "hours", "days", "weeks", "months");
    }

    @Test
    void example_loadsWithEveryKey() throws Exception {
        String text = Files.readString(EXAMPLE);
        for (String key : BalanceSchema.BALANCE_KEYS) {
            assertThat(text).as("examples/librechat.yaml uses " + key).contains("  " + key + ":");
        }
        for (String key : BalanceSchema.TIER_KEYS) {
            assertThat(text).as("a tier in examples/librechat.yaml uses " + key).contains("      " + key + ":");
        }

        LedgerConfig c = YamlLedgerConfig.load(EXAMPLE, Map.of());
        assertThat(c.enabled()).isTrue();
        assertThat(c.startBalance()).isEqualTo(Credits.of(20_000));
        assertThat(c.refill()).isEqualTo(new Refill(RefillMode.ADD, 30, RefillUnit.DAYS, Credits.of(10_000)));
        assertThat(c.holdTtl()).isEqualTo(Duration.ofMinutes(30));
        assertThat(c.minBalance()).isEqualTo(Credits.ZERO);
        assertThat(c.shortfallPolicy()).isEqualTo(ShortfallPolicy.freeModel("gpt-4o-mini"));
        assertThat(c.enforceForExempt()).isFalse();
        assertThat(c.zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(c.operationsKept()).isEqualTo(16);
        assertThat(c.prices().match("gpt-4o").price()).isEqualTo(ModelPrice.perToken("2.5", "10"));
        assertThat(c.prices().match("claude-sonnet-4").price())
                .isEqualTo(ModelPrice.perToken("3", "15").withCache(Rate.perToken("3.75"), Rate.perToken("0.3")));
        assertThat(c.prices().match("gemini-3.1").price())
                .isEqualTo(ModelPrice.perToken("2", "12")
                        .withPremium(new Premium(200_000, Rate.perToken("4"), Rate.perToken("18"))));
        assertThat(c.prices().defaultPrice()).isEqualTo(ModelPrice.perToken("6", "6"));
        assertThat(c.prices().models().get("my-intro-model"))
                .isEqualTo(ModelPrice.perToken("2", "10")
                        .until(java.time.LocalDate.of(2026, 8, 31), ModelPrice.perToken("3", "15")));
        assertThat(c.prices().match("openai/gpt-4o-mini", "OpenRouter").price())
                .isEqualTo(ModelPrice.perToken("0.15", "0.6"));
        assertThat(c.unknownModels()).isEqualTo(dev.balancekit.UnknownModelPolicy.CHARGE);
        assertThat(c.usageLimits())
                .isEqualTo(new UsageLimits(
                        Credits.of(200_000),
                        Credits.of(1_000_000),
                        Credits.of(3_000_000),
                        2_000_000L,
                        10_000_000L,
                        30_000_000L));
        assertThat(c.tiers()).containsOnlyKeys("free", "pro", "staff");
        assertThat(c.defaultTier()).isEqualTo("free");
        assertThat(c.balanceThresholds()).containsExactly(Credits.of(1000), Credits.of(100));
        assertThat(c.windowThresholds()).containsExactly(80, 95);
        assertThat(c.clampAtZero()).isFalse();
        assertThat(c.firstRefillAfterInterval()).isTrue();
        assertThat(c.metering()).isFalse();
        assertThat(YamlLedgerConfig.collectionNames(EXAMPLE, Map.of()))
                .isEqualTo(new CollectionNames("balancekit_accounts", "balancekit_entries"));

        Tier free = c.tiers().get("free");
        assertThat(free.startBalance()).isEqualTo(Credits.of(5000));
        assertThat(free.usageLimits()).isEqualTo(UsageLimits.credits(Credits.of(20_000), null, null));
        assertThat(free.refill()).isEqualTo(new Refill(RefillMode.RESET, 1, RefillUnit.WEEKS, Credits.of(5000)));
        assertThat(free.allowsModel("gpt-4o-mini")).isTrue();
        assertThat(free.allowsModel("gemini-2.5-flash-lite")).isTrue();
        assertThat(free.allowsModel("gpt-4o-mini-preview")).isFalse();
        Tier pro = c.tiers().get("pro");
        assertThat(pro.shortfallPolicy()).isEqualTo(ShortfallPolicy.allowNegative(Credits.of(-50_000)));
        assertThat(pro.priceMultiplier()).isEqualTo(Multiplier.parse("0.8"));
        assertThat(pro.minBalance()).isEqualTo(Credits.ZERO);
        assertThat(pro.refill()).isEqualTo(new Refill(RefillMode.TOP_UP, 30, RefillUnit.DAYS, Credits.of(200_000)));
        Tier staff = c.tiers().get("staff");
        assertThat(staff.exempt()).isTrue();
        assertThat(staff.refillDisabled()).isTrue();
        assertThat(staff.usageLimits()).isEqualTo(UsageLimits.NONE);
    }

    @Test
    void example_meteringFromTheEnvironment_inABalanceKitKey() {
        assertThat(YamlLedgerConfig.load(EXAMPLE, Map.of("BALANCEKIT_METERING", "true"))
                        .metering())
                .isTrue();
    }
}
