package dev.balancekit.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.event.CommandListener;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Test helpers: an in-process server, clients, fresh databases, and dropping them again. */
final class TestMongo {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    /** Every database a test of this JVM creates starts with this, so a run can drop exactly its own. */
    static final String PREFIX = "bk_" + UUID.randomUUID().toString().substring(0, 8) + "_";

    private TestMongo() {}

    /** @return a started in-process wire-protocol server (mongo-java-server, memory backend) */
    static MongoServer startServer() {
        MongoServer server = new MongoServer(new MemoryBackend());
        server.bind();
        return server;
    }

    /** @return the connection string of an in-process server */
    static String uri(MongoServer server) {
        return server.getConnectionString();
    }

    /**
     * A client with bounded timeouts, so a broken server or a lost reply fails a test instead of hanging it.
     *
     * @param uri the connection string
     * @param listeners command listeners to add
     * @return the client
     */
    static MongoClient client(String uri, CommandListener... listeners) {
        MongoClientSettings.Builder b = MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(uri))
                .applyToClusterSettings(c -> c.serverSelectionTimeout(10, TimeUnit.SECONDS))
                .applyToSocketSettings(
                        s -> s.connectTimeout(10, TimeUnit.SECONDS).readTimeout(60, TimeUnit.SECONDS))
                .applyToConnectionPoolSettings(p -> p.maxSize(64).maxWaitTime(60, TimeUnit.SECONDS));
        for (CommandListener l : listeners) {
            b.addCommandListener(l);
        }
        return MongoClients.create(b.build());
    }

    /** @return a database no other test uses */
    static MongoDatabase freshDatabase(MongoClient client) {
        return client.getDatabase(PREFIX + DATABASES.incrementAndGet());
    }

    /** Drops every database this JVM's tests created on the client's server. */
    static void dropDatabases(MongoClient client) {
        List<String> names = Flux.from(client.listDatabaseNames())
                .filter(n -> n.startsWith(PREFIX))
                .collectList()
                .block(Duration.ofMinutes(1));
        for (String name : names) {
            Mono.from(client.getDatabase(name).drop()).block(Duration.ofMinutes(1));
        }
    }
}
