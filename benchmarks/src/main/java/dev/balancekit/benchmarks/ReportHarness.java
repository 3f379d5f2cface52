package dev.balancekit.benchmarks;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;
import dev.balancekit.BalanceLedger;
import dev.balancekit.ChargeRequest;
import dev.balancekit.Credits;
import dev.balancekit.LedgerConfig;
import dev.balancekit.Usage;
import dev.balancekit.UsageDimension;
import dev.balancekit.UsageQuery;
import dev.balancekit.UsageReport;
import dev.balancekit.mongo.MongoBalanceStore;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import org.bson.Document;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Time and memory of usage reports over a million ledger entries in the MongoDB store: 1,000 users,
 * 8 models, 30 days. The entries are written straight into the transactions collection in the
 * store's documented shape (writing them through the ledger would take an hour on the in-process
 * server), then 1,000 chat requests of 100 other users go through the ledger, so that the outbox
 * holds pending entries, which every report must count too.
 *
 * <p>Each report runs {@code rounds} times; the harness prints every time, the median, the heap in
 * use after a collection before and after the reports, and the bytes allocated by all threads during
 * one report (client and in-process server together: they share the JVM).
 *
 * <p>Runs against an in-process mongo-java-server, or the server named by {@code MONGODB_URI}.
 * Usage: {@code java -Xmx6g -cp benchmarks/target/benchmarks.jar dev.balancekit.benchmarks.ReportHarness [entries] [rounds]}.
 */
public final class ReportHarness {
    private static final int USERS = 1000;
    private static final String[] MODELS = {
        "gpt-4o",
        "gpt-4o-mini",
        "o3",
        "claude-sonnet-4",
        "claude-haiku-4",
        "gemini-2.5-pro",
        "gemini-2.5-flash",
        "deepseek-chat"
    };
    private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
    private static final int DAYS = 30;
    private static final int BATCH = 10_000;

    private ReportHarness() {}

