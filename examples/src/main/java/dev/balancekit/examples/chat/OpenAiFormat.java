package dev.balancekit.examples.chat;

import dev.balancekit.AccountView;
import dev.balancekit.BalanceDecision;
import dev.balancekit.Hold;
import dev.balancekit.Receipt;
import dev.balancekit.Usage;
import dev.balancekit.WindowUsage;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON the chat server answers with, in one place, built as Jackson trees. OpenAI's shapes
 * where OpenAI has one, so OpenAI clients work unchanged; BalanceKit's additions are extra members they ignore.
 *
 * <ul>
 *   <li>Errors: {@code {"error":{"message":..,"type":..,"param":..,"code":..}}}.
 *   <li>A refused request (HTTP 402): the error object carries LibreChat's {@code token_balance}
 *       payload ({@link BalanceDecision#payload()}) member for member, unchanged, after the
 *       message and code: {@code {"error":{"message":"Insufficient Funds! Balance: 5000. Prompt
 *       tokens: 4. Cost: 10010.","code":402,"type":"token_balance","balance":5000,"tokenCost":10010,
 *       "promptTokens":4,"reason":"insufficient_balance"}}}. So {@code error.type} is
 *       {@code token_balance} for OpenAI clients, and a LibreChat-style client finds
 *       {@code balance}, {@code tokenCost}, {@code promptTokens} (and {@code refillAt}, or the
 *       window members for a usage limit) where it expects them.
 *   <li>A completion adds {@code "balancekit":{"requested_model":..,"fallback":..,"charged":..,
 *       "balance":..}} (credits as JSON numbers); a stream adds it to its final usage chunk.
 * </ul>
 */
final class OpenAiFormat {

    private OpenAiFormat() {}

    /**
     * An OpenAI error body.
     *
     * @param message what went wrong
     * @param type OpenAI's error type ({@code invalid_request_error}, {@code server_error}, ...)
     * @param param the request field at fault, or null
     * @param code a machine-readable code, or null
     * @return the JSON text
     */
    static String error(String message, String type, @Nullable String param, @Nullable String code) {
        ObjectNode error = object().put("message", message)
                .put("type", type)
                .put("param", param)
                .put("code", code);
        return write(object().set("error", error));
    }

    /**
     * The body of a 402: LibreChat's {@code token_balance} payload inside an OpenAI error.
     *
     * @param decision the denial
     * @return the JSON text
     */
    static String tokenBalanceError(BalanceDecision decision) {
        ObjectNode error = object().put("message", decision.message()).put("code", 402);
        error.setAll((ObjectNode) Json.MAPPER.valueToTree(decision.payload()));
        return write(object().set("error", error));
    }

    /**
     * A whole (non-streamed) completion.
     *
     * @param t the turn
     * @param text the answer
     * @param usage the usage the model reported
     * @param receipt the charge
     * @return the JSON text
     */
    static String completion(Turn t, String text, Usage usage, Receipt receipt) {
        ObjectNode body = head(t, "chat.completion");
        body.putArray("choices")
                .addObject()
                .put("index", 0)
                .set("message", object().put("role", "assistant").put("content", text))
                .put("finish_reason", finishReason(t, usage));
        body.set("usage", usage(usage));
        body.set("balancekit", balancekit(t, receipt));
        return write(body);
    }

    /**
     * A chunk of a stream carrying one token; the first one also carries the role.
     *
     * @param t the turn
     * @param token the token
     * @param first whether it is the stream's first chunk
     * @return the JSON text
     */
    static String tokenChunk(Turn t, String token, boolean first) {
        ObjectNode delta = object();
        if (first) {
            delta.put("role", "assistant");
        }
        delta.put("content", token);
        return chunk(t, delta, null);
    }

    /**
     * The chunk that ends a stream's choice, with its finish reason.
     *
     * @param t the turn
     * @param usage the usage the model reported
     * @return the JSON text
     */
    static String finishChunk(Turn t, Usage usage) {
        return chunk(t, object(), finishReason(t, usage));
    }

    /**
     * The stream's last chunk before {@code [DONE]}: no choices, the usage and the charge (what
     * OpenAI sends with {@code stream_options.include_usage}).
     *
     * @param t the turn
     * @param usage the usage the model reported
     * @param receipt the charge
     * @return the JSON text
     */
    static String usageChunk(Turn t, Usage usage, Receipt receipt) {
        ObjectNode body = head(t, "chat.completion.chunk");
        body.putArray("choices");
        body.set("usage", usage(usage));
        body.set("balancekit", balancekit(t, receipt));
        return write(body);
    }

    /**
     * The body of {@code GET /v1/balance}: LibreChat's balance fields in camelCase, plus the holds
     * and the current usage windows.
     *
     * @param v the account
     * @param windows the daily, weekly and monthly usage
     * @return the JSON text
     */
    static String balance(AccountView v, List<WindowUsage> windows) {
        ObjectNode body = object().put("object", "balance")
                .put("user", v.user())
                .put("tier", v.tier())
                .put("balance", Json.number(v.balance()))
                .put("available", Json.number(v.available()));
        ArrayNode holds = body.putArray("holds");
        for (Hold h : v.holds()) {
            holds.addObject()
                    .put("id", h.id())
                    .put("model", h.model())
                    .put("amount", Json.number(h.amount()))
                    .put("tokens", h.tokens())
                    .put("expiresAt", text(h.expiresAt()));
        }
        ArrayNode usage = body.putArray("usage");
        for (WindowUsage w : windows) {
            usage.addObject()
                    .put("window", w.window().name().toLowerCase(Locale.ROOT))
                    .put("key", w.key())
                    .put("spent", Json.number(w.spent()))
                    .put("limit", Json.number(w.limit()))
                    .put("tokens", w.tokens())
                    .put("tokenLimit", w.tokenLimit())
                    .put("resetsAt", text(w.resetsAt()));
        }
        return write(body.put("refillAt", text(v.refillAt()))
                .put("lastTransactionAt", text(v.lastTransactionAt()))
                .put("totalTokens", v.totalTokens()));
    }

    private static String chunk(Turn t, ObjectNode delta, @Nullable String finishReason) {
        ObjectNode body = head(t, "chat.completion.chunk");
        body.putArray("choices").addObject().put("index", 0).set("delta", delta).put("finish_reason", finishReason);
        return write(body);
    }

    private static ObjectNode head(Turn t, String object) {
        return object().put("id", t.id)
                .put("object", object)
                .put("created", t.created)
                .put("model", t.model);
    }

    private static ObjectNode usage(Usage u) {
        return object().put("prompt_tokens", u.promptTokens())
                .put("completion_tokens", u.outputTokens())
                .put("total_tokens", u.totalTokens());
    }

    private static ObjectNode balancekit(Turn t, Receipt receipt) {
        return object().put("requested_model", t.request.model())
                .put("fallback", t.fallback)
                .put("charged", Json.number(receipt.total().negate()))
                .put("balance", Json.number(receipt.balance()));
    }

    /** {@code length} when the answer used the whole budget, as OpenAI reports a cut-off answer. */
    private static String finishReason(Turn t, Usage usage) {
        return usage.outputTokens() >= t.request.maxTokens() ? "length" : "stop";
    }

    private static ObjectNode object() {
        return Json.MAPPER.createObjectNode();
    }

    private static @Nullable String text(@Nullable Instant time) {
        return time == null ? null : time.toString();
    }

    private static String write(ObjectNode body) {
        return Json.MAPPER.writeValueAsString(body);
    }
}
