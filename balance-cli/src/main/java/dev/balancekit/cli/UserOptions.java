package dev.balancekit.cli;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** Whose account: {@code --email} (looked up in the users collection) or {@code --user} (the id itself). */
final class UserOptions {

    @Option(
            names = "--email",
            paramLabel = "EMAIL",
            description = "The user's e-mail address, as in LibreChat's users collection.")
    @Nullable
    String email;

    @Option(
            names = "--user",
            paramLabel = "ID",
            description = "The user id itself (a LibreChat ObjectId's hex text), instead of --email.")
    @Nullable
    String user;
}
