package dev.balancekit.policy;

import dev.balancekit.Credits;

/**
 * The figures of a request that does not fit, handed to a {@link ShortfallPolicy}.
 *
 * @param user the user id
 * @param model the requested model
 * @param balance the account balance
 * @param available the balance minus active holds
 * @param cost the request's estimated cost
 * @param minBalance the configured minimum balance
 */
public record Shortfall(
        String user, String model, Credits balance, Credits available, Credits cost, Credits minBalance) {}
