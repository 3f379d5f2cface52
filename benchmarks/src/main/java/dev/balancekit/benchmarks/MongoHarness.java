package dev.balancekit.benchmarks;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.event.CommandSucceededEvent;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;
import dev.balancekit.BalanceLedger;
import dev.balancekit.BalanceRequest;
import dev.balancekit.ChargeRequest;
import dev.balancekit.mongo.MongoBalanceStore;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.bson.BsonDocument;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.bson.json.JsonWriterSettings;
import org.bson.types.ObjectId;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What one chat request costs on MongoDB, for the store and for what it is compared with, in one
 * run on one server:
 *
 * <ul>
 *   <li>{@code store}: a chat request through the public API (reserve, then deduct against the
 *       hold) on {@link MongoBalanceStore};</li>
 *   <li>{@code floor}: the independent floor, two {@code findOneAndUpdate} calls per request on a
 *       minimal document {@code {_id: user, balance: Int64, version: Int64}}, each filtered on
 *       {@code _id} plus one more condition (as every compare-and-set is) and returning only
 *       {@code {balance, version}};</li>
 *   <li>{@code own-docs}: the same two calls on the store's own account documents (the measurement
 *       earlier versions called "the floor");</li>
 *   <li>{@code librechat-2026} and {@code librechat-2025}: LibreChat's own access pattern with and
 *       without reservations (docs/benchmarks.md describes both).</li>
 * </ul>
 *
 * <p>For each it reports requests per second at 1 and 32 in flight over 1,000 users (the median of
 * the rounds, and the ratios of the store to the others), and, from a separate counting pass,
 * round trips and bytes sent and received per request (from a driver {@link CommandListener}).
 * Then it runs {@code sizeRequests} chat requests per user over 100 fresh users and reports the
 * average and largest account document, then and over the requests of one more copy cycle.
 *
 * <p>Runs against an in-process mongo-java-server, or the server named by {@code MONGODB_URI}.
 * Usage: {@code java -cp benchmarks/target/benchmarks.jar dev.balancekit.benchmarks.MongoHarness
 * [seconds] [rounds] [sizeRequests]} (defaults 4, 3, 1000).
 */
public final class MongoHarness {
    private static final int USERS = 1000;
    private static final int SIZE_USERS = 100;
    private static final int COUNTED_REQUESTS = 400;
    private static final int WARM_UP_PASSES = 5;
    /** Requests per user that bring an account once through the default copy cycle (two entries each). */
    private static final int CYCLE = MongoBalanceStore.DEFAULT_COPY_BATCH_SIZE / 2 + 1;

