package dev.balancekit.examples.chat;

import com.mongodb.ConnectionString;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoDatabase;
import dev.balancekit.AccountView;
import dev.balancekit.BalanceLedger;
import dev.balancekit.BlockingBalanceLedger;
import dev.balancekit.Credits;
import dev.balancekit.LedgerConfig;
import dev.balancekit.Tier;
import dev.balancekit.memory.InMemoryBalanceStore;
import dev.balancekit.mongo.MongoBalanceStore;
import dev.balancekit.policy.ShortfallPolicy;
import dev.balancekit.pricing.ModelPrice;
import dev.balancekit.pricing.PriceTable;
import dev.balancekit.spi.BalanceStore;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A chat server metered by the ledger, to try with curl: two demo users with 5000 credits each,
 * gpt-4o and gpt-4o-mini priced as OpenAI, and a free model.
 *
 * <ul>
 *   <li>alice ({@code sk-demo-alice}) is on the {@code prepaid} tier: a request she cannot afford
 *       gets HTTP 402 with LibreChat's {@code token_balance} payload.
 *   <li>bob ({@code sk-demo-bob}) is on the {@code free-fallback} tier: a request he cannot afford
 *       is answered by the free model instead, and the response says so.
 * </ul>
 *
 * <p>Balances live in memory, or in MongoDB when {@code MONGO_URI} is set (see {@link #store(Map)}).
 *
 * <p>Run it from the repository root with
 * {@code mvn -q -pl examples -am compile exec:exec -Dexec.executable=java -Dexec.args="-cp %classpath dev.balancekit.examples.chat.ChatServerExample"}
 * (append a port to the arguments, or set {@code PORT}, for another port than 8080); it prints the
 * curl commands to try. ({@code exec:java} would run the module's configured main class, the
 * quickstart.)
 */
public final class ChatServerExample {

    /** The model that answers free-fallback users who are out of credits; it costs nothing. */
    static final String FREE_MODEL = "llama-3.1-8b";
    /** The default tier: refused when out of credits. */
    static final String PREPAID = "prepaid";
    /** The tier whose users fall back to {@link #FREE_MODEL} when out of credits. */
    static final String FREE_FALLBACK = "free-fallback";
    /** Demo bearer tokens and the user ids they stand for. */
    static final Map<String, String> DEMO_TOKENS = Map.of("sk-demo-alice", "alice", "sk-demo-bob", "bob");
    /** The demo administrator's bearer token: it may read the usage report, and nothing else. */
    static final String ADMIN_TOKEN = "sk-demo-admin";
    /** The demo users' tiers. */
    static final Map<String, String> DEMO_TIERS = Map.of("alice", PREPAID, "bob", FREE_FALLBACK);

    /** The environment variable with the MongoDB connection string, LibreChat's name. */
    static final String MONGO_URI = "MONGO_URI";
    /** The environment variable with BalanceKit's accounts collection, {@code balancekit_accounts} by default. */
    static final String ACCOUNTS_COLLECTION = "BALANCEKIT_ACCOUNTS_COLLECTION";
    /** The environment variable with BalanceKit's ledger entries collection, {@code balancekit_entries} by default. */
    static final String ENTRIES_COLLECTION = "BALANCEKIT_ENTRIES_COLLECTION";
    /** LibreChat's database, used when the connection string names none. */
    static final String DEFAULT_DATABASE = "LibreChat";

    private static final int DEFAULT_PORT = 8080;

    private ChatServerExample() {}

    /**
     * Starts the server and prints how to try it.
     *
     * @param args an optional port (else the {@code PORT} environment variable, else 8080)
     * @throws IOException if the port cannot be bound
     */
    public static void main(String[] args) throws IOException {
        Map<String, String> env = System.getenv();
        Clock clock = Clock.systemUTC();
        BalanceStore store = store(env);
        BalanceLedger ledger = BalanceLedger.builder()
                .config(config())
                .store(store)
                .clock(clock)
                .build();
        provision(ledger.blocking());
        // a steady 25 tokens a second, so a stream can be watched arriving
        ChatModel model = new FakeChatModel(40, FakeChatModel.Pacer.fixedDelay(Duration.ofMillis(40)));
        ChatServer server = ChatServer.builder(ledger, model)
                .users(DEMO_TOKENS)
                .adminToken(ADMIN_TOKEN)
                .port(port(args, env))
                .clock(clock)
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "chat-server-shutdown"));
        printHowToTry(System.out, server.port(), describe(store));
    }

    /**
     * The ledger's config: 5000 credits to start, three models, and two tiers that differ in what
     * happens when a request does not fit.
     *
     * @return the config
     */
    static LedgerConfig config() {
        return LedgerConfig.builder()
                .startBalance(Credits.of(5000))
                // credits per token, which is the same number as USD per million tokens
                .prices(PriceTable.builder()
                        .model("gpt-4o", ModelPrice.perToken("2.5", "10"))
                        .model("gpt-4o-mini", ModelPrice.perToken("0.15", "0.6"))
                        .model(FREE_MODEL, ModelPrice.perToken("0", "0"))
                        .build())
                .tier(Tier.builder(PREPAID)
                        .shortfallPolicy(ShortfallPolicy.block())
                        .build())
                .tier(Tier.builder(FREE_FALLBACK)
                        .shortfallPolicy(ShortfallPolicy.freeModel(FREE_MODEL))
                        .build())
                .defaultTier(PREPAID)
                .build();
    }

    /**
     * Chooses where balances live: MongoDB when {@code MONGO_URI} is set (LibreChat's variable; the
     * database from its path, else {@value #DEFAULT_DATABASE}; BalanceKit's collections named by
     * {@value #ACCOUNTS_COLLECTION} and {@value #ENTRIES_COLLECTION}), with its indexes made at start;
     * otherwise the in-memory store, which forgets everything when the server stops.
     *
     * @param env the environment
     * @return the store
     * @throws dev.balancekit.StoreException if MongoDB cannot be reached to make the indexes
     * @throws IllegalArgumentException if {@code MONGO_URI} is not a connection string
     */
    static BalanceStore store(Map<String, String> env) {
        String uri = env.get(MONGO_URI);
        if (uri == null || uri.isBlank()) {
            return new InMemoryBalanceStore();
        }
        ConnectionString cs = new ConnectionString(uri.strip());
        // the client lives as long as the server: its connections serve every request
        MongoClient client = MongoClients.create(cs);
        MongoDatabase database = client.getDatabase(cs.getDatabase() != null ? cs.getDatabase() : DEFAULT_DATABASE);
        MongoBalanceStore.Builder builder = MongoBalanceStore.builder(database);
        String accounts = env.get(ACCOUNTS_COLLECTION);
        if (accounts != null && !accounts.isBlank()) {
            builder.balancesCollection(accounts.strip());
        }
        String entries = env.get(ENTRIES_COLLECTION);
        if (entries != null && !entries.isBlank()) {
            builder.transactionsCollection(entries.strip());
        }
        MongoBalanceStore store = builder.build();
        // also refuses to start on collections that hold another application's documents
        store.ensureIndexes().block();
        return store;
    }

    /**
     * Names the store for the start-up line.
     *
     * @param store the store {@link #store(Map)} chose
     * @return {@code MongoDB store} or {@code in-memory store}
     */
    static String describe(BalanceStore store) {
        return store instanceof MongoBalanceStore ? "MongoDB store" : "in-memory store";
    }

    /**
     * Puts each demo user on its tier, which also opens the account with the start balance. A user
     * already on the tier is left alone, so a persistent store does not collect an entry per start.
     *
     * @param ledger the ledger
     */
    static void provision(BlockingBalanceLedger ledger) {
        DEMO_TIERS.forEach((user, tier) -> {
            Optional<AccountView> account = ledger.balance(user);
            if (account.isEmpty() || !tier.equals(account.get().tier())) {
                ledger.setTier(user, tier, "chat-server-example");
            }
        });
    }

    /**
     * Reads the port: the first argument, else {@code PORT}, else 8080.
     *
     * @param args the command line
     * @param env the environment
     * @return the port
     * @throws IllegalArgumentException if the value is not a port number
     */
    static int port(String[] args, Map<String, String> env) {
        String text = args.length > 0 ? args[0] : env.get("PORT");
        if (text == null || text.isBlank()) {
            return DEFAULT_PORT;
        }
        try {
            int port = Integer.parseInt(text.strip());
            if (port >= 0 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("port must be a number between 0 and 65535, was '" + text + "'");
    }

    /**
     * Prints the curl commands that show each part of the pipeline.
     *
     * @param out where to print
     * @param port the server's port
     * @param storeName where balances live, as {@link #describe(BalanceStore)} names it
     */
    static void printHowToTry(PrintStream out, int port, String storeName) {
        String url = "http://localhost:" + port;
        out.println("BalanceKit chat server on " + url + " (" + storeName + "; stop with Ctrl+C)");
        out.println("Users: alice (sk-demo-alice, tier prepaid) and bob (sk-demo-bob, tier free-fallback),"
                + " 5000 credits each.");
        out.println(
                "gpt-4o costs 2.5 credits per prompt token and 10 per completion token; " + FREE_MODEL + " is free.");
        out.println();
        out.println("# a chat turn: 2.5 x prompt + 10 x 40 answer tokens are charged, the rest of the hold is freed");
        out.println(curlChat(url, "sk-demo-alice", "\"stream\":false"));
        out.println("# the same, streamed as server-sent events (press Ctrl+C midway: the tokens sent are charged"
                + " as incomplete, at 1.15x)");
        out.println(curlChat(url, "sk-demo-alice", "\"stream\":true").replace("curl -s ", "curl -sN "));
        out.println("# more than alice can afford: HTTP 402 with LibreChat's token_balance payload");
        out.println(curlChat(url, "sk-demo-alice", "\"max_tokens\":1000").replace("curl -s ", "curl -si "));
        out.println("# bob asks for the same: answered by " + FREE_MODEL + ", header " + ChatServer.FALLBACK_HEADER);
        out.println(curlChat(url, "sk-demo-bob", "\"max_tokens\":1000").replace("curl -s ", "curl -si "));
        out.println("# balance, holds, usage windows, refillAt");
        out.println("curl -s " + url + "/v1/balance -H 'Authorization: Bearer sk-demo-alice'");
        out.println("# the usage report, for the admin token only: JSON, or a page with charts");
        out.println("curl -s '" + url + "/admin/report?by=user,model' -H 'Authorization: Bearer " + ADMIN_TOKEN + "'");
        out.println(
                "curl -s " + url + "/admin/report.html -H 'Authorization: Bearer " + ADMIN_TOKEN + "' -o report.html");
    }

    private static String curlChat(String url, String token, String extra) {
        return "curl -s " + url + "/v1/chat/completions -H 'Authorization: Bearer " + token + "'"
                + " -H 'Content-Type: application/json'"
                + " -d '{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello, ledger!\"}]"
                + "," + extra + "}'";
    }
}
