package dev.balancekit.yaml;

import static dev.balancekit.yaml.Yaml.parse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.balancekit.Credits;
import dev.balancekit.LedgerConfig;
import dev.balancekit.Refill;
import dev.balancekit.RefillMode;
import dev.balancekit.RefillUnit;
import dev.balancekit.UsageLimits;
import dev.balancekit.policy.ShortfallPolicy;
import dev.balancekit.pricing.PriceTable;
import java.time.Duration;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a file leaves out: LibreChat's defaults, and ours where LibreChat has none. */
class DefaultsTest {

    /** The documented defaults of a file (docs/configuration.md): off, and otherwise as built in code. */
    static void assertDocumentedDefaults(LedgerConfig c) {
        assertThat(c.enabled()).isFalse();
        assertThat(c.startBalance()).isEqualTo(Credits.of(20_000));
        assertThat(c.minBalance()).isEqualTo(Credits.ZERO);
        assertThat(c.shortfallPolicy()).isSameAs(ShortfallPolicy.block());
        assertThat(c.enforceForExempt()).isFalse();
        assertThat(c.prices()).isSameAs(PriceTable.builtIn());
        assertThat(c.holdTtl()).isEqualTo(Duration.ofMinutes(30));
        assertThat(c.operationsKept()).isEqualTo(16);
        assertThat(c.zone()).isEqualTo(ZoneOffset.UTC);
        assertThat(c.usageLimits()).isEqualTo(UsageLimits.NONE);
        assertThat(c.refill()).isNull();
        assertThat(c.tiers()).isEmpty();
        assertThat(c.defaultTier()).isNull();
        assertThat(c.balanceThresholds()).isEmpty();
        assertThat(c.windowThresholds()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"", "\n\n", "# only a comment\n", "---\n", "~\n", "balance:\n", "balance: {}\n", "balance: ~\n"})
    void emptyFileOrSection_givesTheDocumentedDefaults(String yaml) {
        assertDocumentedDefaults(parse(yaml));
    }

    @Test
    void fileWithoutBalanceSection_givesTheDocumentedDefaults() {
        assertDocumentedDefaults(parse("""
                version: 1.2.8
                cache: true
                interface:
                  privacyPolicy: {externalUrl: 'https://example.com/privacy', openNewTab: true}
                registration:
                  socialLogins: [github, google]
                endpoints:
                  custom:
                    - name: Mistral
                      apiKey: '${MISTRAL_API_KEY}'
                      models: {default: [mistral-tiny], fetch: true}
                """));
    }

    @Test
    void balanceSectionWithoutEnabled_isDisabled() {
        LedgerConfig c = parse("""
                balance:
                  startBalance: 1000
                """);
        assertThat(c.enabled()).isFalse();
        assertThat(c.startBalance()).isEqualTo(Credits.of(1000));
    }

    @Test
    void libreChatSampleBlock_loadsWithLibreChatMeaning() {
        // the balance block of LibreChat's own librechat.example.yaml
        LedgerConfig c = parse("""
                version: 1.2.8
                balance:
                  enabled: true
                  startBalance: 20000
                  autoRefillEnabled: true
                  refillIntervalValue: 30
                  refillIntervalUnit: 'days'
                  refillAmount: 10000
                """);
        assertThat(c.enabled()).isTrue();
        assertThat(c.startBalance()).isEqualTo(Credits.of(20_000));
        assertThat(c.refill()).isEqualTo(new Refill(RefillMode.ADD, 30, RefillUnit.DAYS, Credits.of(10_000)));
        assertThat(c.holdTtl()).isEqualTo(Duration.ofMillis(1_800_000));
        assertThat(c.prices()).isSameAs(PriceTable.builtIn());
        assertThat(c.shortfallPolicy()).isSameAs(ShortfallPolicy.block());
    }

    @Test
    void autoRefillEnabledAlone_usesLibreChatsRefillDefaults() {
        LedgerConfig c = parse("""
                balance:
                  enabled: true
                  autoRefillEnabled: true
                """);
        assertThat(c.refill()).isEqualTo(new Refill(RefillMode.ADD, 30, RefillUnit.DAYS, Credits.of(10_000)));
    }

    @Test
    void refillKeysWithoutAutoRefillEnabled_doNotRefill() {
        LedgerConfig c = parse("""
                balance:
                  enabled: true
                  refillIntervalValue: 1
                  refillIntervalUnit: hours
                  refillAmount: 500
                """);
        assertThat(c.refill()).isNull();
    }

    @Test
    void autoRefillEnabledFalse_doesNotRefill() {
        assertThat(parse("balance: {autoRefillEnabled: false, refillAmount: 5}\n")
                        .refill())
                .isNull();
    }
}
