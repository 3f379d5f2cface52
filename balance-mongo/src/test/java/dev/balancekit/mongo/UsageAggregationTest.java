package dev.balancekit.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.model.InsertManyOptions;
import dev.balancekit.BalanceLedger;
import dev.balancekit.ChargeRequest;
import dev.balancekit.Credits;
import dev.balancekit.StoreException;
import dev.balancekit.Usage;
import dev.balancekit.UsageAmounts;
import dev.balancekit.UsageDimension;
import dev.balancekit.UsageQuery;
import dev.balancekit.UsageReport;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The store's own side of usage reports: the outbox, the aggregation's indexes, what it refuses. */
class UsageAggregationTest extends InProcessMongoTest {

    private MongoBalanceStore store() {
        MongoBalanceStore store = MongoBalanceStore.builder(db).build(); // default batch: entries stay pending
        store.ensureIndexes().block(TIMEOUT);
        return store;
    }

    /** Copies the account's pending entries to transactions without removing them: a crash between the two steps. */
    private void copyWithoutCleanup(String user) {
        List<BsonDocument> docs = new ArrayList<>();
        for (org.bson.BsonBinary raw : BsonMapping.pending(accountDoc(user))) {
            docs.add(BsonMapping.transaction(raw, user));
        }
        Mono.from(transactions().insertMany(docs, new InsertManyOptions().ordered(false)))
                .block(TIMEOUT);
    }

    @Test
    void usageReport_entriesCopiedButStillPending_countOnce() {
        MongoBalanceStore store = store();
        BalanceLedger ledger = ledger(store);
        ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(10, 5))).block(TIMEOUT);
        copyWithoutCleanup("u1");
        ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(1, 1))).block(TIMEOUT); // pending only
        assertThat(transactionDocs("u1")).hasSize(3);
        assertThat(BsonMapping.pending(accountDoc("u1"))).hasSize(5);

        UsageReport report =
                ledger.usageReport(UsageQuery.of(UsageDimension.USER)).block(TIMEOUT);

        assertThat(report.totals()).isEqualTo(new UsageAmounts(Credits.of(23), Credits.of(1000), 11, 6, 5));
        store.flushPending().block(TIMEOUT);
        assertTransactionsComplete("u1");
        assertThat(ledger.usageReport(UsageQuery.of(UsageDimension.USER))
                        .block(TIMEOUT)
                        .totals())
                .isEqualTo(report.totals());
    }

    @Test
    void usageReport_aCopiedEntryWithADoubleAmount_isRefusedNotRounded() {
        MongoBalanceStore store = store();
        BalanceLedger ledger = ledger(store);
        ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(10, 5))).block(TIMEOUT);
        store.flushPending().block(TIMEOUT);
        Mono.from(transactions()
                        .updateOne(
                                new BsonDocument("user", new BsonString("u1"))
                                        .append("tokenType", new BsonString("prompt")),
                                new BsonDocument("$set", new BsonDocument("tokenValue", new BsonDouble(-1.5)))))
                .block(TIMEOUT);

        assertThatThrownBy(() ->
                        ledger.usageReport(UsageQuery.of(UsageDimension.USER)).block(TIMEOUT))
                .isInstanceOf(StoreException.class)
                .hasMessage("usage report failed: MalformedDocumentException")
                .cause()
                .hasMessage("field 'spent' must be an integer (Int64), was double");
    }

    @Test
    void ensureIndexes_createsTheReportsTimeRangeIndex() {
        store();

        List<BsonDocument> tx = Flux.from(transactions().listIndexes(BsonDocument.class))
                .collectList()
                .block(TIMEOUT);

        assertThat(tx).extracting(i -> i.getDocument("key").toJson()).contains("{\"createdAt\": 1}");
    }
}
