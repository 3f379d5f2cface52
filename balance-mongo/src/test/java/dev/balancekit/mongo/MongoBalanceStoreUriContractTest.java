package dev.balancekit.mongo;

import com.mongodb.reactivestreams.client.MongoClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The contract suite against the server named by {@code MONGODB_URI} (any deployment: standalone,
 * replica set, sharded, Atlas); skipped when it is not set. Every test uses a fresh database whose
 * name starts with a per-run prefix, and the run drops those databases at the end.
 *
 * <pre>{@code MONGODB_URI=mongodb://localhost:27017 mvn -pl balance-mongo verify}</pre>
 */
@EnabledIfEnvironmentVariable(named = "MONGODB_URI", matches = ".+")
class MongoBalanceStoreUriContractTest extends AbstractMongoStoreContractTest {
    private static MongoClient client;

    @BeforeAll
    static void connect() {
        client = TestMongo.client(System.getenv("MONGODB_URI"));
    }

    @AfterAll
    static void dropAndDisconnect() {
        try {
            TestMongo.dropDatabases(client);
        } finally {
            client.close();
        }
    }

    @Override
    protected MongoClient client() {
        return client;
    }
}
