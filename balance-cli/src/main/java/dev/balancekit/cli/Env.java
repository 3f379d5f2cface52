package dev.balancekit.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a run of the command line may see of the world: environment variables, the standard
 * streams, whether it talks to a terminal, the operating-system user and the clock. Commands read
 * nothing from globals, so a test runs them with an environment of its own.
 *
 * @param variables the environment variables ({@code MONGO_URI}, {@code CONFIG_PATH},
 *     {@code CHECK_BALANCE}, the variables a config file refers to)
 * @param stdin where prompts read answers from
 * @param stdout where results and prompts go
 * @param stderr where errors and progress go
 * @param terminal whether a person is watching a terminal: progress is shown only then
 * @param osUser the operating-system user, the default actor of admin changes; null when unknown
 * @param clock the clock of the ledger: the time recorded in new entries
 */
public record Env(
        Map<String, String> variables,
        InputStream stdin,
        PrintStream stdout,
        PrintStream stderr,
        boolean terminal,
        @Nullable String osUser,
        Clock clock) {

    /**
     * Validates and copies.
     *
     * @throws NullPointerException if a field other than {@code osUser} is null
     */
    public Env {
        variables = Map.copyOf(variables);
        Objects.requireNonNull(stdin, "stdin");
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
        Objects.requireNonNull(clock, "clock");
    }

    /**
     * The environment of the running process: {@link System#getenv()}, {@link System#in},
     * {@link System#out}, {@link System#err}, a terminal when {@link System#console()} is not null,
     * the {@code user.name} property and the system UTC clock.
     *
     * @return the process environment
     */
    // Right on JDK 17 to 21; from JDK 22 on System.console() is never null, so a piped run would count
    // as a terminal there: Console.isTerminal() (JDK 22) is the test to use once the CLI may need it.
    @SuppressWarnings("SystemConsoleNull")
    public static Env system() {
        return new Env(
                System.getenv(),
                System.in,
                System.out,
                System.err,
                System.console() != null,
                System.getProperty("user.name"),
                Clock.systemUTC());
    }

    /**
     * Looks up an environment variable, treating a blank value as unset.
     *
     * @param name the variable's name
     * @return the value, or null when unset or blank
     */
    public @Nullable String variable(String name) {
        String value = variables.get(name);
        return value == null || value.isBlank() ? null : value;
    }
}
