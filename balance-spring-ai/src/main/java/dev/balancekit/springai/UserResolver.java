package dev.balancekit.springai;

import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.client.ChatClientRequest;

/**
 * Finds the user a {@code ChatClient} request is made for, when it is not passed as the
 * {@link BalanceAdvisor#USER} advisor parameter: from the request's context, a security context, or
 * wherever the host keeps it.
 */
@FunctionalInterface
public interface UserResolver {

    /**
     * Resolves the user.
     *
     * @param request the request
     * @return the user id, or null when there is none (the advisor then refuses to call the model)
     */
    @Nullable
    String resolve(ChatClientRequest request);
}
