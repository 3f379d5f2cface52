package dev.balancekit.benchmarks;

import dev.balancekit.BalanceRequest;
import dev.balancekit.BlockingBalanceLedger;
import dev.balancekit.ChargeRequest;
import dev.balancekit.Receipt;
import dev.balancekit.Reservation;
import dev.balancekit.memory.InMemoryBalanceStore;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One chat request (reserve + deduct) as the store grows: with more accounts, and with longer
 * histories per account. The cost per request should stay flat.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms12g", "-Xmx12g"})
public class ScalingBenchmark {

    /** Many accounts with short histories. */
    @State(Scope.Benchmark)
    public static class Accounts {
        @Param({"1000", "100000", "1000000"})
        int accounts;

        BlockingBalanceLedger ledger;
        String[] ids;
        ConcurrentHashMap<String, Long> baseline;

        @Setup(Level.Trial)
        public void setUp() {
            ledger = Fixtures.ledger(new InMemoryBalanceStore());
            ids = Fixtures.users(accounts);
            Fixtures.fill(ledger, ids, 10);
            baseline = new ConcurrentHashMap<>();
            for (String id : ids) {
                baseline.put(id, 0L);
            }
        }
    }

    /** A few accounts with long histories. */
    @State(Scope.Benchmark)
    public static class History {
        @Param({"10", "1000", "100000"})
        int entriesPerAccount;

        BlockingBalanceLedger ledger;
        String[] ids;

        @Setup(Level.Trial)
        public void setUp() {
            ledger = Fixtures.ledger(new InMemoryBalanceStore());
            ids = Fixtures.users(20);
            Fixtures.fill(ledger, ids, entriesPerAccount);
        }
    }

    private static Receipt request(BlockingBalanceLedger ledger, String[] ids) {
        String user = ids[ThreadLocalRandom.current().nextInt(ids.length)];
        Reservation r = ledger.reserve(BalanceRequest.of(user, Fixtures.MODEL, 100, 100));
        return ledger.deduct(
                ChargeRequest.of(user, Fixtures.MODEL, Fixtures.USAGE).withHold(r.holdId()));
    }

    @Benchmark
    public Receipt requestByAccounts(Accounts s) {
        return request(s.ledger, s.ids);
    }

    /**
     * The same keys in a plain map, two computes per request: how the memory hierarchy alone
     * changes the cost of touching one random account among more.
     */
    @Benchmark
    public Long baselineByAccounts(Accounts s) {
        String user = s.ids[ThreadLocalRandom.current().nextInt(s.ids.length)];
        s.baseline.compute(user, (k, v) -> v + 1);
        return s.baseline.compute(user, (k, v) -> v - 1);
    }

    @Benchmark
    public Receipt requestByHistory(History s) {
        return request(s.ledger, s.ids);
    }
}
