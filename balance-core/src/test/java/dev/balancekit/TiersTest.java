package dev.balancekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.balancekit.policy.ShortfallPolicy;
import dev.balancekit.pricing.ModelPrice;
import dev.balancekit.pricing.Multiplier;
import dev.balancekit.pricing.PriceTable;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.test.StepVerifier;

/**
 * Tiers in the ledger. The config gives 1000 credits to start, blocks on a shortfall and caps each
 * day at 100 credits; every model costs one credit per token.
 */
class TiersTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final UsageLimits DAILY_100 = UsageLimits.credits(Credits.of(100), null, null);

    private static LedgerConfig.Builder config() {
        return TestLedger.config().usageLimits(DAILY_100).firstRefillAfterInterval(false);
    }

    /** A ledger whose default tier is {@code tier}. */
    private static TestLedger withDefault(Tier tier) {
        return new TestLedger(config().tier(tier).defaultTier(tier.name()), T0);
    }

    @Nested
    class Overrides {
        @Test
        void startBalance_isTheTiers() {
            TestLedger t = withDefault(
                    Tier.builder("trial").startBalance(Credits.of(50)).build());

            assertThat(t.check("u", 1).balance()).isEqualTo(Credits.of(50));
            assertThat(t.entries("u", EntryContext.START_BALANCE))
                    .extracting(LedgerEntry::tokenValue)
                    .containsExactly(Credits.of(50));
        }

        @Test
        void minBalance_isTheTiers() {
            TestLedger t = withDefault(
                    Tier.builder("careful").minBalance(Credits.of(950)).build());

            assertThat(t.check("u", 50).isAllowed()).isTrue();
            assertThat(t.check("u", 51).reason()).isEqualTo(DenialReason.BELOW_MINIMUM_BALANCE);
        }

        @Test
        void shortfallPolicy_isTheTiers_freeModelFallback() {
            TestLedger t = withDefault(Tier.builder("free")
                    .shortfallPolicy(ShortfallPolicy.freeModel("tiny"))
                    .usageLimits(UsageLimits.NONE)
                    .build());
            TestLedger noTier = new TestLedger(config().usageLimits(UsageLimits.NONE), T0);

            BalanceDecision d = t.check("u", 1001);

            assertThat(d.status()).isEqualTo(BalanceDecision.Status.FALLBACK);
            assertThat(d.model()).isEqualTo("tiny");
            assertThat(noTier.check("u", 1001).reason()).isEqualTo(DenialReason.INSUFFICIENT_BALANCE);
        }

        @Test
        void usageLimits_replaceTheConfigsWholeSet() {
            TestLedger t = withDefault(Tier.builder("small")
                    .usageLimits(UsageLimits.credits(null, Credits.of(50), null))
                    .build());

            BalanceDecision d = t.check("u", 51);

            assertThat(d.reason()).isEqualTo(DenialReason.WEEKLY_LIMIT);
            assertThat(d.window().limit()).isEqualTo(Credits.of(50));
            assertThat(t.usage("u", UsageWindow.DAILY).limit()).isNull();
        }

        @Test
        void usageLimitsNone_liftsTheConfigsCaps() {
            TestLedger t = withDefault(
                    Tier.builder("unlimited").usageLimits(UsageLimits.NONE).build());

            assertThat(t.check("u", 500).isAllowed()).isTrue();
        }

        @Test
        void refill_isTheTiers_whenTheConfigHasNone() {
            TestLedger t = withDefault(Tier.builder("refilled")
                    .refill(new Refill(RefillMode.RESET, 1, RefillUnit.DAYS, Credits.of(300)))
                    .build());

            assertThat(t.check("u", 1).balance()).isEqualTo(Credits.of(300));
            assertThat(t.view("u").refillAt()).isEqualTo(T0.plus(Duration.ofDays(1)));
        }

        @Test
        void refill_ofTheTier_replacesTheConfigs() {
            TestLedger t = new TestLedger(
                    config().refill(new Refill(RefillMode.RESET, 1, RefillUnit.DAYS, Credits.of(300)))
                            .tier(Tier.builder("weekly")
                                    .refill(new Refill(RefillMode.RESET, 1, RefillUnit.WEEKS, Credits.of(2000)))
                                    .build())
                            .defaultTier("weekly"),
                    T0);

            assertThat(t.check("u", 1).balance()).isEqualTo(Credits.of(2000));
            assertThat(t.view("u").refillAt()).isEqualTo(T0.plus(Duration.ofDays(7)));
        }

        @Test
        void noRefill_turnsTheConfigsRefillOff() {
            TestLedger t = new TestLedger(
                    config().refill(new Refill(RefillMode.RESET, 1, RefillUnit.DAYS, Credits.of(300)))
                            .tier(Tier.builder("paid").noRefill().build())
                            .defaultTier("paid"),
                    T0);

            assertThat(t.check("u", 1).balance()).isEqualTo(Credits.of(1000));
            assertThat(t.view("u").refillAt()).isNull();
            assertThat(t.entries("u", EntryContext.AUTO_REFILL)).isEmpty();
        }

        @Test
        void refillAfterNoRefill_onTheBuilder_turnsItBackOn() {
            Refill r = new Refill(RefillMode.ADD, 1, RefillUnit.DAYS, Credits.of(5));

            Tier tier = Tier.builder("t").noRefill().refill(r).build();

            assertThat(tier.refill()).isEqualTo(r);
            assertThat(tier.refillDisabled()).isFalse();
            assertThat(Tier.builder("t").refill(r).noRefill().build().refill()).isNull();
        }
    }

    @Nested
    class Models {
        @ParameterizedTest(name = "{0} -> {1}")
        @CsvSource({
            "gpt-4o-mini, true",
            "GPT-4o-Mini-2024-07-18, true",
            "claude-3-haiku, true",
            "Claude-3-HAIKU, true",
            "claude-35-haiku, false",
            "claude-3-haiku-preview, false",
            "gpt-4o-mini-preview, false",
            "gpt-4o, false",
            "o1, false"
        })
        void allowsModel_matchesGlobsIgnoringCase_deniedWins(String model, boolean allowed) {
            Tier tier = Tier.builder("free")
                    .allowModels("gpt-4o-mini*", "claude-?-haiku*")
                    .denyModels("*-preview")
                    .build();

            assertThat(tier.allowsModel(model)).isEqualTo(allowed);
        }

        @ParameterizedTest(name = "{0} -> {1}")
        @CsvSource({"gpt-4.5-preview, false", "gpt-405, true", "a+b, false", "aab, true", "anything, true"})
        void globs_treatRegexCharactersLiterally_andWithoutAllowedPatternsAllowTheRest(String model, boolean allowed) {
            Tier tier = Tier.builder("t").denyModels("gpt-4.5*", "a+b").build();

            assertThat(tier.allowsModel(model)).isEqualTo(allowed);
        }

        @Test
        void deniedModel_isItsOwnDenialReason_withMessageAndJson() {
            TestLedger t =
                    withDefault(Tier.builder("free").allowModels("gpt-4o-mini*").build());

            BalanceDecision d = t.ledger.checkBalance("u", "gpt-4o", 10, 0);

            assertThat(d.reason()).isEqualTo(DenialReason.MODEL_NOT_ALLOWED);
            assertThat(d.message()).isEqualTo("Model not allowed: gpt-4o is not available on your plan.");
            assertThat(d.payload())
                    .containsExactly(
                            entry("type", "token_balance"),
                            entry("balance", new BigDecimal("1000")),
                            entry("tokenCost", new BigDecimal("10")),
                            entry("promptTokens", 10L),
                            entry("reason", "model_not_allowed"));
            assertThat(t.ledger.checkBalance("u", "gpt-4o-mini", 10, 0).isAllowed())
                    .isTrue();
        }

        @Test
        void deniedModel_isReportedBeforeALimitOrShortfall_andHoldsNothing() {
            TestLedger t = withDefault(Tier.builder("free").denyModels("o1*").build());
            t.charge("u", 100);

            Reservation r = t.ledger.reserve(BalanceRequest.of("u", "o1-pro", 5000, 0));

            assertThat(r.decision().reason()).isEqualTo(DenialReason.MODEL_NOT_ALLOWED);
            assertThat(r.hold()).isNull();
        }
    }

    @Nested
    class PriceMultiplier {
        private final PriceTable prices = PriceTable.builder()
                .defaultPrice(ModelPrice.perToken("0.0000025", "0.000003"))
                .build();

        private TestLedger discounted(String factor) {
            return new TestLedger(
                    config().prices(prices)
                            .usageLimits(UsageLimits.NONE)
                            .tier(Tier.builder("discount")
                                    .priceMultiplier(Multiplier.parse(factor))
                                    .build())
                            .defaultTier("discount"),
                    T0);
        }

        @Test
        void multiplier_scalesTheEstimateExactly_roundingUpOnce() {
            // 7 x 0.0000025 x 0.8 + 3 x 0.000003 x 0.8 = 0.000014 + 0.0000072 = 0.0000212 -> 0.000022
            BalanceDecision d = discounted("0.8").ledger.checkBalance("u", TestLedger.MODEL, 7, 3);

            assertThat(d.estimatedCost()).isEqualTo(Credits.parse("0.000022"));
        }

        @Test
        void multiplier_scalesEachChargeLineExactly_roundingUpOnce() {
            // without the factor the prompt line would be 0.0000175 -> 0.000018, and 0.8 x 0.000018 rounds to 0.000015
            TestLedger t = discounted("0.8");

            Receipt r = t.ledger.deduct(ChargeRequest.of("u", TestLedger.MODEL, Usage.of(7, 3)));

            assertThat(r.entry(TokenType.PROMPT).tokenValue()).isEqualTo(Credits.parse("-0.000014"));
            assertThat(r.entry(TokenType.COMPLETION).tokenValue()).isEqualTo(Credits.parse("-0.000008"));
            assertThat(r.total()).isEqualTo(Credits.parse("-0.000022"));
        }

        @Test
        void discount_appliesToHoldsChargesAndWindows() {
            TestLedger t = new TestLedger(
                    config().usageLimits(UsageLimits.NONE)
                            .tier(Tier.builder("pro")
                                    .priceMultiplier(Multiplier.parse("0.8"))
                                    .build())
                            .defaultTier("pro"),
                    T0);

            Reservation r = t.reserve("u", 100);
            Receipt receipt = t.settle("u", r.holdId(), 50);

            assertThat(r.hold().amount()).isEqualTo(Credits.of(80));
            assertThat(receipt.total()).isEqualTo(Credits.of(-40));
            assertThat(receipt.balance()).isEqualTo(Credits.of(960));
            assertThat(t.usage("u", UsageWindow.DAILY).spent()).isEqualTo(Credits.of(40));
        }

        @Test
        void zeroMultiplier_makesEverythingFree() {
            TestLedger t = discounted("0");

            assertThat(t.ledger
                            .checkBalance("u", TestLedger.MODEL, 1_000_000, 1_000_000)
                            .estimatedCost())
                    .isEqualTo(Credits.ZERO);
            assertThat(t.charge("u", 1_000_000).balance()).isEqualTo(Credits.of(1000));
        }

        @Test
        void multiplier_outOfRangeOrTooPrecise_isRejectedNamingTheValue() {
            assertThatThrownBy(() -> new Multiplier(-1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("priceMultiplier must be between 0 and 1000, was -0.000001");
            assertThatThrownBy(() -> Multiplier.parse("1000.000001"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("priceMultiplier must be between 0 and 1000, was 1000.000001");
            assertThatThrownBy(() -> Multiplier.parse("0.0000001"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("priceMultiplier must have at most 6 fractional digits, was '0.0000001'");
            assertThat(Multiplier.parse("0.8"))
                    .isEqualTo(new Multiplier(800_000))
                    .hasToString("0.8");
            assertThat(Multiplier.parse("1").isOne()).isTrue();
        }
    }

    @Nested
    class Exemption {
        private final Tier staff =
                Tier.builder("staff").exempt(true).denyModels("*").build();

        @Test
        void exemptTier_skipsEveryCheck_butIsStillCharged() {
            TestLedger t = withDefault(staff);
            t.charge("u", 1500);

            BalanceDecision d = t.check("u", 5000);
            Receipt r = t.charge("u", 10);

            assertThat(d.status()).isEqualTo(BalanceDecision.Status.ALLOWED);
            assertThat(r.balance()).isEqualTo(Credits.of(-510));
            assertThat(t.usage("u", UsageWindow.DAILY).spent()).isEqualTo(Credits.of(1510));
        }

        @Test
        void exemptTier_withEnforceForExempt_isChecked() {
            TestLedger t =
                    new TestLedger(config().enforceForExempt(true).tier(staff).defaultTier("staff"), T0);

            assertThat(t.check("u", 1).reason()).isEqualTo(DenialReason.MODEL_NOT_ALLOWED);
        }

        @Test
        void tierSayingNotExempt_overridesAnExemptRequest() {
            TestLedger t = withDefault(Tier.builder("checked").exempt(false).build());

            BalanceDecision d = t.ledger.checkBalance(
                    BalanceRequest.of("u", TestLedger.MODEL, 101, 0).withExempt(true));

            assertThat(d.reason()).isEqualTo(DenialReason.DAILY_LIMIT);
        }

        @Test
        void tierSilentOnExemption_leavesItToTheRequest() {
            TestLedger t = withDefault(Tier.builder("plain").build());

            BalanceDecision d = t.ledger.checkBalance(
                    BalanceRequest.of("u", TestLedger.MODEL, 101, 0).withExempt(true));

            assertThat(d.isAllowed()).isTrue();
        }
    }

    @Nested
    class DefaultTier {
        @Test
        void accountWithoutATier_getsTheDefaultTiersSettings_andShowsItsName() {
            TestLedger t = new TestLedger(
                    config().tier(Tier.builder("free")
                                    .usageLimits(UsageLimits.credits(Credits.of(10), null, null))
                                    .build())
                            .tier(Tier.builder("pro").build())
                            .defaultTier("free"),
                    T0);

            assertThat(t.check("u", 11).reason()).isEqualTo(DenialReason.DAILY_LIMIT);
            assertThat(t.view("u").tier()).isEqualTo("free");
            assertThat(t.stored("u").tier()).isNull();
        }

        @Test
        void withoutTiers_theConfigsSettingsApply_andNoTierIsShown() {
            TestLedger none = new TestLedger(config(), T0);

            assertThat(none.check("u", 101).reason()).isEqualTo(DenialReason.DAILY_LIMIT);
            assertThat(none.view("u").tier()).isNull();
        }

        @Test
        void defaultTierThatIsNotConfigured_isRejectedWhenTheConfigIsBuilt() {
            assertThatThrownBy(() -> LedgerConfig.builder()
                            .tier(Tier.builder("free").build())
                            .tier(Tier.builder("pro").build())
                            .defaultTier("gold")
                            .build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("defaultTier 'gold' is not a configured tier; tiers: free, pro");
            assertThatThrownBy(() -> LedgerConfig.builder().defaultTier("free").build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("defaultTier 'free' is not a configured tier; tiers: none");
        }

        @Test
        void tiers_keepTheirOrder_andALaterTierOfTheSameNameReplacesTheEarlier() {
            Tier second = Tier.builder("a").startBalance(Credits.of(2)).build();
            LedgerConfig c = LedgerConfig.builder()
                    .tier(Tier.builder("b").build())
                    .tier(Tier.builder("a").startBalance(Credits.of(1)).build())
                    .tier(second)
                    .build();

            assertThat(c.tiers().keySet()).containsExactly("b", "a");
            assertThat(c.tiers().get("a")).isSameAs(second);
            assertThat(c.toBuilder().build().tiers()).isEqualTo(c.tiers());
        }
    }

    @Nested
    class SetTier {
        private final LedgerConfig.Builder twoTiers = config().tier(
                        Tier.builder("free").build())
                .tier(Tier.builder("pro")
                        .startBalance(Credits.of(5000))
                        .usageLimits(UsageLimits.credits(Credits.of(1000), null, null))
                        .build())
                .defaultTier("free");

        @Test
        void setTier_writesAZeroValueTierChangeEntry_withActorAndNote() {
            TestLedger t = new TestLedger(twoTiers, T0);
            t.charge("u", 30);
            t.clock.advance(Duration.ofMinutes(5));

            Receipt r = t.ledger.setTier("u", "pro", "admin@example.com");

            assertThat(r.balance()).isEqualTo(Credits.of(970));
            assertThat(r.entries()).hasSize(1);
            LedgerEntry e = r.entries().get(0);
            assertThat(e.context()).isEqualTo(EntryContext.TIER_CHANGE);
            assertThat(e.tokenType()).isEqualTo(TokenType.CREDITS);
            assertThat(e.tokenValue()).isEqualTo(Credits.ZERO);
            assertThat(e.rawAmount()).isZero();
            assertThat(e.balance()).isEqualTo(Credits.of(970));
            assertThat(e.actor()).isEqualTo("admin@example.com");
            assertThat(e.note()).isEqualTo("free -> pro");
            assertThat(e.createdAt()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
            assertThat(t.entries("u", EntryContext.TIER_CHANGE)).containsExactly(e);
        }

        @Test
        void newTier_appliesFromTheNextOperation() {
            TestLedger t = new TestLedger(twoTiers, T0);
            BalanceDecision before = t.check("u", 500);

            t.ledger.setTier("u", "pro", null);
            BalanceDecision after = t.check("u", 500);

            assertThat(before.reason()).isEqualTo(DenialReason.DAILY_LIMIT);
            assertThat(after.isAllowed()).isTrue();
            assertThat(t.view("u").tier()).isEqualTo("pro");
            assertThat(t.stored("u").tier()).isEqualTo("pro");
            assertThat(t.entries("u", EntryContext.TIER_CHANGE).get(0).actor()).isNull();
        }

        @Test
        void setTier_onANewAccount_runsUnderTheDefaultTier_soItsStartBalanceIsTheDefaults() {
            TestLedger t = new TestLedger(twoTiers, T0);

            Receipt r = t.ledger.setTier("u", "pro", "admin");

            assertThat(r.balance()).isEqualTo(Credits.of(1000));
            assertThat(t.entries("u"))
                    .extracting(LedgerEntry::context)
                    .containsExactly(EntryContext.START_BALANCE, EntryContext.TIER_CHANGE);
            assertThat(t.check("u", 500).isAllowed()).isTrue();
        }

        @Test
        void setTier_withoutADefaultTier_notesNoneAsTheOldTier() {
            TestLedger t = new TestLedger(config().tier(Tier.builder("pro").build()), T0);

            Receipt r = t.ledger.setTier("u", "pro", "admin");

            assertThat(r.entries().get(0).note()).isEqualTo("none -> pro");
        }

        @Test
        void setTier_toATierThatIsNotConfigured_isRejectedListingTheTiers_andChangesNothing() {
            TestLedger t = new TestLedger(twoTiers, T0);
            t.charge("u", 1);
            long version = t.version("u");

            assertThatThrownBy(() -> t.ledger.setTier("u", "gold", "admin"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("tier 'gold' is not configured; tiers: free, pro");
            assertThat(t.version("u")).isEqualTo(version);
            assertThatThrownBy(() -> new TestLedger(config(), T0).ledger.setTier("u", "gold", null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("tier 'gold' is not configured; tiers: none");
        }

        @Test
        void setTier_errorsAreSignalledOnSubscription() {
            TestLedger t = new TestLedger(twoTiers, T0);

            StepVerifier.create(t.reactive.setTier("u", "gold", null))
                    .verifyErrorMessage("tier 'gold' is not configured; tiers: free, pro");
            StepVerifier.create(t.reactive.setTier("u", " ", null))
                    .verifyErrorMessage("tier must not be blank, was ' '");
            StepVerifier.create(t.reactive.setTier("u", "pro", ""))
                    .verifyErrorMessage("actor must not be blank, was ''");
            StepVerifier.create(t.reactive.setTier("", "pro", null))
                    .verifyErrorMessage("user must not be blank, was ''");
            assertThat(t.store.load("u").blockOptional()).isEmpty();
        }
    }

    @Nested
    class Validation {
        @Test
        void tierBuilder_rejectsBadValuesNamingTheTierAndField() {
            assertThatThrownBy(() -> Tier.builder(" "))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("tier must not be blank, was ' '");
            assertThatThrownBy(() -> Tier.builder("pro").startBalance(Credits.of(-1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("tiers.pro.startBalance must be zero or more, was -1");
            assertThatThrownBy(() -> Tier.builder("pro").minBalance(Credits.ofMicros(-1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("tiers.pro.minBalance must be zero or more, was -0.000001");
            assertThatThrownBy(() -> Tier.builder("pro").allowModels("gpt-*", ""))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("tiers.pro.models.allow must not be blank, was ''");
            assertThatThrownBy(() -> Tier.builder("pro").denyModels(" "))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("tiers.pro.models.deny must not be blank, was ' '");
        }

        @Test
        void tier_exposesItsOverrides() {
            Tier t = Tier.builder("pro")
                    .startBalance(Credits.of(5))
                    .allowModels("a*")
                    .denyModels("b*")
                    .priceMultiplier(Multiplier.parse("0.5"))
                    .exempt(false)
                    .build();

            assertThat(t.name()).isEqualTo("pro");
            assertThat(t.startBalance()).isEqualTo(Credits.of(5));
            assertThat(t.minBalance()).isNull();
            assertThat(t.allowedModels()).containsExactly("a*");
            assertThat(t.deniedModels()).containsExactly("b*");
            assertThat(t.priceMultiplier()).isEqualTo(Multiplier.parse("0.5"));
            assertThat(t.exempt()).isFalse();
            assertThat(Tier.builder("x").build().exempt()).isNull();
            assertThat(t).hasToString("Tier[pro]");
        }
    }
}
