package dev.balancekit.cli;

import com.mongodb.MongoException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import dev.balancekit.BalanceNotEnabledException;
import dev.balancekit.BlockingBalanceLedger;
import dev.balancekit.ConflictRetriesExhaustedException;
import dev.balancekit.LedgerConfig;
import dev.balancekit.StoreException;
import dev.balancekit.mongo.ForeignDocumentException;
import dev.balancekit.mongo.MongoBalanceStore;
import dev.balancekit.yaml.CollectionNames;
import dev.balancekit.yaml.ConfigException;
import dev.balancekit.yaml.ConfigProblem;
import dev.balancekit.yaml.YamlLedgerConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import reactor.core.Exceptions;

/**
 * One run of the command line: its {@link Env}, the answers read from standard input, the config
 * and database session opened on demand, and the one place where failures become an
 * {@code Error: } message and an exit code.
 */
final class Invocation implements AutoCloseable {
    /** Environment variable with the connection string, LibreChat's name. */
    static final String MONGO_URI = "MONGO_URI";
    /** Environment variable with the config file, LibreChat's name. */
    static final String CONFIG_PATH = "CONFIG_PATH";
    /** Environment variable with the name of BalanceKit's accounts collection. */
    static final String ACCOUNTS_COLLECTION = "BALANCEKIT_ACCOUNTS_COLLECTION";
    /** Environment variable with the name of BalanceKit's ledger entries collection. */
    static final String ENTRIES_COLLECTION = "BALANCEKIT_ENTRIES_COLLECTION";
    /** Source name of the config when no file is given: LibreChat's defaults and legacy variables. */
    static final String NO_FILE = "environment";

    private static final Pattern CAUSED_BY = Pattern.compile("caused by \\{([^{}]*)}");

    private final Env env;
    private Redactor redactor = Redactor.none();
    private @Nullable BufferedReader stdin;
    private @Nullable Session session;
    private @Nullable Path configFile;
    private @Nullable LedgerConfig config;
    private CollectionNames fileCollections = new CollectionNames(null, null);

    Invocation(Env env) {
        this.env = env;
    }

    Env env() {
        return env;
    }

    PrintStream out() {
        return env.stdout();
    }

    /**
     * Asks on standard output and reads one line of standard input.
     *
     * @param prompt the question, such as {@code Email:}
     * @return the answer without surrounding white space (empty for an empty line), or null when
     *     the input ended before an answer: end of input is no answer, not an empty one
     */
    @Nullable
    String prompt(String prompt) {
        env.stdout().print(prompt + " ");
        env.stdout().flush();
        try {
            BufferedReader in = stdin;
            if (in == null) {
                in = new BufferedReader(new InputStreamReader(env.stdin(), StandardCharsets.UTF_8));
                stdin = in;
            }
            String line = in.readLine();
            if (line == null) {
                env.stdout().println(); // end of input: finish the prompt's line
                return null;
            }
            return line.strip();
        } catch (IOException e) {
            throw new UncheckedIOException("reading standard input failed", e);
        }
    }

    /**
     * The balance config: {@code --config}, else {@code CONFIG_PATH}, else LibreChat's defaults with
     * the legacy variables ({@code CHECK_BALANCE}, {@code START_BALANCE}). Loaded once.
     *
     * @param option the {@code --config} option
     * @return the config
     * @throws ConfigException if the file cannot be read or is invalid
     */
    LedgerConfig config(ConfigOption option) {
        LedgerConfig c = config;
        if (c == null) {
            Path file = option.file;
            String configPath = env.variable(CONFIG_PATH);
            if (file == null && configPath != null) {
                file = Path.of(configPath.strip());
            }
            configFile = file;
            c = file == null
                    ? YamlLedgerConfig.parse("", NO_FILE, env.variables())
                    : YamlLedgerConfig.load(file, env.variables());
            if (file != null) {
                fileCollections = YamlLedgerConfig.collectionNames(file, env.variables());
            }
            config = c;
        }
        return c;
    }

