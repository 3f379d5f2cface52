package dev.balancekit.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.balancekit.BalanceLedger;
import dev.balancekit.BlockingBalanceLedger;
import dev.balancekit.Credits;
import dev.balancekit.EntryContext;
import dev.balancekit.HistoryQuery;
import dev.balancekit.memory.InMemoryBalanceStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatServerExampleTest {

    @Test
    void port_comesFromTheArgument_elsePORT_else8080() {
        assertThat(ChatServerExample.port(new String[] {"9090"}, Map.of("PORT", "7070"))).isEqualTo(9090);
        assertThat(ChatServerExample.port(new String[0], Map.of("PORT", "7070"))).isEqualTo(7070);
        assertThat(ChatServerExample.port(new String[0], Map.of())).isEqualTo(8080);
        assertThatThrownBy(() -> ChatServerExample.port(new String[] {"http"}, Map.of()))
                .hasMessage("port must be a number between 0 and 65535, was 'http'");
        assertThatThrownBy(() -> ChatServerExample.port(new String[0], Map.of("PORT", "70000")))
                .hasMessage("port must be a number between 0 and 65535, was '70000'");
    }

    @Test
    void store_isInMemory_untilBalanceMongoArrives() {
        assertThat(ChatServerExample.store(Map.of())).isInstanceOf(InMemoryBalanceStore.class);
    }

    @Test
    void provision_putsTheDemoUsersOnTheirTiers_once() {
        BlockingBalanceLedger ledger = BalanceLedger.builder().config(ChatServerExample.config()).build().blocking();

        ChatServerExample.provision(ledger);
        ChatServerExample.provision(ledger);

        assertThat(ledger.balance("alice").orElseThrow().tier()).isEqualTo("prepaid");
        assertThat(ledger.balance("bob").orElseThrow().tier()).isEqualTo("free-fallback");
        assertThat(ledger.balance("bob").orElseThrow().balance()).isEqualTo(Credits.of(5000));
        // bob's account is created on the default tier, then moved: one tier change, not one per start
        assertThat(ledger.transactionHistory("bob", HistoryQuery.all().withContext(EntryContext.TIER_CHANGE)).items())
                .singleElement().satisfies(e -> assertThat(e.note()).isEqualTo("prepaid -> free-fallback"));
    }

    @Test
    void howToTry_printsACurlCommandForEachStepOfThePipeline() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        ChatServerExample.printHowToTry(new PrintStream(bytes, true, StandardCharsets.UTF_8), 9090);

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).startsWith("BalanceKit chat server on http://localhost:9090 (in-memory store; stop with Ctrl+C)")
                .contains("curl -s http://localhost:9090/v1/chat/completions -H 'Authorization: Bearer sk-demo-alice'"
                        + " -H 'Content-Type: application/json' -d '{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"Hello, ledger!\"}],\"stream\":false}'")
                .contains("curl -sN ", "\"stream\":true", "sk-demo-bob", "\"max_tokens\":1000")
                .endsWith("curl -s http://localhost:9090/v1/balance -H 'Authorization: Bearer sk-demo-alice'"
                        + System.lineSeparator());
    }
}
