package dev.balancekit.examples.chat;

import dev.balancekit.ChargeRequest;
import dev.balancekit.Usage;
import java.time.Instant;

/**
 * One chat request that the ledger allowed: who asked, what was held for it, and which model
 * answers it.
 */
final class Turn {
    final String user;
    final String holdId;
    final ChatRequest request;
    final long promptTokens;
    /** The model that answers: the requested one, or the free model on fallback. */
    final String model;

    final boolean fallback;
    /** OpenAI's completion id, {@code chatcmpl-<holdId>}, so a response can be found in the ledger. */
    final String id;
    /** OpenAI's {@code created}: epoch seconds. */
    final long created;
    /** When the hold was made or last extended; only the thread serving the request touches it. */
    Instant holdRenewedAt;

    Turn(
            String user,
            String holdId,
            ChatRequest request,
            long promptTokens,
            String model,
            boolean fallback,
            Instant now) {
        this.user = user;
        this.holdId = holdId;
        this.request = request;
        this.promptTokens = promptTokens;
        this.model = model;
        this.fallback = fallback;
        this.id = "chatcmpl-" + holdId;
        this.created = now.getEpochSecond();
        this.holdRenewedAt = now;
    }

    /** @return the model call for this turn */
    ChatModel.Call call() {
        return new ChatModel.Call(model, request.messages(), promptTokens, request.maxTokens());
    }

    /**
     * The charge that settles this turn's hold.
     *
     * @param usage the tokens to charge
     * @param context {@code message}, or {@code incomplete} for a stream the client left
     * @return the charge, for the model that answered
     */
    ChargeRequest charge(Usage usage, String context) {
        return ChargeRequest.of(user, model, usage)
                .withContext(context)
                .withConversationId(request.conversationId())
                .withHold(holdId);
    }
}
