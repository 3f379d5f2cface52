package dev.balancekit.benchmarks;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.balancekit.BalanceLedger;
import dev.balancekit.BalanceRequest;
import dev.balancekit.ChargeRequest;
import dev.balancekit.mongo.MongoBalanceStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.Document;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Requests per second of the MongoDB store (reserve + deduct, spread over 1,000 users) at 1 and 32
 * in flight, next to the floor no store can beat on the same server: two raw
 * {@code findOneAndUpdate} calls per request on the same account documents, with the same filter
 * shape as the store's writes ({@code _id} and {@code version}), each adding to the balance and
 * returning only the id. Also counts the commands the driver sends per request, and, for scale,
 * runs the same two calls on a collection of two-field documents.
 *
 * <p>Runs against an in-process mongo-java-server, or the server named by {@code MONGODB_URI}.
 * Usage: {@code java -cp benchmarks/target/benchmarks.jar dev.balancekit.benchmarks.MongoHarness [seconds] [rounds]}.
 */
public final class MongoHarness {
    private static final int USERS = 1000;
    private static final FindOneAndUpdateOptions ONLY_ID = new FindOneAndUpdateOptions()
            .returnDocument(ReturnDocument.AFTER).projection(new Document("_id", 1));

    private MongoHarness() {
    }

    /**
     * Runs the harness.
     *
     * @param args seconds per measurement (default 5) and rounds (default 3)
     */
    public static void main(String[] args) {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String uri = System.getenv("MONGODB_URI");
        MongoServer server = null;
        if (uri == null || uri.isBlank()) {
            server = new MongoServer(new MemoryBackend());
            server.bind();
            uri = server.getConnectionString();
            System.out.println("server: in-process mongo-java-server");
        } else {
            System.out.println("server: MONGODB_URI");
        }
        AtomicLong commands = new AtomicLong();
        CommandListener counter = new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                commands.incrementAndGet();
            }
        };
        MongoClient client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(uri)).addCommandListener(counter)
                .applyToConnectionPoolSettings(p -> p.maxSize(64)).build());
        try {
            MongoDatabase db = client.getDatabase("bk_harness_" + System.nanoTime());
            MongoBalanceStore store = MongoBalanceStore.builder(db).build();
            store.ensureIndexes().block();
            BalanceLedger ledger = BalanceLedger.builder().config(Fixtures.config()).store(store).build();
            String[] users = Fixtures.users(USERS);
            Flux.fromArray(users).flatMap(u -> ledger.checkBalance(u, Fixtures.MODEL, 1, 0), 32).blockLast();
            MongoCollection<Document> floor = db.getCollection(MongoBalanceStore.DEFAULT_BALANCES_COLLECTION);
            MongoCollection<Document> small = db.getCollection("small");
            List<Document> docs = new ArrayList<>();
            for (String u : users) {
                docs.add(new Document("_id", u).append("version", 1L).append("balance", 0L));
            }
            Mono.from(small.insertMany(docs)).block();

            // warm-up, not reported: compiles the hot paths and fills each account's remembered holds
            run(seconds, 32, () -> request(ledger, users));
            run(seconds, 32, () -> floorRequest(floor, users));
            run(seconds, 32, () -> floorRequest(small, users));
            System.out.printf("%-10s %-9s %12s %12s %8s %14s %12s%n", "in flight", "round", "store req/s", "floor req/s",
                    "ratio", "cmds/request", "small req/s");
            for (int inFlight : new int[] {1, 32}) {
                double[] ratios = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    commands.set(0);
                    long[] storeRun = run(seconds, inFlight, () -> request(ledger, users));
                    double perRequest = (double) commands.get() / storeRun[0];
                    long[] floorRun = run(seconds, inFlight, () -> floorRequest(floor, users));
                    long[] smallRun = run(seconds, inFlight, () -> floorRequest(small, users));
                    double storeRate = storeRun[0] * 1e9 / storeRun[1];
                    double floorRate = floorRun[0] * 1e9 / floorRun[1];
                    ratios[r] = storeRate / floorRate;
                    System.out.printf("%-10d %-9d %12.0f %12.0f %8.2f %14.2f %12.0f%n", inFlight, r + 1, storeRate,
                            floorRate, ratios[r], perRequest, smallRun[0] * 1e9 / smallRun[1]);
                }
                Arrays.sort(ratios);
                System.out.printf("in flight %d: median ratio %.2f%n", inFlight, ratios[rounds / 2]);
            }
            Mono.from(db.drop()).block();
        } finally {
            client.close();
            if (server != null) {
                server.shutdownNow();
            }
        }
    }

    /** One chat request: reserve, then deduct against the hold. */
    private static Mono<?> request(BalanceLedger ledger, String[] users) {
        String user = users[ThreadLocalRandom.current().nextInt(users.length)];
        return ledger.reserve(BalanceRequest.of(user, Fixtures.MODEL, 100, 100))
                .flatMap(r -> ledger.deduct(ChargeRequest.of(user, Fixtures.MODEL, Fixtures.USAGE).withHold(r.holdId())));
    }

    /**
     * The floor: two single-document writes with the store's filter shape, and nothing else. They
     * add -1 and +1 to the balance, so the accounts are as they were once the request completes,
     * and leave the version alone, so the ledger's next write does not conflict.
     */
    private static Mono<?> floorRequest(MongoCollection<Document> floor, String[] users) {
        String user = users[ThreadLocalRandom.current().nextInt(users.length)];
        return Mono.from(floor.findOneAndUpdate(Filters.and(Filters.eq("_id", user), Filters.gte("version", 0L)),
                        Updates.inc("balance", -1L), ONLY_ID))
                .then(Mono.from(floor.findOneAndUpdate(Filters.and(Filters.eq("_id", user), Filters.gte("version", 0L)),
                        Updates.inc("balance", 1L), ONLY_ID)));
    }

    /** Runs requests with a fixed number in flight for a while; returns {requests, nanos}. */
    private static long[] run(int seconds, int inFlight, java.util.function.Supplier<Mono<?>> request) {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        AtomicLong done = new AtomicLong();
        long start = System.nanoTime();
        Flux.range(0, inFlight)
                .flatMap(i -> Mono.defer(request).doOnSuccess(x -> done.incrementAndGet())
                        .repeat(() -> System.nanoTime() < deadline), inFlight)
                .blockLast();
        return new long[] {done.get(), System.nanoTime() - start};
    }
}
