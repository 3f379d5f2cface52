package dev.balancekit.mongo;

import com.mongodb.reactivestreams.client.MongoClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mongodb.MongoDBContainer;

/**
 * The contract suite against a real {@code mongo:8} (a single-node replica set, so retryable writes
 * and majority write concern behave as in production) in Docker; skipped when Docker is not
 * available. Unlike the in-process run it keeps the concurrency test at its full size.
 */
@Testcontainers(disabledWithoutDocker = true)
class MongoBalanceStoreContainerContractTest extends AbstractMongoStoreContractTest {
    @Container
    private static final MongoDBContainer MONGO = new MongoDBContainer("mongo:8").withReplicaSet();

    private static MongoClient client;

    @BeforeAll
    static void connect() {
        // direct to the one member: its replica set config names a host only the container knows
        client = TestMongo.client(MONGO.getConnectionString() + "/?directConnection=true");
    }

    @AfterAll
    static void disconnect() {
        if (client != null) {
            client.close();
        }
    }

    @Override
    protected MongoClient client() {
        return client;
    }
}
