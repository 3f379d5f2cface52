package dev.balancekit;

/** An administrative balance change was asked for while the balance system is disabled. */
public final class BalanceNotEnabledException extends BalanceException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with the message and the way to enable the balance system. */
    public BalanceNotEnabledException() {
        super("balance is not enabled: set 'balance: enabled: true' in the config file "
                + "(or LedgerConfig.builder().enabled(true) in code)");
    }
}
