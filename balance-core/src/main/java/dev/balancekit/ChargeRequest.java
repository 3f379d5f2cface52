package dev.balancekit;

import org.jspecify.annotations.Nullable;

/**
 * A request to charge the actual usage of a model call.
 *
 * @param user the user id
 * @param model the model that was called
 * @param usage the tokens used, including cache reads and writes
 * @param context why the tokens were used ({@link EntryContext#MESSAGE} by default;
 *     {@link EntryContext#INCOMPLETE} for an aborted stream, whose completion is charged at 1.15x)
 * @param conversationId the host's conversation id, or null
 * @param holdId the hold to settle, or null to charge without one
 * @param idempotencyKey repeating the charge with the same key returns the first receipt instead
 *     of charging twice; when null and a hold is given, the hold id serves as the key
 * @param endpoint the endpoint the model was called through (a LibreChat custom endpoint's name),
 *     whose exact per-endpoint prices win over the table; null for none
 */
public record ChargeRequest(
        String user,
        String model,
        Usage usage,
        String context,
        @Nullable String conversationId,
        @Nullable String holdId,
        @Nullable String idempotencyKey,
        @Nullable String endpoint) {

    /**
     * Validates the request.
     *
     * @throws IllegalArgumentException if the user, model or context is blank, the usage is
     *     missing, or an id or key is blank or too long; or any text is not well-formed UTF-16
     */
    public ChargeRequest {
        Requests.requireText("user", user);
        Requests.requireText("model", model);
        if (usage == null) {
            throw new IllegalArgumentException("usage must be given, was null");
        }
        Requests.requireText("context", context);
        Requests.requireOptionalText("conversationId", conversationId);
        Requests.requireOptionalText("holdId", holdId);
        Requests.requireKey(idempotencyKey);
        Requests.requireOptionalText("endpoint", endpoint);
    }

    /**
     * A charge without an endpoint.
     *
     * @param user the user id
     * @param model the model that was called
     * @param usage the tokens used
     * @param context why the tokens were used
     * @param conversationId the conversation id, or null
     * @param holdId the hold to settle, or null
     * @param idempotencyKey the key, or null
     * @throws IllegalArgumentException as the canonical constructor
     */
    public ChargeRequest(
            String user,
            String model,
            Usage usage,
            String context,
            @Nullable String conversationId,
            @Nullable String holdId,
            @Nullable String idempotencyKey) {
        this(user, model, usage, context, conversationId, holdId, idempotencyKey, null);
    }

    /**
     * A charge with context {@code message}, no conversation, no hold and no key.
     *
     * @param user the user id
     * @param model the model
     * @param usage the tokens used
     * @return the request
     * @throws IllegalArgumentException as the canonical constructor
     */
    public static ChargeRequest of(String user, String model, Usage usage) {
        return new ChargeRequest(user, model, usage, EntryContext.MESSAGE, null, null, null);
    }

    /**
     * Sets the context.
     *
     * @param context the context
     * @return a copy with the context set
     * @throws IllegalArgumentException if the context is blank
     */
    public ChargeRequest withContext(String context) {
        return new ChargeRequest(user, model, usage, context, conversationId, holdId, idempotencyKey, endpoint);
    }

    /**
     * Sets the conversation id.
     *
     * @param conversationId the conversation id, or null
     * @return a copy with the conversation id set
     * @throws IllegalArgumentException if the id is blank
     */
    public ChargeRequest withConversationId(@Nullable String conversationId) {
        return new ChargeRequest(user, model, usage, context, conversationId, holdId, idempotencyKey, endpoint);
    }

    /**
     * Sets the hold to settle.
     *
     * @param holdId the hold id, or null
     * @return a copy with the hold set
     * @throws IllegalArgumentException if the id is blank
     */
    public ChargeRequest withHold(@Nullable String holdId) {
        return new ChargeRequest(user, model, usage, context, conversationId, holdId, idempotencyKey, endpoint);
    }

    /**
     * Sets the idempotency key.
     *
     * @param key the key, or null
     * @return a copy with the key set
     * @throws IllegalArgumentException if the key is blank or too long
     */
    public ChargeRequest withIdempotencyKey(@Nullable String key) {
        return new ChargeRequest(user, model, usage, context, conversationId, holdId, key, endpoint);
    }

    /**
     * Sets the endpoint the model was called through, whose exact per-endpoint prices win over the table.
     *
     * @param name the endpoint's name, or null for none
     * @return a copy with the endpoint set
     * @throws IllegalArgumentException if the name is blank or too long
     */
    public ChargeRequest withEndpoint(@Nullable String name) {
        return new ChargeRequest(user, model, usage, context, conversationId, holdId, idempotencyKey, name);
    }

    /** @return whether the stream was aborted, which raises the completion rate 1.15 times */
    public boolean incomplete() {
        return EntryContext.INCOMPLETE.equals(context);
    }
}
