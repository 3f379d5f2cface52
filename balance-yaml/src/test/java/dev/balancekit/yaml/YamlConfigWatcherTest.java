package dev.balancekit.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancekit.BalanceEvent;
import dev.balancekit.BalanceLedger;
import dev.balancekit.Credits;
import dev.balancekit.LedgerConfig;
import dev.balancekit.yaml.YamlConfigWatcher.CheckResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Reloading a changed file into a running ledger, or keeping the old config when the new one is invalid. */
class YamlConfigWatcherTest {

    private static final String V1 = "balance:\n  enabled: true\n  startBalance: 1000\n";
    private static final String V2 = "balance:\n  enabled: true\n  startBalance: 2000\n";
    private static final String BROKEN = "balance:\n  enabled: true\n  startBalance: -5\n  refillAmount: lots\n";

    @TempDir
    Path dir;

    private Path file;
    private final List<BalanceEvent> events = new CopyOnWriteArrayList<>();
    private BalanceLedger ledger;

    @BeforeEach
    void setUp() throws Exception {
        file = dir.resolve("librechat.yaml");
        Files.writeString(file, V1);
        LedgerConfig initial = YamlLedgerConfig.load(file, Map.of());
        ledger = BalanceLedger.builder()
                .config(initial)
                .listener(events::add)
                .eventExecutor(Runnable::run)
                .build();
    }

    private YamlConfigWatcher manualWatcher() {
        return YamlConfigWatcher.builder(file, ledger)
                .environment(Map.of())
                .background(false)
                .start();
    }

    @Test
    void unchangedFile_changesNothing() throws Exception {
        try (YamlConfigWatcher watcher = manualWatcher()) {
            assertThat(watcher.checkNow()).isEqualTo(CheckResult.UNCHANGED);
            Files.writeString(file, V1); // rewritten with the same content
            assertThat(watcher.checkNow()).isEqualTo(CheckResult.UNCHANGED);
        }
        assertThat(events).isEmpty();
    }

    @Test
    void validChange_isHandedToTheLedger() throws Exception {
        LedgerConfig before = ledger.config();
        try (YamlConfigWatcher watcher = manualWatcher()) {
            Files.writeString(file, V2);
            assertThat(watcher.checkNow()).isEqualTo(CheckResult.RELOADED);
            assertThat(watcher.checkNow()).isEqualTo(CheckResult.UNCHANGED);
        }
        assertThat(ledger.config()).isNotSameAs(before);
        assertThat(ledger.config().startBalance()).isEqualTo(Credits.of(2000));
        // the running ledger uses it: a new account starts with the new start balance
        ledger.blocking().checkBalance("alice", "gpt-4o", 10, 10);
        assertThat(ledger.blocking().balance("alice").orElseThrow().balance()).isEqualTo(Credits.of(2000));
        assertThat(events)
                .singleElement()
                .isInstanceOfSatisfying(
                        BalanceEvent.ConfigReloaded.class,
                        e -> assertThat(e.source()).isEqualTo("librechat.yaml"));
    }

    @Test
    void invalidChange_keepsTheOldConfigAndReportsEveryProblem() throws Exception {
        LedgerConfig before = ledger.config();
        try (YamlConfigWatcher watcher = manualWatcher()) {
            Files.writeString(file, BROKEN);
            assertThat(watcher.checkNow()).isEqualTo(CheckResult.REJECTED);
            assertThat(watcher.checkNow()).isEqualTo(CheckResult.UNCHANGED);
        }
        assertThat(ledger.config()).isSameAs(before);
        assertThat(events).singleElement().isInstanceOfSatisfying(BalanceEvent.ConfigRejected.class, e -> {
            assertThat(e.source()).isEqualTo("librechat.yaml");
            assertThat(e.problems())
                    .containsExactly(
                            "balance.startBalance must be zero or more, was -5 (librechat.yaml:3:17)",
                            "balance.refillAmount must be a plain decimal number, was 'lots' (librechat.yaml:4:17)");
        });
    }

