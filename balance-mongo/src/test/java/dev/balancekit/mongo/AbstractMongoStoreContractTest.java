package dev.balancekit.mongo;

import com.mongodb.reactivestreams.client.MongoClient;
import dev.balancekit.spi.BalanceStore;
import dev.balancekit.testkit.BalanceStoreContract;
import java.time.Duration;

/**
 * The contract suite on a MongoDB store, with a fresh database per test. Subclasses say which
 * server: in-process, a Testcontainers {@code mongo:8}, or {@code MONGODB_URI}.
 */
abstract class AbstractMongoStoreContractTest extends BalanceStoreContract {

    /** @return the client of the server under test, shared by the class */
    protected abstract MongoClient client();

    /**
     * Lets a subclass set the store up differently.
     *
     * @param builder the builder on a fresh database
     * @return the builder
     */
    protected MongoBalanceStore.Builder configure(MongoBalanceStore.Builder builder) {
        return builder;
    }

    @Override
    protected BalanceStore createStore() {
        MongoBalanceStore store = configure(MongoBalanceStore.builder(TestMongo.freshDatabase(client())))
                .build();
        store.ensureIndexes().block(Duration.ofMinutes(1));
        return store;
    }
}
