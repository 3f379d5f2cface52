package dev.balancekit.mongo;

import com.mongodb.reactivestreams.client.MongoClient;
import de.bwaldvogel.mongo.MongoServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The contract suite against an in-process server with a copy batch of one entry, so every write
 * copies its entries at once and history is read mostly from the transactions collection.
 */
class MongoBalanceStoreEagerCopyContractTest extends AbstractMongoStoreContractTest {
    private static MongoServer server;
    private static MongoClient client;

    @BeforeAll
    static void startServer() {
        server = TestMongo.startServer();
        client = TestMongo.client(TestMongo.uri(server));
    }

    @AfterAll
    static void stopServer() {
        client.close();
        server.shutdownNow();
    }

    @Override
    protected MongoClient client() {
        return client;
    }

    /**
     * mongo-java-server runs every command on a collection under one lock and deep-copies the
     * account document (with its 100 remembered operations) on each, so 8 x 2,000 operations take
     * minutes; 500 per thread, the suite's minimum, still races 8 threads on 3 accounts.
     */
    @Override
    protected int concurrencyOpsPerThread() {
        return 500;
    }

    @Override
    protected MongoBalanceStore.Builder configure(MongoBalanceStore.Builder builder) {
        return builder.copyBatchSize(1);
    }
}
