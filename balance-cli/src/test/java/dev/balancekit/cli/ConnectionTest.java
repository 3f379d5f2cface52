package dev.balancekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancekit.mongo.MongoBalanceStore;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class ConnectionTest extends CliTestSupport {

    @Test
    void noConnectionString_isAUsageError() {
        variables.remove("MONGO_URI");

        assertThat(run("list-balances"))
                .isEqualTo(
                        new Result(1, "", "Error: no MongoDB connection string: pass --mongo-uri or set MONGO_URI\n"));
    }

    @Test
    void mongoUriOption_winsOverMONGO_URI() {
        String alice = addUser(ALICE, "Alice");
        variables.put("MONGO_URI", "mongodb://127.0.0.1:1/elsewhere?serverSelectionTimeoutMS=200");

        Result r = run("add-balance", "--email", ALICE, "--amount", "5", "--mongo-uri", uri);

        assertThat(r.code()).isEqualTo(0);
        assertThat(ledger().balance(alice)).isPresent();
    }

    @Test
    void databaseOption_winsOverTheConnectionStringsDatabase() {
        addUser(ALICE, "Alice");
        String name = uri.substring(uri.lastIndexOf('/') + 1);
        variables.put("MONGO_URI", server.getConnectionString() + "/other");

        assertThat(run("add-balance", "--email", ALICE, "--amount", "5").code()).isEqualTo(Main.NOT_FOUND);
        assertThat(run("add-balance", "--email", ALICE, "--amount", "5", "--database", name)
                        .code())
                .isEqualTo(0);
    }

    @Test
    void withoutDatabaseInTheConnectionString_usesLibreChats() {
        variables.put("MONGO_URI", server.getConnectionString());
        client.getDatabase(Session.DEFAULT_DATABASE);

        Result r = run("flush-pending");

        assertThat(r.code()).isEqualTo(0);
    }

    @Test
    void unreachableServer_exits3_withAClearMessage_andNoPassword() throws IOException {
        int port = closedPort();
        variables.put(
                "MONGO_URI",
                "mongodb://admin:s3cr3t-Passw0rd@127.0.0.1:" + port
                        + "/LibreChat?serverSelectionTimeoutMS=300&connectTimeoutMS=300");
        addUser(ALICE, "Alice");

        Result r = run("add-balance", "--email", ALICE, "--amount", "5");

        assertThat(r.code()).isEqualTo(Main.STORE_UNREACHABLE);
        assertThat(r.err())
                .startsWith(
                        "Error: cannot reach MongoDB at mongodb://admin:****@127.0.0.1:" + port
                                + "/LibreChat?serverSelectionTimeoutMS=300&connectTimeoutMS=300: no server answered within 300 ms");
        assertThat(r.out() + r.err()).doesNotContain("s3cr3t");
    }

    @Test
    void unreachableServer_everyDatabaseCommand_exits3() throws IOException {
        variables.put("MONGO_URI", "mongodb://127.0.0.1:" + closedPort() + "/db?serverSelectionTimeoutMS=200");

        assertThat(run("list-balances")).satisfies(r -> {
            assertThat(r.code()).isEqualTo(3);
            assertThat(r.out()).isEmpty(); // not even the header
        });
        assertThat(run("history", "--user", "u1").code()).isEqualTo(3);
        assertThat(run("set-tier", "--user", "u1", "--tier", "pro").code()).isEqualTo(3);
        assertThat(run("flush-pending").code()).isEqualTo(3);
        assertThat(run("set-balance", "--user", "u1", "--amount", "1").code()).isEqualTo(3);
    }

    @Test
    void refusedCredentials_exit3_withoutThePassword() {
        // the in-process server knows no users, so any credentials are refused
        variables.put(
                "MONGO_URI",
                server.getConnectionString().replace("mongodb://", "mongodb://admin:very-secret-pw@")
                        + "/db?serverSelectionTimeoutMS=2000");

        Result r = run("flush-pending");

        assertThat(r.code()).isEqualTo(Main.STORE_UNREACHABLE);
        assertThat(r.err())
                .startsWith("Error: MongoDB at mongodb://admin:****@"
                        + server.getConnectionString().substring(10)
                        + "/db?serverSelectionTimeoutMS=2000 refused the credentials: ");
        assertThat(r.out() + r.err()).doesNotContain("very-secret-pw");
    }

    @Test
    void storeFailure_exit3_namingTheFailureAndTheDatabase() {
        Mono.from(db.getCollection(MongoBalanceStore.DEFAULT_BALANCES_COLLECTION, BsonDocument.class)
                        .insertOne(new BsonDocument("_id", new BsonString("u1"))
                                .append("balance", new BsonInt64(0))
                                .append("pending", new BsonArray(List.of(new BsonDouble(1.5))))))
                .block(TIMEOUT);

        Result r = run("history", "--user", "u1");

        assertThat(r)
                .isEqualTo(new Result(
                        3,
                        "History of user u1, newest first\n",
                        "Error: history of account 'u1' failed: MalformedDocumentException: field 'pending[]'"
                                + " must be binary (a packed entry; see docs/mongodb.md on upgrading), was double"
                                + " (MongoDB at " + uri + ")\n"));
    }

    @Test
    void invalidConnectionString_isAUsageError_withoutThePassword() {
        variables.put("MONGO_URI", "mongodb://admin:hunter2-secret@/db?unknownOption=1&w=zero");

        Result r = run("flush-pending");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err())
                .startsWith(
                        "Error: the MongoDB connection string mongodb://admin:****@/db?unknownOption=1&w=zero is not valid: ");
        assertThat(r.out() + r.err()).doesNotContain("hunter2");
    }

    @Test
    void invalidDatabaseName_isAUsageError() {
        Result r = run("flush-pending", "--database", "a/b");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("Error: database name 'a/b' is not valid: ");
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
