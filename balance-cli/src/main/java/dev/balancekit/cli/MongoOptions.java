package dev.balancekit.cli;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** Where the database is: {@code --mongo-uri} (else {@code MONGO_URI}) and {@code --database}. */
final class MongoOptions {

    @Option(names = "--mongo-uri", paramLabel = "URI",
            description = "MongoDB connection string; the default is the MONGO_URI environment variable, as in LibreChat."
                    + " Its password is never printed.")
    @Nullable String uri;

    @Option(names = "--database", paramLabel = "NAME",
            description = "Database name; the default is the connection string's database, else LibreChat.")
    @Nullable String database;
}
