package dev.balancekit;

/** A store failed to read or write; the cause is the driver's exception. */
public class StoreException extends BalanceException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, starting lower-case
     * @param cause the driver's exception
     */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