    private static final FindOneAndUpdateOptions ONLY_ID =
            new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER).projection(new Document("_id", 1));
    private static final FindOneAndUpdateOptions BALANCE_AND_VERSION = new FindOneAndUpdateOptions()
            .returnDocument(ReturnDocument.AFTER)
            .projection(Projections.fields(Projections.excludeId(), Projections.include("balance", "version")));
    /** LibreChat's prices for the fixture model, in credits per token, and the fixture's usage. */
    private static final long PROMPT_RATE = 3;

    private static final long COMPLETION_RATE = 10;

    /** Counts commands and, while {@link #bytes} is on, their encoded sizes. */
    private static final class Counter implements CommandListener {
        final AtomicLong commands = new AtomicLong();
        final AtomicLong sent = new AtomicLong();
        final AtomicLong received = new AtomicLong();
        volatile boolean bytes;

        @Override
        public void commandStarted(CommandStartedEvent event) {
            commands.incrementAndGet();
            if (bytes) {
                sent.addAndGet(size(event.getCommand()));
            }
        }

        @Override
        public void commandSucceeded(CommandSucceededEvent event) {
            if (bytes) {
                received.addAndGet(size(event.getResponse()));
            }
        }

        void reset() {
            commands.set(0);
            sent.set(0);
            received.set(0);
        }
    }

    private MongoHarness() {}

    /**
     * Runs the harness.
     *
     * @param args seconds per measurement (default 4), rounds (default 3), chat requests per user
     *     for the document sizes (default 1000; 0 leaves the sizes out) and, optionally, the patterns to
     *     run, comma-separated (all by default; one alone suits a profiler)
     */
    public static void main(String[] args) {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int sizeRequests = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        List<String> only = args.length > 3 ? List.of(args[3].split(",")) : List.of();
        HarnessServer server = HarnessServer.start();
        Counter counter = new Counter();
        MongoClient client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(server.uri()))
                .addCommandListener(counter)
                .applyToConnectionPoolSettings(p -> p.maxSize(64))
                .build());
        try {
            MongoDatabase db = client.getDatabase("bk_harness_" + System.nanoTime());
            MongoBalanceStore store = MongoBalanceStore.builder(db).build();
            store.ensureIndexes().block();
            BalanceLedger ledger = BalanceLedger.builder()
                    .config(Fixtures.config())
                    .store(store)
                    .build();
            String[] users = Fixtures.users(USERS);
            Flux.fromArray(users)
                    .flatMap(u -> ledger.checkBalance(u, Fixtures.MODEL, 1, 0), 32)
                    .blockLast();
            MongoCollection<Document> ownDocs = db.getCollection(MongoBalanceStore.DEFAULT_BALANCES_COLLECTION);
            MongoCollection<Document> floor = db.getCollection("floor");
            List<Document> docs = new ArrayList<>();
            for (String u : users) {
                docs.add(new Document("_id", u).append("balance", 0L).append("version", 1L));
            }
            Mono.from(floor.insertMany(docs)).block();
            LibreChat libreChat = LibreChat.create(db, users);

            Map<String, Supplier<Mono<?>>> patterns = new LinkedHashMap<>();
            patterns.put("store", () -> request(ledger, pick(users)));
            patterns.put("floor", () -> floorRequest(floor, pick(users), BALANCE_AND_VERSION));
            patterns.put("own-docs", () -> floorRequest(ownDocs, pick(users), ONLY_ID));
            patterns.put("librechat-2026", () -> libreChat.request2026(pick(users)));
            patterns.put("librechat-2025", () -> libreChat.request2025(pick(users)));
            if (!only.isEmpty()) {
                patterns.keySet().retainAll(only);
            }

            // warm-up, not reported: compiles the hot paths and brings each account to its steady state.
            // The store's path is the longest and the JIT compiler keeps compiling it well after the
            // others: passes over the patterns continue until compiling takes under 2% of a pass
            // (at most WARM_UP_PASSES), or the measurement would charge the JIT's work to the store.
            int passes = 0;
            double compiling;
            do {
                long compiledBefore = compilationMillis();
                long passStart = System.nanoTime();
                for (Supplier<Mono<?>> p : patterns.values()) {
                    run(seconds, 32, p);
                }
                passes++;
                compiling = (compilationMillis() - compiledBefore) * 1e6 / (System.nanoTime() - passStart);
            } while (compiling > 0.02 && passes < WARM_UP_PASSES);
            System.out.printf(
                    "warm-up: %d passes over the patterns; the JIT compiler took %.1f%% of the last one%n",
                    passes, compiling * 100);
            System.out.printf("%nwire, per request (%d requests, 1 in flight):%n", COUNTED_REQUESTS);
            System.out.printf("%-16s %12s %12s %14s%n", "pattern", "round trips", "bytes sent", "bytes received");
            for (var p : patterns.entrySet()) {
                counter.reset();
                counter.bytes = true;
                for (int i = 0; i < COUNTED_REQUESTS; i++) {
                    p.getValue().get().block();
                }
                counter.bytes = false;
                System.out.printf(
                        "%-16s %12.3f %12.0f %14.0f%n",
                        p.getKey(),
                        counter.commands.get() / (double) COUNTED_REQUESTS,
                        counter.sent.get() / (double) COUNTED_REQUESTS,
                        counter.received.get() / (double) COUNTED_REQUESTS);
            }

            for (int inFlight : new int[] {1, 32}) {
                System.out.printf(
                        "%nrequests per second, %d in flight (%d rounds of %d s, in turn):%n",
                        inFlight, rounds, seconds);
                Map<String, double[]> rates = new LinkedHashMap<>();
                Map<String, double[]> cpu = new LinkedHashMap<>();
                Map<String, double[]> allocated = new LinkedHashMap<>();
                Map<String, double[]> jit = new LinkedHashMap<>();
                Map<String, double[]> gc = new LinkedHashMap<>();
                double[] storeCommands = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    for (var p : patterns.entrySet()) {
                        counter.reset();
                        long[] result = run(seconds, inFlight, p.getValue());
                        rates.computeIfAbsent(p.getKey(), k -> new double[rounds])[r] = result[0] * 1e9 / result[1];
                        cpu.computeIfAbsent(p.getKey(), k -> new double[rounds])[r] = result[2] / 1e3 / result[0];
                        allocated.computeIfAbsent(p.getKey(), k -> new double[rounds])[r] =
                                (double) result[3] / result[0];
                        jit.computeIfAbsent(p.getKey(), k -> new double[rounds])[r] = result[4] * 1e3 / result[0];
                        gc.computeIfAbsent(p.getKey(), k -> new double[rounds])[r] = result[5] * 1e3 / result[0];
                        if (p.getKey().equals("store")) {
                            storeCommands[r] = (double) counter.commands.get() / result[0];
                        }
                    }
                }
                System.out.printf("%-16s %-28s %8s %16s%n", "pattern", "rounds", "median", "store / pattern");
                // the ratios are to the store, or to the first pattern run when the store is not among them
                String base = rates.containsKey("store")
                        ? "store"
                        : rates.keySet().iterator().next();
                double storeMedian = median(rates.get(base));
                for (var e : rates.entrySet()) {
                    double[] v = e.getValue();
                    StringBuilder each = new StringBuilder();
                    for (double x : v) {
                        each.append(each.length() == 0 ? "" : ", ").append(Math.round(x));
                    }
                    double[] perRound = new double[rounds];
                    for (int r = 0; r < rounds; r++) {
                        perRound[r] = rates.get(base)[r] / v[r];
                    }
                    System.out.printf(
                            "%-16s %-28s %8.0f %16.2f   (median of per-round ratios %.2f)%n",
                            e.getKey(), each, median(v), storeMedian / median(v), median(perRound));
                }
                System.out.printf("store round trips per request, per round: %s%n", Arrays.toString(storeCommands));
                // CPU time of the whole process (client and in-process server) per request: unlike the
                // rate, it hardly moves when other processes take the cores
                perRequest(
                        String.format("CPU per request (us, this process: client and server), %d in flight:", inFlight),
                        cpu,
                        base);
                // of which the JIT compiler's time and the collector's pauses (wall time, in us per request)
                perRequest(String.format("JIT compilation per request (us), %d in flight:", inFlight), jit, base);
                perRequest(String.format("GC time per request (us), %d in flight:", inFlight), gc, base);
                // bytes allocated per request, by the client and the server: the work a request
                // makes, which the machine's load does not change at all
                perRequest(
                        String.format(
                                "bytes allocated per request (this process: client and server), %d in flight:",
                                inFlight),
                        allocated,
                        base);
            }

            if (sizeRequests == 0) {
                Mono.from(db.drop()).block();
                return;
            }
            System.out.printf(
                    "%naccount documents after %d chat requests per user over %d users:%n", sizeRequests, SIZE_USERS);
            MongoDatabase sizeDb = client.getDatabase("bk_harness_size_" + System.nanoTime());
            MongoBalanceStore sizeStore = MongoBalanceStore.builder(sizeDb).build();
            sizeStore.ensureIndexes().block();
            BalanceLedger sizeLedger = BalanceLedger.builder()
                    .config(Fixtures.config())
                    .store(sizeStore)
                    .build();
            String[] sizeUsers = Fixtures.users(SIZE_USERS);
            LibreChat sizeLibreChat = LibreChat.create(sizeDb, sizeUsers);
            long started = System.nanoTime();
            // each user's requests one after the other, 32 users at a time, as a chat server sees them
            Flux.fromArray(sizeUsers)
                    .flatMap(u -> Flux.range(0, sizeRequests).concatMap(i -> request(sizeLedger, u)), 32)
                    .blockLast();
            // LibreChat's document does not grow with its requests (a reservation is pulled again): a few suffice
            Flux.fromArray(sizeUsers)
                    .flatMap(
                            u -> Flux.range(0, Math.min(sizeRequests, 10)).concatMap(i -> sizeLibreChat.request2026(u)),
                            32)
                    .blockLast();
            System.out.printf("(%.0f s)%n", (System.nanoTime() - started) / 1e9);
            MongoCollection<BsonDocument> accounts =
                    sizeDb.getCollection(MongoBalanceStore.DEFAULT_BALANCES_COLLECTION, BsonDocument.class);
            System.out.printf("%-34s %10s %10s%n", "documents", "avg bytes", "max bytes");
            long[] at = sizes(accounts);
            System.out.printf("%-34s %10.0f %10d%n", "store, after " + sizeRequests, at[0] / (double) at[1], at[2]);
            // every user is at the same point of the copy cycle: follow each through a whole cycle too
            long sum = 0;
            long count = 0;
            long max = 0;
            for (int i = 0; i < CYCLE; i++) {
                Flux.fromArray(sizeUsers)
                        .flatMap(u -> request(sizeLedger, u), 32)
                        .blockLast();
                long[] s = sizes(accounts);
                sum += s[0];
                count += s[1];
                max = Math.max(max, s[2]);
            }
            System.out.printf(
                    "%-34s %10.0f %10d%n",
                    "store, after " + sizeRequests + " to " + (sizeRequests + CYCLE), sum / (double) count, max);
            long[] lc = sizes(sizeDb.getCollection(LibreChat.BALANCES, BsonDocument.class));
            System.out.printf("%-34s %10.0f %10d%n", "librechat", lc[0] / (double) lc[1], lc[2]);
            long[] fl = sizes(db.getCollection("floor", BsonDocument.class));
            System.out.printf("%-34s %10.0f %10d%n", "floor", fl[0] / (double) fl[1], fl[2]);
            BsonDocument sample = Mono.from(
                            sizeDb.getCollection(MongoBalanceStore.DEFAULT_BALANCES_COLLECTION, BsonDocument.class)
                                    .find()
                                    .first())
                    .block();
            System.out.printf(
                    "%na store account document (%d bytes):%n%s%n",
                    size(sample),
                    sample.toJson(JsonWriterSettings.builder().indent(true).build()));
            Mono.from(db.drop()).block();
            Mono.from(sizeDb.drop()).block();
        } finally {
            client.close();
            server.close();
        }
    }

    private static String pick(String[] users) {
        return users[ThreadLocalRandom.current().nextInt(users.length)];
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }

    private static long size(BsonDocument doc) {
        return doc instanceof RawBsonDocument raw
                ? raw.getByteBuffer().remaining()
                : new RawBsonDocument(doc, new BsonDocumentCodec())
                        .getByteBuffer()
                        .remaining();
    }

    /** The sizes of a collection's documents: {sum, count, max}. */
    private static long[] sizes(MongoCollection<BsonDocument> collection) {
        List<BsonDocument> all = Flux.from(collection.find()).collectList().block();
        long sum = 0;
        long max = 0;
        for (BsonDocument d : all) {
            long s = size(d);
            sum += s;
            max = Math.max(max, s);
        }
        return new long[] {sum, all.size(), max};
    }

    /** One chat request: reserve, then deduct against the hold. */
    private static Mono<?> request(BalanceLedger ledger, String user) {
        return ledger.reserve(BalanceRequest.of(user, Fixtures.MODEL, 100, 100))
                .flatMap(r -> ledger.deduct(
                        ChargeRequest.of(user, Fixtures.MODEL, Fixtures.USAGE).withHold(r.holdId())));
    }

    /**
     * Two single-document writes filtered on {@code _id} and one more condition, and nothing else.
     * They add -1 and +1 to the balance, so the documents are as they were once the request
     * completes, and leave {@code version} alone, so that on the store's own documents the ledger's
     * next write does not conflict.
     */
    private static Mono<?> floorRequest(MongoCollection<Document> docs, String user, FindOneAndUpdateOptions options) {
        return Mono.from(docs.findOneAndUpdate(
                        Filters.and(Filters.eq("_id", user), Filters.gte("version", 0L)),
                        Updates.inc("balance", -1L),
                        options))
                .then(Mono.from(docs.findOneAndUpdate(
                        Filters.and(Filters.eq("_id", user), Filters.gte("version", 0L)),
                        Updates.inc("balance", 1L),
                        options)));
    }

    private static void perRequest(String title, Map<String, double[]> values, String base) {
        System.out.println(title);
        System.out.printf("%-16s %-28s %8s %16s%n", "pattern", "rounds", "median", "pattern / " + base);
        double baseMedian = median(values.get(base));
        for (var e : values.entrySet()) {
            StringBuilder each = new StringBuilder();
            for (double x : e.getValue()) {
                each.append(each.length() == 0 ? "" : ", ").append(Math.round(x));
            }
            System.out.printf(
                    "%-16s %-28s %8.0f %16.2f%n",
                    e.getKey(), each, median(e.getValue()), median(e.getValue()) / baseMedian);
        }
    }

    /**
     * Runs requests with a fixed number in flight for a while; returns {requests, nanos, process
     * CPU nanos, bytes allocated by the threads alive at the end}.
     */
    private static long[] run(int seconds, int inFlight, Supplier<Mono<?>> request) {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        AtomicLong done = new AtomicLong();
        Map<Long, Long> allocatedBefore = allocatedByThread();
        long cpuStart = processCpuNanos();
        long compiledStart = compilationMillis();
        long gcStart = gcMillis();
        long start = System.nanoTime();
        Flux.range(0, inFlight)
                .flatMap(
                        i -> Mono.defer(request)
                                .doOnSuccess(x -> done.incrementAndGet())
                                .repeat(() -> System.nanoTime() < deadline),
                        inFlight)
                .blockLast();
        long nanos = System.nanoTime() - start;
        long cpu = processCpuNanos() - cpuStart;
        long compiled = compilationMillis() - compiledStart;
        long collected = gcMillis() - gcStart;
        long allocated = 0;
        for (var e : allocatedByThread().entrySet()) {
            allocated += e.getValue() - allocatedBefore.getOrDefault(e.getKey(), 0L);
        }
        return new long[] {done.get(), nanos, cpu, allocated, compiled, collected};
    }

    /** Milliseconds the JIT compiler threads have spent compiling, or 0 when the JVM does not tell. */
    private static long compilationMillis() {
        var compilation = ManagementFactory.getCompilationMXBean();
        return compilation != null && compilation.isCompilationTimeMonitoringSupported()
                ? compilation.getTotalCompilationTime()
                : 0;
    }

    /** Milliseconds the garbage collectors have spent collecting, all collectors together. */
    private static long gcMillis() {
        long sum = 0;
        for (var collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            sum += Math.max(0, collector.getCollectionTime());
        }
        return sum;
    }

    private static Map<Long, Long> allocatedByThread() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = threads.getAllThreadIds();
        long[] bytes = threads.getThreadAllocatedBytes(ids);
        Map<Long, Long> out = new java.util.HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] >= 0) {
                out.put(ids[i], bytes[i]);
            }
        }
        return out;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * LibreChat's access pattern for one chat request (prompt and completion spent, no cache), as
     * {@code ../shared/reference/librechat-balance.md} describes its code: balances keyed by an
     * ObjectId with a {@code user} index, one transaction document per token type, and a balance
     * update conditional on the value read, re-read and retried when another write got there first.
     * Retries happen at once (LibreChat waits 50 ms and more), which only flatters it.
     */
    private record LibreChat(
            MongoCollection<Document> balances, MongoCollection<Document> transactions, Map<String, ObjectId> ids) {
        static final String BALANCES = "lc_balances";
        static final String TRANSACTIONS = "lc_transactions";
        private static final int MAX_ATTEMPTS = 10;

        static LibreChat create(MongoDatabase db, String[] users) {
            MongoCollection<Document> balances = db.getCollection(BALANCES);
            MongoCollection<Document> transactions = db.getCollection(TRANSACTIONS);
            Mono.from(balances.createIndexes(List.of(new IndexModel(Indexes.ascending("user")))))
                    .block();
            Mono.from(transactions.createIndexes(List.of(new IndexModel(Indexes.ascending("user")))))
                    .block();
            Map<String, ObjectId> ids = new LinkedHashMap<>();
            List<Document> docs = new ArrayList<>();
            for (String u : users) {
                ObjectId id = new ObjectId();
                ids.put(u, id);
                docs.add(new Document("user", id)
                        .append("tokenCredits", 1_000_000_000_000L)
                        .append("autoRefillEnabled", false)
                        .append("refillIntervalValue", 30)
                        .append("refillIntervalUnit", "days")
                        .append("refillAmount", 0L)
                        .append("lastRefill", new java.util.Date())
                        .append("reservations", new ArrayList<>())
                        .append("reservedCredits", 0L));
            }
            Mono.from(balances.insertMany(docs)).block();
            return new LibreChat(balances, transactions, ids);
        }

        /** Read, reserve, spend prompt and completion, release: 9 round trips uncontended. */
        Mono<?> request2026(String userName) {
            ObjectId user = ids.get(userName);
            String reservation = new ObjectId().toHexString();
            long estimate = 100 * PROMPT_RATE + 100 * COMPLETION_RATE;
            return read(user)
                    .then(Mono.from(balances.updateOne(
                            Filters.and(Filters.eq("user", user), Filters.gte("tokenCredits", estimate)),
                            Updates.combine(
                                    Updates.push(
                                            "reservations",
                                            new Document("id", reservation)
                                                    .append("amount", estimate)
                                                    .append("expiresAt", new java.util.Date())),
                                    Updates.inc("reservedCredits", estimate)))))
                    .then(spend(user, "prompt", -100, PROMPT_RATE))
                    .then(spend(user, "completion", -50, COMPLETION_RATE))
                    .then(Mono.from(balances.updateOne(
                            Filters.eq("user", user),
                            Updates.combine(
                                    Updates.pull("reservations", new Document("id", reservation)),
                                    Updates.inc("reservedCredits", -estimate)))));
        }

        /** Read, spend prompt and completion: 7 round trips uncontended. */
        Mono<?> request2025(String userName) {
            ObjectId user = ids.get(userName);
            return read(user)
                    .then(spend(user, "prompt", -100, PROMPT_RATE))
                    .then(spend(user, "completion", -50, COMPLETION_RATE));
        }

        private Mono<Long> read(ObjectId user) {
            return Mono.from(balances.find(Filters.eq("user", user)).first())
                    .map(d -> ((Number) d.get("tokenCredits")).longValue());
        }

        /** Inserts the transaction, then moves the balance with a conditional update, re-reading on a miss. */
        private Mono<?> spend(ObjectId user, String tokenType, long rawAmount, long rate) {
            long value = rawAmount * rate;
            Document tx = new Document("user", user)
                    .append("conversationId", "conversation")
                    .append("messageId", new ObjectId().toHexString())
                    .append("tokenType", tokenType)
                    .append("model", Fixtures.MODEL)
                    .append("context", "message")
                    .append("valueKey", Fixtures.MODEL)
                    .append("rate", rate)
                    .append("rawAmount", rawAmount)
                    .append("tokenValue", value)
                    .append("createdAt", new java.util.Date())
                    .append("updatedAt", new java.util.Date());
            return Mono.from(transactions.insertOne(tx)).then(updateBalance(user, value, 1));
        }

        private Mono<Object> updateBalance(ObjectId user, long value, int attempt) {
            return read(user)
                    .flatMap(current -> Mono.<Object>from(balances.findOneAndUpdate(
                                    Filters.and(Filters.eq("user", user), Filters.eq("tokenCredits", current)),
                                    Updates.set("tokenCredits", Math.max(0, current + value)),
                                    new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER)))
                            .switchIfEmpty(Mono.defer(() -> attempt < MAX_ATTEMPTS
                                    ? updateBalance(user, value, attempt + 1)
                                    : Mono.error(new IllegalStateException(
                                            "balance update lost " + MAX_ATTEMPTS + " times")))));
        }
    }
}
