package dev.balancekit;

import org.jspecify.annotations.Nullable;

/**
 * A request to check or reserve credits before calling a model.
 *
 * @param user the user id
 * @param model the model the host intends to call
 * @param promptTokens the prompt's token count
 * @param maxOutputTokens the most output tokens the call may produce; counted at the completion
 *     rate. 0 gives LibreChat's prompt-only check
 * @param exempt whether the caller is exempt from the check (for example an administrator); an
 *     exempt caller is allowed unless the config enforces checks for exempt callers, and is still
 *     charged
 * @param idempotencyKey for {@code reserve}: repeating the call with the same key returns the
 *     first reservation, allowed or denied, instead of deciding again; null for none
 * @param endpoint the endpoint the model is called through (a LibreChat custom endpoint's name), whose
 *     exact per-endpoint prices win over the table; null for none
 */
public record BalanceRequest(
        String user,
        String model,
        long promptTokens,
        long maxOutputTokens,
        boolean exempt,
        @Nullable String idempotencyKey,
        @Nullable String endpoint) {

    /**
     * Validates the request.
     *
     * @throws IllegalArgumentException if the user or model is blank, too long or not well-formed
     *     UTF-16, a token count is negative or above {@link Usage#MAX_TOKENS}, or the idempotency
     *     key or endpoint is blank, too long or not well-formed UTF-16
     */
    public BalanceRequest {
        Requests.requireText("user", user);
        Requests.requireText("model", model);
        Requests.requireTokens("promptTokens", promptTokens);
        Requests.requireTokens("maxOutputTokens", maxOutputTokens);
        Requests.requireKey(idempotencyKey);
        Requests.requireOptionalText("endpoint", endpoint);
    }

    /**
     * A request without an endpoint.
     *
     * @param user the user id
     * @param model the model
     * @param promptTokens the prompt's token count
     * @param maxOutputTokens the output token budget
     * @param exempt whether the caller is exempt from the check
     * @param idempotencyKey the key, or null for none
     * @throws IllegalArgumentException as the canonical constructor
     */
    public BalanceRequest(
            String user,
            String model,
            long promptTokens,
            long maxOutputTokens,
            boolean exempt,
            @Nullable String idempotencyKey) {
        this(user, model, promptTokens, maxOutputTokens, exempt, idempotencyKey, null);
    }

    /**
     * A non-exempt request without an idempotency key.
     *
     * @param user the user id
     * @param model the model
     * @param promptTokens the prompt's token count
     * @param maxOutputTokens the output token budget
     * @return the request
     * @throws IllegalArgumentException as the canonical constructor
     */
    public static BalanceRequest of(String user, String model, long promptTokens, long maxOutputTokens) {
        return new BalanceRequest(user, model, promptTokens, maxOutputTokens, false, null);
    }

    /**
     * Marks the caller exempt or not.
     *
     * @param exempt whether the caller is exempt from the check
     * @return a copy with the flag set
     */
    public BalanceRequest withExempt(boolean exempt) {
        return new BalanceRequest(user, model, promptTokens, maxOutputTokens, exempt, idempotencyKey, endpoint);
    }

    /**
     * Sets the idempotency key.
     *
     * @param key the key, or null for none
     * @return a copy with the key set
     * @throws IllegalArgumentException if the key is blank or too long
     */
    public BalanceRequest withIdempotencyKey(@Nullable String key) {
        return new BalanceRequest(user, model, promptTokens, maxOutputTokens, exempt, key, endpoint);
    }

    /**
     * Sets the endpoint the model is called through, whose exact per-endpoint prices win over the table.
     *
     * @param name the endpoint's name, or null for none
     * @return a copy with the endpoint set
     * @throws IllegalArgumentException if the name is blank or too long
     */
    public BalanceRequest withEndpoint(@Nullable String name) {
        return new BalanceRequest(user, model, promptTokens, maxOutputTokens, exempt, idempotencyKey, name);
    }
}
