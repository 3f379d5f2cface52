package dev.balancekit.yaml;

import org.jspecify.annotations.Nullable;

/**
 * The MongoDB collections a config file names in {@code balance.mongo}, for the host or command
 * line that builds the store: BalanceKit's accounts and its ledger entries. Each is null when the
 * file leaves it out, and the store's default applies ({@code balancekit_accounts},
 * {@code balancekit_entries}).
 *
 * @param accounts {@code balance.mongo.accountsCollection}, or null
 * @param entries {@code balance.mongo.entriesCollection}, or null
 */
public record CollectionNames(
        @Nullable String accounts, @Nullable String entries) {}