    /**
     * The database session: {@code --mongo-uri}, else {@code MONGO_URI}. Opened once. The collection
     * names come from the options, else the environment, else the config file when the command
     * read it before, else the store's defaults.
     *
     * @param options the connection options
     * @return the session
     * @throws CliException (usage) if no connection string is given or it is not valid
     */
    Session session(MongoOptions options) {
        Session s = session;
        if (s == null) {
            String uri = options.uri != null ? options.uri : env.variable(MONGO_URI);
            if (uri == null || uri.isBlank()) {
                throw CliException.usage("no MongoDB connection string: pass --mongo-uri or set MONGO_URI");
            }
            redactor = Redactor.forUri(uri.strip());
            String accounts = firstOf(
                    options.accountsCollection,
                    env.variable(ACCOUNTS_COLLECTION),
                    fileCollections.accounts(),
                    MongoBalanceStore.DEFAULT_BALANCES_COLLECTION);
            String entries = firstOf(
                    options.entriesCollection,
                    env.variable(ENTRIES_COLLECTION),
                    fileCollections.entries(),
                    MongoBalanceStore.DEFAULT_TRANSACTIONS_COLLECTION);
            s = Session.open(uri.strip(), options.database, accounts, entries);
            session = s;
        }
        return s;
    }

    private static String firstOf(@Nullable String... values) {
        for (String v : values) {
            if (v != null) {
                return v.strip();
            }
        }
        throw new IllegalStateException("no value");
    }

    /**
     * The ledger over the session's store, with the config.
     *
     * @param mongo the connection options
     * @param configOption the {@code --config} option
     * @return the blocking ledger
     */
    BlockingBalanceLedger ledger(MongoOptions mongo, ConfigOption configOption) {
        LedgerConfig c = config(configOption);
        return session(mongo).ledger(c, env.clock()).blocking();
    }

    /** @return the actor of admin changes: {@code --actor}, else the operating-system user, else none */
    @Nullable
    String actor(@Nullable String option) {
        if (option != null && !option.isBlank()) {
            return option.strip();
        }
        String os = env.osUser();
        return os == null || os.isBlank() ? null : os;
    }

    /**
     * Prints a failure as LibreChat's scripts do, {@code Error: ...}, on standard error, and tells
     * the exit code it ends the run with.
     *
     * @param failure what went wrong
     * @return the exit code
     */
    int fail(Throwable failure) {
        Throwable e = Exceptions.unwrap(failure);
        if (e instanceof CliException c) {
            error(String.valueOf(c.getMessage()));
            return c.exitCode();
        }
        if (e instanceof CommandLine.ParameterException p) {
            error(String.valueOf(p.getMessage()));
            return Main.USAGE_ERROR;
        }
        if (e instanceof ConfigException c) {
            printProblems(c);
            return Main.USAGE_ERROR;
        }
        if (e instanceof ForeignDocumentException f) {
            error(String.valueOf(f.getMessage()));
            env.stderr()
                    .println("  Name BalanceKit's own collections with --accounts-collection / --entries-collection,"
                            + " " + ACCOUNTS_COLLECTION + " / " + ENTRIES_COLLECTION
                            + " or balance.mongo in the config file.");
            return Main.USAGE_ERROR;
        }
        if (e instanceof BalanceNotEnabledException) {
            error("Balance is not enabled");
            for (String line : howToEnable()) {
                env.stderr().println("  " + redactor.redact(line));
            }
            return Main.USAGE_ERROR;
        }
        String store = storeFailure(e);
        if (store != null) {
            error(store);
            return Main.STORE_UNREACHABLE;
        }
        if (e instanceof IllegalArgumentException) {
            error(String.valueOf(e.getMessage()));
            return Main.USAGE_ERROR;
        }
        if (e instanceof UncheckedIOException io) {
            // an UncheckedIOException always has its IOException as the cause
            error(String.valueOf(io.getMessage()) + ": "
                    + Objects.requireNonNull(io.getCause()).getMessage());
            return Main.USAGE_ERROR;
        }
        error("unexpected failure: " + e);
        return Main.USAGE_ERROR;
    }

