package dev.balancekit.examples.chat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /v1/chat/completions}, the part of OpenAI's request the example uses.
 *
 * @param model the model asked for
 * @param messages the conversation, at least one message
 * @param maxTokens the output budget: {@code max_tokens} (or {@code max_completion_tokens}), else
 *     the server's default
 * @param stream whether to answer with server-sent events
 * @param conversationId the host's conversation id ({@code conversation_id}), recorded on the
 *     ledger entries; null when not given
 */
record ChatRequest(String model, List<ChatMessage> messages, long maxTokens, boolean stream,
        @Nullable String conversationId) {

    /** The largest {@code max_tokens} accepted. */
    static final long MAX_TOKENS_LIMIT = 128_000;

    ChatRequest {
        messages = List.copyOf(messages);
    }

    /**
     * Parses a request body.
     *
     * @param body the JSON text
     * @param defaultMaxTokens the output budget when the request names none
     * @return the request
     * @throws InvalidRequestException if the body is not JSON or a field is missing or wrong, naming
     *     the field
     */
    static ChatRequest parse(String body, long defaultMaxTokens) {
        Object parsed;
        try {
            parsed = Json.parse(body);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("the body is not valid JSON: " + e.getMessage(), null);
        }
        if (!(parsed instanceof Map<?, ?> root)) {
            throw new InvalidRequestException("the body must be a JSON object", null);
        }
        String model = text(root, "model", "model", true);
        if (model == null || model.isBlank()) {
            throw new InvalidRequestException("model must not be blank", "model");
        }
        List<ChatMessage> messages = messages(root.get("messages"));
        long maxTokens = defaultMaxTokens;
        for (String name : List.of("max_tokens", "max_completion_tokens")) {
            Object v = root.get(name);
            if (v != null && v != Json.NULL) {
                maxTokens = count(name, v);
            }
        }
        Object stream = root.get("stream");
        if (stream != null && stream != Json.NULL && !(stream instanceof Boolean)) {
            throw new InvalidRequestException("stream must be true or false, was " + stream, "stream");
        }
        String conversationId = text(root, "conversation_id", "conversation_id", false);
        if (conversationId != null && conversationId.isBlank()) {
            throw new InvalidRequestException("conversation_id must not be blank", "conversation_id");
        }
        return new ChatRequest(model, messages, maxTokens, Boolean.TRUE.equals(stream), conversationId);
    }

    /**
     * Counts the prompt's tokens the simple way: each message's content counts one token per four
     * characters (Unicode code points), rounded up; roles and message framing count nothing. It is
     * the usual rule of thumb for English text and, unlike a real tokenizer, needs no vocabulary and
     * always gives the same answer, which is all the example needs: the same count is reserved,
     * reported by the fake model and charged. A real host would use its provider's tokenizer.
     *
     * @return the prompt's token count
     */
    long promptTokens() {
        long tokens = 0;
        for (ChatMessage m : messages) {
            long chars = m.content().codePointCount(0, m.content().length());
            tokens += (chars + 3) / 4;
        }
        return tokens;
    }

    private static List<ChatMessage> messages(@Nullable Object value) {
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            throw new InvalidRequestException("messages must be a non-empty array", "messages");
        }
        List<ChatMessage> messages = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String param = "messages[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> m)) {
                throw new InvalidRequestException(param + " must be an object", param);
            }
            String role = text(m, "role", param + ".role", true);
            if (role == null || role.isBlank()) {
                throw new InvalidRequestException(param + ".role must not be blank", param + ".role");
            }
            messages.add(new ChatMessage(role, content(m.get("content"), param + ".content")));
        }
        return messages;
    }

    /** Content is a string, null (an assistant message with tool calls), or an array of parts. */
    private static String content(@Nullable Object value, String param) {
        if (value == null || value == Json.NULL) {
            return "";
        }
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof List<?> parts) {
            StringBuilder sb = new StringBuilder();
            for (Object part : parts) {
                // only text parts count; images and audio are not priced by this example
                if (part instanceof Map<?, ?> p && "text".equals(p.get("type")) && p.get("text") instanceof String t) {
                    sb.append(t);
                }
            }
            return sb.toString();
        }
        throw new InvalidRequestException(param + " must be a string or an array of parts", param);
    }

    private static @Nullable String text(Map<?, ?> object, String name, String param, boolean required) {
        Object v = object.get(name);
        if (v == null || v == Json.NULL) {
            if (required) {
                throw new InvalidRequestException(param + " is required", param);
            }
            return null;
        }
        if (!(v instanceof String s)) {
            throw new InvalidRequestException(param + " must be a string, was " + v, param);
        }
        return s;
    }

    private static long count(String name, Object v) {
        if (v instanceof BigDecimal n) {
            try {
                long value = n.longValueExact();
                if (value >= 1 && value <= MAX_TOKENS_LIMIT) {
                    return value;
                }
            } catch (ArithmeticException e) {
                // not a whole number, or too large: reported below
            }
        }
        throw new InvalidRequestException(name + " must be a whole number between 1 and " + MAX_TOKENS_LIMIT
                + ", was " + v, name);
    }

    /** A request the server cannot serve: HTTP 400 with OpenAI's {@code invalid_request_error}. */
    static final class InvalidRequestException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        private final @Nullable String param;

        InvalidRequestException(String message, @Nullable String param) {
            super(message);
            this.param = param;
        }

        /** @return the request field at fault, or null when it is the body as a whole */
        @Nullable String param() {
            return param;
        }
    }
}
