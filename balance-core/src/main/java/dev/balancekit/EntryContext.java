package dev.balancekit;

/**
 * The {@code context} values the ledger itself writes. The vocabulary is open: a host may charge
 * with any non-blank context of its own (for example {@code title} or {@code summary}).
 */
public final class EntryContext {
    /** A normal chat message. */
    public static final String MESSAGE = "message";
    /** A conversation title generation. */
    public static final String TITLE = "title";
    /** An aborted stream; its completion tokens are charged at 1.15 times the rate, as LibreChat does. */
    public static final String INCOMPLETE = "incomplete";
    /** Credits added by an administrator. */
    public static final String ADMIN = "admin";
    /** A balance overwritten by an administrator: the entry holds the difference. */
    public static final String ADJUSTMENT = "adjustment";
    /** The start balance granted when an account is first seen. */
    public static final String START_BALANCE = "startBalance";
    /** Credits added by auto-refill. */
    public static final String AUTO_REFILL = "autoRefill";
    /** Credits given back. */
    public static final String REFUND = "refund";
    /** An account moved to another tier; the entry has no value and notes the change. */
    public static final String TIER_CHANGE = "tierChange";
    /**
     * The part of a charge that would have taken the balance below zero, given back when
     * {@link LedgerConfig#clampAtZero()} is on: LibreChat's silent write-off, recorded.
     */
    public static final String WRITE_OFF = "writeOff";
    /** A balance taken over from LibreChat, with the reconciling difference when its history is imported too. */
    public static final String IMPORT = "import";

    private EntryContext() {}
}
