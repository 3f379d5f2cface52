package dev.balancekit.cli;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoDatabase;
import dev.balancekit.BalanceLedger;
import dev.balancekit.LedgerConfig;
import dev.balancekit.UsageDimension;
import dev.balancekit.UsageQuery;
import dev.balancekit.mongo.MongoBalanceStore;
import dev.balancekit.mongo.MongoUserDirectory;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * An open connection to the database: the client, the store, the users collection and, once a
 * command asks for it, the ledger over them. The client connects on first use, so opening a
 * session never fails for an unreachable server; the first command does.
 */
final class Session implements AutoCloseable {
    /** LibreChat's database when the connection string names none. */
    static final String DEFAULT_DATABASE = "LibreChat";
    /** How long to look for a server unless the connection string says otherwise. */
    static final long DEFAULT_SELECTION_TIMEOUT_MS = 10_000;

    private final MongoClient client;
    private final MongoBalanceStore store;
    private final MongoUserDirectory directory;
    private final MongoDatabase database;
    private final String display;
    private final long selectionTimeoutMs;
    private @Nullable BalanceLedger ledger;

    private Session(
            MongoClient client,
            MongoDatabase database,
            String display,
            long selectionTimeoutMs,
            String accountsCollection,
            String entriesCollection) {
        this.client = client;
        this.database = database;
        this.store = MongoBalanceStore.builder(database)
                .balancesCollection(accountsCollection)
                .transactionsCollection(entriesCollection)
                .build();
        this.directory = MongoUserDirectory.create(database);
        this.display = display;
        this.selectionTimeoutMs = selectionTimeoutMs;
    }

    /**
     * Opens a session.
     *
     * @param uri the connection string
     * @param databaseOption {@code --database}, or null for the connection string's, else LibreChat's
     * @param accountsCollection BalanceKit's accounts collection
     * @param entriesCollection BalanceKit's ledger entries collection
     * @return the session
     * @throws CliException (usage) if the connection string, the database name or a collection name is not valid
     */
    static Session open(
            String uri, @Nullable String databaseOption, String accountsCollection, String entriesCollection) {
        ConnectionString cs;
        try {
            cs = new ConnectionString(uri);
        } catch (RuntimeException e) {
            throw CliException.usage(
                    "the MongoDB connection string " + Redactor.maskUri(uri) + " is not valid: " + e.getMessage());
        }
        String name = databaseOption != null
                ? databaseOption
                : cs.getDatabase() != null ? cs.getDatabase() : DEFAULT_DATABASE;
        MongoClientSettings settings = MongoClientSettings.builder()
                // defaults first: what the connection string sets wins over them
                .applyToClusterSettings(
                        c -> c.serverSelectionTimeout(DEFAULT_SELECTION_TIMEOUT_MS, TimeUnit.MILLISECONDS))
                .applyToSocketSettings(s -> s.connectTimeout(10, TimeUnit.SECONDS))
                .applicationName("balancekit-cli")
                .applyConnectionString(cs)
                .build();
        MongoDatabase database;
        MongoClient client = MongoClients.create(settings);
        try {
            database = client.getDatabase(name);
        } catch (IllegalArgumentException e) {
            client.close();
            throw CliException.usage("database name '" + name + "' is not valid: " + e.getMessage());
        }
        String display = Redactor.maskUri(uri)
                + (databaseOption != null || cs.getDatabase() == null ? " (database " + name + ")" : "");
        try {
            return new Session(
                    client,
                    database,
                    display,
                    settings.getClusterSettings().getServerSelectionTimeout(TimeUnit.MILLISECONDS),
                    accountsCollection,
                    entriesCollection);
        } catch (IllegalArgumentException e) {
            client.close();
            throw CliException.usage(String.valueOf(e.getMessage()));
        }
    }

    /** @return the database */
    MongoDatabase database() {
        return database;
    }

    /** @return the store over BalanceKit's collections of the database */
    MongoBalanceStore store() {
        return store;
    }

    /** @return the directory over the users collection, LibreChat's */
    MongoUserDirectory directory() {
        return directory;
    }

    /**
     * The ledger over this session's store, built on first use. It has no user directory: listings
     * label a whole page of accounts with one query of the users collection instead.
     *
     * @param config the balance config
     * @param clock the clock of new entries
     * @return the ledger
     */
    BalanceLedger ledger(LedgerConfig config, Clock clock) {
        BalanceLedger l = ledger;
        if (l == null) {
            l = BalanceLedger.builder().store(store).config(config).clock(clock).build();
            ledger = l;
        }
        return l;
    }

    /**
     * The model names the transaction history holds, each once, sorted: a usage report of the
     * store grouped by model, which covers the entries collection and the entries still pending in
     * account documents, grouped on the server. Entries without a model (admin credits) are left out.
     *
     * @return the models
     */
    Mono<List<String>> chargedModels() {
        return store.usage(UsageQuery.of(UsageDimension.MODEL), ZoneOffset.UTC)
                .<String>handle((group, sink) -> {
                    String model = group.valueOf(UsageDimension.MODEL);
                    if (model != null && !model.isBlank()) {
                        sink.next(model);
                    }
                })
                .distinct()
                .sort()
                .collectList();
    }

    /** @return the connection string with its password masked, and the database when not part of it */
    String display() {
        return display;
    }

    /** @return how long the client looks for a server before giving up, in milliseconds */
    long selectionTimeoutMs() {
        return selectionTimeoutMs;
    }

    @Override
    public void close() {
        client.close();
    }
}
