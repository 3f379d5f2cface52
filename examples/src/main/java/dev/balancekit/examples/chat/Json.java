package dev.balancekit.examples.chat;

import dev.balancekit.Credits;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Just enough JSON for the chat server, so the example needs nothing beyond the JDK: a strict
 * parser for request bodies and a writer that escapes every string it is given.
 *
 * <p>Parsed values are {@code Map<String, Object>} (members in order), {@code List<Object>},
 * {@code String}, {@code BigDecimal}, {@code Boolean} and {@link #NULL} for JSON {@code null}.
 */
final class Json {

    /** JSON {@code null}, so that parsed maps and lists never hold a Java null. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    // deeper nesting than any chat request needs, shallow enough that recursion cannot overflow the stack
    private static final int MAX_DEPTH = 64;

    private final String text;
    private int pos;

    private Json(String text) {
        this.text = text;
    }

    /**
     * Parses one JSON value that makes up the whole text.
     *
     * @param text the JSON text
     * @return the value
     * @throws IllegalArgumentException if the text is not exactly one valid JSON value
     */
    static Object parse(String text) {
        Json p = new Json(text);
        p.skipWhitespace();
        Object value = p.value(0);
        p.skipWhitespace();
        if (p.pos != text.length()) {
            throw p.error("unexpected text after the value");
        }
        return value;
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH + " levels");
        }
        if (pos >= text.length()) {
            throw error("unexpected end of input");
        }
        char c = text.charAt(pos);
        switch (c) {
            case '{':
                return object(depth);
            case '[':
                return array(depth);
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", NULL);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("unexpected character '" + c + "'");
        }
    }

    private Map<String, Object> object(int depth) {
        pos++; // '{'
        Map<String, Object> members = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return members;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("expected a member name");
            }
            int nameAt = pos;
            String name = string();
            if (members.containsKey(name)) {
                pos = nameAt;
                throw error("duplicate member '" + name + "'");
            }
            skipWhitespace();
            expect(':');
            skipWhitespace();
            members.put(name, value(depth + 1));
            skipWhitespace();
            if (peek() == ',') {
                pos++;
            } else {
                expect('}');
                return members;
            }
        }
    }

    private List<Object> array(int depth) {
        pos++; // '['
        List<Object> items = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return items;
        }
        while (true) {
            skipWhitespace();
            items.add(value(depth + 1));
            skipWhitespace();
            if (peek() == ',') {
                pos++;
            } else {
                expect(']');
                return items;
            }
        }
    }

    private String string() {
        pos++; // opening quote
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c < 0x20) {
                throw error("control character in a string");
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw error("incomplete \\u escape");
                    }
                    int code = 0;
                    for (int i = 0; i < 4; i++) {
                        int digit = Character.digit(text.charAt(pos++), 16);
                        if (digit < 0) {
                            throw error("bad \\u escape");
                        }
                        code = code * 16 + digit;
                    }
                    sb.append((char) code); // surrogate pairs arrive as two escapes and join up here
                }
                default -> throw error("bad escape '\\" + e + "'");
            }
        }
    }

    private BigDecimal number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (!digits()) {
            throw error("bad number");
        }
        if (peek() == '.') {
            pos++;
            if (!digits()) {
                throw error("bad number");
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!digits()) {
                throw error("bad number");
            }
        }
        try {
            return new BigDecimal(text.substring(start, pos));
        } catch (NumberFormatException e) {
            throw error("bad number"); // an exponent beyond BigDecimal's range
        }
    }

    private boolean digits() {
        int start = pos;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
        }
        return pos > start;
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, pos)) {
            throw error("unexpected character '" + text.charAt(pos) + "'");
        }
        pos += word.length();
        return value;
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error(pos >= text.length() ? "unexpected end of input" : "expected '" + c + "'");
        }
        pos++;
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("invalid JSON at offset " + pos + ": " + what);
    }

    /**
     * Writes a string as a JSON string literal.
     *
     * @param s the string
     * @return the quoted, escaped literal
     */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    // U+2028 and U+2029 are valid JSON but end a line in JavaScript: escaped for SSE clients
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /**
     * Writes a JSON array from already written elements.
     *
     * @param elements JSON texts
     * @return {@code [e1,e2,...]}
     */
    static String array(List<String> elements) {
        return "[" + String.join(",", elements) + "]";
    }

    /** @return a writer for one JSON object */
    static Obj object() {
        return new Obj();
    }

    /** Writes one JSON object, member by member, in the order they are added. */
    static final class Obj {
        private final StringBuilder sb = new StringBuilder("{");

        private Obj() {
        }

        private Obj name(String name) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append(quote(name)).append(':');
            return this;
        }

        Obj str(String name, @Nullable String value) {
            name(name).sb.append(value == null ? "null" : quote(value));
            return this;
        }

        Obj num(String name, long value) {
            name(name).sb.append(value);
            return this;
        }

        Obj num(String name, @Nullable Long value) {
            name(name).sb.append(value == null ? "null" : value.toString());
            return this;
        }

        /** Credits print as a plain decimal ({@code 527065.5}), which is a JSON number. */
        Obj num(String name, @Nullable Credits value) {
            name(name).sb.append(value == null ? "null" : value.toString());
            return this;
        }

        Obj time(String name, @Nullable Instant value) {
            return str(name, value == null ? null : value.toString());
        }

        Obj bool(String name, boolean value) {
            name(name).sb.append(value);
            return this;
        }

        /** Adds a member whose value is already JSON text. */
        Obj raw(String name, String json) {
            name(name).sb.append(json);
            return this;
        }

        /**
         * Adds every member of an object written elsewhere, unchanged.
         *
         * @param json the other object's text
         * @return this writer
         * @throws IllegalArgumentException if the text is not an object
         */
        Obj members(String json) {
            String t = json.strip();
            if (!t.startsWith("{") || !t.endsWith("}")) {
                throw new IllegalArgumentException("expected a JSON object, was " + json);
            }
            String inner = t.substring(1, t.length() - 1).strip();
            if (!inner.isEmpty()) {
                sb.append(sb.length() > 1 ? "," : "").append(inner);
            }
            return this;
        }

        @Override
        public String toString() {
            return sb + "}";
        }
    }
}
