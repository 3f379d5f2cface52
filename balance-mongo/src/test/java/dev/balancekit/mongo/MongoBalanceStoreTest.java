package dev.balancekit.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.WriteConcern;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.reactivestreams.client.MongoClient;
import dev.balancekit.AccountView;
import dev.balancekit.BalanceLedger;
import dev.balancekit.ChargeRequest;
import dev.balancekit.Credits;
import dev.balancekit.EntryContext;
import dev.balancekit.HistoryQuery;
import dev.balancekit.LedgerEntry;
import dev.balancekit.ListQuery;
import dev.balancekit.Page;
import dev.balancekit.StoreException;
import dev.balancekit.TokenType;
import dev.balancekit.Usage;
import dev.balancekit.memory.InMemoryBalanceStore;
import dev.balancekit.pricing.Rate;
import dev.balancekit.spi.AccountState;
import dev.balancekit.spi.BalanceStore;
import dev.balancekit.spi.CasResult;
import dev.balancekit.spi.OperationRecord;
import dev.balancekit.spi.ReceiptRecord;
import dev.balancekit.spi.StoredAccount;
import dev.balancekit.testkit.LedgerInvariants;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The store's own behaviour beyond the contract: its documents, the outbox, paging, indexes and errors. */
class MongoBalanceStoreTest extends InProcessMongoTest {

    private MongoBalanceStore store(int copyBatchSize) {
        MongoBalanceStore store =
                MongoBalanceStore.builder(db).copyBatchSize(copyBatchSize).build();
        store.ensureIndexes().block(TIMEOUT);
        return store;
    }

    private static LedgerEntry credit(String user, long seq, long micros, long balanceAfter, Instant at) {
        return LedgerEntry.builder()
                .id("e" + seq + "#1")
                .seq(seq)
                .user(user)
                .tokenType(TokenType.CREDITS)
                .rawAmount(micros)
                .rate(Rate.perToken("1"))
                .tokenValue(Credits.ofMicros(micros))
                .context(EntryContext.ADMIN)
                .balance(Credits.ofMicros(balanceAfter))
                .createdAt(at)
                .build();
    }

    private static AccountState state(String user, long balance, long lastSeq, Instant lastAt) {
        return new AccountState(
                user,
                Credits.ofMicros(balance),
                true,
                List.of(),
                0,
                List.of(),
                List.of(),
                lastSeq,
                lastAt,
                0,
                T0,
                null,
                null,
                0,
                null,
                List.of(),
                null);
    }

    // ------------------------------------------------------------------ builder

