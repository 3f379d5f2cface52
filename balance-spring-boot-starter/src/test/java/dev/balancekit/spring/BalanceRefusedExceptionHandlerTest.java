package dev.balancekit.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.balancekit.BalanceDecision;
import dev.balancekit.BalanceLedger;
import dev.balancekit.BalanceRefusedException;
import dev.balancekit.Credits;
import dev.balancekit.LedgerConfig;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;

class BalanceRefusedExceptionHandlerTest {

    private static final BalanceLedger LEDGER = BalanceLedger.builder()
            .config(LedgerConfig.builder().startBalance(Credits.of(1)).build()).build();

    private static final BalanceDecision DENIAL = LEDGER.checkBalance("poor", "gpt-4o", 1000, 1000).block();

    private static BalanceDecision denial() {
        return DENIAL;
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
                .setControllerAdvice(new BalanceRefusedExceptionHandler()).build();
        for (String path : new String[] {"/direct", "/wrapped"}) {
            String body = mvc.perform(get(path))
                    .andExpect(status().isPaymentRequired())
                    .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                    .andReturn().getResponse().getContentAsString();
            assertThat(body).isEqualTo("{\"error\":{\"message\":\"" + denial().message() + "\",\"code\":402,"
                    + denial().toJson().substring(1) + "}");
            assertThat(body).contains("\"type\":\"token_balance\"", "\"balance\":1,", "\"promptTokens\":1000",
                    "\"reason\":\"insufficient_balance\"");
        }
    }

    @Test
    void webFlux_refusal_is402WithTheTokenBalancePayload_alsoFromAStreamBeforeItsFirstElement() {
        WebTestClient client = WebTestClient.bindToController(new Refusing())
                .controllerAdvice(new BalanceRefusedExceptionHandler()).build();
        for (String path : new String[] {"/direct", "/wrapped", "/stream"}) {
            var result = client.get().uri(path).exchange().expectBody(String.class).returnResult();
            assertThat(result.getStatus().value()).as(path).isEqualTo(402);
            assertThat(result.getResponseHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
            assertThat(result.getResponseBody()).as(path).isEqualTo("{\"error\":{\"message\":\"" + denial().message()
                    + "\",\"code\":402," + denial().toJson().substring(1) + "}");
        }
    }
}
