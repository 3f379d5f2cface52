package dev.balancekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BalanceRefusedExceptionTest {

    private final BalanceLedger ledger = BalanceLedger.builder()
            .config(LedgerConfig.builder().startBalance(Credits.of(1)).build())
            .build();

    @Test
    void refusal_carriesTheDecisionAndUser_withTheDecisionsMessage() {
        BalanceDecision denial = ledger.checkBalance("u", "gpt-4o", 1000, 1000).block();
        BalanceRefusedException e = new BalanceRefusedException("u", denial);
        assertThat(e.decision()).isSameAs(denial);
        assertThat(e.user()).isEqualTo("u");
        assertThat(e.getMessage()).isEqualTo(denial.message()).startsWith("Insufficient Funds!");
        assertThat(e).isInstanceOf(BalanceException.class);
    }

    @Test
    void refusal_ofAnAllowedDecision_isRejected() {
        BalanceDecision allowed = ledger.checkBalance("u", "gpt-4o", 0, 0).block();
        assertThatThrownBy(() -> new BalanceRefusedException("u", allowed))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("decision must be a denial, was ALLOWED");
    }

    @Test
    void refusal_withBlankUser_isRejected() {
        BalanceDecision denial = ledger.checkBalance("u", "gpt-4o", 1000, 1000).block();
        assertThatThrownBy(() -> new BalanceRefusedException(" ", denial))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("user");
    }
}
