package dev.balancekit.spring;

import dev.balancekit.BalanceDecision;
import dev.balancekit.BalanceRefusedException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

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

    /** Creates the handler. */
    public BalanceRefusedExceptionHandler() {
    }

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
     * The 402 body: the decision's {@link BalanceDecision#toJson() token_balance payload} with its
     * message and the code, inside an OpenAI-style {@code error} object (the shape the examples'
     * chat server answers with too).
     *
     * @param decision the denial
     * @return the JSON text
     */
    public static String body(BalanceDecision decision) {
        String payload = decision.toJson();
        return "{\"error\":{\"message\":" + quote(decision.message()) + ",\"code\":402," + payload.substring(1) + "}";
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