    /**
     * Runs the harness.
     *
     * @param args entries (default 1,000,000) and rounds per report (default 5)
     */
    public static void main(String[] args) {
        int entries = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        HarnessServer server = HarnessServer.start();
        MongoClient client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(server.uri()))
                .applyToSocketSettings(s -> s.readTimeout(10, java.util.concurrent.TimeUnit.MINUTES))
                .build());
        try {
            MongoDatabase db = client.getDatabase("bk_reports_" + System.nanoTime());
            MongoBalanceStore store = MongoBalanceStore.builder(db).build();
            store.ensureIndexes().block();
            long t0 = System.nanoTime();
            load(db.getCollection(MongoBalanceStore.DEFAULT_TRANSACTIONS_COLLECTION), entries);
            System.out.printf(Locale.ROOT, "loaded %,d entries in %.1f s%n", entries, (System.nanoTime() - t0) / 1e9);
            BalanceLedger ledger = BalanceLedger.builder()
                    .config(LedgerConfig.builder()
                            .startBalance(Credits.of(20_000))
                            .build())
                    .store(store)
                    .clock(java.time.Clock.fixed(START.plus(Duration.ofDays(DAYS - 1)), java.time.ZoneOffset.UTC))
                    .build();
            Flux.range(0, 1000)
                    .concatMap(i -> ledger.deduct(
                            ChargeRequest.of("live-" + (i % 100), MODELS[i % MODELS.length], Usage.of(100, 50))))
                    .blockLast();
            long pending = Flux.from(db.getCollection(MongoBalanceStore.DEFAULT_BALANCES_COLLECTION)
                            .find(new Document("pending", new Document("$gt", new org.bson.types.Binary(new byte[0])))))
                    .map(d -> (long) d.getList("pending", Object.class).size())
                    .reduce(0L, Long::sum)
                    .block();
            System.out.printf(Locale.ROOT, "pending entries in the outbox: %,d%n", pending);

            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            System.gc();
            long heapBefore = memory.getHeapMemoryUsage().getUsed();
            Instant since = START;
            Instant until = START.plus(Duration.ofDays(DAYS));
            List<UsageQuery> queries = List.of(
                    UsageQuery.of().between(since, until),
                    UsageQuery.of(UsageDimension.DAY, UsageDimension.MODEL)
                            .between(since, until)
                            .withLimit(UsageQuery.MAX_LIMIT),
                    UsageQuery.of(UsageDimension.USER).between(since, until).withLimit(10),
                    UsageQuery.of(UsageDimension.USER, UsageDimension.MODEL)
                            .between(since, until)
                            .withLimit(10),
                    UsageQuery.of(UsageDimension.TIER, UsageDimension.MODEL).between(since, until));
            System.out.printf(
                    "%-22s %8s %10s %-40s %10s %14s%n",
                    "grouped by", "groups", "median ms", "all runs (ms)", "entries", "allocated MB");
            for (UsageQuery q : queries) {
                long[] times = new long[rounds];
                UsageReport last = null;
                long allocated = 0;
                for (int r = 0; r < rounds; r++) {
                    long a = allocatedBytes();
                    long s = System.nanoTime();
                    last = ledger.usageReport(q).block();
                    times[r] = (System.nanoTime() - s) / 1_000_000;
                    allocated = allocatedBytes() - a;
                }
                long[] sorted = times.clone();
                Arrays.sort(sorted);
                System.out.printf(
                        Locale.ROOT,
                        "%-22s %8d %10d %-40s %,10d %14.1f%n",
                        q.by().isEmpty() ? "(totals)" : q.by().toString().toLowerCase(Locale.ROOT),
                        last.groupCount(),
                        sorted[rounds / 2],
                        Arrays.toString(times),
                        last.totals().entries(),
                        allocated / 1e6);
            }
            System.gc();
            long heapAfter = memory.getHeapMemoryUsage().getUsed();
            System.out.printf(
                    Locale.ROOT,
                    "heap in use after GC: %.0f MB before the reports, %.0f MB after%n",
                    heapBefore / 1e6,
                    heapAfter / 1e6);
            Mono.from(db.drop()).block();
        } finally {
            client.close();
            server.close();
        }
    }

    /** Bytes allocated so far by all live threads. */
    private static long allocatedBytes() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = threads.getAllThreadIds();
        long sum = 0;
        for (long b : threads.getThreadAllocatedBytes(ids)) {
            sum += Math.max(0, b);
        }
        return sum;
    }

    /**
     * Writes entries in the transactions collection's shape (docs/mongodb.md): per user a start
     * balance, then prompt and completion pairs spread over the days, each with its running balance.
     */
    private static void load(MongoCollection<Document> transactions, int entries) {
        int perUser = Math.max(3, entries / USERS);
        List<Document> batch = new ArrayList<>(BATCH);
        long written = 0;
        for (int u = 0; u < USERS && written < entries; u++) {
            String user = "user-" + u;
            long balance = 0;
            for (int seq = 1; seq <= perUser && written < entries; seq++, written++) {
                Document d;
                if (seq == 1) {
                    balance = 20_000_000_000L; // 20,000 credits
                    d = entry(
                            user,
                            "startBalance",
                            seq,
                            "credits",
                            balance,
                            1_000_000_000L,
                            balance,
                            "startBalance",
                            null,
                            balance,
                            START);
                } else {
                    int pair = (seq - 2) / 2;
                    boolean prompt = seq % 2 == 0;
                    String model = MODELS[(u + pair) % MODELS.length];
                    long tokens = prompt ? 200 + (pair * 37L + u) % 800 : 50 + (pair * 13L + u) % 300;
                    long rate = prompt ? 2_500_000_000L : 10_000_000_000L; // 2.5 and 10 credits per token
                    long value = -(tokens * rate / 1000);
                    balance += value;
                    Instant at =
                            START.plusSeconds((long) pair * DAYS * 86_400L / Math.max(1, (perUser - 1) / 2) + u % 3600);
                    d = entry(
                            user,
                            "op" + pair + "#" + seq,
                            seq,
                            prompt ? "prompt" : "completion",
                            -tokens,
                            rate,
                            value,
                            pair % 10 == 0 ? "title" : "message",
                            model,
                            balance,
                            at);
                }
                batch.add(d);
                if (batch.size() == BATCH) {
                    Mono.from(transactions.insertMany(batch, new InsertManyOptions().ordered(false)))
                            .block();
                    batch = new ArrayList<>(BATCH);
                }
            }
        }
        if (!batch.isEmpty()) {
            Mono.from(transactions.insertMany(batch, new InsertManyOptions().ordered(false)))
                    .block();
        }
    }

    private static Document entry(
            String user,
            String id,
            long seq,
            String tokenType,
            long rawAmount,
            long rate,
            long tokenValue,
            String context,
            String model,
            long balance,
            Instant at) {
        Document d = new Document("_id", new Document("u", user).append("e", id))
                .append("id", id)
                .append("seq", seq)
                .append("user", user)
                .append("tokenType", tokenType)
                .append("rawAmount", rawAmount)
                .append("rate", rate)
                .append("tokenValue", tokenValue)
                .append("context", context);
        if (model != null) {
            d.append("model", model).append("valueKey", model);
        }
        return d.append("balance", balance)
                .append("createdAt", Date.from(at))
                .append("inputTokens", "prompt".equals(tokenType) ? -rawAmount : 0L)
                .append("writeTokens", 0L)
                .append("readTokens", 0L);
    }
}
