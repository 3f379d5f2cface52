package dev.balancekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.balancekit.memory.InMemoryBalanceStore;
import dev.balancekit.memory.ManualClock;
import dev.balancekit.pricing.MatchKind;
import dev.balancekit.pricing.ModelPrice;
import dev.balancekit.pricing.PriceTable;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** What the ledger does with prices: dated prices by its clock, the fallback policy, per-endpoint prices. */
class PricesInLedgerTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Nested
    class DatedPrices {
        /** 23:30 in Berlin on the last introductory day; 00:30 in Berlin is already September 1. */
        private final Instant lastEvening = Instant.parse("2026-08-31T21:30:00Z");

        private final Instant nextNight = Instant.parse("2026-08-31T22:30:00Z");

        @Test
        void deduct_claudeSonnet5_holdEstimatedOnLastIntroductoryDay_settledAtRegularRateInForceAtCharge() {
            TestLedger t = new TestLedger(
                    LedgerConfig.builder().startBalance(Credits.of(1_000_000)).zone(BERLIN), lastEvening);
            Reservation r = t.ledger.reserve(BalanceRequest.of("u", "claude-sonnet-5", 1000, 1000));
            assertThat(r.hold().amount()).isEqualTo(Credits.of(12_000)); // 1000 x 2 + 1000 x 10

            t.clock.set(nextNight);
            Receipt receipt = t.ledger.deduct(ChargeRequest.of(
                            "u", "claude-sonnet-5", Usage.of(1000, 1000).withCache(1000, 1000))
                    .withHold(r.holdId()));

            // 1000 x (3 + 3.75 + 0.3) + 1000 x 15
            assertThat(receipt.entries())
                    .extracting(LedgerEntry::tokenValue)
                    .containsExactly(Credits.of(-7050), Credits.of(-15_000));
            assertThat(receipt.balance()).isEqualTo(Credits.of(1_000_000 - 22_050));
        }

        @Test
        void deduct_claudeSonnet5_sameInstantInUtc_isStillIntroductory() {
            TestLedger t = new TestLedger(LedgerConfig.builder().startBalance(Credits.of(1_000_000)), nextNight);
            Receipt receipt = t.ledger.deduct(ChargeRequest.of(
                    "u", "claude-sonnet-5", Usage.of(1000, 1000).withCache(1000, 1000)));
            // 1000 x (2 + 2.5 + 0.2) + 1000 x 10
            assertThat(receipt.entries())
                    .extracting(LedgerEntry::tokenValue)
                    .containsExactly(Credits.of(-4700), Credits.of(-10_000));
        }

        @Test
        void checkAndDeduct_gemini36Flash_crossDecember31InConfiguredZone() {
            ZoneId tokyo = ZoneId.of("Asia/Tokyo");
            // 2026-12-31T14:59Z is 23:59 in Tokyo; a minute later it is 2027-01-01 there
            TestLedger t = new TestLedger(
                    LedgerConfig.builder().startBalance(Credits.of(1_000_000)).zone(tokyo),
                    Instant.parse("2026-12-31T14:59:00Z"));
            assertThat(t.ledger
                            .checkBalance("u", "gemini-3.6-flash", 1000, 1000)
                            .estimatedCost())
                    .isEqualTo(Credits.of(4500)); // 1000 x 0.75 + 1000 x 3.75
            Receipt before = t.ledger.deduct(ChargeRequest.of(
                    "u", "gemini-3.7-flash", Usage.of(1000, 1000).withCache(0, 1000)));
            assertThat(before.entries())
                    .extracting(LedgerEntry::tokenValue)
                    .containsExactly(Credits.parse("-825"), Credits.of(-3750)); // 1000 x 0.75 + 1000 x 0.075

            t.clock.set(Instant.parse("2026-12-31T15:00:00Z"));
            assertThat(t.ledger
                            .checkBalance("u", "gemini-3.6-flash", 1000, 1000)
                            .estimatedCost())
                    .isEqualTo(Credits.of(9000)); // 1000 x 1.5 + 1000 x 7.5
            Receipt after = t.ledger.deduct(ChargeRequest.of(
                    "u", "gemini-3.8-flash", Usage.of(1000, 1000).withCache(0, 1000)));
            assertThat(after.entries())
                    .extracting(LedgerEntry::tokenValue)
                    .containsExactly(Credits.of(-1650), Credits.of(-7500)); // 1000 x 1.5 + 1000 x 0.15
        }
    }

    @Nested
    class FallbackPolicy {
        private final Instant t0 = Instant.parse("2026-10-01T10:00:00Z");

        @Test
        void reserve_defaultPricedModel_refusePolicy_deniedAsUnknownModelNamingIt() {
            TestLedger t = new TestLedger(LedgerConfig.builder().unknownModels(UnknownModelPolicy.REFUSE), t0);
            Reservation r = t.ledger.reserve(BalanceRequest.of("u", "glm-9", 100, 100));

            assertThat(r.isAllowed()).isFalse();
            assertThat(r.decision().reason()).isEqualTo(DenialReason.UNKNOWN_MODEL);
            assertThat(r.decision().message())
                    .isEqualTo(
                            "Unknown model: glm-9 has no price of its own (it would be priced by the default rate).");
            assertThat(r.decision().payload())
                    .containsExactly(
                            entry("type", "token_balance"),
                            entry("balance", new BigDecimal("20000")),
                            entry("tokenCost", new BigDecimal("1200")),
                            entry("promptTokens", 100L),
                            entry("reason", "unknown_model"),
                            entry("model", "glm-9"),
                            entry("valueKey", null));
            assertThat(t.view("u").holds()).isEmpty();
        }

        @Test
        void check_genericRowPricedModel_refusePolicy_deniedNamingTheGenericRow() {
            TestLedger t = new TestLedger(LedgerConfig.builder().unknownModels(UnknownModelPolicy.REFUSE), t0);
            BalanceDecision d = t.ledger.checkBalance("u", "claude-opus-7\"", 10, 0);

            assertThat(d.reason()).isEqualTo(DenialReason.UNKNOWN_MODEL);
            assertThat(d.valueKey()).isEqualTo("claude-");
            assertThat(d.message())
                    .isEqualTo("Unknown model: claude-opus-7\" has no price of its own"
                            + " (it would be priced by the generic row 'claude-').");
            assertThat(d.payload())
                    .containsEntry("reason", "unknown_model")
                    .containsEntry("model", "claude-opus-7\"")
                    .containsEntry("valueKey", "claude-");
            assertThat(List.copyOf(d.payload().keySet())).endsWith("reason", "model", "valueKey");
        }

        @Test
        void reserve_exactAndSnapshotNames_refusePolicy_allowed() {
            TestLedger t = new TestLedger(LedgerConfig.builder().unknownModels(UnknownModelPolicy.REFUSE), t0);
            assertThat(t.ledger
                            .reserve(BalanceRequest.of("u", "claude-opus-5", 10, 10))
                            .isAllowed())
                    .isTrue();
            assertThat(t.ledger
                            .reserve(BalanceRequest.of("u", "gpt-4o-2024-08-06", 10, 10))
                            .isAllowed())
                    .isTrue();
            assertThat(t.ledger
                            .reserve(BalanceRequest.of("u", "gpt-4-0613", 10, 10))
                            .isAllowed())
                    .isTrue();
        }

        @Test
        void reserve_unknownModel_chargePolicy_allowedAtDefaultRate() {
            TestLedger t = new TestLedger(LedgerConfig.builder(), t0);
            Reservation r = t.ledger.reserve(BalanceRequest.of("u", "glm-9", 100, 100));
            assertThat(r.isAllowed()).isTrue();
            assertThat(r.decision().estimatedCost()).isEqualTo(Credits.of(1200));
        }

        @Test
        void deduct_unknownModel_refusePolicy_stillChargesUsageThatHappened() {
            TestLedger t = new TestLedger(LedgerConfig.builder().unknownModels(UnknownModelPolicy.REFUSE), t0);
            Receipt r = t.ledger.deduct(ChargeRequest.of("u", "glm-9", Usage.of(10, 10)));
            assertThat(r.balance()).isEqualTo(Credits.of(20_000 - 120));
        }

        @Test
        void deduct_fallbackPriced_countedPerChargeTaggedWithModelAndKey_andReportedOncePerModel() {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            List<BalanceEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
            BlockingBalanceLedger ledger = BalanceLedger.builder()
                    .store(new InMemoryBalanceStore())
                    .clock(new ManualClock(t0))
                    .meterRegistry(registry)
                    .listener(events::add)
                    .eventExecutor(Runnable::run)
                    .build()
                    .blocking();

            ledger.checkBalance("u", "claude-opus-7", 10, 0);
            ledger.deduct(ChargeRequest.of("u", "claude-opus-7", Usage.of(10, 10)));
            ledger.deduct(ChargeRequest.of("v", "claude-opus-7", Usage.of(10, 10)));
            ledger.deduct(ChargeRequest.of("u", "glm-9", Usage.of(10, 10)));
            ledger.deduct(ChargeRequest.of("u", "claude-opus-5", Usage.of(10, 10)));
            ChargeRequest keyed = ChargeRequest.of("u", "glm-9", Usage.of(1, 1)).withIdempotencyKey("k");
            ledger.deduct(keyed);
            ledger.deduct(keyed); // a replay is not counted again

            assertThat(registry.find("balance.prices.fallback")
                            .tags("model", "claude-opus-7", "key", "claude-", "kind", "generic")
                            .counter()
                            .count())
                    .isEqualTo(2);
            assertThat(registry.find("balance.prices.fallback")
                            .tags("model", "glm-9", "key", "default", "kind", "default")
                            .counter()
                            .count())
                    .isEqualTo(2);
            assertThat(registry.find("balance.prices.fallback")
                            .tags("model", "claude-opus-5")
                            .counter())
                    .isNull();
            List<BalanceEvent.FallbackPrice> reported = events.stream()
                    .filter(BalanceEvent.FallbackPrice.class::isInstance)
                    .map(BalanceEvent.FallbackPrice.class::cast)
                    .toList();
            assertThat(reported)
                    .extracting(BalanceEvent.FallbackPrice::model)
                    .containsExactly("claude-opus-7", "glm-9");
            assertThat(reported.get(0).match().kind()).isEqualTo(MatchKind.GENERIC);
            assertThat(reported.get(0).match().valueKey()).isEqualTo("claude-");
            assertThat(reported.get(1).match().kind()).isEqualTo(MatchKind.DEFAULT);
        }
    }

    @Nested
    class EndpointPrices {
        private final Instant t0 = Instant.parse("2026-10-01T10:00:00Z");
        private final PriceTable prices = PriceTable.builder(PriceTable.builtIn())
                .endpointPrice("OpenRouter", "openai/gpt-4o", ModelPrice.perToken("0.5", "1"))
                .build();

        private TestLedger ledger() {
            return new TestLedger(LedgerConfig.builder().prices(prices).unknownModels(UnknownModelPolicy.REFUSE), t0);
        }

        @Test
        void reserveAndDeduct_endpointPrice_winsForItsExactModelId() {
            TestLedger t = ledger();
            Reservation r = t.ledger.reserve(
                    BalanceRequest.of("u", "openai/gpt-4o", 1000, 1000).withEndpoint("OpenRouter"));
            assertThat(r.decision().estimatedCost()).isEqualTo(Credits.of(1500));
            assertThat(r.decision().valueKey()).isEqualTo("openai/gpt-4o");

            Receipt receipt = t.ledger.deduct(ChargeRequest.of("u", "openai/gpt-4o", Usage.of(1000, 1000))
                    .withEndpoint("OpenRouter")
                    .withHold(r.holdId()));
            assertThat(receipt.entries())
                    .extracting(LedgerEntry::tokenValue, LedgerEntry::valueKey)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(Credits.of(-500), "openai/gpt-4o"),
                            org.assertj.core.groups.Tuple.tuple(Credits.of(-1000), "openai/gpt-4o"));
        }

        @Test
        void reserve_modelTheEndpointDoesNotList_fallsThroughToTable() {
            TestLedger t = ledger();
            BalanceDecision d = t.ledger.checkBalance(
                    BalanceRequest.of("u", "openai/gpt-4o-mini", 1000, 1000).withEndpoint("OpenRouter"));
            assertThat(d.valueKey()).isEqualTo("gpt-4o-mini");
            assertThat(d.estimatedCost()).isEqualTo(Credits.of(750));
            // without the endpoint, the same id is priced by the table
            assertThat(t.ledger.checkBalance("u", "openai/gpt-4o", 1000, 1000).estimatedCost())
                    .isEqualTo(Credits.of(12_500));
        }

        @Test
        void reserveAndDeduct_sameKeyOnAnotherEndpoint_isAnotherRequest() {
            TestLedger t = ledger();
            BalanceRequest onRouter = BalanceRequest.of("u", "openai/gpt-4o", 10, 10)
                    .withEndpoint("OpenRouter")
                    .withIdempotencyKey("r1");
            t.ledger.reserve(onRouter);
            assertThat(t.ledger.reserve(onRouter).replay()).isTrue();
            assertThatThrownBy(() -> t.ledger.reserve(onRouter.withEndpoint(null)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("idempotencyKey 'r1' was already used for a different request");

            ChargeRequest charge = ChargeRequest.of("u", "openai/gpt-4o", Usage.of(10, 10))
                    .withEndpoint("OpenRouter")
                    .withIdempotencyKey("c1");
            t.ledger.deduct(charge);
            assertThat(t.ledger.deduct(charge).replay()).isTrue();
            assertThatThrownBy(() -> t.ledger.deduct(charge.withEndpoint("Azure")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("idempotencyKey 'c1' was already used for a different request");
        }

        @Test
        void requests_blankEndpoint_rejectedNamingField() {
            assertThatThrownBy(() -> BalanceRequest.of("u", "m", 1, 1).withEndpoint(" "))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("endpoint must not be blank, was ' '");
            assertThatThrownBy(() -> ChargeRequest.of("u", "m", Usage.of(1, 1)).withEndpoint(""))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("endpoint must not be blank, was ''");
        }
    }
}
