package dev.balancekit.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChatRequestTest {

    @Test
    void parse_readsTheFieldsTheServerUses() {
        ChatRequest r = ChatRequest.parse(
                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                        + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hi \"},{\"type\":\"image_url\"},"
                        + "{\"type\":\"text\",\"text\":\"there\"}]},{\"role\":\"assistant\",\"content\":null}],"
                        + "\"max_tokens\":100,\"stream\":true,\"conversation_id\":\"c-1\",\"temperature\":0.2}",
                256);

        assertThat(r)
                .isEqualTo(new ChatRequest(
                        "gpt-4o",
                        List.of(
                                new ChatMessage("system", "Be brief."),
                                new ChatMessage("user", "Hi there"),
                                new ChatMessage("assistant", "")),
                        100,
                        true,
                        "c-1"));
    }

    @Test
    void parse_withoutBudget_usesTheDefault_andAcceptsTheNewerName() {
        String messages = "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]";

        assertThat(ChatRequest.parse("{\"model\":\"m\"," + messages + "}", 256).maxTokens())
                .isEqualTo(256);
        assertThat(ChatRequest.parse("{\"model\":\"m\"," + messages + ",\"max_completion_tokens\":7}", 256)
                        .maxTokens())
                .isEqualTo(7);
        assertThat(ChatRequest.parse("{\"model\":\"m\"," + messages + ",\"stream\":null}", 256).stream())
                .isFalse();
    }

    @Test
    void promptTokens_areFourCharactersEach_roundedUpPerMessage() {
        ChatRequest r = new ChatRequest(
                "m",
                List.of(
                        new ChatMessage("system", "abcd"), // 1
                        new ChatMessage("user", "Hello, ledger!"), // 14 chars: 4
                        new ChatMessage(
                                "user",
                                "\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00"), // 5 code points: 2
                        new ChatMessage("assistant", "")),
                1,
                false,
                null); // 0

        assertThat(r.promptTokens()).isEqualTo(7);
    }

    @Test
    void parse_rejectsBadRequests_namingTheField() {
        assertInvalid("[]", "the body must be a JSON object", null);
        assertInvalid("{\"model\":\" \",\"messages\":[]}", "model must not be blank", "model");
        assertInvalid("{\"model\":1}", "model must be a string, was 1", "model");
        assertInvalid("{\"model\":\"m\"}", "messages must be a non-empty array", "messages");
        assertInvalid("{\"model\":\"m\",\"messages\":[1]}", "messages[0] must be an object", "messages[0]");
        assertInvalid(
                "{\"model\":\"m\",\"messages\":[{\"content\":\"x\"}]}",
                "messages[0].role is required",
                "messages[0].role");
        assertInvalid(
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":5}]}",
                "messages[0].content must be a string or an array of parts",
                "messages[0].content");
        String ok = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]";
        assertInvalid(
                ok + ",\"max_tokens\":1.5}",
                "max_tokens must be a whole number between 1 and 128000, was 1.5",
                "max_tokens");
        assertInvalid(
                ok + ",\"max_tokens\":128001}",
                "max_tokens must be a whole number between 1 and 128000, was 128001",
                "max_tokens");
        assertInvalid(ok + ",\"stream\":\"yes\"}", "stream must be true or false, was yes", "stream");
        assertInvalid(ok + ",\"conversation_id\":\"\"}", "conversation_id must not be blank", "conversation_id");
    }

    @Test
    void parse_notJson_repeatedMember_orTooDeep_isInvalid_sayingWhere() {
        assertInvalid(
                "{\"model\":\"m\",}",
                "the body is not valid JSON at offset 13: Unexpected character ('}' (code 125)):"
                        + " was expecting double-quote to start property name",
                null);
        assertThatThrownBy(() -> ChatRequest.parse("{\"model\":\"a\",\"model\":\"b\"}", 256))
                .isInstanceOf(ChatRequest.InvalidRequestException.class)
                .hasMessageStartingWith("the body is not valid JSON at offset 20: Duplicate Object property \"model\"");
        assertThatThrownBy(() -> ChatRequest.parse("{\"model\":\"m\"} x", 256))
                .isInstanceOf(ChatRequest.InvalidRequestException.class)
                .hasMessageStartingWith("the body is not valid JSON");
        assertThatThrownBy(() -> ChatRequest.parse("{\"a\":" + "[".repeat(100), 256))
                .isInstanceOf(ChatRequest.InvalidRequestException.class)
                .hasMessageContaining("exceeds the maximum allowed (64");
    }

    private static void assertInvalid(String body, String message, String param) {
        assertThatThrownBy(() -> ChatRequest.parse(body, 256))
                .isInstanceOfSatisfying(
                        ChatRequest.InvalidRequestException.class,
                        e -> assertThat(e.param()).isEqualTo(param))
                .hasMessage(message);
    }
}
