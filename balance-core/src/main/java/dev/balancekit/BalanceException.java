package dev.balancekit;

import org.jspecify.annotations.Nullable;

/**
 * The root of BalanceKit's own failures. Bad arguments are {@link IllegalArgumentException}s;
 * expected business outcomes (a denied check, for example) are values, never exceptions.
 */
public class BalanceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, starting lower-case
     */
    public BalanceException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what failed, starting lower-case
     * @param cause the underlying failure, or null when there is none
     */
    public BalanceException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
