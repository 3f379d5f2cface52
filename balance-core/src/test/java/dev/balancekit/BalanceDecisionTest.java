package dev.balancekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.balancekit.BalanceDecision.Status;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BalanceDecisionTest {

    private static final Instant REFILL = Instant.parse("2026-01-16T00:00:00Z");

    private static BalanceDecision denied(
            DenialReason reason, String balance, String available, String cost, long promptTokens, Instant refillAt) {
        return new BalanceDecision(
                Status.DENIED,
                reason,
                "gpt-4o",
                "gpt-4o",
                Credits.parse(balance),
                Credits.parse(available),
                Credits.parse(cost),
                promptTokens,
                refillAt,
                null);
    }

    @Test
    void message_showsAvailableBalancePromptTokensAndCost() {
        BalanceDecision d = denied(DenialReason.INSUFFICIENT_BALANCE, "600000", "527065.5", "600000.000001", 120, null);

        assertThat(d.message())
                .isEqualTo("Insufficient Funds! Balance: 527065.5. Prompt tokens: 120. Cost: 600000.000001.");
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "-3.25, -3.25",
        "0.000001, 0.000001",
        "20000.000000, 20000",
        "9223372036854.775807, 9223372036854.775807"
    })
    void message_formatsAmountsAsPlainDecimals(String available, String shown) {
        BalanceDecision d = denied(DenialReason.INSUFFICIENT_BALANCE, "0", available, "1", 0, null);

        assertThat(d.message()).isEqualTo("Insufficient Funds! Balance: " + shown + ". Prompt tokens: 0. Cost: 1.");
    }

    @Test
    void payload_withRefillAt_isLibreChatsPayloadPlusReason() {
        BalanceDecision d = denied(DenialReason.INSUFFICIENT_BALANCE, "527065.5", "527065.5", "600000", 1500, REFILL);

        assertThat(d.payload())
                .containsExactly(
                        entry("type", "token_balance"), entry("balance", new BigDecimal("527065.5")),
                        entry("tokenCost", new BigDecimal("600000")), entry("promptTokens", 1500L),
                        entry("refillAt", "2026-01-16T00:00:00Z"), entry("reason", "insufficient_balance"));
    }

    @Test
    void payload_withoutRefillAt_leavesTheMemberOut() {
        BalanceDecision d = denied(DenialReason.BELOW_MINIMUM_BALANCE, "100", "99.999999", "0.5", 7, null);

        assertThat(d.payload())
                .containsExactly(
                        entry("type", "token_balance"),
                        entry("balance", new BigDecimal("99.999999")),
                        entry("tokenCost", new BigDecimal("0.5")),
                        entry("promptTokens", 7L),
                        entry("reason", "below_minimum_balance"));
    }

    @Test
    void payload_refillAtWithFractionOfASecond_isIso8601() {
        BalanceDecision d = denied(
                DenialReason.INSUFFICIENT_BALANCE, "-1", "-1.5", "2", 3, Instant.parse("2026-01-16T00:00:00.125Z"));

        assertThat(d.payload())
                .containsExactly(
                        entry("type", "token_balance"), entry("balance", new BigDecimal("-1.5")),
                        entry("tokenCost", new BigDecimal("2")), entry("promptTokens", 3L),
                        entry("refillAt", "2026-01-16T00:00:00.125Z"), entry("reason", "insufficient_balance"));
    }

    @Test
    void payload_allowedOrFallback_hasNoReason() {
        BalanceDecision allowed = new BalanceDecision(
                Status.ALLOWED, null, "gpt-4o", "gpt-4o", Credits.of(10), Credits.of(10), Credits.of(1), 1, null, null);
        BalanceDecision fallback = new BalanceDecision(
                Status.FALLBACK, null, "free", null, Credits.ZERO, Credits.ZERO, Credits.of(1), 1, REFILL, null);

        assertThat(allowed.payload())
                .containsExactly(
                        entry("type", "token_balance"), entry("balance", new BigDecimal("10")),
                        entry("tokenCost", new BigDecimal("1")), entry("promptTokens", 1L));
        assertThat(fallback.payload())
                .containsExactly(
                        entry("type", "token_balance"),
                        entry("balance", new BigDecimal("0")),
                        entry("tokenCost", new BigDecimal("1")),
                        entry("promptTokens", 1L),
                        entry("refillAt", "2026-01-16T00:00:00Z"));
    }

    @Test
    void isAllowed_trueForAllowedAndFallback_falseForDenied() {
        assertThat(new BalanceDecision(
                                Status.ALLOWED,
                                null,
                                "m",
                                null,
                                Credits.ZERO,
                                Credits.ZERO,
                                Credits.ZERO,
                                0,
                                null,
                                null)
                        .isAllowed())
                .isTrue();
        assertThat(new BalanceDecision(
                                Status.FALLBACK,
                                null,
                                "m",
                                null,
                                Credits.ZERO,
                                Credits.ZERO,
                                Credits.ZERO,
                                0,
                                null,
                                null)
                        .isAllowed())
                .isTrue();
        assertThat(denied(DenialReason.INSUFFICIENT_BALANCE, "0", "0", "1", 0, null)
                        .isAllowed())
                .isFalse();
    }

    @Test
    void constructor_deniedWithoutReason_isRejected() {
        assertThatThrownBy(() -> denied(null, "0", "0", "1", 0, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("reason must be given exactly when denied, was null for DENIED");
    }

    @Test
    void constructor_reasonWithoutDenial_isRejectedNamingBoth() {
        assertThatThrownBy(() -> new BalanceDecision(
                        Status.ALLOWED,
                        DenialReason.INSUFFICIENT_BALANCE,
                        "m",
                        null,
                        Credits.ZERO,
                        Credits.ZERO,
                        Credits.ZERO,
                        0,
                        null,
                        null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("reason must be given exactly when denied, was INSUFFICIENT_BALANCE for ALLOWED");
        assertThatThrownBy(() -> new BalanceDecision(
                        Status.FALLBACK,
                        DenialReason.BELOW_MINIMUM_BALANCE,
                        "m",
                        null,
                        Credits.ZERO,
                        Credits.ZERO,
                        Credits.ZERO,
                        0,
                        null,
                        null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("reason must be given exactly when denied, was BELOW_MINIMUM_BALANCE for FALLBACK");
    }

    @Test
    void constructor_missingRequiredField_isRejectedNamingIt() {
        Credits z = Credits.ZERO;
        assertThatThrownBy(() -> new BalanceDecision(null, null, "m", null, z, z, z, 0, null, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("status");
        assertThatThrownBy(() -> new BalanceDecision(Status.ALLOWED, null, null, null, z, z, z, 0, null, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("model");
        assertThatThrownBy(() -> new BalanceDecision(Status.ALLOWED, null, "m", null, null, z, z, 0, null, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("balance");
        assertThatThrownBy(() -> new BalanceDecision(Status.ALLOWED, null, "m", null, z, null, z, 0, null, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("available");
        assertThatThrownBy(() -> new BalanceDecision(Status.ALLOWED, null, "m", null, z, z, null, 0, null, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("estimatedCost");
    }
}
