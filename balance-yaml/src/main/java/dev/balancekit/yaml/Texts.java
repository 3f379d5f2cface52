package dev.balancekit.yaml;

import org.jspecify.annotations.Nullable;

/**
 * Keeps what a problem message quotes short. A hostile file may hold a value of a million
 * characters, and a message that repeats it, once per place it is used, makes the report itself
 * the attack.
 */
final class Texts {

    /** The most characters of a value a message quotes. */
    static final int MAX_QUOTED = 100;

    /** The most characters of a message or key path, whatever it holds (long keys, core's messages). */
    static final int MAX_MESSAGE = 1000;

    private Texts() {}

    /** @return the text, or its first {@link #MAX_QUOTED} characters followed by {@code …(12345 chars)} */
    static String abbreviate(String text) {
        return abbreviate(text, MAX_QUOTED);
    }

    /** @return the text, or its first {@code max} characters followed by {@code …(12345 chars)} */
    static String abbreviate(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        // never cut a surrogate pair in two
        int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, end) + "…(" + text.length() + " chars)";
    }

    /** @return the text in single quotes, abbreviated: {@code 'abc'} */
    static String quote(String text) {
        return "'" + abbreviate(text) + "'";
    }

    /**
     * A message of {@code balance-core}, which quotes the value it was given in full
     * ({@code amount must be a plain decimal number, was '...'}), with that value abbreviated.
     */
    static String quoting(@Nullable String message, String value) {
        String m = String.valueOf(message);
        return value.length() <= MAX_QUOTED ? m : m.replace("'" + value + "'", quote(value));
    }
}
