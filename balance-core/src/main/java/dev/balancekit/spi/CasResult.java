package dev.balancekit.spi;

/** The outcome of a compare-and-set. */
public enum CasResult {
    /** The state and the entries were written, atomically. */
    APPLIED,
    /** The account's version was not the expected one; nothing was written. */
    CONFLICT
}
