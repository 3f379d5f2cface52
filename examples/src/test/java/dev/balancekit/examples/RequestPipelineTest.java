package dev.balancekit.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.balancekit.AccountView;
import dev.balancekit.BalanceLedger;
import dev.balancekit.Credits;
import dev.balancekit.LedgerConfig;
import dev.balancekit.Usage;
import dev.balancekit.examples.chat.Json;
import dev.balancekit.policy.ShortfallPolicy;
import dev.balancekit.pricing.ModelPrice;
import dev.balancekit.pricing.PriceTable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class RequestPipelineTest {
    private static LedgerConfig.Builder config() {
        return LedgerConfig.builder()
                .startBalance(Credits.of(100))
                .prices(PriceTable.builder()
                        .model("big", ModelPrice.perToken("1", "1"))
                        .model("small", ModelPrice.perToken("0", "0"))
                        .build());
    }

    @Test
    void handle_allowed_chargesActualUsageAndFreesTheHold() {
        BalanceLedger ledger = BalanceLedger.builder().config(config().build()).build();

        String answer = new RequestPipeline(ledger).handle("u", "big", 10, 50, m -> Usage.of(10, 5));

        assertThat(answer).isEqualTo("200 big");
        AccountView v = ledger.balance("u").block();
        assertThat(v.balance()).isEqualTo(Credits.of(85));
        assertThat(v.holds()).isEmpty();
    }

    @Test
    void handle_denied_returns402WithTokenBalancePayload() {
        BalanceLedger ledger = BalanceLedger.builder().config(config().build()).build();

        String answer = new RequestPipeline(ledger).handle("u", "big", 90, 20, m -> Usage.of(1, 1));

        assertThat(answer)
                .isEqualTo("402 {\"type\":\"token_balance\",\"balance\":100,\"tokenCost\":110,"
                        + "\"promptTokens\":90,\"reason\":\"insufficient_balance\"}");
        // LibreChat's {type, balance, tokenCost, promptTokens, refillAt?}, read back with Jackson member by member
        JsonNode payload = Json.MAPPER.readTree(answer.substring("402 ".length()));
        assertThat(payload.propertyNames()).containsExactly("type", "balance", "tokenCost", "promptTokens", "reason");
        assertThat(payload.get("type").stringValue()).isEqualTo("token_balance");
        assertThat(payload.get("balance").decimalValue()).isEqualByComparingTo("100");
        assertThat(payload.get("tokenCost").decimalValue()).isEqualByComparingTo("110");
        assertThat(payload.get("promptTokens").longValue()).isEqualTo(90);
        assertThat(payload.get("reason").stringValue()).isEqualTo("insufficient_balance");
    }

    @Test
    void handle_fallback_callsAndChargesTheFreeModel() {
        BalanceLedger ledger = BalanceLedger.builder()
                .config(config().shortfallPolicy(ShortfallPolicy.freeModel("small"))
                        .build())
                .build();

        String answer = new RequestPipeline(ledger).handle("u", "big", 90, 20, m -> Usage.of(90, 20));

        assertThat(answer).isEqualTo("200 small");
        assertThat(ledger.balance("u").block().balance()).isEqualTo(Credits.of(100));
    }

    @Test
    void handle_modelFails_releasesTheHold() {
        BalanceLedger ledger = BalanceLedger.builder().config(config().build()).build();

        assertThatThrownBy(() -> new RequestPipeline(ledger).handle("u", "big", 10, 10, m -> {
                    throw new IllegalStateException("model down");
                }))
                .hasMessage("model down");

        assertThat(ledger.balance("u").block().available()).isEqualTo(Credits.of(100));
    }
}
