package dev.balancekit.benchmarks;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.balancekit.mongo.LibreChatImport;
import dev.balancekit.mongo.MongoBalanceStore;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.types.ObjectId;
import reactor.core.publisher.Mono;

/**
 * Imports N LibreChat users (balances only) from the in-process mongo-java-server and prints the
 * time and the heap: {@code java -Xmx1g -cp benchmarks/target/benchmarks.jar
 * dev.balancekit.benchmarks.ImportHarness 100000}. It runs a dry run first (nothing is written,
 * so the server's share of the heap stays put and the growth is the import's own), then the real
 * import. Heap is sampled every 10 ms; "growth" is the peak minus the heap after seeding and a GC.
 * The in-process server keeps its data in the same heap, so what the real import writes shows up
 * in "after GC" too.
 */
public final class ImportHarness {

    private ImportHarness() {}

    /**
     * Runs the harness.
     *
     * @param args the number of users (default 100,000), and {@code dry} to run the dry run only
     *     (which writes nothing, so it shows the import's own memory in a small heap)
     * @throws Exception if the server or the import fails
     */
    public static void main(String[] args) throws Exception {
        int users = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        MongoServer server = new MongoServer(new MemoryBackend());
        server.bind();
        try (MongoClient client = MongoClients.create(server.getConnectionString())) {
            MongoDatabase db = client.getDatabase("LibreChat");
            seed(db, users);
            MongoBalanceStore store = MongoBalanceStore.builder(db).build();
            store.ensureIndexes().block();
            System.out.println("users: " + users + ", JVM max heap: "
                    + mb(Runtime.getRuntime().maxMemory()));
            run("dry run", LibreChatImport.builder(db, store).dryRun(true).build());
            if (args.length < 2 || !args[1].equals("dry")) {
                run("import", LibreChatImport.builder(db, store).build());
                run("second run (no-op)", LibreChatImport.builder(db, store).build());
            }
        } finally {
            server.shutdownNow();
        }
    }

    private static void seed(MongoDatabase db, int users) {
        List<BsonDocument> batch = new ArrayList<>(1000);
        Instant last = Instant.parse("2026-01-10T08:00:00Z");
        for (int i = 0; i < users; i++) {
            batch.add(new BsonDocument("_id", new BsonObjectId(new ObjectId()))
                    .append("user", new BsonObjectId(new ObjectId()))
                    .append("tokenCredits", new BsonDouble(15000.5 + i / 7.0))
                    .append("autoRefillEnabled", BsonBoolean.TRUE)
                    .append("refillIntervalValue", new BsonInt32(30))
                    .append("refillIntervalUnit", new BsonString("days"))
                    .append("refillAmount", new BsonInt32(10000))
                    .append("lastRefill", new BsonDateTime(last.toEpochMilli()))
                    .append("reservations", new BsonArray()));
            if (batch.size() == 1000 || i == users - 1) {
                Mono.from(db.getCollection("balances", BsonDocument.class).insertMany(batch))
                        .block();
                batch = new ArrayList<>(1000);
            }
        }
    }

    private static void run(String what, LibreChatImport importer) throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long base = memory.getHeapMemoryUsage().getUsed();
        AtomicLong peak = new AtomicLong(base);
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        long start = System.nanoTime();
        LibreChatImport.Report report = importer.run(u -> {}).block();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        sampler.interrupt();
        sampler.join();
        System.gc();
        long after = memory.getHeapMemoryUsage().getUsed();
        System.out.printf(
                "%-20s %6.1f s  %,8.0f users/s  heap after seeding %s, peak %s (growth %s), after GC %s;"
                        + " imported %d, existing %d%n",
                what,
                took.toMillis() / 1000.0,
                report.users() / (took.toMillis() / 1000.0),
                mb(base),
                mb(peak.get()),
                mb(peak.get() - base),
                mb(after),
                report.imported(),
                report.existing());
    }

    private static String mb(long bytes) {
        return (bytes >> 20) + " MB";
    }
}
