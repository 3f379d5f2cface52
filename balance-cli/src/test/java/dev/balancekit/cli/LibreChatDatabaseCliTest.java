package dev.balancekit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancekit.Credits;
import dev.balancekit.mongo.MongoBalanceStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.RawBsonDocument;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Every command on a database LibreChat uses: LibreChat's documents stay byte for byte, and its balances import exactly. */
class LibreChatDatabaseCliTest extends CliTestSupport {
    static final Instant AT = Instant.parse("2026-01-12T09:30:00Z");

    String alice;
    String bob;
    Map<String, List<String>> before;

    @BeforeEach
    void seedLibreChat() {
        alice = addUser(ALICE, "Alice");
        bob = addUser(BOB, "Bob");
        insert("balances", balance(alice, 15000.5), balance(bob, 0.1234567));
        insert(
                "transactions",
                tx(alice, "credits", 20000, 1, 20000, -0),
                tx(alice, "prompt", -1000, 1.5, -1500, -200),
                tx(alice, "completion", -700, 5, -3500, 0),
                tx(alice, "credits", 0.5, 1, 0.5, 0),
                tx(bob, "credits", 20000, 1, 20000, 0),
                tx(bob, "completion", -10000, 2.5, -25000, 0));
        before = snapshot();
    }

    @Test
    void everyCommand_onALibreChatDatabase_leavesLibreChatsDocumentsByteForByte() throws Exception {
        assertThat(run("import-librechat", "--dry-run").code()).isZero();
        assertThat(run("import-librechat", "--history").code()).isZero();
        assertThat(run("add-balance", "--email", ALICE, "--amount", "1000").out())
                .isEqualTo("Added 1000 credits to " + ALICE + " (user " + alice + ").\nNew balance: 16000.5\n");
        assertThat(run("set-balance", "--email", BOB, "--amount", "50").code()).isZero();
        assertThat(run("set-tier", "--email", BOB, "--tier", "pro").code()).isZero();
        assertThat(run("history", "--email", ALICE).code()).isZero();
        assertThat(run("flush-pending").code()).isZero();
        assertThat(run("config", "check", config.toString()).code()).isZero();
        for (String format : new String[] {"table", "csv", "json"}) {
            Result list = run("list-balances", "--format", format);
            assertThat(list.code()).as(list.err()).isZero();
            assertThat(list.out()).contains(ALICE, BOB);
        }
        assertThat(run("import-librechat", "--history").out())
                .contains("users: 2 (imported 0, already in BalanceKit 2, failed 0)");

        assertThat(snapshot()).isEqualTo(before);
        assertThat(ledger().balance(alice).orElseThrow().balance()).isEqualTo(Credits.parse("16000.5"));
    }

    @Test
    void importLibreChat_printsTheReconciliationReport() {
        Result r = run("import-librechat", "--history", "--dry-run");

        assertThat(r.code()).isZero();
        // the test config has no refill, LibreChat's users refill every 30 days: they keep their own settings
        assertThat(r.out())
                .isEqualTo(String.join(
                        "\n",
                        "user " + alice + "; keeps its own refill settings: 10000 every 30 days",
                        "user " + bob
                                + "; tokenCredits 0.1234567 rounded to 0.123457 (-0.0000003 left out); drift 5000.1234567"
                                + " (LibreChat's balance minus the sum of its transactions); keeps its own refill settings: 10000"
                                + " every 30 days",
                        "Import from LibreChat (dry run: nothing was written):",
                        "  users: 2 (to import 2, already in BalanceKit 0, failed 0)",
                        "  sum of balances: LibreChat 15000.6234567, BalanceKit 15000.623457",
                        "  largest rounding: -0.0000003 (user " + bob + "); users rounded: 1",
                        "  users with drift: 1",
                        "  users keeping their own refill settings: 2; users whose refill settings could not be carried over: 0",
                        ""));
        assertThat(Flux.from(db.listCollectionNames()).collectList().block(TIMEOUT))
                .doesNotContain(MongoBalanceStore.DEFAULT_BALANCES_COLLECTION);
    }

    @Test
    void importLibreChat_onATerminal_showsProgressOnStandardError_andNothingWhenRedirected() {
        List<BsonDocument> many = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            many.add(balance(new ObjectId().toHexString(), 10));
        }
        insert("balances", many.toArray(new BsonDocument[0]));

