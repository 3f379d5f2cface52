package dev.balancekit;

import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Shared argument checks for request values, so every request names bad values the same way. */
final class Requests {
    /** Longest id, key or label accepted, in characters. */
    static final int MAX_TEXT = 512;

    private Requests() {}

    /**
     * Checks an id or text: not blank, at most {@link #MAX_TEXT} characters, and well-formed
     * UTF-16 (every surrogate half of a pair).
     */
    static String requireText(String field, @Nullable String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank, was " + quote(value));
        }
        if (value.length() > MAX_TEXT) {
            throw new IllegalArgumentException(
                    field + " must be at most " + MAX_TEXT + " characters, was " + value.length() + " characters");
        }
        int bad = loneSurrogate(value);
        if (bad >= 0) {
            // a store writes such text as a replacement character, so two different ids would meet in one account
            throw new IllegalArgumentException(field + " must be well-formed UTF-16 text, was " + escaped(value)
                    + ": lone surrogate at index " + bad);
        }
        return value;
    }

    /** @return the index of the first surrogate that is not half of a pair, or -1 */
    private static int loneSurrogate(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (isLoneSurrogate(value, i)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isLoneSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        }
        return Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
    }

    /**
     * The value quoted, each lone surrogate written as a backslash, {@code u} and four hex digits,
     * so that the message itself is well-formed.
     */
    private static String escaped(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 8).append('\'');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (isLoneSurrogate(value, i)) {
                sb.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('\'').toString();
    }

    static void requireOptionalText(String field, @Nullable String value) {
        if (value != null) {
            requireText(field, value);
        }
    }

    static void requireKey(@Nullable String key) {
        requireOptionalText("idempotencyKey", key);
    }

    static void requireTokens(String field, long tokens) {
        Usage.checkTokens(field, tokens);
    }

    static Credits requireNotNegative(String field, @Nullable Credits amount) {
        Objects.requireNonNull(amount, field);
        if (amount.isNegative()) {
            throw new IllegalArgumentException(field + " must be zero or more, was " + amount);
        }
        return amount;
    }

    static String quote(@Nullable String value) {
        return value == null ? "null" : "'" + value + "'";
    }
}
