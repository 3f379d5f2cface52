package dev.balancekit.examples.chat;

import java.util.Objects;

/**
 * One message of a chat request.
 *
 * @param role {@code system}, {@code user}, {@code assistant} or another role the client sends
 * @param content the message text (the text parts joined, for a message sent as parts)
 */
public record ChatMessage(String role, String content) {

    /**
     * Validates.
     *
     * @throws NullPointerException if the role or content is null
     */
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }
}
