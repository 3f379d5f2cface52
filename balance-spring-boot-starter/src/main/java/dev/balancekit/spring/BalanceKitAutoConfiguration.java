package dev.balancekit.spring;

import com.mongodb.ConnectionString;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoDatabase;
import dev.balancekit.BalanceLedger;
import dev.balancekit.BalanceListener;
import dev.balancekit.LedgerConfig;
import dev.balancekit.memory.InMemoryBalanceStore;
import dev.balancekit.mongo.MongoBalanceStore;
import dev.balancekit.spi.BalanceStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Auto-configures BalanceKit in a Spring Boot application: a {@link BalanceLedger} configured from
 * the {@code balancekit.*} properties or a {@code librechat.yaml} ({@code balancekit.config-file},
 * reloaded on change), on the MongoDB store when the application has a reactive MongoDB client (or
 * {@code balancekit.store=mongodb}) and in memory otherwise, with the application's
 * {@code MeterRegistry}, a health contributor and the HTTP 402 answer to a refusal. Every bean backs
 * off when the application defines one of the same type.
 */
@AutoConfiguration(afterName = "org.springframework.boot.mongodb.autoconfigure.MongoReactiveAutoConfiguration")
@EnableConfigurationProperties(BalanceKitProperties.class)
@Import({
    BalanceKitAutoConfiguration.MongoStoreConfiguration.class,
    BalanceKitAutoConfiguration.YamlReloadConfiguration.class,
    BalanceKitAutoConfiguration.MetricsConfiguration.class,
    BalanceKitAutoConfiguration.HealthConfiguration.class,
    BalanceKitAutoConfiguration.WebConfiguration.class
})
public class BalanceKitAutoConfiguration {

    private static final String YAML_CLASS = "dev.balancekit.yaml.YamlLedgerConfig";

    /** Creates the configuration. */
    public BalanceKitAutoConfiguration() {}

    /**
     * The ledger's settings: from {@code balancekit.config-file} when set, else from the
     * {@code balancekit.*} properties.
     *
     * @param properties the bound properties
     * @return the config
     * @throws InvalidConfigurationPropertyValueException naming the property and the value it rejects
     */
    @Bean
    @ConditionalOnMissingBean
    public LedgerConfig balanceKitLedgerConfig(BalanceKitProperties properties) {
        String file = properties.getConfigFile();
        if (file == null) {
            return PropertiesLedgerConfig.from(properties);
        }
        if (!ClassUtils.isPresent(YAML_CLASS, BalanceKitAutoConfiguration.class.getClassLoader())) {
            throw new InvalidConfigurationPropertyValueException(
                    "balancekit.config-file",
                    file,
                    "reading a config file needs dev.balancekit:balance-yaml on the class path");
        }
        return YamlConfigs.load(file);
    }

    /**
     * The in-memory store, when no other store was configured. Declared here, not in a nested
     * class, so that it is considered after the MongoDB store's conditions.
     *
     * @param properties the bound properties
     * @return the store
     * @throws InvalidConfigurationPropertyValueException if {@code balancekit.store=mongodb} but
     *     balance-mongo or the reactive driver is missing
     */
    @Bean
    @ConditionalOnMissingBean(BalanceStore.class)
    public BalanceStore balanceKitMemoryStore(BalanceKitProperties properties) {
        if (properties.getStore() == BalanceKitProperties.StoreType.MONGODB) {
            throw new InvalidConfigurationPropertyValueException(
                    "balancekit.store",
                    "mongodb",
                    "the MongoDB store needs dev.balancekit:balance-mongo and "
                            + "org.mongodb:mongodb-driver-reactivestreams on the class path");
        }
        return new InMemoryBalanceStore();
    }

    @Bean
    BalanceKitStatus balanceKitStatus(BalanceKitProperties properties) {
        String file = properties.getConfigFile();
        return new BalanceKitStatus(file == null ? "properties" : file);
    }

    /**
     * The ledger: the config and store beans, every {@link BalanceListener} bean, then every
     * {@link BalanceLedgerBuilderCustomizer} bean in order.
     *
     * @param config the config
     * @param store the store
     * @param listeners the listener beans
     * @param customizers the customizer beans
     * @param status what the health contributor reports
     * @return the ledger
     */
    @Bean
    @ConditionalOnMissingBean
    public BalanceLedger balanceLedger(
            LedgerConfig config,
            BalanceStore store,
            ObjectProvider<BalanceListener> listeners,
            ObjectProvider<BalanceLedgerBuilderCustomizer> customizers,
            ObjectProvider<BalanceKitStatus> status) {
        BalanceLedger.Builder b = BalanceLedger.builder().config(config).store(store);
        status.ifAvailable(s -> b.listener(s.listener()));
        listeners.orderedStream().forEach(b::listener);
        customizers.orderedStream().forEach(c -> c.customize(b));
        return b.build();
    }