    /**
     * Prints every problem of a config file, each with its {@code file:line:column}.
     *
     * @param c the problems
     */
    void printProblems(ConfigException c) {
        List<ConfigProblem> problems = c.problems();
        int total = problems.size() + c.omitted();
        error("invalid balance config " + c.source() + ", " + total + (total == 1 ? " problem:" : " problems:"));
        for (ConfigProblem p : problems) {
            env.stderr().println("  " + redactor.redact(p.location() + ": " + p.message()));
        }
        if (c.omitted() > 0) {
            // the last line of the exception's own list: "and 1900 more problems"
            List<String> lines = c.messages();
            env.stderr().println("  " + lines.get(lines.size() - 1));
        }
    }

    /**
     * Prints one {@code Error: } line on standard error, without secrets.
     *
     * @param message the message
     */
    void error(String message) {
        env.stderr().println("Error: " + redactor.redact(message));
        env.stderr().flush();
    }

    /**
     * Removes secrets from a text.
     *
     * @param text the text
     * @return the text without the connection string's password
     */
    String redact(String text) {
        return redactor.redact(text);
    }

    private List<String> howToEnable() {
        Path file = configFile;
        if (file == null) {
            return List.of(
                    "No config file was given (--config or CONFIG_PATH), and without one balances are off"
                            + " unless CHECK_BALANCE=true.",
                    "Enable it in librechat.yaml with 'balance: enabled: true' and pass the file with --config.");
        }
        return List.of("Enable it in " + file + ":", "  balance:", "    enabled: true");
    }

    private @Nullable String storeFailure(Throwable e) {
        MongoTimeoutException timeout = cause(e, MongoTimeoutException.class);
        MongoSocketException socket = cause(e, MongoSocketException.class);
        MongoSecurityException security = cause(e, MongoSecurityException.class);
        String where = session == null ? "MongoDB" : "MongoDB at " + session.display();
        if (timeout != null) {
            long ms = session == null ? Session.DEFAULT_SELECTION_TIMEOUT_MS : session.selectionTimeoutMs();
            return "cannot reach " + where + ": no server answered within " + ms + " ms" + lastCause(timeout);
        }
        if (socket != null) {
            return "cannot reach " + where + ": " + socket.getMessage()
                    + (socket.getCause() == null ? "" : " (" + socket.getCause().getMessage() + ")");
        }
        if (security != null) {
            return where + " refused the credentials: " + security.getMessage();
        }
        if (cause(e, StoreException.class) != null || cause(e, MongoException.class) != null) {
            String message = String.valueOf(e.getMessage());
            Throwable cause = e.getCause();
            if (cause != null && cause.getMessage() != null && !message.contains(cause.getMessage())) {
                message += ": " + cause.getMessage();
            }
            return message + " (" + where + ")";
        }
        if (e instanceof ConflictRetriesExhaustedException) {
            return "the account is too busy to change right now, try again: " + e.getMessage();
        }
        return null;
    }

    /** The driver's last "caused by {...}" of a server-selection timeout: why the server could not be reached. */
    private static String lastCause(MongoTimeoutException timeout) {
        String text = String.valueOf(timeout.getMessage());
        Matcher m = CAUSED_BY.matcher(text);
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        if (last == null) {
            return "";
        }
        int colon = last.indexOf(": ");
        return " (" + (colon >= 0 ? last.substring(colon + 2) : last).toLowerCase(Locale.ROOT) + ")";
    }

    private static <T extends Throwable> @Nullable T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    @Override
    public void close() {
        Session s = session;
        if (s != null) {
            session = null;
            s.close();
        }
    }
}
