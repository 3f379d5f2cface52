package dev.balancekit.cli;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * Where the database is: {@code --mongo-uri} (else {@code MONGO_URI}) and {@code --database}; and
 * BalanceKit's collections in it: {@code --accounts-collection} and {@code --entries-collection}
 * (else {@code BALANCEKIT_ACCOUNTS_COLLECTION} / {@code BALANCEKIT_ENTRIES_COLLECTION}, else the
 * config file's {@code balance.mongo}, else {@code balancekit_accounts} / {@code balancekit_entries}).
 */
final class MongoOptions {

    @Option(
            names = "--mongo-uri",
            paramLabel = "URI",
            description =
                    "MongoDB connection string; the default is the MONGO_URI environment variable, as in LibreChat."
                            + " Its password is never printed.")
    @Nullable
    String uri;

    @Option(
            names = "--database",
            paramLabel = "NAME",
            description = "Database name; the default is the connection string's database, else LibreChat.")
    @Nullable
    String database;

    @Option(
            names = "--accounts-collection",
            paramLabel = "NAME",
            description =
                    "BalanceKit's accounts collection; the default is BALANCEKIT_ACCOUNTS_COLLECTION, else the config"
                            + " file's balance.mongo.accountsCollection, else balancekit_accounts. Never LibreChat's balances.")
    @Nullable
    String accountsCollection;

    @Option(
            names = "--entries-collection",
            paramLabel = "NAME",
            description =
                    "BalanceKit's ledger entries collection; the default is BALANCEKIT_ENTRIES_COLLECTION, else the"
                            + " config file's balance.mongo.entriesCollection, else balancekit_entries. Never LibreChat's transactions.")
    @Nullable
    String entriesCollection;
}
