/**
 * The admin command line, {@code balance}: top up, set and list balances, read a user's
 * transaction history, move users between tiers, copy pending ledger entries and check a
 * {@code librechat.yaml}, against the MongoDB database LibreChat uses. Commands are picocli
 * commands assembled from the core ledger, the YAML config loader and the MongoDB store; they take
 * their environment (variables, standard streams, clock) from an {@link dev.balancekit.cli.Env},
 * so {@link dev.balancekit.cli.Main#run(String[], Env)} runs them in tests exactly as from a shell.
 */
@NullMarked
package dev.balancekit.cli;

import org.jspecify.annotations.NullMarked;
