package dev.balancekit.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.balancekit.BalanceDecision;
import dev.balancekit.BalanceLedger;
import dev.balancekit.BalanceRequest;
import dev.balancekit.BlockingBalanceLedger;
import dev.balancekit.Credits;
import dev.balancekit.DenialReason;
import dev.balancekit.LedgerConfig;
import dev.balancekit.Reservation;
import dev.balancekit.memory.ManualClock;
import dev.balancekit.pricing.ModelPrice;
import dev.balancekit.pricing.PriceTable;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class ShortfallPolicyTest {

    private static Shortfall shortfall(String available, String cost, String minBalance) {
        return new Shortfall(
                "u1",
                "m",
                Credits.parse(available),
                Credits.parse(available),
                Credits.parse(cost),
                Credits.parse(minBalance));
    }

    @Nested
    class Block {
        @ParameterizedTest(name = "available {0}, cost {1}, minimum {2} -> {3}")
        @CsvSource({
            "100, 150, 0, INSUFFICIENT_BALANCE",
            "100, 100.000001, 50, INSUFFICIENT_BALANCE",
            "100, 100, 50, BELOW_MINIMUM_BALANCE",
            "100, 80, 50, BELOW_MINIMUM_BALANCE",
            "100, 0, 100.000001, BELOW_MINIMUM_BALANCE",
            "-5, 0, 0, INSUFFICIENT_BALANCE",
            "-5, 0, 1, INSUFFICIENT_BALANCE",
            "100, 80, 0, INSUFFICIENT_BALANCE"
        })
        void block_deniesWithBelowMinimumOnlyWhenTheCostAloneWouldFit(
                String available, String cost, String min, DenialReason reason) {
            PolicyVerdict v = ShortfallPolicy.block().onShortfall(shortfall(available, cost, min));

            assertThat(v).isEqualTo(PolicyVerdict.deny(reason));
        }

        @Test
        void block_isOneSharedPolicyNamedBlock() {
            assertThat(ShortfallPolicy.block())
                    .isSameAs(ShortfallPolicy.block())
                    .hasToString("block");
        }
    }

    @Nested
    class AllowNegative {
        @ParameterizedTest(name = "available {0}, cost {1}, floor {2} -> {3}")
        @CsvSource({
            "1000, 1500, -500, ALLOW",
            "1000, 1500.000001, -500, DENY",
            "1000, 1000, 0, ALLOW",
            "1000, 1000.000001, 0, DENY",
            "-500, 0, -500, ALLOW",
            "-500.000001, 0, -500, DENY"
        })
        void allowNegative_allowsDownToTheFloorInclusive(
                String available, String cost, String floor, PolicyVerdict.Kind kind) {
            PolicyVerdict v =
                    ShortfallPolicy.allowNegative(Credits.parse(floor)).onShortfall(shortfall(available, cost, "0"));

            assertThat(v.kind()).isEqualTo(kind);
            assertThat(v.reason())
                    .isEqualTo(kind == PolicyVerdict.Kind.DENY ? DenialReason.INSUFFICIENT_BALANCE : null);
        }

        @Test
        void allowNegative_resultBelowLongMin_isDeniedNotWrapped() {
            Shortfall huge = new Shortfall(
                    "u1", "m", Credits.ZERO, Credits.ofMicros(Long.MIN_VALUE + 1), Credits.ofMicros(2), Credits.ZERO);

            PolicyVerdict v = ShortfallPolicy.allowNegative(Credits.ofMicros(Long.MIN_VALUE))
                    .onShortfall(huge);

            assertThat(v).isEqualTo(PolicyVerdict.deny(DenialReason.INSUFFICIENT_BALANCE));
        }

        @Test
        void allowNegative_withoutFloor_allowsAnyShortfall() {
            Shortfall huge = new Shortfall(
                    "u1",
                    "m",
                    Credits.ZERO,
                    Credits.ofMicros(Long.MIN_VALUE),
                    Credits.ofMicros(Long.MAX_VALUE),
                    Credits.ZERO);

            assertThat(ShortfallPolicy.allowNegative(null).onShortfall(huge)).isSameAs(PolicyVerdict.allow());
        }

        @Test
        void allowNegative_floorAboveZero_isRejectedNamingTheValue() {
            assertThatThrownBy(() -> ShortfallPolicy.allowNegative(Credits.ofMicros(1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("negativeFloor must be zero or below, was 0.000001");
            assertThatThrownBy(() -> ShortfallPolicy.allowNegative(Credits.of(500)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("negativeFloor must be zero or below, was 500");
        }

        @Test
        void allowNegative_toString_namesTheFloor() {
            assertThat(ShortfallPolicy.allowNegative(null)).hasToString("allowNegative");
            assertThat(ShortfallPolicy.allowNegative(Credits.parse("-500.5")))
                    .hasToString("allowNegative(floor -500.5)");
        }
    }

    @Nested
    class FreeModel {
        @Test
        void freeModel_fallsBackToTheModel() {
            PolicyVerdict v = ShortfallPolicy.freeModel("free").onShortfall(shortfall("0", "1", "0"));

            assertThat(v).isEqualTo(PolicyVerdict.fallback("free"));
            assertThat(ShortfallPolicy.freeModel("free")).hasToString("freeModel(free)");
        }

        @ParameterizedTest
        @NullSource
        @ValueSource(strings = {"", " ", "\t"})
        void freeModel_blank_isRejectedNamingTheValue(String model) {
            String shown = model == null ? "null" : "'" + model + "'";

            assertThatThrownBy(() -> ShortfallPolicy.freeModel(model))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("freeModel must not be blank, was " + shown);
        }
    }

    @Nested
    class Verdicts {
        @Test
        void verdict_reasonOrModelThatDoesNotFitTheKind_isRejected() {
            assertThatThrownBy(() -> new PolicyVerdict(PolicyVerdict.Kind.DENY, null, null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("reason must be given exactly for DENY, was null");
            assertThatThrownBy(
                            () -> new PolicyVerdict(PolicyVerdict.Kind.ALLOW, DenialReason.INSUFFICIENT_BALANCE, null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("reason must be given exactly for DENY, was INSUFFICIENT_BALANCE");
            assertThatThrownBy(() -> new PolicyVerdict(PolicyVerdict.Kind.FALLBACK, null, null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("fallbackModel must be given exactly for FALLBACK, was null");
            assertThatThrownBy(() -> new PolicyVerdict(PolicyVerdict.Kind.ALLOW, null, "free"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("fallbackModel must be given exactly for FALLBACK, was free");
        }
    }

    /** How the ledger consults a policy: only on a shortfall, only for checked callers, with the figures. */
    @Nested
    class InTheLedger {
        private final List<Shortfall> asked = new CopyOnWriteArrayList<>();

        private BlockingBalanceLedger ledger(ShortfallPolicy policy, boolean enabled) {
            ShortfallPolicy recording = s -> {
                asked.add(s);
                return policy.onShortfall(s);
            };
            LedgerConfig config = LedgerConfig.builder()
                    .enabled(enabled)
                    .startBalance(Credits.of(100))
                    .minBalance(Credits.of(10))
                    .shortfallPolicy(recording)
                    .prices(PriceTable.builder()
                            .model("m", ModelPrice.perToken("1", "2"))
                            .model("free", ModelPrice.perToken("0.5", "0.5"))
                            .build())
                    .build();
            return BalanceLedger.builder()
                    .config(config)
                    .clock(new ManualClock(Instant.parse("2026-01-15T10:00:00Z")))
                    .build()
                    .blocking();
        }

        @Test
        void policy_isAskedOnlyOnAShortfall_withTheAccountAndRequestFigures() {
            BlockingBalanceLedger ledger = ledger(ShortfallPolicy.block(), true);
            ledger.reserve(BalanceRequest.of("u1", "m", 30, 0));

            BalanceDecision fits = ledger.checkBalance("u1", "m", 60, 0);
            BalanceDecision shortBy1 = ledger.checkBalance("u1", "m", 61, 0);

            assertThat(fits.isAllowed()).isTrue();
            assertThat(shortBy1.reason()).isEqualTo(DenialReason.BELOW_MINIMUM_BALANCE);
            assertThat(asked)
                    .containsExactly(
                            new Shortfall("u1", "m", Credits.of(100), Credits.of(70), Credits.of(61), Credits.of(10)));
        }

        @Test
        void policy_isNotAskedForExemptCallersOrWhenDisabled() {
            ledger(ShortfallPolicy.block(), true)
                    .checkBalance(BalanceRequest.of("admin", "m", 500, 0).withExempt(true));
            ledger(ShortfallPolicy.block(), false).checkBalance("u1", "m", 500, 0);

            assertThat(asked).isEmpty();
        }

        @Test
        void fallbackVerdict_holdsTheFallbackModelsEstimate() {
            BlockingBalanceLedger ledger = ledger(ShortfallPolicy.freeModel("free"), true);

            Reservation r = ledger.reserve(BalanceRequest.of("u1", "m", 100, 20));

            assertThat(r.decision().status()).isEqualTo(BalanceDecision.Status.FALLBACK);
            assertThat(r.decision().estimatedCost()).isEqualTo(Credits.of(140));
            assertThat(r.hold().model()).isEqualTo("free");
            assertThat(r.hold().amount()).isEqualTo(Credits.of(60));
        }
    }
}