    @Test
    void fixedAfterAnInvalidChange_isReloaded() throws Exception {
        try (YamlConfigWatcher watcher = manualWatcher()) {
            Files.writeString(file, BROKEN);
            assertThat(watcher.checkNow()).isEqualTo(CheckResult.REJECTED);
            Files.writeString(file, V2);
            assertThat(watcher.checkNow()).isEqualTo(CheckResult.RELOADED);
            Files.writeString(file, V1);
            assertThat(watcher.checkNow()).isEqualTo(CheckResult.RELOADED);
        }
        assertThat(ledger.config().startBalance()).isEqualTo(Credits.of(1000));
        assertThat(events).hasSize(3);
        assertThat(events.get(0)).isInstanceOf(BalanceEvent.ConfigRejected.class);
        assertThat(events.get(1)).isInstanceOf(BalanceEvent.ConfigReloaded.class);
        assertThat(events.get(2)).isInstanceOf(BalanceEvent.ConfigReloaded.class);
    }

    @Test
    void deletedFile_isRejectedOnce_andReloadedWhenItComesBack() throws Exception {
        LedgerConfig before = ledger.config();
        try (YamlConfigWatcher watcher = manualWatcher()) {
            Files.delete(file);
            assertThat(watcher.checkNow()).isEqualTo(CheckResult.REJECTED);
            assertThat(watcher.checkNow()).isEqualTo(CheckResult.UNCHANGED);
            assertThat(ledger.config()).isSameAs(before);
            Files.writeString(file, V2);
            assertThat(watcher.checkNow()).isEqualTo(CheckResult.RELOADED);
        }
        assertThat(events.get(0))
                .isInstanceOfSatisfying(
                        BalanceEvent.ConfigRejected.class,
                        e -> assertThat(e.problems())
                                .containsExactly(
                                        "the file does not exist: " + file.toAbsolutePath() + " (librechat.yaml)"));
        assertThat(ledger.config().startBalance()).isEqualTo(Credits.of(2000));
    }

    @Test
    void environment_isUsedForReloads() throws Exception {
        try (YamlConfigWatcher watcher = YamlConfigWatcher.builder(file, ledger)
                .environment(Map.of("START", "4321"))
                .background(false)
                .start()) {
            Files.writeString(file, "balance: {enabled: true, startBalance: '${START}'}\n");
            assertThat(watcher.checkNow()).isEqualTo(CheckResult.RELOADED);
        }
        assertThat(ledger.config().startBalance()).isEqualTo(Credits.of(4321));
    }

    @Test
    void backgroundThread_reloadsAReplacedFile() throws Exception {
        CountDownLatch reloaded = new CountDownLatch(1);
        BalanceLedger watched = BalanceLedger.builder()
                .config(ledger.config())
                .eventExecutor(Runnable::run)
                .listener(e -> {
                    if (e instanceof BalanceEvent.ConfigReloaded) {
                        reloaded.countDown();
                    }
                })
                .build();
        try (YamlConfigWatcher watcher =
                YamlConfigWatcher.builder(file, watched).environment(Map.of()).start()) {
            // as editors save: write a new file beside it, then move it over the old one
            Path next = dir.resolve("librechat.yaml.tmp");
            Files.writeString(next, V2);
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            assertThat(reloaded.await(30, TimeUnit.SECONDS))
                    .as("reloaded within 30 s")
                    .isTrue();
            assertThat(watched.config().startBalance()).isEqualTo(Credits.of(2000));
            assertThat(watcher.checkNow()).isEqualTo(CheckResult.UNCHANGED);
        }
    }

    /** An environment whose variable {@code FAIL} cannot be read: the loader fails, not the file. */
    private static Map<String, String> failingEnvironment(Supplier<Throwable> failure) {
        return new AbstractMap<>() {
            @Override
            public String get(Object key) {
                if ("FAIL".equals(key)) {
                    Throwable t = failure.get();
                    if (t instanceof Error error) {
                        throw error;
                    }
                    throw (RuntimeException) t;
                }
                return null;
            }

            @Override
            public Set<Map.Entry<String, String>> entrySet() {
                return Set.of();
            }
        };
    }

