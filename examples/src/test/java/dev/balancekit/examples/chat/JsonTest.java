package dev.balancekit.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.balancekit.Credits;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void parse_readsEveryKindOfValue() {
        Object v = Json.parse(" {\"s\":\"a\\\"b\\\\c\\n\\u00e9\\ud83d\\ude00\",\"n\":-12.5e1,\"t\":true,\"f\":false,"
                + "\"z\":null,\"a\":[1,[],{}]} ");

        assertThat(v).isEqualTo(Map.of("s", "a\"b\\c\né\uD83D\uDE00", "n", new BigDecimal("-12.5e1"),
                "t", true, "f", false, "z", Json.NULL, "a", List.of(new BigDecimal("1"), List.of(), Map.of())));
    }

    @Test
    void parse_rejectsWhatIsNotJson_sayingWhere() {
        assertThatThrownBy(() -> Json.parse("{\"a\":1,}")).hasMessage("invalid JSON at offset 7: expected a member name");
        assertThatThrownBy(() -> Json.parse("[1 2]")).hasMessage("invalid JSON at offset 3: expected ']'");
        assertThatThrownBy(() -> Json.parse("01")).hasMessage("invalid JSON at offset 1: unexpected text after the value");
        assertThatThrownBy(() -> Json.parse("\"a\tb\"")).hasMessage("invalid JSON at offset 3: control character in a string");
        assertThatThrownBy(() -> Json.parse("{\"a\":1,\"a\":2}")).hasMessage("invalid JSON at offset 7: duplicate member 'a'");
        assertThatThrownBy(() -> Json.parse("nul")).hasMessage("invalid JSON at offset 0: unexpected character 'n'");
        assertThatThrownBy(() -> Json.parse("")).hasMessage("invalid JSON at offset 0: unexpected end of input");
        assertThatThrownBy(() -> Json.parse("[".repeat(100))).hasMessage("invalid JSON at offset 65: nested deeper than 64 levels");
    }

    @Test
    void quote_escapesWhatJsonAndJavaScriptNeed_andParsesBack() {
        String tricky = "quote \" backslash \\ newline \n tab \t bell \u0007 separator \u2028 emoji \uD83D\uDE00";

        String quoted = Json.quote(tricky);

        assertThat(quoted).isEqualTo("\"quote \\\" backslash \\\\ newline \\n tab \\t bell \\u0007 separator \\u2028"
                + " emoji \uD83D\uDE00\"");
        assertThat(Json.parse(quoted)).isEqualTo(tricky);
    }

    @Test
    void object_writesMembersInOrder_andMergesAnotherObjectUnchanged() {
        String json = Json.object().str("s", "x").str("none", null).num("n", 3).num("c", Credits.parse("527065.5"))
                .num("l", (Long) null).bool("b", true).raw("r", "[1]").members("{\"p\":1,\"q\":\"w\"}").members("{}")
                .toString();

        assertThat(json).isEqualTo("{\"s\":\"x\",\"none\":null,\"n\":3,\"c\":527065.5,\"l\":null,\"b\":true,"
                + "\"r\":[1],\"p\":1,\"q\":\"w\"}");
        assertThat(Json.parse(json)).isInstanceOf(Map.class);
        assertThatThrownBy(() -> Json.object().members("[1]")).hasMessage("expected a JSON object, was [1]");
    }
}
