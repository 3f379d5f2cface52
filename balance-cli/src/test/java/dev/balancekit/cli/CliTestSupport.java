package dev.balancekit.cli;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.balancekit.BalanceLedger;
import dev.balancekit.BlockingBalanceLedger;
import dev.balancekit.HistoryQuery;
import dev.balancekit.LedgerConfig;
import dev.balancekit.LedgerEntry;
import dev.balancekit.memory.ManualClock;
import dev.balancekit.mongo.MongoBalanceStore;
import dev.balancekit.yaml.YamlLedgerConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.BsonDocument;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/**
 * Runs the command line in process against an in-process MongoDB wire-protocol server
 * (mongo-java-server): one server per test class, a fresh database per test, a users collection
 * shaped like LibreChat's, and a config file that enables balances.
 */
abstract class CliTestSupport {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");
    static final String ALICE = "alice@example.com";
    static final String BOB = "bob@example.com";
    static final String CAROL = "carol@example.com";
    static final String ENABLED_CONFIG = """
            version: 1.2.1
            balance:
              enabled: true
              startBalance: 20000
              tiers:
                free: {startBalance: 5000}
                pro: {startBalance: 200000}
            """;

    private static final AtomicInteger DATABASES = new AtomicInteger();

    static MongoServer server;
    static MongoClient client;

    @TempDir
    Path dir;

    MongoDatabase db;
    String uri;
    Path config;
    ManualClock clock;
    /** The variables of the next run; a test adds or removes some. */
    Map<String, String> variables;

    boolean terminal;
    String osUser = "ops-admin";

    @BeforeAll
    static void startServer() {
        server = new MongoServer(new MemoryBackend());
        server.bind();
        client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(server.getConnectionString()))
                .applyToClusterSettings(c -> c.serverSelectionTimeout(10, TimeUnit.SECONDS))
                .build());
    }

    @AfterAll
    static void stopServer() {
        client.close();
        server.shutdownNow();
    }

    @BeforeEach
    void freshDatabase() throws IOException {
        String name = "bk_cli_" + DATABASES.incrementAndGet();
        db = client.getDatabase(name);
        uri = server.getConnectionString() + "/" + name;
        config = Files.writeString(dir.resolve("librechat.yaml"), ENABLED_CONFIG);
        clock = new ManualClock(T0);
        variables = new HashMap<>();
        variables.put("MONGO_URI", uri);
        variables.put("CONFIG_PATH", config.toString());
    }

    /** What a run printed and returned. */
    record Result(int code, String out, String err) {
        /** @return standard output's lines */
        List<String> lines() {
            return List.of(out.split("\\R"));
        }
    }

    /** Runs the command line with no standard input. */
    Result run(String... args) {
        return runWithInput("", args);
    }

    /** Runs the command line with the given standard input. */
    Result runWithInput(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Env env = new Env(
                variables,
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                terminal,
                osUser,
                clock);
        int code = Main.run(args, env);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * Adds a LibreChat-shaped user.
     *
     * @return the user id, the ObjectId's hex text
     */
    String addUser(String email, String name) {
        ObjectId id = new ObjectId();
        BsonDocument doc = new BsonDocument("_id", new BsonObjectId(id)).append("name", new BsonString(name));
        if (email != null) {
            doc.append("email", new BsonString(email));
        }
        Mono.from(users().insertOne(doc)).block(TIMEOUT);
        return id.toHexString();
    }

    MongoCollection<BsonDocument> users() {
        return db.getCollection("users", BsonDocument.class);
    }

    MongoCollection<BsonDocument> transactions() {
        return db.getCollection(MongoBalanceStore.DEFAULT_TRANSACTIONS_COLLECTION, BsonDocument.class);
    }

    /** A ledger over the test's database with the enabled config, to arrange and check state. */
    BlockingBalanceLedger ledger() {
        LedgerConfig cfg = YamlLedgerConfig.parse(ENABLED_CONFIG, "librechat.yaml", Map.of());
        return BalanceLedger.builder()
                .store(MongoBalanceStore.builder(db).build())
                .config(cfg)
                .clock(clock)
                .build()
                .blocking();
    }

    /** Every entry of a user, newest first. */
    List<LedgerEntry> entries(String user) {
        return new ArrayList<>(
                ledger().transactionHistory(user, HistoryQuery.all().withLimit(1000))
                        .items());
    }

    Path writeConfig(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}