    /** The MongoDB store, when balance-mongo and the reactive driver are on the class path. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(
            name = {"dev.balancekit.mongo.MongoBalanceStore", "com.mongodb.reactivestreams.client.MongoClient"})
    static class MongoStoreConfiguration {

        @Bean
        @ConditionalOnMissingBean(BalanceStore.class)
        @ConditionalOnProperty(name = "balancekit.store", havingValue = "auto", matchIfMissing = true)
        @ConditionalOnBean(MongoClient.class)
        MongoBalanceStore balanceKitMongoStore(MongoClient client, BalanceKitProperties properties, Environment env) {
            return store(client.getDatabase(database(properties, env, null)), properties);
        }

        @Bean
        @ConditionalOnMissingBean(BalanceStore.class)
        @ConditionalOnProperty(name = "balancekit.store", havingValue = "mongodb")
        MongoBalanceStore balanceKitConfiguredMongoStore(
                ObjectProvider<MongoClient> client,
                BalanceKitProperties properties,
                Environment env,
                OwnMongoClient own) {
            String uri = properties.getMongodb().getUri();
            if (uri != null) {
                ConnectionString cs = parse(uri);
                own.client = MongoClients.create(cs);
                return store(own.client.getDatabase(database(properties, env, cs)), properties);
            }
            MongoClient app = client.getIfAvailable();
            if (app == null) {
                throw new InvalidConfigurationPropertyValueException(
                        "balancekit.store",
                        "mongodb",
                        "the application has no reactive MongoClient bean; set balancekit.mongodb.uri");
            }
            return store(app.getDatabase(database(properties, env, null)), properties);
        }

        @Bean
        OwnMongoClient balanceKitOwnMongoClient() {
            return new OwnMongoClient();
        }

        @Bean
        @ConditionalOnBean(MongoBalanceStore.class)
        MongoStoreLifecycle balanceKitMongoStoreLifecycle(
                MongoBalanceStore store, BalanceKitProperties properties, OwnMongoClient own) {
            return new MongoStoreLifecycle(store, properties.getMongodb().getFlushInterval(), own.client);
        }

        /** The store on a database, with the collections balancekit.mongodb names. */
        private static MongoBalanceStore store(MongoDatabase database, BalanceKitProperties properties) {
            MongoBalanceStore.Builder b = MongoBalanceStore.builder(database);
            String accounts = properties.getMongodb().getAccountsCollection();
            if (accounts != null) {
                try {
                    b.balancesCollection(accounts);
                } catch (IllegalArgumentException e) {
                    throw new InvalidConfigurationPropertyValueException(
                            "balancekit.mongodb.accounts-collection", accounts, String.valueOf(e.getMessage()));
                }
            }
            String entries = properties.getMongodb().getEntriesCollection();
            if (entries != null) {
                try {
                    b.transactionsCollection(entries);
                } catch (IllegalArgumentException e) {
                    throw new InvalidConfigurationPropertyValueException(
                            "balancekit.mongodb.entries-collection", entries, String.valueOf(e.getMessage()));
                }
            }
            return b.build();
        }

        private static ConnectionString parse(String uri) {
            try {
                return new ConnectionString(uri);
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationPropertyValueException(
                        "balancekit.mongodb.uri", uri, String.valueOf(e.getMessage()));
            }
        }

        /** balancekit.mongodb.database, the database of our own uri, Spring's MongoDB database, else LibreChat. */
        private static String database(BalanceKitProperties p, Environment env, @Nullable ConnectionString own) {
            if (p.getMongodb().getDatabase() != null) {
                return p.getMongodb().getDatabase();
            }
            if (own != null && own.getDatabase() != null) {
                return own.getDatabase();
            }
            String spring = env.getProperty("spring.mongodb.database");
            if (spring != null) {
                return spring;
            }
            String springUri = env.getProperty("spring.mongodb.uri");
            if (springUri != null) {
                String db = parse(springUri).getDatabase();
                if (db != null) {
                    return db;
                }
            }
            return "LibreChat";
        }
    }

    /** The client BalanceKit made from {@code balancekit.mongodb.uri}, if any; closed by the lifecycle. */
    static final class OwnMongoClient {
        @Nullable
        MongoClient client;
    }

    /** Applies changes of {@code balancekit.config-file} to the running ledger. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = YAML_CLASS)
    @ConditionalOnProperty(name = "balancekit.config-file")
    static class YamlReloadConfiguration {

        @Bean(destroyMethod = "close")
        @ConditionalOnProperty(name = "balancekit.reload", havingValue = "true", matchIfMissing = true)
        AutoCloseable balanceKitConfigWatcher(BalanceKitProperties properties, BalanceLedger ledger) {
            return YamlConfigs.watch(java.util.Objects.requireNonNull(properties.getConfigFile()), ledger);
        }
    }

    /** Reports the ledger's meters to the application's {@code MeterRegistry}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
    static class MetricsConfiguration {

        @Bean
        BalanceLedgerBuilderCustomizer balanceKitMeterRegistry(ObjectProvider<MeterRegistry> registry) {
            return b -> registry.ifUnique(b::meterRegistry);
        }
    }

    /** The {@code balanceKit} health contributor, with Spring Boot's health module. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.ReactiveHealthIndicator")
    static class HealthConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "balanceKitHealthIndicator")
        BalanceKitHealthIndicator balanceKitHealthIndicator(BalanceLedger ledger, BalanceKitStatus status) {
            return new BalanceKitHealthIndicator(ledger, status);
        }
    }

    /** The HTTP 402 answer to a refusal, for Spring MVC and WebFlux. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication
    @ConditionalOnClass(name = "org.springframework.web.bind.annotation.RestControllerAdvice")
    static class WebConfiguration {

        @Bean
        @ConditionalOnMissingBean
        BalanceRefusedExceptionHandler balanceRefusedExceptionHandler() {
            return new BalanceRefusedExceptionHandler();
        }
    }
}
