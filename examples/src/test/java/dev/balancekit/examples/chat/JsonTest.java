package dev.balancekit.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.balancekit.Credits;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

class JsonTest {

    @Test
    void read_decimalsExactly_notAsDoubles() {
        JsonNode n = Json.MAPPER.readTree("{\"a\":0.1,\"b\":527065.000001}");

        assertThat(n.get("a").decimalValue()).isEqualByComparingTo("0.1");
        assertThat(n.get("b").decimalValue()).isEqualByComparingTo("527065.000001");
        assertThat(n.get("a").isBigDecimal()).isTrue();
    }

    @Test
    void read_rejectsRepeatedMembers_textAfterTheValue_andDeepNesting() {
        assertThatThrownBy(() -> Json.MAPPER.readTree("{\"a\":1,\"a\":2}"))
                .isInstanceOf(JacksonException.class)
                .hasMessageContaining("Duplicate Object property \"a\"");
        assertThatThrownBy(() -> Json.MAPPER.readTree("{} {}"))
                .isInstanceOf(JacksonException.class)
                .hasMessageContaining("Trailing token");
        assertThatThrownBy(() -> Json.MAPPER.readTree("[".repeat(100)))
                .isInstanceOf(JacksonException.class)
                .hasMessageContaining("exceeds the maximum allowed (64");
        assertThat(Json.MAPPER.readTree("[".repeat(64) + "]".repeat(64)).isArray())
                .isTrue();
    }

    @Test
    void write_creditsAsPlainDecimals() {
        String json = Json.MAPPER.writeValueAsString(Map.of(
                "small", Json.number(Credits.parse("0.000001")),
                "large", Json.number(Credits.parse("527065.5")),
                "round", Json.number(Credits.of(5000))));

        assertThat(Json.MAPPER.readTree(json).get("small").toString()).isEqualTo("0.000001");
        assertThat(json).contains("\"small\":0.000001", "\"large\":527065.5", "\"round\":5000");
        assertThat(Json.number(null)).isNull();
        assertThat(Json.number(Credits.parse("-2.5"))).isEqualTo(new BigDecimal("-2.5"));
    }

    @Test
    void write_escapesWhatJsonNeeds_andParsesBack() {
        String tricky = "quote \" backslash \\ newline \n tab \t bell \u0007 separator \u2028 emoji \uD83D\uDE00";

        String quoted = Json.MAPPER.writeValueAsString(tricky);

        assertThat(quoted)
                .isEqualTo("\"quote \\\" backslash \\\\ newline \\n tab \\t bell \\u0007 separator \u2028"
                        + " emoji \uD83D\uDE00\"");
        assertThat(Json.MAPPER.readValue(quoted, String.class)).isEqualTo(tricky);
    }
}
