package dev.balancekit.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.nio.charset.Charset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;

/**
 * The {@code balance} command line: {@code java -jar balance-cli.jar <command> [options]}, or
 * {@code bin/balance}. See {@code docs/cli.md} for every command.
 *
 * <p>Exit codes: {@value #OK} done, {@value #USAGE_ERROR} usage or validation error (a bad option,
 * an invalid config file, balances not enabled), {@value #NOT_FOUND} not found (no user with that
 * e-mail), {@value #STORE_UNREACHABLE} the database is unreachable or failed.
 */
public final class Main {
    /** Exit code: done. */
    public static final int OK = 0;
    /** Exit code: a usage or validation error; nothing was changed. */
    public static final int USAGE_ERROR = 1;
    /** Exit code: what the command names does not exist (no user with that e-mail); nothing was changed. */
    public static final int NOT_FOUND = 2;
    /** Exit code: the database could not be reached, refused the credentials, or failed. */
    public static final int STORE_UNREACHABLE = 3;

    private static final Map<String, String> EXIT_CODES = exitCodes();
    /** Held so that the level set in {@link #main} stays: java.util.logging keeps loggers weakly. */
    private static final Logger DRIVER_LOG = Logger.getLogger("org.mongodb.driver");

    private Main() {}

    /**
     * Runs the command line in this process and exits with its exit code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        // without SLF4J the driver warns once on java.util.logging that it will not log; the command
        // line reports every failure itself, so that line is noise on a user's terminal
        DRIVER_LOG.setLevel(Level.OFF);
        System.exit(run(args, Env.system()));
    }

    /**
     * Runs the command line with the given environment, without exiting: what tests and embedding
     * hosts call.
     *
     * @param args the command line, such as {@code add-balance --email a@b.c --amount 500}
     * @param env the environment: variables, standard streams, terminal, operating-system user, clock
     * @return the exit code: {@link #OK}, {@link #USAGE_ERROR}, {@link #NOT_FOUND} or {@link #STORE_UNREACHABLE}
     */
    public static int run(String[] args, Env env) {
        try (Invocation invocation = new Invocation(env)) {
            CommandLine cmd = commandLine(invocation);
            int code = cmd.execute(args);
            env.stdout().flush();
            env.stderr().flush();
            return code;
        }
    }

    /**
     * Builds the command tree for one run: commands get the run's context through their
     * constructor, print to the environment's streams, and report failures through the context.
     */
    static CommandLine commandLine(Invocation invocation) {
        CommandLine cmd = new CommandLine(new RootCommand(), new Factory(invocation));
        cmd.setOut(new PrintWriter(new OutputStreamWriter(invocation.env().stdout(), Charset.defaultCharset()), true));
        cmd.setErr(new PrintWriter(new OutputStreamWriter(invocation.env().stderr(), Charset.defaultCharset()), true));
        cmd.setParameterExceptionHandler((e, args) -> {
            CommandLine at = e.getCommandLine();
            PrintWriter err = at.getErr();
            err.println("Error: " + invocation.redact(String.valueOf(e.getMessage())));
            CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
            err.println("Try '" + at.getCommandSpec().qualifiedName() + " --help' for more information.");
            err.flush();
            return USAGE_ERROR;
        });
        cmd.setExecutionExceptionHandler((e, at, parseResult) -> invocation.fail(e));
        configure(cmd);
        return cmd;
    }

    /** Gives every command the version and the list of exit codes in its help. */
    private static void configure(CommandLine cmd) {
        cmd.getCommandSpec().versionProvider(() -> new String[] {"balance (BalanceKit) " + version()});
        cmd.getCommandSpec()
                .usageMessage()
                .exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(EXIT_CODES);
        for (CommandLine sub : cmd.getSubcommands().values()) {
            configure(sub);
        }
    }

    private static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }

    private static Map<String, String> exitCodes() {
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put(Integer.toString(OK), "done");
        codes.put(
                Integer.toString(USAGE_ERROR),
                "usage or validation error: a bad option, an invalid config file, balances not enabled");
        codes.put(Integer.toString(NOT_FOUND), "not found: no user with that e-mail");
        codes.put(Integer.toString(STORE_UNREACHABLE), "MongoDB unreachable, credentials refused, or the store failed");
        return codes;
    }

    /** Creates commands with the run's context when they take one, and everything else as picocli does. */
    private static final class Factory implements IFactory {
        private final Invocation invocation;

        Factory(Invocation invocation) {
            this.invocation = invocation;
        }

        @Override
        public <K> K create(Class<K> type) throws Exception {
            try {
                Constructor<K> c = type.getDeclaredConstructor(Invocation.class);
                return c.newInstance(invocation);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(type);
            }
        }
    }
}
