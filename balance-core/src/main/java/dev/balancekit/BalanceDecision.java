package dev.balancekit;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The answer to a balance check: allowed, denied with a reason, or allowed on a fallback model.
 *
 * <p>A denial is a value, not an exception. {@link #message()} and {@link #toJson()} render it the
 * way LibreChat clients expect.
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
            throw new IllegalArgumentException("reason must be given exactly when denied, was " + reason + " for " + status);
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
            } + " usage limit reached: used " + usedText(window) + ". Resets at " + window.resetsAt() + ".";
        }
        if (reason == DenialReason.MODEL_NOT_ALLOWED) {
            return "Model not allowed: " + model + " is not available on your plan.";
        }
        if (reason == DenialReason.UNKNOWN_MODEL) {
            return "Unknown model: " + model + " has no price of its own (it would be priced by "
                    + (valueKey == null ? "the default rate" : "the generic row '" + valueKey + "'") + ").";
        }
        return "Insufficient Funds! Balance: " + available + ". Prompt tokens: " + promptTokens
                + ". Cost: " + estimatedCost + ".";
    }

    private static String usedText(WindowUsage w) {
        StringBuilder sb = new StringBuilder();
        if (w.limit() != null) {
            sb.append(w.spent()).append(" of ").append(w.limit()).append(" credits");
        }
        if (w.tokenLimit() != null) {
            sb.append(sb.length() > 0 ? " and " : "").append(w.tokens()).append(" of ").append(w.tokenLimit())
                    .append(" tokens");
        }
        return sb.toString();
    }

    /**
     * LibreChat's error payload for a refused request:
     * {@code {"type":"token_balance","balance":..,"tokenCost":..,"promptTokens":..,"refillAt":..}},
     * plus members LibreChat clients ignore: {@code reason} (lower-case reason name), for an
     * unknown model {@code model} (the model refused) and {@code valueKey} (the generic row, or null
     * for the default rate), and for a usage limit {@code window}, {@code spent}, {@code limit} (or {@code tokensUsed},
     * {@code tokenLimit}) and {@code resetsAt}. Instants are ISO-8601 and left out when unknown.
     * Amounts are plain decimal numbers of credits.
     *
     * @return the JSON text
     */
    public String toJson() {
        StringBuilder sb = new StringBuilder(128);
        sb.append("{\"type\":\"token_balance\",\"balance\":").append(available)
                .append(",\"tokenCost\":").append(estimatedCost)
                .append(",\"promptTokens\":").append(promptTokens);
        if (refillAt != null) {
            sb.append(",\"refillAt\":\"").append(refillAt).append('"');
        }
        if (reason != null) {
            sb.append(",\"reason\":\"").append(reason.name().toLowerCase(Locale.ROOT)).append('"');
        }
        if (reason == DenialReason.UNKNOWN_MODEL) {
            sb.append(",\"model\":");
            jsonString(sb, model);
            sb.append(",\"valueKey\":");
            if (valueKey == null) {
                sb.append("null");
            } else {
                jsonString(sb, valueKey);
            }
        }
        if (window != null) {
            sb.append(",\"window\":\"").append(window.window().name().toLowerCase(Locale.ROOT)).append('"');
            sb.append(",\"spent\":").append(window.spent());
            if (window.limit() != null) {
                sb.append(",\"limit\":").append(window.limit());
            }
            sb.append(",\"tokensUsed\":").append(window.tokens());
            if (window.tokenLimit() != null) {
                sb.append(",\"tokenLimit\":").append(window.tokenLimit());
            }
            sb.append(",\"resetsAt\":\"").append(window.resetsAt()).append('"');
        }
        return sb.append('}').toString();
    }

    /** Appends a JSON string literal: model names come from clients, so quotes and controls are escaped. */
    private static void jsonString(StringBuilder sb, String value) {
        sb.append('"');
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == '"' || ch == '\\') {
                sb.append('\\').append(ch);
            } else if (ch < 0x20 || ch == '\u2028' || ch == '\u2029') {
                sb.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
            } else {
                sb.append(ch);
            }
        }
        sb.append('"');
    }
}
