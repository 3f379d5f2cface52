package dev.balancekit.cli;

import org.jspecify.annotations.Nullable;

/**
 * The account a command acts on.
 *
 * @param user the user id
 * @param label the user's e-mail (or name), when known
 */
record Target(String user, @Nullable String label) {

    /**
     * Finds the account from {@code --email}, {@code --user} or an e-mail given as an argument,
     * asking for the e-mail on standard input when none is given and asking is allowed.
     *
     * @param invocation the run
     * @param session the database
     * @param options {@code --email} and {@code --user}
     * @param emailArgument the e-mail given as an argument, or null
     * @param ask whether to ask for a missing e-mail
     * @return the account
     * @throws CliException (usage) for no or two ways of naming the user, or a malformed e-mail;
     *     (not found) for an e-mail no user has
     */
    static Target resolve(
            Invocation invocation, Session session, UserOptions options, @Nullable String emailArgument, boolean ask) {
        if (options.email != null && emailArgument != null) {
            throw CliException.usage("give the e-mail once: as an argument or with --email");
        }
        String email = options.email != null ? options.email : emailArgument;
        if (options.user != null) {
            if (email != null) {
                throw CliException.usage("give either --email or --user, not both");
            }
            String user = options.user.strip();
            if (user.isEmpty()) {
                throw CliException.usage("--user must not be blank");
            }
            return new Target(
                    user, session.directory().labelOf(user).blockOptional().orElse(null));
        }
        if (email == null) {
            if (!ask) {
                throw CliException.usage("name the user with --email or --user");
            }
            email = invocation.prompt("Email:");
            if (email == null || email.isEmpty()) {
                throw CliException.usage("Email is required");
            }
        }
        email = email.strip();
        if (email.indexOf('@') < 1) {
            throw CliException.usage("Invalid email address: '" + email + "'");
        }
        String user = session.directory().userIdForEmail(email).blockOptional().orElse(null);
        if (user == null) {
            throw CliException.notFound("No user with that email was found");
        }
        return new Target(user, email);
    }

    /** @return how output names the account: {@code alice@example.com (user 65a1...)} or {@code user 65a1...} */
    String display() {
        return label == null ? "user " + user : label + " (user " + user + ")";
    }
}
