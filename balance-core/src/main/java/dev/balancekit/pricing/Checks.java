package dev.balancekit.pricing;

import org.jspecify.annotations.Nullable;

/** Argument checks shared by the pricing types, so that every message reads the same way. */
final class Checks {

    private Checks() {}

    /** Returns {@code value}, or throws an exception naming {@code name} when it is null. */
    static <T> T notNull(@Nullable T value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        return value;
    }

    /** Returns {@code value}, or throws an exception naming {@code name} when it is null or blank. */
    static String notBlank(@Nullable String value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be blank, was null");
        }
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank, was '" + value + "'");
        }
        return value;
    }
}
