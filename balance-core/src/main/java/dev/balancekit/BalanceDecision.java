package dev.balancekit;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The answer to a balance check: allowed, denied with a reason, or allowed on a fallback model.
 *
 * <p>A denial is a value, not an exception. {@link #message()} renders it the way LibreChat clients
 * expect, and {@link #payload()} gives the members of LibreChat's {@code token_balance} error
 * payload for the host to write as JSON.
 *
 * @param status allowed, denied or fallback
 * @param reason why it was denied; null unless denied
 * @param model the model the host should call: the requested one, or the free model on fallback
 * @param valueKey the pricing key the requested model matched (null for the default rate)
 * @param balance the account balance
 * @param available the balance minus active holds: what the check compared the cost with
 * @param estimatedCost the estimated cost of the requested model ({@code tokenCost} in LibreChat)
 * @param promptTokens the prompt tokens of the request
 * @param refillAt the next time an automatic refill can happen, when known
 * @param window for a denial by a usage limit, the window that is full (its usage counts holds
 *     but not this request); null otherwise
 */
public record BalanceDecision(
        Status status,
        @Nullable DenialReason reason,
        String model,
        @Nullable String valueKey,
        Credits balance,
        Credits available,
        Credits estimatedCost,
        long promptTokens,
        @Nullable Instant refillAt,
        @Nullable WindowUsage window) {

    /** The three possible answers. */
    public enum Status {
        /** Go ahead with the requested model. */
        ALLOWED,
        /** Do not call the model; show the user {@link BalanceDecision#message()}. */
        DENIED,
        /** Go ahead, but with {@link BalanceDecision#model()}, the configured free model. */
        FALLBACK
    }

    /**
     * Validates the decision.
     *
     * @throws NullPointerException if a required field is null
     * @throws IllegalArgumentException if a denial has no reason or a non-denial has one
     */
    public BalanceDecision {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(balance, "balance");
        Objects.requireNonNull(available, "available");
        Objects.requireNonNull(estimatedCost, "estimatedCost");
        if ((status == Status.DENIED) != (reason != null)) {
            throw new IllegalArgumentException(
                    "reason must be given exactly when denied, was " + reason + " for " + status);
        }
    }

    /** @return whether the host may call a model (allowed or fallback) */
    public boolean isAllowed() {
        return status != Status.DENIED;
    }

    /**
     * The text LibreChat shows for a refused request.
     *
     * @return {@code Insufficient Funds! Balance: <b>. Prompt tokens: <p>. Cost: <c>.}
     */
    public String message() {
        if (window != null) {
            return switch (window.window()) {
                        case DAILY -> "Daily";
                        case WEEKLY -> "Weekly";
                        case MONTHLY -> "Monthly";
                    }
                    + " usage limit reached: used " + usedText(window) + ". Resets at " + window.resetsAt() + ".";
        }
        if (reason == DenialReason.MODEL_NOT_ALLOWED) {
            return "Model not allowed: " + model + " is not available on your plan.";
        }
        if (reason == DenialReason.UNKNOWN_MODEL) {
            return "Unknown model: " + model + " has no price of its own (it would be priced by "
                    + (valueKey == null ? "the default rate" : "the generic row '" + valueKey + "'") + ").";
        }
        return "Insufficient Funds! Balance: " + available + ". Prompt tokens: " + promptTokens + ". Cost: "
                + estimatedCost + ".";
    }

    private static String usedText(WindowUsage w) {
        StringBuilder sb = new StringBuilder();
        if (w.limit() != null) {
            sb.append(w.spent()).append(" of ").append(w.limit()).append(" credits");
        }
        if (w.tokenLimit() != null) {
            sb.append(sb.length() > 0 ? " and " : "")
                    .append(w.tokens())
                    .append(" of ")
                    .append(w.tokenLimit())
                    .append(" tokens");
        }
        return sb.toString();
    }

    /**
     * LibreChat's error payload for a refused request, as its members in order, for the host's JSON
     * library to write: {@code type} ({@code "token_balance"}), {@code balance} (what the check
     * compared the cost with: the available balance), {@code tokenCost}, {@code promptTokens} and,
     * when known, {@code refillAt}; then members LibreChat clients ignore: {@code reason} (the
     * lower-case reason name), for an unknown model {@code model} (the model refused) and
     * {@code valueKey} (the generic row, or null for the default rate), and for a usage limit
     * {@code window}, {@code spent}, {@code limit} (when the window has a credit cap),
     * {@code tokensUsed}, {@code tokenLimit} (when it has a token cap) and {@code resetsAt}.
     *
     * <p>Value types: amounts of credits are {@link BigDecimal}s ({@link Credits#toBigDecimal()}:
     * exact, written as plain decimals such as {@code 527065.5}), token counts {@link Long}s,
     * instants ISO-8601 {@link String}s, names {@link String}s; only {@code valueKey} can be null.
     * A member whose value is unknown is left out. Written as JSON:
     * {@code {"type":"token_balance","balance":1000,"tokenCost":1500,"promptTokens":1500,
     * "reason":"insufficient_balance"}}.
     *
     * @return an unmodifiable map whose iteration order is the member order
     */
    public Map<String, @Nullable Object> payload() {
        Map<String, @Nullable Object> m = new LinkedHashMap<>();
        m.put("type", "token_balance");
        m.put("balance", available.toBigDecimal());
        m.put("tokenCost", estimatedCost.toBigDecimal());
        m.put("promptTokens", promptTokens);
        if (refillAt != null) {
            m.put("refillAt", refillAt.toString());
        }
        if (reason != null) {
            m.put("reason", reason.name().toLowerCase(Locale.ROOT));
        }
        if (reason == DenialReason.UNKNOWN_MODEL) {
            m.put("model", model);
            m.put("valueKey", valueKey);
        }
        if (window != null) {
            m.put("window", window.window().name().toLowerCase(Locale.ROOT));
            m.put("spent", window.spent().toBigDecimal());
            Credits limit = window.limit();
            if (limit != null) {
                m.put("limit", limit.toBigDecimal());
            }
            m.put("tokensUsed", window.tokens());
            Long tokenLimit = window.tokenLimit();
            if (tokenLimit != null) {
                m.put("tokenLimit", tokenLimit);
            }
            m.put("resetsAt", window.resetsAt().toString());
        }
        return Collections.unmodifiableMap(m);
    }
}