        Result redirected = run("import-librechat", "--dry-run");
        terminal = true;
        Result onTerminal = run("import-librechat", "--dry-run");

        assertThat(redirected.err()).isEmpty();
        assertThat(onTerminal.err()).contains("Users read: 1000 ...");
        assertThat(onTerminal.out()).isEqualTo(redirected.out());
    }

    @Test
    void accountsCollectionOption_namingLibreChatsBalances_isRefused_namingCollectionAndDocument() {
        Result r = run("add-balance", "--email", ALICE, "--amount", "5", "--accounts-collection", "balances");

        assertThat(r.code()).isEqualTo(Main.USAGE_ERROR);
        assertThat(r.err())
                .startsWith("Error: collection 'balances' holds documents BalanceKit did not write, such as _id"
                        + " ObjectId('");
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void collectionNames_comeFromTheEnvironment_orTheConfigFile() throws Exception {
        variables.put("BALANCEKIT_ACCOUNTS_COLLECTION", "team_accounts");
        assertThat(run("add-balance", "--email", ALICE, "--amount", "5").code()).isZero();
        variables.remove("BALANCEKIT_ACCOUNTS_COLLECTION");
        variables.put(
                "CONFIG_PATH",
                writeConfig(
                                "named.yaml",
                                ENABLED_CONFIG
                                        + "  mongo: {accountsCollection: yaml_accounts, entriesCollection: yaml_entries}\n")
                        .toString());
        assertThat(run("add-balance", "--email", BOB, "--amount", "5").code()).isZero();
        assertThat(run("flush-pending", "--config", variables.get("CONFIG_PATH"))
                        .code())
                .isZero();

        assertThat(Flux.from(db.listCollectionNames()).collectList().block(TIMEOUT))
                .contains("team_accounts", "yaml_accounts", "yaml_entries");
    }

    private void insert(String collection, BsonDocument... docs) {
        Mono.from(db.getCollection(collection, BsonDocument.class).insertMany(List.of(docs)))
                .block(TIMEOUT);
    }

    private static BsonDocument balance(String user, double credits) {
        return new BsonDocument("_id", new BsonObjectId(new ObjectId()))
                .append("user", new BsonObjectId(new ObjectId(user)))
                .append("tokenCredits", new BsonDouble(credits))
                .append("autoRefillEnabled", BsonBoolean.TRUE)
                .append("refillIntervalValue", new BsonInt32(30))
                .append("refillIntervalUnit", new BsonString("days"))
                .append("refillAmount", new BsonInt32(10000))
                .append("lastRefill", new BsonDateTime(AT.toEpochMilli()))
                .append("reservations", new BsonArray());
    }

    private static BsonDocument tx(String user, String type, double raw, double rate, double value, int cacheRead) {
        BsonDocument d = new BsonDocument("_id", new BsonObjectId(new ObjectId()))
                .append("user", new BsonObjectId(new ObjectId(user)))
                .append("tokenType", new BsonString(type))
                .append("rawAmount", new BsonDouble(raw))
                .append("rate", new BsonDouble(rate))
                .append("tokenValue", new BsonDouble(value))
                .append("context", new BsonString(type.equals("credits") ? "admin" : "message"))
                .append("createdAt", new BsonDateTime(AT.toEpochMilli()));
        if (cacheRead != 0) {
            d.append("model", new BsonString("gpt-4o")).append("readTokens", new BsonInt32(cacheRead));
        }
        return d;
    }

    private Map<String, List<String>> snapshot() {
        Map<String, List<String>> all = new LinkedHashMap<>();
        for (String c : List.of("users", "balances", "transactions")) {
            List<String> docs = new ArrayList<>();
            for (RawBsonDocument d : Flux.from(db.getCollection(c, RawBsonDocument.class)
                            .find()
                            .sort(new BsonDocument("_id", new BsonInt32(1))))
                    .collectList()
                    .block(TIMEOUT)) {
                byte[] bytes = new byte[d.getByteBuffer().remaining()];
                d.getByteBuffer().get(bytes);
                docs.add(HexFormat.of().formatHex(bytes));
            }
            all.put(c, docs);
        }
        return all;
    }
}
