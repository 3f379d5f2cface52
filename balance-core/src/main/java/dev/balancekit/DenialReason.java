package dev.balancekit;

/** Why a check or reservation was denied. */
public enum DenialReason {
    /** The available balance does not cover the estimated cost. */
    INSUFFICIENT_BALANCE,
    /** The estimated cost would take the available balance below the configured minimum balance. */
    BELOW_MINIMUM_BALANCE
}
