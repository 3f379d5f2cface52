package dev.balancekit.benchmarks;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.jspecify.annotations.Nullable;

/**
 * The server a harness measures: the one named by {@code MONGODB_URI}, else an in-process
 * mongo-java-server started for the run and stopped by {@link #close()}.
 */
final class HarnessServer implements AutoCloseable {
    private final @Nullable MongoServer inProcess;
    private final String uri;

    private HarnessServer(@Nullable MongoServer inProcess, String uri) {
        this.inProcess = inProcess;
        this.uri = uri;
    }

    /** @return the server named by {@code MONGODB_URI}, or a new in-process one; says which on standard output */
    static HarnessServer start() {
        String uri = System.getenv("MONGODB_URI");
        if (uri != null && !uri.isBlank()) {
            System.out.println("server: MONGODB_URI");
            return new HarnessServer(null, uri);
        }
        MongoServer server = new MongoServer(new MemoryBackend());
        server.bind();
        System.out.println("server: in-process mongo-java-server");
        return new HarnessServer(server, server.getConnectionString());
    }

    /** @return the connection string */
    String uri() {
        return uri;
    }

    /** Stops the in-process server, if this run started one. */
    @Override
    public void close() {
        if (inProcess != null) {
            inProcess.shutdownNow();
        }
    }
}
