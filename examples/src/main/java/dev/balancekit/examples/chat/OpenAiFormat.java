package dev.balancekit.examples.chat;

import dev.balancekit.AccountView;
import dev.balancekit.BalanceDecision;
import dev.balancekit.Hold;
import dev.balancekit.Receipt;
import dev.balancekit.Usage;
import dev.balancekit.WindowUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The JSON the chat server answers with, in one place. OpenAI's shapes where OpenAI has one, so
 * OpenAI clients work unchanged; BalanceKit's additions are extra members they ignore.
 *
 * <ul>
 *   <li>Errors: {@code {"error":{"message":..,"type":..,"param":..,"code":..}}}.
 *   <li>A refused request (HTTP 402): the error object carries LibreChat's {@code token_balance}
 *       payload ({@link BalanceDecision#toJson()}) member for member, unchanged, after the
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

    private OpenAiFormat() {
    }

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
        return Json.object().raw("error", Json.object()
                .str("message", message).str("type", type).str("param", param).str("code", code)
                .toString()).toString();
    }

    /**
     * The body of a 402: LibreChat's {@code token_balance} payload inside an OpenAI error.
     *
     * @param decision the denial
     * @return the JSON text
     */
    static String tokenBalanceError(BalanceDecision decision) {
        return Json.object().raw("error", Json.object()
                .str("message", decision.message())
                .num("code", 402)
                .members(decision.toJson())
                .toString()).toString();
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
        String choice = Json.object()
                .num("index", 0)
                .raw("message", Json.object().str("role", "assistant").str("content", text).toString())
                .str("finish_reason", finishReason(t, usage))
                .toString();
        return head(t, "chat.completion")
                .raw("choices", Json.array(List.of(choice)))
                .raw("usage", usage(usage))
                .raw("balancekit", balancekit(t, receipt))
                .toString();
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
        Json.Obj delta = Json.object();
        if (first) {
            delta.str("role", "assistant");
        }
        delta.str("content", token);
        return chunk(t, delta.toString(), null);
    }

    /**
     * The chunk that ends a stream's choice, with its finish reason.
     *
     * @param t the turn
     * @param usage the usage the model reported
     * @return the JSON text
     */
    static String finishChunk(Turn t, Usage usage) {
        return chunk(t, "{}", finishReason(t, usage));
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
        return head(t, "chat.completion.chunk")
                .raw("choices", "[]")
                .raw("usage", usage(usage))
                .raw("balancekit", balancekit(t, receipt))
                .toString();
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
        List<String> holds = new ArrayList<>(v.holds().size());
        for (Hold h : v.holds()) {
            holds.add(Json.object().str("id", h.id()).str("model", h.model()).num("amount", h.amount())
                    .num("tokens", h.tokens()).time("expiresAt", h.expiresAt()).toString());
        }
        List<String> usage = new ArrayList<>(windows.size());
        for (WindowUsage w : windows) {
            Json.Obj o = Json.object()
                    .str("window", w.window().name().toLowerCase(Locale.ROOT))
                    .str("key", w.key())
                    .num("spent", w.spent())
                    .num("limit", w.limit())
                    .num("tokens", w.tokens())
                    .num("tokenLimit", w.tokenLimit())
                    .time("resetsAt", w.resetsAt());
            usage.add(o.toString());
        }
        return Json.object()
                .str("object", "balance")
                .str("user", v.user())
                .str("tier", v.tier())
                .num("balance", v.balance())
                .num("available", v.available())
                .raw("holds", Json.array(holds))
                .raw("usage", Json.array(usage))
                .time("refillAt", v.refillAt())
                .time("lastTransactionAt", v.lastTransactionAt())
                .num("totalTokens", v.totalTokens())
                .toString();
    }

    private static String chunk(Turn t, String delta, @Nullable String finishReason) {
        String choice = Json.object().num("index", 0).raw("delta", delta).str("finish_reason", finishReason).toString();
        return head(t, "chat.completion.chunk").raw("choices", Json.array(List.of(choice))).toString();
    }

    private static Json.Obj head(Turn t, String object) {
        return Json.object().str("id", t.id).str("object", object).num("created", t.created).str("model", t.model);
    }

    private static String usage(Usage u) {
        return Json.object().num("prompt_tokens", u.promptTokens()).num("completion_tokens", u.outputTokens())
                .num("total_tokens", u.totalTokens()).toString();
    }

    private static String balancekit(Turn t, Receipt receipt) {
        return Json.object()
                .str("requested_model", t.request.model())
                .bool("fallback", t.fallback)
                .num("charged", receipt.total().negate())
                .num("balance", receipt.balance())
                .toString();
    }

    /** {@code length} when the answer used the whole budget, as OpenAI reports a cut-off answer. */
    private static String finishReason(Turn t, Usage usage) {
        return usage.outputTokens() >= t.request.maxTokens() ? "length" : "stop";
    }
}