    static Stream<Supplier<Throwable>> loaderFailures() {
        return Stream.of(
                () -> new IllegalStateException("boom"),
                StackOverflowError::new,
                () -> new OutOfMemoryError("Java heap space"));
    }

    @ParameterizedTest
    @MethodSource("loaderFailures")
    void loaderFailure_isRejected_andTheNextChangeIsReloaded(Supplier<Throwable> failure) throws Exception {
        LedgerConfig before = ledger.config();
        Throwable expected = failure.get();
        try (YamlConfigWatcher watcher = YamlConfigWatcher.builder(file, ledger)
                .environment(failingEnvironment(failure))
                .background(false)
                .start()) {
            Files.writeString(file, "balance: {enabled: true, startBalance: '${FAIL}'}\n");
            assertThat(watcher.checkNow()).isEqualTo(CheckResult.REJECTED);
            assertThat(watcher.checkNow()).isEqualTo(CheckResult.UNCHANGED);
            assertThat(ledger.config()).isSameAs(before);
            Files.writeString(file, V2);
            assertThat(watcher.checkNow()).isEqualTo(CheckResult.RELOADED);
        }
        assertThat(ledger.config().startBalance()).isEqualTo(Credits.of(2000));
        assertThat(events.get(0))
                .isInstanceOfSatisfying(
                        BalanceEvent.ConfigRejected.class,
                        e -> assertThat(e.problems())
                                .containsExactly("the file could not be loaded: " + expected + " (librechat.yaml)"));
    }

    @Test
    void backgroundThread_keepsWatchingAfterAStackOverflowInAReload() throws Exception {
        CountDownLatch rejected = new CountDownLatch(1);
        CountDownLatch reloaded = new CountDownLatch(1);
        BalanceLedger watched = BalanceLedger.builder()
                .config(ledger.config())
                .eventExecutor(Runnable::run)
                .listener(e -> {
                    if (e instanceof BalanceEvent.ConfigRejected) {
                        rejected.countDown();
                    } else if (e instanceof BalanceEvent.ConfigReloaded) {
                        reloaded.countDown();
                    }
                })
                .build();
        try (YamlConfigWatcher watcher = YamlConfigWatcher.builder(file, watched)
                .environment(failingEnvironment(StackOverflowError::new))
                .start()) {
            Files.writeString(file, "balance: {enabled: true, startBalance: '${FAIL}'}\n");
            assertThat(rejected.await(30, TimeUnit.SECONDS))
                    .as("rejected within 30 s")
                    .isTrue();
            Files.writeString(file, V2);
            assertThat(reloaded.await(30, TimeUnit.SECONDS))
                    .as("reloaded within 30 s")
                    .isTrue();
            assertThat(watched.config().startBalance()).isEqualTo(Credits.of(2000));
            assertThat(watcher.checkNow()).isEqualTo(CheckResult.UNCHANGED);
        }
    }

    @Test
    void aliasBomb_isRejectedWithOneProblem_andTheWatcherGoesOn() throws Exception {
        try (YamlConfigWatcher watcher = manualWatcher()) {
            Files.writeString(file, HostileInputTest.longValueAliased(100_000, 2_000));
            assertThat(watcher.checkNow()).isEqualTo(CheckResult.REJECTED);
            Files.writeString(file, V2);
            assertThat(watcher.checkNow()).isEqualTo(CheckResult.RELOADED);
        }
        assertThat(events.get(0))
                .isInstanceOfSatisfying(
                        BalanceEvent.ConfigRejected.class,
                        e -> assertThat(e.problems())
                                .singleElement()
                                .asString()
                                .startsWith("the file's aliases expand it to more than 1048576 characters"));
    }

    @Test
    void close_twiceIsHarmless() {
        YamlConfigWatcher watcher = YamlConfigWatcher.start(file, ledger);
        watcher.close();
        watcher.close();
        assertThat(watcher.checkNow()).isEqualTo(CheckResult.UNCHANGED);
    }
}
