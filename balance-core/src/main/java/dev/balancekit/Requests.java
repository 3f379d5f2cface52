package dev.balancekit;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Shared argument checks for request values, so every request names bad values the same way. */
final class Requests {
    /** Longest id, key or label accepted, in characters. */
    static final int MAX_TEXT = 512;

    private Requests() {
    }

    static String requireText(String field, @Nullable String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank, was " + quote(value));
        }
        if (value.length() > MAX_TEXT) {
            throw new IllegalArgumentException(field + " must be at most " + MAX_TEXT + " characters, was "
                    + value.length() + " characters");
        }
        return value;
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