    @Test
    void builder_rejectsBadValues_namingThem() {
        MongoBalanceStore.Builder b = MongoBalanceStore.builder(db);

        assertThatThrownBy(() -> b.balancesCollection(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("balancesCollection must not be blank, was ' '");
        assertThatThrownBy(() -> b.transactionsCollection("a$b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("transactionsCollection must not contain '$' or NUL, was 'a$b'");
        assertThatThrownBy(() -> b.balancesCollection("system.users"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("balancesCollection must not start with 'system.', was 'system.users'");
        assertThatThrownBy(() -> b.copyBatchSize(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("copyBatchSize must be between 1 and 1000, was 0");
        assertThatThrownBy(() -> b.copyBatchSize(1001))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("copyBatchSize must be between 1 and 1000, was 1001");
        assertThatThrownBy(() -> MongoBalanceStore.builder(db)
                        .balancesCollection("x")
                        .transactionsCollection("x")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("transactionsCollection must differ from balancesCollection, was 'x' for both");
        assertThatThrownBy(() -> MongoBalanceStore.builder(db.withWriteConcern(WriteConcern.UNACKNOWLEDGED))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the database's write concern must be acknowledged");
    }

    @Test
    void builder_customCollectionNames_areUsed() {
        MongoBalanceStore store = MongoBalanceStore.builder(db)
                .balancesCollection("accounts")
                .transactionsCollection("ledger")
                .copyBatchSize(1)
                .build();

        ledger(store).addBalance("u1", Credits.of(5)).block(TIMEOUT);

        assertThat(Flux.from(db.listCollectionNames()).collectList().block(TIMEOUT))
                .contains("accounts", "ledger")
                .doesNotContain("balances", "transactions");
    }

    // ------------------------------------------------------------------ write protocol

    @Test
    void compareAndSet_keepsNewEntriesPendingInTheAccountUntilABatchIsFull() {
        MongoBalanceStore store = store(4);
        Instant t = T0;

        assertThat(store.compareAndSet("u1", 0, state("u1", 5, 1, t), List.of(credit("u1", 1, 5, 5, t)))
                        .block(TIMEOUT))
                .isEqualTo(CasResult.APPLIED);
        BsonDocument doc = accountDoc("u1");

        assertThat(doc.getInt64("version").getValue()).isEqualTo(1);
        assertThat(doc.getString("user").getValue()).isEqualTo("u1");
        assertThat(doc.getArray("pending")).hasSize(1);
        assertThat(BsonMapping.pendingEntry(doc.getArray("pending").get(0).asBinary(), "u1"))
                .isEqualTo(credit("u1", 1, 5, 5, t));
        assertThat(transactionDocs("u1")).isEmpty();
        assertThat(store.history("u1", HistoryQuery.all()).collectList().block(TIMEOUT))
                .containsExactly(credit("u1", 1, 5, 5, t));
    }

    @Test
    void compareAndSet_fullBatch_copiesInTheBackground_andTheNextWriteRemovesThemFromPending() {
        MongoBalanceStore store = store(2);
        store.compareAndSet("u1", 0, state("u1", 5, 1, T0), List.of(credit("u1", 1, 5, 5, T0)))
                .block(TIMEOUT);

        store.compareAndSet("u1", 1, state("u1", 7, 2, T0), List.of(credit("u1", 2, 2, 7, T0)))
                .block(TIMEOUT);

        BsonDocument doc = accountDoc("u1");
        assertThat(doc.getArray("pending"))
                .as("copied, removed by the next write")
                .hasSize(2);
        assertThat(doc.getInt64("version").getValue()).isEqualTo(2);
        List<BsonDocument> tx = transactionDocs("u1");
        assertThat(tx).hasSize(2);
        assertThat(tx.get(0).getDocument("_id"))
                .isEqualTo(new BsonDocument("u", new BsonString("u1")).append("e", new BsonString("e1#1")));

        assertThat(store.compareAndSet("u1", 2, state("u1", 8, 3, T0), List.of(credit("u1", 3, 1, 8, T0)))
                        .block(TIMEOUT))
                .isEqualTo(CasResult.APPLIED);
        assertThat(accountDoc("u1").getArray("pending"))
                .singleElement()
                .satisfies(e -> assertThat(BsonMapping.pendingSeq(e.asBinary())).isEqualTo(3));
        assertThat(store.compareAndSet("u1", 3, state("u1", 8, 3, T0), List.of())
                        .block(TIMEOUT))
                .isEqualTo(CasResult.APPLIED);
        assertThat(accountDoc("u1").getArray("pending"))
                .as("nothing copied since")
                .hasSize(1);
        assertThat(store.history("u1", HistoryQuery.all()).collectList().block(TIMEOUT))
                .extracting(LedgerEntry::seq)
                .containsExactly(3L, 2L, 1L);
    }

    @Test
    void compareAndSet_afterAFlushRemovedCopiedEntries_keepsEveryUncopiedEntry() {
        MongoBalanceStore store = store(2);
        store.compareAndSet("u1", 0, state("u1", 5, 1, T0), List.of(credit("u1", 1, 5, 5, T0)))
                .block(TIMEOUT);
        store.compareAndSet("u1", 1, state("u1", 7, 2, T0), List.of(credit("u1", 2, 2, 7, T0)))
                .block(TIMEOUT);
        assertThat(store.flushPending().block(TIMEOUT)).isEqualTo(2);

        store.compareAndSet("u1", 2, state("u1", 8, 3, T0), List.of(credit("u1", 3, 1, 8, T0)))
                .block(TIMEOUT);

        assertThat(accountDoc("u1").getArray("pending"))
                .singleElement()
                .satisfies(e -> assertThat(BsonMapping.pendingSeq(e.asBinary())).isEqualTo(3));
        assertThat(store.history("u1", HistoryQuery.all()).collectList().block(TIMEOUT))
                .extracting(LedgerEntry::seq)
                .containsExactly(3L, 2L, 1L);
    }

    @Test
    void compareAndSet_fillingABatchItDidNotExpect_readsThePendingEntriesAndCopiesThem() {
        MongoBalanceStore writer = store(100);
        writer.compareAndSet("u1", 0, state("u1", 1, 1, T0), List.of(credit("u1", 1, 1, 1, T0)))
                .block(TIMEOUT);
        writer.compareAndSet(
                        "u1", 1, state("u1", 3, 3, T0), List.of(credit("u1", 2, 1, 2, T0), credit("u1", 3, 1, 3, T0)))
                .block(TIMEOUT);
        MongoBalanceStore other = store(4);
        other.load("u1").block(TIMEOUT);

        // this store is not told the current state, so its write returns the pending entries
        other.compareAndSet("u1", 2, state("u1", 4, 4, T0), List.of(credit("u1", 4, 1, 4, T0)))
                .block(TIMEOUT);

        assertThat(transactionDocs("u1")).hasSize(4);
        other.compareAndSet("u1", 3, state("u1", 4, 4, T0), List.of()).block(TIMEOUT);
        assertThat(accountDoc("u1")).as("removed by the next write").doesNotContainKey("pending");
    }

    @Test
    void flushPending_betweenLoadAndCompareAndSet_causesNoConflict() {
        MongoBalanceStore store = store(16);
        store.compareAndSet("u1", 0, state("u1", 5, 1, T0), List.of(credit("u1", 1, 5, 5, T0)))
                .block(TIMEOUT);
        StoredAccount loaded = store.load("u1").block(TIMEOUT);

        assertThat(store.flushPending().block(TIMEOUT)).isEqualTo(1);

        assertThat(store.compareAndSet(
                                "u1", loaded.version(), state("u1", 7, 2, T0), List.of(credit("u1", 2, 2, 7, T0)))
                        .block(TIMEOUT))
                .isEqualTo(CasResult.APPLIED);
        assertThat(store.load("u1").block(TIMEOUT).version()).isEqualTo(2);
        assertThat(store.history("u1", HistoryQuery.all())
                        .map(LedgerEntry::seq)
                        .collectList()
                        .block(TIMEOUT))
                .containsExactly(2L, 1L);
    }

    @Test
    void compareAndSet_createOfExistingAccount_isConflict_staleVersionIsConflict() {
        MongoBalanceStore store = store(16);
        store.compareAndSet("u1", 0, state("u1", 5, 1, T0), List.of(credit("u1", 1, 5, 5, T0)))
                .block(TIMEOUT);

        assertThat(store.compareAndSet("u1", 0, state("u1", 9, 1, T0), List.of())
                        .block(TIMEOUT))
                .isEqualTo(CasResult.CONFLICT);
        assertThat(store.compareAndSet("u1", 7, state("u1", 9, 1, T0), List.of(credit("u1", 2, 4, 9, T0)))
                        .block(TIMEOUT))
                .isEqualTo(CasResult.CONFLICT);
        assertThat(accountDoc("u1").getArray("pending")).hasSize(1);
        assertThat(store.load("u1").block(TIMEOUT).state().balance()).isEqualTo(Credits.ofMicros(5));
    }

    @Test
    void compareAndSet_rejectsStateOrEntriesOfAnotherUser() {
        MongoBalanceStore store = store(16);

        assertThatThrownBy(() -> store.compareAndSet("u1", 0, state("u2", 0, 0, T0), List.of())
                        .block(TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("next.user must be 'u1', was 'u2'");
        assertThatThrownBy(() -> store.compareAndSet("u1", 0, state("u1", 5, 1, T0), List.of(credit("u2", 1, 5, 5, T0)))
                        .block(TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("entry e1#1 must belong to 'u1', was 'u2'");
        assertThatThrownBy(() -> store.compareAndSet("u1", -1, state("u1", 0, 0, T0), List.of())
                        .block(TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expectedVersion must be 0 or more, was -1");
    }

    @Test
    void fullAccountState_roundTripsThroughTheServer_includingSubMillisecondInstantsAndTheirRemoval() {
        MongoBalanceStore store = store(16);
        AccountState full = BsonMappingTest.fullAccount();
        AccountState whole = new AccountState(
                "u1",
                Credits.ZERO,
                false,
                List.of(),
                0,
                List.of(),
                List.of(),
                42,
                Instant.parse("2026-02-01T00:00:00Z"),
                1,
                T0,
                null,
                null,
                0,
                null,
                List.of(),
                null);

        store.compareAndSet("u1", 0, full, List.of()).block(TIMEOUT);
        assertThat(store.load("u1").block(TIMEOUT)).isEqualTo(new StoredAccount(full, 1));

        store.compareAndSet("u1", 1, whole, List.of()).block(TIMEOUT);
        assertThat(store.load("u1").block(TIMEOUT)).isEqualTo(new StoredAccount(whole, 2));
        assertThat(accountDoc("u1").keySet())
                .doesNotContain("lastTransactionAtNanos", "refillAnchorNanos", "lastRefillNanos");

        store.compareAndSet("u1", 2, full, List.of()).block(TIMEOUT);
        assertThat(store.load("u1").block(TIMEOUT).state()).isEqualTo(full);
    }

    private static OperationRecord op(int i) {
        return new OperationRecord(
                "k" + i,
                "add|" + i,
                T0.plusSeconds(i),
                new ReceiptRecord("k" + i, i + 1L, 1, Credits.ZERO, Credits.ZERO),
                null);
    }

    private static AccountState withOps(AccountState s, int from, int to) {
        List<OperationRecord> ops = new ArrayList<>();
        for (int i = from; i < to; i++) {
            ops.add(op(i));
        }
        return new AccountState(
                s.user(),
                s.balance(),
                s.funded(),
                s.holds(),
                s.lastHoldSeq(),
                ops,
                s.recentKeys(),
                s.lastSeq(),
                s.lastTransactionAt(),
                s.totalTokens(),
                s.createdAt(),
                s.tier(),
                s.refillAnchor(),
                s.refillPeriod(),
                s.lastRefill(),
                s.windows(),
                s.refillOverride());
    }

    @Test
    void compareAndSet_givenTheCurrentState_sendsOnlyWhatChanged_andTheDocumentHoldsTheWholeNewState() {
        List<BsonDocument> updates = new ArrayList<>();
        CommandListener capture = new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                if (event.getCommandName().equals("findAndModify")) {
                    updates.add(event.getCommand().getDocument("update").clone());
                } else if (event.getCommandName().equals("update")) {
                    updates.add(event.getCommand()
                            .getArray("updates")
                            .get(0)
                            .asDocument()
                            .getDocument("u")
                            .clone());
                }
            }
        };
        MongoClient counted = TestMongo.client(TestMongo.uri(server), capture);
        try {
            MongoBalanceStore store =
                    MongoBalanceStore.builder(counted.getDatabase(db.getName())).build();
            AccountState base = withOps(state("u1", 5, 1, T0), 0, 50);
            store.compareAndSet("u1", 0, base, List.of()).block(TIMEOUT);

            // the oldest operation is dropped and one is added; nothing else in the lists changes
            AccountState next = withOps(state("u1", 7, 2, T0), 1, 51);
            assertThat(store.compareAndSet("u1", 1, base, next, List.of(credit("u1", 2, 2, 7, T0)))
                            .block(TIMEOUT))
                    .isEqualTo(CasResult.APPLIED);

            BsonDocument update = updates.get(updates.size() - 1);
            assertThat(update.getDocument("$set").keySet())
                    .doesNotContain("operations", "holds", "windows", "recentKeys")
                    .contains("balance", "lastSeq", "version");
            BsonDocument pushed = update.getDocument("$push").getDocument("operations");
            assertThat(pushed.getArray("$each")).containsExactly(BsonMapping.operation(op(50)));
            assertThat(pushed.getInt32("$slice").getValue()).isEqualTo(-50);
            assertThat(update.getDocument("$push").getDocument("pending").getArray("$each"))
                    .hasSize(1);
            // what a store that knows nothing reads back is the whole new state
            assertThat(store(16).load("u1").block(TIMEOUT)).isEqualTo(new StoredAccount(next, 2));

            // a change that is not an append (an operation replaced in the middle) sets the list
            List<OperationRecord> replaced = new ArrayList<>(next.operations());
            replaced.set(10, op(99));
            AccountState third = new AccountState(
                    "u1",
                    next.balance(),
                    true,
                    List.of(),
                    0,
                    replaced,
                    List.of(),
                    2,
                    T0,
                    0,
                    T0,
                    null,
                    null,
                    0,
                    null,
                    List.of(),
                    null);
            store.compareAndSet("u1", 2, next, third, List.of()).block(TIMEOUT);
            assertThat(updates.get(updates.size() - 1).getDocument("$set")).containsKey("operations");
            assertThat(store(16).load("u1").block(TIMEOUT)).isEqualTo(new StoredAccount(third, 3));
        } finally {
            counted.close();
        }
    }

    @Test
    void compareAndSet_givenAStaleCurrentState_conflictsInsteadOfPushingOntoANewerDocument() {
        MongoBalanceStore first = store(16);
        MongoBalanceStore second = store(16);
        AccountState byFirstAtOne = withOps(state("u1", 5, 1, T0), 0, 3);
        first.compareAndSet("u1", 0, byFirstAtOne, List.of()).block(TIMEOUT);
        AccountState bySecond = withOps(state("u1", 6, 1, T0), 5, 9);
        second.compareAndSet("u1", 1, byFirstAtOne, bySecond, List.of()).block(TIMEOUT);

        // the first store's state (version 1) is stale: its diff must not be pushed onto version 2
        AccountState byFirst = withOps(state("u1", 8, 1, T0), 1, 4);
        assertThat(first.compareAndSet("u1", 1, byFirstAtOne, byFirst, List.of())
                        .block(TIMEOUT))
                .isEqualTo(CasResult.CONFLICT);
        assertThat(first.compareAndSet("u1", 2, bySecond, byFirst, List.of()).block(TIMEOUT))
                .isEqualTo(CasResult.APPLIED);

        assertThat(store(16).load("u1").block(TIMEOUT)).isEqualTo(new StoredAccount(byFirst, 3));
    }

    @Test
    void flushPending_copiesEveryAccount_onceAndIdempotently() {
        MongoBalanceStore store = store(1000);
        BalanceLedger ledger = ledger(store);
        for (int i = 0; i < 150; i++) {
            ledger.addBalance("u" + i, Credits.of(1)).block(TIMEOUT);
        }
        ledger.deduct(ChargeRequest.of("u7", MODEL, Usage.of(3, 4))).block(TIMEOUT);

        assertThat(store.flushPending().block(TIMEOUT)).isEqualTo(150 * 2 + 2);
        assertThat(store.flushPending().block(TIMEOUT)).isZero();

        for (int i = 0; i < 150; i += 7) {
            assertTransactionsComplete("u" + i);
        }
        LedgerInvariants.assertHold(store, clock.instant());
    }

    // ------------------------------------------------------------------ history

    @Test
    void history_mergesPendingAndCopiedEntries_withoutDuplicates_acrossPages() {
        MongoBalanceStore store = store(1000);
        BalanceLedger ledger = ledger(store);
        for (int i = 0; i < 6; i++) {
            ledger.addBalance("u1", Credits.of(1)).block(TIMEOUT);
        }
        // copied but not yet removed from pending: as after a crash between the two steps
        List<BsonDocument> copies = new ArrayList<>();
        for (var v : accountDoc("u1").getArray("pending").subList(0, 4)) {
            copies.add(BsonMapping.transaction(v.asBinary(), "u1"));
        }
        Mono.from(transactions().insertMany(copies)).block(TIMEOUT);
        ledger.addBalance("u1", Credits.of(1)).block(TIMEOUT);

        List<Long> seqs = new ArrayList<>();
        HistoryQuery q = HistoryQuery.all().withLimit(3);
        while (true) {
            Page<LedgerEntry> page = ledger.transactionHistory("u1", q).block(TIMEOUT);
            page.items().forEach(e -> seqs.add(e.seq()));
            if (page.nextCursor() == null) {
                break;
            }
            q = q.after(page.nextCursor());
        }

        assertThat(seqs).containsExactly(8L, 7L, 6L, 5L, 4L, 3L, 2L, 1L);
    }

    @Test
    void history_filtersByExactInstants_evenBelowTheMillisecond() {
        MongoBalanceStore store = store(1);
        Instant t = Instant.parse("2026-01-15T10:00:00.000100Z");
        List<LedgerEntry> entries = List.of(
                credit("u1", 1, 1, 1, t),
                credit("u1", 2, 1, 2, t.plusNanos(500_000)),
                credit("u1", 3, 1, 3, t.plusNanos(900_000)),
                credit("u1", 4, 1, 4, t.plusMillis(2)));
        store.compareAndSet("u1", 0, state("u1", 4, 4, t.plusMillis(2)), entries)
                .block(TIMEOUT);
        assertThat(transactionDocs("u1")).hasSize(4);

        HistoryQuery q = HistoryQuery.all().between(t.plusNanos(500_000), t.plusNanos(900_000));
        assertThat(store.history("u1", q).map(LedgerEntry::seq).collectList().block(TIMEOUT))
                .containsExactly(2L);
        HistoryQuery q2 = HistoryQuery.all().between(t.plusNanos(1), t.plusMillis(2));
        assertThat(store.history("u1", q2).map(LedgerEntry::seq).collectList().block(TIMEOUT))
                .containsExactly(3L, 2L);
        HistoryQuery q3 = HistoryQuery.all()
                .between(Instant.parse("2026-01-15T10:00:00Z"), null)
                .withLimit(1);
        assertThat(store.history("u1", q3).map(LedgerEntry::seq).collectList().block(TIMEOUT))
                .containsExactly(4L, 3L);
    }

    @Test
    void history_contextAndModelFilters_readBothSources() {
        MongoBalanceStore store = store(3);
        BalanceLedger ledger = ledger(store);
        ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(1, 1))).block(TIMEOUT);
        ledger.deduct(ChargeRequest.of("u1", "other", Usage.of(1, 0)).withContext(EntryContext.TITLE))
                .block(TIMEOUT);

        assertThat(transactionDocs("u1")).hasSize(3);
        assertThat(store.history("u1", HistoryQuery.all().withModel(MODEL))
                        .map(LedgerEntry::seq)
                        .collectList()
                        .block(TIMEOUT))
                .containsExactly(3L, 2L);
        assertThat(store.history("u1", HistoryQuery.all().withContext(EntryContext.TITLE))
                        .map(LedgerEntry::seq)
                        .collectList()
                        .block(TIMEOUT))
                .containsExactly(4L);
    }

    // ------------------------------------------------------------------ listing

    @Test
    void accounts_everySortAndDirection_pagesLikeTheReferenceStore() {
        BalanceStore reference = new InMemoryBalanceStore();
        MongoBalanceStore store = store(16);
        for (BalanceStore s : List.of(reference, store)) {
            clock.set(T0);
            BalanceLedger ledger = BalanceLedger.builder()
                    .store(s)
                    .config(config().startBalance(Credits.ZERO).build())
                    .clock(clock)
                    .build();
            ledger.checkBalance("idle-b", MODEL, 1, 0).block(TIMEOUT);
            ledger.checkBalance("idle-a", MODEL, 1, 0).block(TIMEOUT);
            for (String u : List.of("m", "c", "x", "a", "k")) {
                clock.advance(Duration.ofSeconds(1));
                ledger.addBalance(u, Credits.of(u.equals("x") || u.equals("a") ? 50 : u.charAt(0)))
                        .block(TIMEOUT);
            }
            clock.advance(Duration.ofSeconds(1));
            ledger.addBalance("c", Credits.of(1)).block(TIMEOUT);
        }

        for (ListQuery.Sort sort : ListQuery.Sort.values()) {
            for (boolean descending : new boolean[] {false, true}) {
                List<String> expected = users(reference, sort, descending, 100);
                assertThat(expected).hasSize(7);
                for (int pageSize : new int[] {1, 2, 3, 7, 100}) {
                    assertThat(users(store, sort, descending, pageSize))
                            .as("%s %s by %d", sort, descending ? "desc" : "asc", pageSize)
                            .isEqualTo(expected);
                }
            }
        }
    }

    private static List<String> users(BalanceStore store, ListQuery.Sort sort, boolean descending, int pageSize) {
        List<String> users = new ArrayList<>();
        ListQuery q = ListQuery.byUser().sortedBy(sort, descending).withLimit(pageSize);
        while (true) {
            Page<AccountState> page = store.accounts(q).block(TIMEOUT);
            page.items().forEach(s -> users.add(s.user()));
            if (page.nextCursor() == null) {
                return users;
            }
            q = q.after(page.nextCursor());
        }
    }

    @Test
    void accounts_showLastTransactionAndTotalTokens_fromTheAccountDocument() {
        MongoBalanceStore store = store(16);
        BalanceLedger ledger = ledger(store);
        ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(10, 5))).block(TIMEOUT);
        Mono.from(transactions().drop()).block(TIMEOUT);

        AccountView v =
                ledger.listBalances(ListQuery.byUser()).block(TIMEOUT).items().get(0);

        assertThat(v.totalTokens()).isEqualTo(15);
        assertThat(v.lastTransactionAt()).isEqualTo(T0);
    }

    @Test
    void accounts_foreignOrMalformedCursor_isRejected() {
        MongoBalanceStore store = store(16);
        ListQuery byBalance = ListQuery.byUser().sortedBy(ListQuery.Sort.BALANCE, false);

        assertThatThrownBy(() -> store.accounts(byBalance.after("u.dTE")).block(TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cursor is not one this store issued for sort BALANCE, was 'u.dTE'");
        for (String bad : List.of("b.x.dTE", "b.1", "b.1.***", "a.1.2.3", "o5")) {
            assertThatThrownBy(() -> store.accounts(byBalance.after(bad)).block(TIMEOUT))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    // ------------------------------------------------------------------ indexes and errors

    @Test
    void ensureIndexes_createsHistoryListAndFlushIndexes_andIsIdempotent() {
        MongoBalanceStore store = store(16);
        store.ensureIndexes().block(TIMEOUT);

        List<BsonDocument> tx = Flux.from(transactions().listIndexes(BsonDocument.class))
                .collectList()
                .block(TIMEOUT);
        List<BsonDocument> acc = Flux.from(balances().listIndexes(BsonDocument.class))
                .collectList()
                .block(TIMEOUT);

        assertThat(tx)
                .extracting(i -> i.getDocument("key").toJson())
                .contains(
                        "{\"user\": 1, \"seq\": -1}",
                        "{\"user\": 1, \"createdAt\": -1}",
                        "{\"user\": 1, \"id\": 1}",
                        "{\"user\": 1, \"holdId\": 1}");
        assertThat(acc)
                .extracting(i -> i.getDocument("key").toJson())
                .contains("{\"balance\": 1, \"_id\": 1}", "{\"lastTransactionAt\": 1, \"_id\": 1}", "{\"pending\": 1}");
    }

    @Test
    void corruptDocument_failsWithStoreException_naming_theAccount() {
        MongoBalanceStore store = store(16);
        ledger(store).addBalance("u1", Credits.of(1)).block(TIMEOUT);
        Mono.from(balances()
                        .updateOne(
                                new BsonDocument("_id", new BsonString("u1")),
                                new BsonDocument("$set", new BsonDocument("balance", new BsonDouble(1.5)))))
                .block(TIMEOUT);

        assertThatThrownBy(() -> store.load("u1").block(TIMEOUT))
                .isInstanceOf(StoreException.class)
                .hasMessage("load of account 'u1' failed: MalformedDocumentException")
                .cause()
                .hasMessage("field 'balance' must be an integer (Int64), was double");
    }

    @Test
    void closedClient_failsWithStoreExceptionCarryingTheDriverCause() {
        var closing = TestMongo.client(TestMongo.uri(server));
        MongoBalanceStore store =
                MongoBalanceStore.builder(closing.getDatabase(db.getName())).build();
        closing.close();

        assertThatThrownBy(() -> store.load("u1").block(TIMEOUT))
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith("load of account 'u1' failed")
                .hasCauseInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.compareAndSet("u1", 0, state("u1", 0, 0, T0), List.of())
                        .block(TIMEOUT))
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith("write of account 'u1' failed");
    }

    @Test
    void nothingHappensBeforeSubscription() {
        MongoBalanceStore store = store(1);

        store.compareAndSet("u1", 0, state("u1", 5, 1, T0), List.of(credit("u1", 1, 5, 5, T0)));
        store.flushPending();
        store.ensureIndexes();

        assertThat(accountDoc("u1")).isNull();
    }
}
