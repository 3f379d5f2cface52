package dev.balancekit.examples.chat;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

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
record ChatRequest(
        String model,
        List<ChatMessage> messages,
        long maxTokens,
        boolean stream,
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
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (JacksonException e) {
            String where = e.getLocation() == null
                    ? ""
                    : " at offset " + e.getLocation().getCharOffset();
            throw new InvalidRequestException(
                    "the body is not valid JSON" + where + ": " + e.getOriginalMessage(), null);
        }
        if (!root.isObject()) {
            throw new InvalidRequestException("the body must be a JSON object", null);
        }
        String model = text(root, "model", "model", true);
        if (model == null || model.isBlank()) {
            throw new InvalidRequestException("model must not be blank", "model");
        }
        List<ChatMessage> messages = messages(root.get("messages"));
        long maxTokens = defaultMaxTokens;
        for (String name : List.of("max_tokens", "max_completion_tokens")) {
            JsonNode v = root.get(name);
            if (!absent(v)) {
                maxTokens = count(name, v);
            }
        }
        JsonNode stream = root.get("stream");
        if (!absent(stream) && !stream.isBoolean()) {
            throw new InvalidRequestException("stream must be true or false, was " + shown(stream), "stream");
        }
        String conversationId = text(root, "conversation_id", "conversation_id", false);
        if (conversationId != null && conversationId.isBlank()) {
            throw new InvalidRequestException("conversation_id must not be blank", "conversation_id");
        }
        return new ChatRequest(model, messages, maxTokens, !absent(stream) && stream.booleanValue(), conversationId);
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

    private static List<ChatMessage> messages(@Nullable JsonNode list) {
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new InvalidRequestException("messages must be a non-empty array", "messages");
        }
        List<ChatMessage> messages = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String param = "messages[" + i + "]";
            JsonNode m = list.get(i);
            if (!m.isObject()) {
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
    private static String content(@Nullable JsonNode value, String param) {
        if (value == null || absent(value)) {
            return "";
        }
        if (value.isString()) {
            return value.stringValue();
        }
        if (value.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : value) {
                // only text parts count; images and audio are not priced by this example
                JsonNode type = part.get("type");
                JsonNode text = part.get("text");
                if (type != null
                        && type.isString()
                        && type.stringValue().equals("text")
                        && text != null
                        && text.isString()) {
                    sb.append(text.stringValue());
                }
            }
            return sb.toString();
        }
        throw new InvalidRequestException(param + " must be a string or an array of parts", param);
    }

    private static @Nullable String text(JsonNode object, String name, String param, boolean required) {
        JsonNode v = object.get(name);
        if (absent(v)) {
            if (required) {
                throw new InvalidRequestException(param + " is required", param);
            }
            return null;
        }
        if (!v.isString()) {
            throw new InvalidRequestException(param + " must be a string, was " + shown(v), param);
        }
        return v.stringValue();
    }

    private static long count(String name, JsonNode v) {
        if (v.isNumber()) {
            try {
                long value = v.decimalValue().longValueExact();
                if (value >= 1 && value <= MAX_TOKENS_LIMIT) {
                    return value;
                }
            } catch (ArithmeticException e) {
                // not a whole number, or too large: reported below
            }
        }
        throw new InvalidRequestException(
                name + " must be a whole number between 1 and " + MAX_TOKENS_LIMIT + ", was " + shown(v), name);
    }

    /** A member that is missing or JSON {@code null}: both mean "not given". */
    private static boolean absent(@Nullable JsonNode v) {
        return v == null || v.isNull();
    }

    /** A value as an error message shows it: a string's text, anything else as JSON. */
    private static String shown(JsonNode v) {
        return v.isString() ? v.stringValue() : v.toString();
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
        @Nullable
        String param() {
            return param;
        }
    }
}
