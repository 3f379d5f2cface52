package dev.balancekit;

/** Why a check or reservation was denied. */
public enum DenialReason {
    /** The available balance does not cover the estimated cost. */
    INSUFFICIENT_BALANCE,
    /** The estimated cost would take the available balance below the configured minimum balance. */
    BELOW_MINIMUM_BALANCE,
    /** The day's usage cap would be exceeded. */
    DAILY_LIMIT,
    /** The ISO week's usage cap would be exceeded. */
    WEEKLY_LIMIT,
    /** The month's usage cap would be exceeded. */
    MONTHLY_LIMIT,
    /** The account's tier does not allow the model. */
    MODEL_NOT_ALLOWED,
    /**
     * The model has no price of its own (it matches only a generic row or nothing) and the config
     * refuses such models ({@link UnknownModelPolicy#REFUSE}).
     */
    UNKNOWN_MODEL
}
