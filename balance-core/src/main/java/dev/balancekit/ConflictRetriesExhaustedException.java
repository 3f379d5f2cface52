package dev.balancekit;

/**
 * An operation lost the compare-and-set race on one account more times than the configured bound.
 * Nothing was changed by the operation; retrying it later is safe.
 */
public final class ConflictRetriesExhaustedException extends BalanceException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param user the contended account
     * @param attempts how many attempts were made
     */
    public ConflictRetriesExhaustedException(String user, int attempts) {
        super("account '" + user + "' stayed contended: gave up after " + attempts + " attempts");
    }
}
