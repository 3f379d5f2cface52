package dev.balancekit.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.balancekit.BalanceDecision;
import dev.balancekit.BalanceLedger;
import dev.balancekit.BalanceRefusedException;
import dev.balancekit.Credits;
import dev.balancekit.LedgerConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class BalanceRefusedExceptionHandlerTest {

    private static final BalanceLedger LEDGER = BalanceLedger.builder()
            .config(LedgerConfig.builder().startBalance(Credits.of(1)).build())
            .build();

    private static final BalanceDecision DENIAL =
            LEDGER.checkBalance("poor", "gpt-4o", 1000, 1000).block();

    private static BalanceDecision denial() {
        return DENIAL;
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * Reads a 402 body with Jackson and checks it member by member: one {@code error} object with
     * the message and code, then LibreChat's {@code token_balance} members in their order (gpt-4o
     * at 2.5 and 10 credits per token: 1000 prompt and 1000 output tokens cost 12500).
     */
    private static void assertTokenBalanceBody(String body) {
        JsonNode root = JSON.readTree(body);
        assertThat(root.propertyNames()).containsExactly("error");
        JsonNode error = root.get("error");
        Map<String, String> members = new LinkedHashMap<>();
        error.properties().forEach(e -> members.put(e.getKey(), e.getValue().toString()));
        assertThat(members)
                .containsExactly(
                        entry("message", "\"Insufficient Funds! Balance: 1. Prompt tokens: 1000. Cost: 12500.\""),
                        entry("code", "402"),
                        entry("type", "\"token_balance\""),
                        entry("balance", "1"),
                        entry("tokenCost", "12500"),
                        entry("promptTokens", "1000"),
                        entry("reason", "\"insufficient_balance\""));
        assertThat(error.get("message").stringValue()).isEqualTo(denial().message());
    }

    @RestController
    static class Refusing {
        @GetMapping("/direct")
        String direct() {
            throw new BalanceRefusedException("poor", denial());
        }

        @GetMapping("/wrapped")
        String wrapped() {
            throw new IllegalStateException("call failed", new BalanceRefusedException("poor", denial()));
        }

        @GetMapping("/stream")
        Flux<String> stream() {
            return Flux.error(new BalanceRefusedException("poor", denial()));
        }
    }

    @Test
    void springMvc_refusal_is402WithTheTokenBalancePayload() throws Exception {
        MockMvc mvc = MockMvcBuilders.standaloneSetup(new Refusing())
                .setControllerAdvice(new BalanceRefusedExceptionHandler())
                .build();
        for (String path : new String[] {"/direct", "/wrapped"}) {
            String body = mvc.perform(get(path))
                    .andExpect(status().isPaymentRequired())
                    .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                    .andReturn()
                    .getResponse()
                    .getContentAsString();
            assertTokenBalanceBody(body);
        }
    }

    @Test
    void webFlux_refusal_is402WithTheTokenBalancePayload_alsoFromAStreamBeforeItsFirstElement() {
        WebTestClient client = WebTestClient.bindToController(new Refusing())
                .controllerAdvice(new BalanceRefusedExceptionHandler())
                .build();
        for (String path : new String[] {"/direct", "/wrapped", "/stream"}) {
            var result =
                    client.get().uri(path).exchange().expectBody(String.class).returnResult();
            assertThat(result.getStatus().value()).as(path).isEqualTo(402);
            assertThat(result.getResponseHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
            assertTokenBalanceBody(result.getResponseBody());
        }
    }
}
