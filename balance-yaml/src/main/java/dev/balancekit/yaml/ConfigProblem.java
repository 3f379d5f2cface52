package dev.balancekit.yaml;

import java.util.Objects;

/**
 * One problem found in a config file, with where it is.
 *
 * <p>{@link #toString()} renders it as users see it, the message followed by the position:
 * {@code balance.refillIntervalValue must be positive, was 0 (librechat.yaml:7:24)}.
 *
 * @param file the file name (or {@code environment} for a legacy environment variable)
 * @param line the line, counted from 1; 0 when the problem has no position in the file
 * @param column the column, counted from 1; 0 when the problem has no position in the file
 * @param keyPath the dotted path of the key concerned, such as {@code balance.tiers.pro.refillAmount};
 *     empty when the problem concerns the whole file
 * @param message what is wrong, starting with the key path when there is one
 */
public record ConfigProblem(String file, int line, int column, String keyPath, String message) {

    /**
     * Validates.
     *
     * @throws NullPointerException if a text is null
     * @throws IllegalArgumentException if the line or column is negative
     */
    public ConfigProblem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(keyPath, "keyPath");
        Objects.requireNonNull(message, "message");
        if (line < 0 || column < 0) {
            throw new IllegalArgumentException("line and column must be zero or more, was " + line + ":" + column);
        }
    }

    /** @return the position as {@code file:line:column}, or only the file when there is no line */
    public String location() {
        return line == 0 ? file : file + ":" + line + ":" + column;
    }

    /** @return the message followed by the position, such as {@code balance.startBalance must be zero or more, was -1 (librechat.yaml:3:17)} */
    @Override
    public String toString() {
        return message + " (" + location() + ")";
    }
}
