package dev.balancekit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.balancekit.BalanceEvent;
import dev.balancekit.BalanceLedger;
import dev.balancekit.BalanceListener;
import dev.balancekit.BalanceRequest;
import dev.balancekit.ChargeRequest;
import dev.balancekit.Credits;
import dev.balancekit.LedgerConfig;
import dev.balancekit.RefillMode;
import dev.balancekit.RefillUnit;
import dev.balancekit.Reservation;
import dev.balancekit.Tier;
import dev.balancekit.Usage;
import dev.balancekit.memory.InMemoryBalanceStore;
import dev.balancekit.memory.ManualClock;
import dev.balancekit.mongo.MongoBalanceStore;
import dev.balancekit.pricing.Multiplier;
import dev.balancekit.pricing.Rate;
import dev.balancekit.spi.BalanceStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class BalanceKitAutoConfigurationTest {

    private static MongoServer server;
    private static MongoClient client;

    private final ApplicationContextRunner runner =
            new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(BalanceKitAutoConfiguration.class));

    @BeforeAll
    static void startMongo() {
        server = new MongoServer(new MemoryBackend());
        server.bind();
        client = MongoClients.create(server.getConnectionString());
    }

    @AfterAll
    static void stopMongo() {
        client.close();
        server.shutdownNow();
    }

    @Test
    void noMongoClient_inMemoryStoreAndWorkingLedger() {
        runner.run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx).getBean(BalanceStore.class).isInstanceOf(InMemoryBalanceStore.class);
            Reservation r = ctx.getBean(BalanceLedger.class)
                    .reserve(BalanceRequest.of("u1", "gpt-4o", 10, 10))
                    .block();
            assertThat(r.isAllowed()).isTrue();
            assertThat(ctx).doesNotHaveBean(MongoStoreLifecycle.class);
        });
    }

    @Test
    void reactiveMongoClientPresent_mongoStoreOnTheInProcessServer_withIndexes() {
        runner.withBean(MongoClient.class, () -> client, b -> b.setDestroyMethodName(""))
                .withPropertyValues("balancekit.mongodb.database=bk_auto")
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(ctx).getBean(BalanceStore.class).isInstanceOf(MongoBalanceStore.class);
                    assertThat(ctx).hasSingleBean(MongoStoreLifecycle.class);
                    ctx.getBean(BalanceLedger.class)
                            .addBalance("alice", Credits.of(5))
                            .block();
                    Document doc = Mono.from(client.getDatabase("bk_auto")
                                    .getCollection(MongoBalanceStore.DEFAULT_BALANCES_COLLECTION)
                                    .find()
                                    .first())
                            .block();
                    assertThat(doc).isNotNull();
                    List<Document> indexes = Flux.from(client.getDatabase("bk_auto")
                                    .getCollection(MongoBalanceStore.DEFAULT_TRANSACTIONS_COLLECTION)
                                    .listIndexes())
                            .collectList()
                            .block();
                    assertThat(indexes).hasSizeGreaterThan(1); // _id plus what ensureIndexes() created at start
                });
    }

    @Test
    void mongodbCollectionProperties_nameTheStoresCollections() {
        runner.withBean(MongoClient.class, () -> client, b -> b.setDestroyMethodName(""))
                .withPropertyValues(
                        "balancekit.mongodb.database=bk_names",
                        "balancekit.mongodb.accounts-collection=chat_accounts",
                        "balancekit.mongodb.entries-collection=chat_entries",
                        "balancekit.mongodb.flush-interval=1h")
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    ctx.getBean(BalanceLedger.class)
                            .addBalance("carol", Credits.of(5))
                            .block();
                    ctx.getBean(MongoBalanceStore.class).flushPending().block();
                    var db = client.getDatabase("bk_names");
                    assertThat(Mono.from(db.getCollection("chat_accounts").countDocuments())
                                    .block())
                            .isEqualTo(1);
                    assertThat(Mono.from(db.getCollection("chat_entries").countDocuments())
                                    .block())
                            .isPositive();
                    assertThat(Flux.from(db.listCollectionNames()).collectList().block())
                            .doesNotContain(
                                    MongoBalanceStore.DEFAULT_BALANCES_COLLECTION,
                                    MongoBalanceStore.DEFAULT_TRANSACTIONS_COLLECTION);
                });
    }

    @Test
    void mongodbCollectionProperty_invalidName_failsStartup_namingTheProperty() {
        runner.withBean(MongoClient.class, () -> client, b -> b.setDestroyMethodName(""))
                .withPropertyValues(
                        "balancekit.mongodb.database=bk_bad_names", "balancekit.mongodb.entries-collection=a$b")
                .run(ctx -> assertThat(messages(ctx)).contains("balancekit.mongodb.entries-collection", "a$b"));
    }

    @Test
    void storeMongodb_withUri_ownClientOnTheInProcessServer() {
        runner.withPropertyValues(
                        "balancekit.store=mongodb",
                        "balancekit.mongodb.uri=" + server.getConnectionString() + "/bk_own")
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(ctx).getBean(BalanceStore.class).isInstanceOf(MongoBalanceStore.class);
                    assertThat(ctx).doesNotHaveBean(MongoClient.class);
                    ctx.getBean(BalanceLedger.class)
                            .addBalance("bob", Credits.of(5))
                            .block();
                    assertThat(Mono.from(client.getDatabase("bk_own")
                                            .getCollection(MongoBalanceStore.DEFAULT_BALANCES_COLLECTION)
                                            .countDocuments())
                                    .block())
                            .isEqualTo(1);
                });
    }

    @Test
    void mongoStore_flushesPendingEntriesOnTheSchedule() {
        runner.withBean(MongoClient.class, () -> client, b -> b.setDestroyMethodName(""))
                .withPropertyValues("balancekit.mongodb.database=bk_flush", "balancekit.mongodb.flush-interval=50ms")
                .run(ctx -> {
                    ctx.getBean(BalanceLedger.class)
                            .addBalance("flo", Credits.of(5))
                            .block();
                    // the start grant and the top-up, pending in the account document until a flush copies them
                    Long copied = Flux.interval(Duration.ofMillis(20))
                            .onBackpressureDrop()
                            .concatMap(t -> Mono.from(client.getDatabase("bk_flush")
                                    .getCollection(MongoBalanceStore.DEFAULT_TRANSACTIONS_COLLECTION)
                                    .countDocuments()))
                            .filter(n -> n == 2)
                            .blockFirst(Duration.ofSeconds(30));
                    assertThat(copied).isEqualTo(2);
                });
    }

    @Test
    void mongoStore_flushesPendingEntriesAtShutdown() {
        runner.withBean(MongoClient.class, () -> client, b -> b.setDestroyMethodName(""))
                .withPropertyValues("balancekit.mongodb.database=bk_shutdown", "balancekit.mongodb.flush-interval=1h")
                .run(ctx -> {
                    ctx.getBean(BalanceLedger.class)
                            .addBalance("sam", Credits.of(5))
                            .block();
                    assertThat(Mono.from(client.getDatabase("bk_shutdown")
                                            .getCollection(MongoBalanceStore.DEFAULT_TRANSACTIONS_COLLECTION)
                                            .countDocuments())
                                    .block())
                            .isZero();
                });
        assertThat(Mono.from(client.getDatabase("bk_shutdown")
                                .getCollection(MongoBalanceStore.DEFAULT_TRANSACTIONS_COLLECTION)
                                .countDocuments())
                        .block())
                .isEqualTo(2);
    }

    @Test
    void storeMemory_withMongoClientPresent_staysInMemory() {
        runner.withBean(MongoClient.class, () -> client, b -> b.setDestroyMethodName(""))
                .withPropertyValues("balancekit.store=memory")
                .run(ctx -> assertThat(ctx).getBean(BalanceStore.class).isInstanceOf(InMemoryBalanceStore.class));
    }

    @Test
    void storeMongodb_withoutClientOrUri_failsNamingTheProperty() {
        runner.withPropertyValues("balancekit.store=mongodb")
                .run(ctx -> assertThat(messages(ctx))
                        .contains("balancekit.store")
                        .contains("mongodb")
                        .contains("balancekit.mongodb.uri"));
    }

    @Test
    void hostBeans_replaceOurs() {
        BalanceStore store = new InMemoryBalanceStore();
        LedgerConfig config = LedgerConfig.builder().startBalance(Credits.of(7)).build();
        runner.withBean(BalanceStore.class, () -> store)
                .withBean(LedgerConfig.class, () -> config)
                .run(ctx -> {
                    assertThat(ctx).getBean(BalanceStore.class).isSameAs(store);
                    assertThat(ctx.getBean(BalanceLedger.class).config()).isSameAs(config);
                });
        BalanceLedger ledger = BalanceLedger.builder().build();
        runner.withBean(BalanceLedger.class, () -> ledger)
                .withBean(BalanceRefusedExceptionHandler.class)
                .run(ctx -> {
                    assertThat(ctx).getBean(BalanceLedger.class).isSameAs(ledger);
                    assertThat(ctx).hasSingleBean(BalanceLedger.class);
                });
    }

    @Test
    void properties_everySetting_reachesTheLedgerConfig() {
        runner.withPropertyValues(
                        "balancekit.enabled=false",
                        "balancekit.start-balance=1234.5",
                        "balancekit.min-balance=10",
                        "balancekit.shortfall.action=allow-negative",
                        "balancekit.shortfall.negative-floor=-500",
                        "balancekit.enforce-for-exempt=true",
                        "balancekit.hold-ttl=PT5M",
                        "balancekit.operations-kept=200",
                        "balancekit.zone=Europe/Berlin",
                        "balancekit.usage-limits.daily=100",
                        "balancekit.usage-limits.monthly-tokens=50000",
                        "balancekit.refill.enabled=true",
                        "balancekit.refill.mode=top-up",
                        "balancekit.refill.interval-value=7",
                        "balancekit.refill.interval-unit=days",
                        "balancekit.refill.amount=3000",
                        "balancekit.prices.unit=usd-per-1m-tokens",
                        "balancekit.prices.default-price.prompt=1",
                        "balancekit.prices.default-price.completion=2",
                        "balancekit.prices.models.my-model.prompt=0.5",
                        "balancekit.prices.models.my-model.completion=1.5",
                        "balancekit.prices.models.my-model.cache-read=0.05",
                        "balancekit.tiers.free.start-balance=50",
                        "balancekit.tiers.free.models.allow=gpt-4o-mini*",
                        "balancekit.tiers.free.shortfall.free-model=gpt-4o-mini",
                        "balancekit.tiers.pro.price-multiplier=0.8",
                        "balancekit.tiers.pro.refill.amount=9000",
                        "balancekit.tiers.staff.exempt=true",
                        "balancekit.tiers.staff.refill.enabled=false",
                        "balancekit.default-tier=free",
                        "balancekit.notifications.balance-below=1000,100",
                        "balancekit.notifications.window-percent=80,95")
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    LedgerConfig c = ctx.getBean(BalanceLedger.class).config();
                    assertThat(c.enabled()).isFalse();
                    assertThat(c.startBalance()).isEqualTo(Credits.parse("1234.5"));
                    assertThat(c.minBalance()).isEqualTo(Credits.of(10));
                    assertThat(c.enforceForExempt()).isTrue();
                    assertThat(c.holdTtl()).isEqualTo(Duration.ofMinutes(5));
                    assertThat(c.operationsKept()).isEqualTo(200);
                    assertThat(c.zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
                    assertThat(c.usageLimits().daily()).isEqualTo(Credits.of(100));
                    assertThat(c.usageLimits().monthlyTokens()).isEqualTo(50_000L);
                    assertThat(c.refill().mode()).isEqualTo(RefillMode.TOP_UP);
                    assertThat(c.refill().intervalValue()).isEqualTo(7);
                    assertThat(c.refill().unit()).isEqualTo(RefillUnit.DAYS);
                    assertThat(c.refill().amount()).isEqualTo(Credits.of(3000));
                    assertThat(c.prices().defaultPrice().prompt()).isEqualTo(Rate.perToken("1"));
                    assertThat(c.prices().match("my-model-2").price().cacheRead())
                            .isEqualTo(Rate.perToken("0.05"));
                    assertThat(c.prices().match("my-model-2").price().completion())
                            .isEqualTo(Rate.perToken("1.5"));
                    assertThat(c.defaultTier()).isEqualTo("free");
                    Tier free = c.tiers().get("free");
                    assertThat(free.startBalance()).isEqualTo(Credits.of(50));
                    assertThat(free.allowsModel("gpt-4o-mini-2024")).isTrue();
                    assertThat(free.allowsModel("gpt-4o")).isFalse();
                    assertThat(free.shortfallPolicy()).isNotNull();
                    Tier pro = c.tiers().get("pro");
                    assertThat(pro.priceMultiplier()).isEqualTo(Multiplier.parse("0.8"));
                    // the tier's refill takes the keys it leaves out from balancekit.refill
                    assertThat(pro.refill().amount()).isEqualTo(Credits.of(9000));
                    assertThat(pro.refill().mode()).isEqualTo(RefillMode.TOP_UP);
                    assertThat(pro.refill().intervalValue()).isEqualTo(7);
                    assertThat(c.tiers().get("staff").exempt()).isTrue();
                    assertThat(c.tiers().get("staff").refillDisabled()).isTrue();
                    assertThat(c.balanceThresholds()).containsExactly(Credits.of(1000), Credits.of(100));
                    assertThat(c.windowThresholds()).containsExactly(80, 95);
                });
    }

    @Test
    void badStartBalance_failsStartUpNamingThePropertyAndValue() {
        runner.withPropertyValues("balancekit.start-balance=-5")
                .run(ctx -> assertThat(messages(ctx))
                        .contains("balancekit.start-balance")
                        .contains("'-5'"));
    }

    @Test
    void shortHoldTtl_failsStartUpNamingThePropertyAndValue() {
        runner.withPropertyValues("balancekit.hold-ttl=1s")
                .run(ctx -> assertThat(messages(ctx))
                        .contains("balancekit.hold-ttl")
                        .contains("'PT1S'")
                        .contains("holdTtl must be at least"));
    }

    @Test
    void unknownRefillUnit_failsStartUpNamingThePropertyAndValue() {
        runner.withPropertyValues("balancekit.refill.interval-unit=fortnights")
                .run(ctx -> assertThat(messages(ctx))
                        .contains("balancekit.refill.interval-unit")
                        .contains("fortnights"));
    }

    @Test
    void tooPreciseRate_failsStartUpNamingThePropertyAndValue() {
        runner.withPropertyValues(
                        "balancekit.prices.models.m.prompt=0.0000001", "balancekit.prices.models.m.completion=1")
                .run(ctx -> assertThat(messages(ctx))
                        .contains("balancekit.prices.models.m.prompt")
                        .contains("0.0000001"));
    }

    @Test
    void freeModelActionWithoutModel_failsStartUpNamingTheProperty() {
        runner.withPropertyValues("balancekit.shortfall.action=free-model")
                .run(ctx -> assertThat(messages(ctx))
                        .contains("balancekit.shortfall.free-model")
                        .contains("required"));
    }

    @Test
    void unknownDefaultTier_failsStartUpNamingThePropertyAndValue() {
        runner.withPropertyValues("balancekit.default-tier=gold")
                .run(ctx -> assertThat(messages(ctx))
                        .contains("balancekit.default-tier")
                        .contains("gold"));
    }

    @Test
    void configFile_configuresTheLedger_andAChangeIsReloaded(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("librechat.yaml");
        Files.writeString(file, "balance:\n  enabled: true\n  startBalance: 300\n");
        runner.withPropertyValues("balancekit.config-file=" + file).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            BalanceLedger ledger = ctx.getBean(BalanceLedger.class);
            assertThat(ledger.config().startBalance()).isEqualTo(Credits.of(300));
            Files.writeString(file, "balance:\n  enabled: true\n  startBalance: 400\n");
            var watcher = (dev.balancekit.yaml.YamlConfigWatcher) ctx.getBean("balanceKitConfigWatcher");
            watcher.checkNow();
            assertThat(ledger.config().startBalance()).isEqualTo(Credits.of(400));
        });
    }

    @Test
    void configFileWithErrors_failsStartUp(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("librechat.yaml");
        Files.writeString(file, "balance:\n  startBalence: 300\n");
        runner.withPropertyValues("balancekit.config-file=" + file)
                .run(ctx -> assertThat(messages(ctx)).contains("balance.startBalence is not a known key"));
    }

    @Test
    void health_upWithConfigSource_downWhenTheStoreFails_andReportsARejectedReload(@TempDir Path dir)
            throws IOException {
        runner.run(ctx -> {
            Health h = ctx.getBean(BalanceKitHealthIndicator.class).health().block();
            assertThat(h.getStatus()).isEqualTo(Status.UP);
            assertThat(h.getDetails()).containsEntry("config", "properties");
        });
        BalanceStore broken = new BalanceStore() {
            @Override
            public Mono<dev.balancekit.spi.StoredAccount> load(String user) {
                return Mono.error(new IllegalStateException("store down"));
            }

            @Override
            public Mono<dev.balancekit.spi.CasResult> compareAndSet(
                    String user,
                    long expectedVersion,
                    dev.balancekit.spi.AccountState next,
                    List<dev.balancekit.LedgerEntry> entries) {
                return Mono.error(new IllegalStateException("store down"));
            }

            @Override
            public Flux<dev.balancekit.LedgerEntry> history(String user, dev.balancekit.HistoryQuery query) {
                return Flux.error(new IllegalStateException("store down"));
            }

            @Override
            public Mono<dev.balancekit.Page<dev.balancekit.spi.AccountState>> accounts(dev.balancekit.ListQuery query) {
                return Mono.error(new IllegalStateException("store down"));
            }
        };
        runner.withBean(BalanceStore.class, () -> broken)
                .run(ctx -> assertThat(ctx.getBean(BalanceKitHealthIndicator.class)
                                .health()
                                .block()
                                .getStatus())
                        .isEqualTo(Status.DOWN));

        Path file = dir.resolve("librechat.yaml");
        Files.writeString(file, "balance:\n  enabled: true\n");
        BlockingQueue<BalanceEvent> events = new LinkedBlockingQueue<>();
        runner.withPropertyValues("balancekit.config-file=" + file)
                .withBean(BalanceListener.class, () -> events::add)
                .run(ctx -> {
                    Files.writeString(file, "balance:\n  enabled: maybe\n");
                    ((dev.balancekit.yaml.YamlConfigWatcher) ctx.getBean("balanceKitConfigWatcher")).checkNow();
                    // the status learns of the rejection on the ledger's event thread, before the later listeners
                    assertThat(events.poll(10, TimeUnit.SECONDS)).isInstanceOf(BalanceEvent.ConfigRejected.class);
                    Health h = ctx.getBean(BalanceKitHealthIndicator.class)
                            .health()
                            .block();
                    assertThat(h.getStatus()).isEqualTo(Status.UP);
                    assertThat(h.getDetails())
                            .containsEntry("config", file.toString())
                            .containsEntry("lastReloadOutcome", "rejected");
                    assertThat(h.getDetails().get("lastReloadError").toString())
                            .contains("balance.enabled must be true or false");
                });
    }

    @Test
    void meterRegistryBean_isBoundToTheLedger() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        runner.withBean(MeterRegistry.class, () -> registry).run(ctx -> {
            ctx.getBean(BalanceLedger.class)
                    .reserve(BalanceRequest.of("u", "gpt-4o", 1, 1))
                    .block();
            assertThat(registry.find("balance.checks").counter()).isNotNull();
            assertThat(registry.find("balance.checks").counter().count()).isEqualTo(1.0);
        });
    }

    @Test
    void listenerAndCustomizerBeans_areAppliedToTheLedger() {
        ManualClock clock = new ManualClock(Instant.parse("2026-03-01T10:00:00Z"));
        List<BalanceEvent> events = new ArrayList<>();
        runner.withBean(BalanceListener.class, () -> events::add)
                .withBean(
                        BalanceLedgerBuilderCustomizer.class,
                        () -> b -> b.clock(clock).eventExecutor(Runnable::run))
                .run(ctx -> {
                    BalanceLedger ledger = ctx.getBean(BalanceLedger.class);
                    Reservation r = ledger.reserve(BalanceRequest.of("u", "gpt-4o", 1, 1))
                            .block();
                    assertThat(r.hold().createdAt()).isEqualTo(clock.instant());
                    ledger.deduct(ChargeRequest.of("u", "gpt-4o", Usage.of(1, 1))
                                    .withHold(r.holdId()))
                            .block();
                    assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOf(BalanceEvent.Charged.class));
                });
    }

    @Test
    void exceptionHandler_onlyInWebApplications() {
        runner.run(ctx -> assertThat(ctx).doesNotHaveBean(BalanceRefusedExceptionHandler.class));
        new ReactiveWebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(BalanceKitAutoConfiguration.class))
                .run(ctx -> assertThat(ctx).hasSingleBean(BalanceRefusedExceptionHandler.class));
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(BalanceKitAutoConfiguration.class))
                .run(ctx -> assertThat(ctx).hasSingleBean(BalanceRefusedExceptionHandler.class));
    }

    /** Every message in the start-up failure's cause chain. */
    private static String messages(AssertableApplicationContext ctx) {
        assertThat(ctx).hasFailed();
        StringBuilder sb = new StringBuilder();
        for (Throwable t = ctx.getStartupFailure(); t != null; t = t.getCause()) {
            sb.append(t.getMessage()).append('\n');
        }
        return sb.toString();
    }
}
