package dev.balancekit.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.balancekit.BalanceChange;
import dev.balancekit.BalanceLedger;
import dev.balancekit.BalanceRequest;
import dev.balancekit.ChargeRequest;
import dev.balancekit.Credits;
import dev.balancekit.HistoryQuery;
import dev.balancekit.ListQuery;
import dev.balancekit.Reservation;
import dev.balancekit.Tier;
import dev.balancekit.Usage;
import dev.balancekit.spi.AccountState;
import dev.balancekit.spi.StoredAccount;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt64;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** The store on a database LibreChat uses: it never changes LibreChat's documents and refuses to mix with them. */
class LibreChatDatabaseTest extends InProcessMongoTest {
    LibreChatSeed seed;
    Map<String, List<String>> before;

    @BeforeEach
    void seed() {
        seed = new LibreChatSeed(db).insert();
        before = LibreChatSeed.snapshot(db);
    }

    @Test
    void everyStoreOperation_onALibreChatDatabase_leavesLibreChatsDocumentsByteForByte() {
        MongoBalanceStore store = MongoBalanceStore.builder(db).copyBatchSize(1).build();
        store.ensureIndexes().block(TIMEOUT);
        BalanceLedger ledger = BalanceLedger.builder()
                .store(store)
                .clock(clock)
                .config(config().tier(
                                Tier.builder("pro").startBalance(Credits.of(5)).build())
                        .build())
                .userDirectory(MongoUserDirectory.create(db))
                .build();
        String alice = seed.alice.toHexString();

        ledger.checkBalance(alice, MODEL, 10, 10).block(TIMEOUT);
        Reservation r = ledger.reserve(BalanceRequest.of(alice, MODEL, 10, 10)).block(TIMEOUT);
        ledger.extendHold(alice, r.holdId()).block(TIMEOUT);
        ledger.deduct(ChargeRequest.of(alice, MODEL, Usage.of(10, 5)).withHold(r.holdId()))
                .block(TIMEOUT);
        Reservation r2 = ledger.reserve(BalanceRequest.of(alice, MODEL, 10, 10)).block(TIMEOUT);
        ledger.release(alice, r2.holdId()).block(TIMEOUT);
        ledger.addBalance(alice, Credits.of(7)).block(TIMEOUT);
        ledger.setBalance(BalanceChange.of(alice, Credits.of(100))).block(TIMEOUT);
        ledger.setTier(alice, "pro", "admin").block(TIMEOUT);
        ledger.usage(alice).block(TIMEOUT);
        ledger.transactionHistory(alice, HistoryQuery.all()).block(TIMEOUT);
        ledger.listBalances(ListQuery.byUser().withLimit(10)).block(TIMEOUT);
        store.flushPending().block(TIMEOUT);
        MongoUserDirectory.create(db).userIdForEmail("alice@example.com").block(TIMEOUT);

        assertThat(ledger.balance(alice).block(TIMEOUT).balance()).isEqualTo(Credits.of(100));
        assertThat(LibreChatSeed.snapshot(db)).isEqualTo(before);
    }

    @Test
    void store_onLibreChatsBalancesCollection_refusesBeforeItsFirstWrite_namingCollectionAndDocument() {
        MongoBalanceStore store =
                MongoBalanceStore.builder(db).balancesCollection("balances").build();
        BalanceLedger ledger = ledger(store);

        assertThatThrownBy(() -> ledger.addBalance(seed.carol.toHexString(), Credits.of(5))
                        .block(TIMEOUT))
                .isInstanceOf(ForeignDocumentException.class)
                .hasMessageStartingWith(
                        "collection 'balances' holds documents BalanceKit did not write, such as _id ObjectId('")
                .satisfies(e ->
                        assertThat(((ForeignDocumentException) e).collection()).isEqualTo("balances"));
        assertThatThrownBy(() -> store.flushPending().block(TIMEOUT)).isInstanceOf(ForeignDocumentException.class);
        assertThatThrownBy(() -> store.ensureIndexes().block(TIMEOUT)).isInstanceOf(ForeignDocumentException.class);
        assertThat(LibreChatSeed.snapshot(db)).isEqualTo(before);
    }

    @Test
    void store_onLibreChatsTransactionsCollection_refusesAndNamesIt() {
        MongoBalanceStore store = MongoBalanceStore.builder(db)
                .transactionsCollection("transactions")
                .build();

        assertThatThrownBy(() -> store.verifyCollections().block(TIMEOUT))
                .isInstanceOf(ForeignDocumentException.class)
                .hasMessageContaining("collection 'transactions'")
                .satisfies(e ->
                        assertThat(((ForeignDocumentException) e).documentId()).startsWith("ObjectId('"));
        assertThatThrownBy(() -> ledger(store).addBalance("u1", Credits.of(5)).block(TIMEOUT))
                .isInstanceOf(ForeignDocumentException.class);
        assertThat(LibreChatSeed.snapshot(db)).isEqualTo(before);
    }

    @Test
    void accounts_skipForeignDocuments_inTheAccountsCollection() {
        MongoBalanceStore store = MongoBalanceStore.builder(db).build();
        ledger(store).addBalance("u1", Credits.of(5)).block(TIMEOUT);
        ledger(store).addBalance("u2", Credits.of(5)).block(TIMEOUT);
        // documents that are not the store's: a LibreChat balance, and a string id of another shape
        Mono.from(balances()
                        .insertOne(
                                LibreChatSeed.balance(new ObjectId(), new BsonDouble(1.5), LibreChatSeed.LAST_REFILL)))
                .block(TIMEOUT);
        Mono.from(balances()
                        .insertOne(new BsonDocument("_id", new BsonString("u12"))
                                .append("user", new BsonObjectId(new ObjectId()))
                                .append("balance", new BsonDouble(2.5))))
                .block(TIMEOUT);
        Mono.from(balances()
                        .insertOne(new BsonDocument("_id", new BsonString("u15"))
                                .append("balance", new BsonInt64(3))
                                .append("holds", new BsonString("none"))))
                .block(TIMEOUT);

        List<String> users = new java.util.ArrayList<>();
        String cursor = null;
        do {
            ListQuery q = ListQuery.byUser().withLimit(1);
            if (cursor != null) {
                q = q.after(cursor);
            }
            var page = store.accounts(q).block(TIMEOUT);
            page.items().forEach(a -> users.add(a.user()));
            cursor = page.nextCursor();
        } while (cursor != null);

        assertThat(users).containsExactly("u1", "u2");
    }

    @Test
    void load_ofALibreChatUser_isEmpty_soNothingIsReadFromLibreChatsBalance() {
        StoredAccount stored = MongoBalanceStore.builder(db)
                .build()
                .load(seed.alice.toHexString())
                .block(TIMEOUT);

        assertThat(stored).isNull();
        assertThat((AccountState) null).isNull();
    }
}
