package dev.balancekit.benchmarks;

import dev.balancekit.BalanceDecision;
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
 * The ledger on the in-memory store, through its public API: a check, one chat request (reserve +
 * deduct), and a deduct alone, uncontended (100,000 users) and contended (one user), next to the
 * baseline no store can beat: {@code ConcurrentHashMap.compute} adding a {@code long} on the same keys.
 *
 * <p>Run with {@code -t 1} and {@code -t 2}; see docs/benchmarks.md.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@State(Scope.Benchmark)
public class LedgerBenchmark {

    @Param({"100000", "1"})
    int users;

    BlockingBalanceLedger ledger;
    String[] ids;
    ConcurrentHashMap<String, Long> baseline;

    @Setup(Level.Trial)
    public void setUp() {
        ledger = Fixtures.ledger(new InMemoryBalanceStore());
        ids = Fixtures.users(users);
        Fixtures.fill(ledger, ids, 1);
        baseline = new ConcurrentHashMap<>();
        for (String id : ids) {
            baseline.put(id, 0L);
        }
    }

    private String anyUser() {
        return users == 1 ? ids[0] : ids[ThreadLocalRandom.current().nextInt(users)];
    }

    @Benchmark
    public BalanceDecision checkBalance() {
        return ledger.checkBalance(anyUser(), Fixtures.MODEL, 100, 100);
    }

    @Benchmark
    public Receipt reserveAndDeduct() {
        String user = anyUser();
        Reservation r = ledger.reserve(BalanceRequest.of(user, Fixtures.MODEL, 100, 100));
        return ledger.deduct(
                ChargeRequest.of(user, Fixtures.MODEL, Fixtures.USAGE).withHold(r.holdId()));
    }

    @Benchmark
    public Receipt deduct() {
        return ledger.deduct(ChargeRequest.of(anyUser(), Fixtures.MODEL, Fixtures.USAGE));
    }

    /** Two map updates: the floor under one request (a hold and a charge). */
    @Benchmark
    public Long baselineTwoComputes() {
        String user = anyUser();
        baseline.compute(user, (k, v) -> v + 1);
        return baseline.compute(user, (k, v) -> v - 1);
    }
}
