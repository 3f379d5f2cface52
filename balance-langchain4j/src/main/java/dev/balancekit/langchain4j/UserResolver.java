package dev.balancekit.langchain4j;

import dev.langchain4j.model.chat.request.ChatRequest;
import org.jspecify.annotations.Nullable;

/**
 * Finds the user a request is made for, when it is not passed as the {@link BalanceMetering#USER}
 * listener attribute of the call's {@code ChatRequestOptions} (an AI service passes none): from a
 * request-scoped holder, a security context, or wherever the host keeps it.
 */
@FunctionalInterface
public interface UserResolver {

    /**
     * Resolves the user.
     *
     * @param request the request
     * @return the user id, or null when there is none (the wrapper then refuses to call the model)
     */
    @Nullable
    String resolve(ChatRequest request);
}
