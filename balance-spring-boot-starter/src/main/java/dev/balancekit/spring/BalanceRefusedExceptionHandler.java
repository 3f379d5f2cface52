package dev.balancekit.spring;

import dev.balancekit.BalanceDecision;
import dev.balancekit.BalanceRefusedException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers a refused model call with HTTP 402 and LibreChat's {@code token_balance} payload, for
 * Spring MVC and WebFlux controllers alike, whether the refusal is thrown directly or is the cause
 * of another exception:
 *
 * <pre>{@code
 * {"error":{"message":"Insufficient Funds! Balance: 12. Prompt tokens: 9. Cost: 2580.","code":402,
 *           "type":"token_balance","balance":12,"tokenCost":2580,"promptTokens":9,"reason":"insufficient_balance"}}
 * }</pre>
 *
 * <p>A streamed response can only be answered so before its first byte: a refusal comes from the
 * reservation, which precedes the model call, so it always is.
 */
@RestControllerAdvice
public class BalanceRefusedExceptionHandler {

    /** Writes amounts as plain decimals ({@code 527065.5}), as LibreChat does. */
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    /** Creates the handler. */
    public BalanceRefusedExceptionHandler() {}

    /**
     * Maps a refusal to its response.
     *
     * @param e the refusal
     * @return 402 with the JSON body of {@link #body(BalanceDecision)}
     */
    @ExceptionHandler(BalanceRefusedException.class)
    public ResponseEntity<String> refused(BalanceRefusedException e) {
        return ResponseEntity.status(HttpStatus.PAYMENT_REQUIRED)
                .contentType(MediaType.APPLICATION_JSON)
                .body(body(e.decision()));
    }

    /**
     * The 402 body: the decision's {@link BalanceDecision#payload() token_balance payload} with its
     * message and the code, inside an OpenAI-style {@code error} object (the shape the examples'
     * chat server answers with too), written by Jackson.
     *
     * @param decision the denial
     * @return the JSON text
     */
    public static String body(BalanceDecision decision) {
        Map<String, @Nullable Object> error = new LinkedHashMap<>();
        error.put("message", decision.message());
        error.put("code", HttpStatus.PAYMENT_REQUIRED.value());
        error.putAll(decision.payload());
        return JSON.writeValueAsString(Map.of("error", error));
    }
}
