package dev.balancekit.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancekit.BalanceDecision;
import dev.balancekit.BalanceLedger;
import dev.balancekit.Credits;
import dev.balancekit.EntryContext;
import dev.balancekit.HistoryQuery;
import dev.balancekit.LedgerConfig;
import dev.balancekit.LedgerEntry;
import dev.balancekit.ListQuery;
import dev.balancekit.Refill;
import dev.balancekit.RefillMode;
import dev.balancekit.RefillOverride;
import dev.balancekit.RefillUnit;
import dev.balancekit.TokenType;
import dev.balancekit.spi.AccountState;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class LibreChatImportTest extends InProcessMongoTest {
    static final LedgerConfig CONFIG = LedgerConfig.builder()
            .refill(new Refill(RefillMode.ADD, 30, RefillUnit.DAYS, Credits.of(10_000)))
            .build();

    LibreChatSeed seed;
    Map<String, List<String>> before;
    MongoBalanceStore store;
    List<LibreChatImport.UserResult> results;

    @BeforeEach
    void seed() {
        seed = new LibreChatSeed(db).insert();
        before = LibreChatSeed.snapshot(db);
        store = MongoBalanceStore.builder(db).build();
        results = new ArrayList<>();
    }

    LibreChatImport.Report run(boolean history, boolean dryRun) {
        return LibreChatImport.builder(db, store)
                .config(CONFIG)
                .history(history)
                .dryRun(dryRun)
                .clock(clock)
                .build()
                .run(results::add)
                .block(TIMEOUT);
    }

    AccountState account(org.bson.types.ObjectId user) {
        return store.load(user.toHexString()).block(TIMEOUT).state();
    }

    List<LedgerEntry> entries(org.bson.types.ObjectId user) {
        BalanceLedger ledger =
                BalanceLedger.builder().store(store).config(CONFIG).clock(clock).build();
        List<LedgerEntry> all = new ArrayList<>(
                ledger.transactionHistory(user.toHexString(), HistoryQuery.all().withLimit(1000))
                        .block(TIMEOUT)
                        .items());
        java.util.Collections.reverse(all);
        return all;
    }

    static Credits sum(List<LedgerEntry> entries) {
        Credits s = Credits.ZERO;
        for (LedgerEntry e : entries) {
            s = s.plus(e.tokenValue());
        }
        return s;
    }

    @Test
    void import_balancesOnly_convertsTokenCreditsExactly_andReportsRoundingPerUser() {
        LibreChatImport.Report report = run(false, false);

        assertThat(account(seed.alice).balance()).isEqualTo(Credits.parse("15000.5"));
        assertThat(account(seed.bob).balance()).isEqualTo(Credits.parse("0.123457"));
        assertThat(account(seed.carol).balance()).isEqualTo(Credits.of(20_000));
        LibreChatImport.UserResult bob = results.stream()
                .filter(r -> r.user().equals(seed.bob.toHexString()))
                .findFirst()
                .orElseThrow();
        assertThat(bob.rounding()).isEqualByComparingTo(new BigDecimal("-0.0000003"));
        assertThat(report.users()).isEqualTo(3);
        assertThat(report.imported()).isEqualTo(3);
        assertThat(report.rounded()).isEqualTo(1);
        assertThat(report.largestRoundingUser()).isEqualTo(seed.bob.toHexString());
        assertThat(report.libreChatTotal()).isEqualByComparingTo(new BigDecimal("35000.6234567"));
        assertThat(report.balanceKitTotal()).isEqualTo(Credits.parse("35000.623457"));
        List<LedgerEntry> alice = entries(seed.alice);
        assertThat(alice).singleElement().satisfies(e -> {
            assertThat(e.context()).isEqualTo(EntryContext.IMPORT);
            assertThat(e.tokenValue()).isEqualTo(Credits.parse("15000.5"));
        });
        assertThat(LibreChatSeed.snapshot(db)).isEqualTo(before);
    }

    @Test
    void import_carriesLastRefillOver_soTheNextRefillFallsWhenLibreChatsWould() {
        run(false, false);

        AccountState alice = account(seed.alice);
        assertThat(alice.lastRefill()).isEqualTo(LibreChatSeed.LAST_REFILL);
        assertThat(alice.refillAnchor()).isEqualTo(LibreChatSeed.LAST_REFILL);
        BalanceLedger ledger =
                BalanceLedger.builder().store(store).config(CONFIG).clock(clock).build();
        assertThat(ledger.checkBalance(seed.alice.toHexString(), MODEL, 1, 0)
                        .block(TIMEOUT)
                        .refillAt())
                .isEqualTo(LibreChatSeed.LAST_REFILL.plus(Duration.ofDays(30)));
        // Carol has no lastRefill: her period starts at the import
        assertThat(account(seed.carol).refillAnchor()).isEqualTo(T0);
    }

    @Test
    void import_withHistory_keepsEachTransaction_andReconcilesToTheBalance_reportingDrift() {
        LibreChatImport.Report report = run(true, false);

        List<LedgerEntry> alice = entries(seed.alice);
        assertThat(alice).hasSize(6);
        LedgerEntry cached = alice.get(4);
        assertThat(cached.tokenType()).isEqualTo(TokenType.PROMPT);
        assertThat(cached.rawAmount()).isEqualTo(-311);
        assertThat(cached.tokenValue()).isEqualTo(Credits.of(-1000));
        assertThat(cached.model()).isEqualTo("gpt-4o");
        assertThat(cached.context()).isEqualTo("message");
        assertThat(cached.conversationId()).startsWith("conv-");
        assertThat(cached.createdAt()).isEqualTo(java.time.Instant.parse("2026-01-12T09:31:03Z"));
        assertThat(List.of(cached.inputTokens(), cached.writeTokens(), cached.readTokens()))
                .containsExactly(11L, 200L, 100L);
        assertThat(alice.get(5).context()).isEqualTo(EntryContext.IMPORT);
        assertThat(alice.get(5).tokenValue()).isEqualTo(Credits.ZERO);
        assertThat(sum(alice)).isEqualTo(account(seed.alice).balance());
        assertThat(account(seed.alice).lastSeq()).isEqualTo(6);

        List<LedgerEntry> bob = entries(seed.bob);
        assertThat(sum(bob)).isEqualTo(Credits.parse("0.123457"));
        assertThat(bob.get(bob.size() - 1).tokenValue()).isEqualTo(Credits.parse("5000.123457"));
        LibreChatImport.UserResult bobResult = results.stream()
                .filter(r -> r.user().equals(seed.bob.toHexString()))
                .findFirst()
                .orElseThrow();
        assertThat(bobResult.drift()).isEqualByComparingTo(new BigDecimal("5000.1234567"));
        // Bob's write-off and Carol's balance without any transaction
        assertThat(report.drifted()).isEqualTo(2);
        assertThat(LibreChatSeed.snapshot(db)).isEqualTo(before);
    }

    @Test
    void import_secondRun_importsNothingTwice() {
        run(true, false);
        long entries = Flux.from(transactions().countDocuments()).blockFirst(TIMEOUT);
        results.clear();

        LibreChatImport.Report again = run(true, false);

        assertThat(again.imported()).isZero();
        assertThat(again.existing()).isEqualTo(3);
        assertThat(Flux.from(transactions().countDocuments()).blockFirst(TIMEOUT))
                .isEqualTo(entries);
        assertThat(account(seed.alice).balance()).isEqualTo(Credits.parse("15000.5"));
    }

    @Test
    void import_interruptedRun_continuesWhereItStopped() {
        // what a run killed mid-way leaves: some users done, one with its entries written but no account yet
        // (and an entry that a changed LibreChat history no longer has), the rest not started
        run(true, false);
        Flux.from(balances()
                        .deleteOne(new org.bson.BsonDocument("_id", new org.bson.BsonString(seed.bob.toHexString()))))
                .blockLast(TIMEOUT);
        Flux.from(balances()
                        .deleteOne(new org.bson.BsonDocument("_id", new org.bson.BsonString(seed.carol.toHexString()))))
                .blockLast(TIMEOUT);
        store = MongoBalanceStore.builder(db).build();
        store.putEntries(List.of(LedgerEntry.builder()
                        .id("librechat:x#1")
                        .seq(1)
                        .user(seed.bob.toHexString())
                        .tokenType(TokenType.CREDITS)
                        .rawAmount(1)
                        .rate(dev.balancekit.pricing.Rate.ofNanos(1_000_000_000L))
                        .tokenValue(Credits.of(1))
                        .context("admin")
                        .balance(Credits.of(1))
                        .createdAt(T0)
                        .build()))
                .block(TIMEOUT);
        results.clear();

        LibreChatImport.Report resumed = run(true, false);

        assertThat(resumed.existing()).isEqualTo(1);
        assertThat(resumed.imported()).isEqualTo(2);
        assertThat(sum(entries(seed.bob)))
                .isEqualTo(account(seed.bob).balance())
                .isEqualTo(Credits.parse("0.123457"));
        assertThat(entries(seed.bob)).extracting(LedgerEntry::id).doesNotContain("librechat:x#1");
        assertThat(sum(entries(seed.carol))).isEqualTo(Credits.of(20_000));
        assertThat(entries(seed.alice)).hasSize(6);
    }

    @Test
    void import_unreadableUser_isReportedAndSkipped_theOthersImported() {
        Flux.from(db.getCollection("balances", org.bson.BsonDocument.class)
                        .insertMany(List.of(
                                LibreChatSeed.balance(
                                        new org.bson.types.ObjectId(), new org.bson.BsonDouble(Double.NaN), null),
                                LibreChatSeed.balance(
                                        new org.bson.types.ObjectId(), new org.bson.BsonDouble(1e300), null))))
                .blockLast(TIMEOUT);

        LibreChatImport.Report report = run(false, false);

        assertThat(report.imported()).isEqualTo(3);
        assertThat(report.failed()).isEqualTo(2);
        assertThat(results)
                .filteredOn(r -> r.status() == LibreChatImport.Status.FAILED)
                .extracting(LibreChatImport.UserResult::problem)
                .containsExactlyInAnyOrder(
                        "tokenCredits must be a finite number, was NaN",
                        "tokenCredits is too large for micro-credits, was 1.0E+300");
    }

    @Test
    void dryRun_reportsWithoutWriting() {
        LibreChatImport.Report report = run(true, true);

        assertThat(report.dryRun()).isTrue();
        assertThat(report.imported()).isEqualTo(3);
        assertThat(report.drifted()).isEqualTo(2);
        assertThat(results)
                .extracting(LibreChatImport.UserResult::status)
                .containsOnly(LibreChatImport.Status.WOULD_IMPORT);
        assertThat(Flux.from(db.listCollectionNames()).collectList().block(TIMEOUT))
                .doesNotContain(
                        MongoBalanceStore.DEFAULT_BALANCES_COLLECTION,
                        MongoBalanceStore.DEFAULT_TRANSACTIONS_COLLECTION);
    }

    /** Adds a LibreChat user with its own refill settings to the seeded database; returns its id. */
    org.bson.types.ObjectId libreChatUser(
            boolean enabled, BsonValue interval, String unit, int amount, Instant lastRefill) {
        org.bson.types.ObjectId user = new org.bson.types.ObjectId();
        BsonDocument doc = LibreChatSeed.balance(user, new BsonInt32(10), lastRefill)
                .append("autoRefillEnabled", BsonBoolean.valueOf(enabled))
                .append("refillIntervalValue", interval)
                .append("refillIntervalUnit", new BsonString(unit))
                .append("refillAmount", new BsonInt32(amount));
        Mono.from(db.getCollection("balances", BsonDocument.class).insertOne(doc))
                .block(TIMEOUT);
        return user;
    }

    List<Credits> refills(BalanceLedger ledger, org.bson.types.ObjectId user) {
        return ledger
                .transactionHistory(user.toHexString(), HistoryQuery.all().withLimit(100))
                .block(TIMEOUT)
                .items()
                .stream()
                .filter(e -> e.context().equals(EntryContext.AUTO_REFILL))
                .map(LedgerEntry::tokenValue)
                .toList();
    }

    @Test
    void import_userWhoseRefillIsTheConfigs_getsNoOverride() {
        LibreChatImport.Report report = run(false, false);

        assertThat(report.refillOverrides()).isZero();
        assertThat(report.refillNotCarried()).isZero();
        assertThat(account(seed.alice).refillOverride()).isNull();
        assertThat(results)
                .extracting(LibreChatImport.UserResult::refillOverride)
                .containsOnlyNulls();
    }

    @Test
    void import_userWithUniqueRefillSettings_isRefilledExactlyWhenLibreChatWouldBe_andNotBefore() {
        Refill weekly = new Refill(RefillMode.ADD, 7, RefillUnit.DAYS, Credits.of(2500));
        org.bson.types.ObjectId dave =
                libreChatUser(true, new BsonInt32(7), "days", 2500, T0.minus(Duration.ofDays(3)));

        LibreChatImport.Report report = run(false, false);

        assertThat(report.refillOverrides()).isEqualTo(1);
        assertThat(account(dave).refillOverride()).isEqualTo(RefillOverride.of(weekly));
        BalanceLedger ledger = BalanceLedger.builder()
                .store(store)
                .config(config().refill(CONFIG.refill()).build())
                .clock(clock)
                .build();
        Instant librechatsNext = T0.plus(Duration.ofDays(4));
        // the config would refill 10000 every 30 days; LibreChat refills this user 2500 four days after the import
        clock.set(librechatsNext.minusMillis(1));
        BalanceDecision early =
                ledger.checkBalance(dave.toHexString(), MODEL, 100, 0).block(TIMEOUT);
        assertThat(early.refillAt()).isEqualTo(librechatsNext);
        assertThat(refills(ledger, dave)).isEmpty();

        clock.set(librechatsNext);
        BalanceDecision due =
                ledger.checkBalance(dave.toHexString(), MODEL, 100, 0).block(TIMEOUT);

        assertThat(refills(ledger, dave)).containsExactly(Credits.of(2500));
        assertThat(due.balance()).isEqualTo(Credits.of(2510));
        assertThat(due.refillAt()).isEqualTo(librechatsNext.plus(Duration.ofDays(7)));
        assertThat(ledger.balance(dave.toHexString()).block(TIMEOUT).refill()).isEqualTo(weekly);
    }

    @Test
    void import_userWithAutoRefillOff_whileTheConfigRefills_keepsRefillsOff() {
        org.bson.types.ObjectId dave =
                libreChatUser(false, new BsonInt32(30), "days", 10000, T0.minus(Duration.ofDays(40)));

        run(false, false);

        assertThat(account(dave).refillOverride())
                .isEqualTo(
                        new RefillOverride(false, new Refill(RefillMode.ADD, 30, RefillUnit.DAYS, Credits.of(10_000))));
        BalanceLedger ledger = BalanceLedger.builder()
                .store(store)
                .config(config().refill(CONFIG.refill()).build())
                .clock(clock)
                .build();
        BalanceDecision d =
                ledger.checkBalance(dave.toHexString(), MODEL, 100, 0).block(TIMEOUT);
        assertThat(d.refillAt()).isNull();
        assertThat(refills(ledger, dave)).isEmpty();
    }

    @Test
    void import_userWhoseRefillBalanceKitCannotExpress_isReported_andGetsTheConfigs() {
        org.bson.types.ObjectId dave = libreChatUser(true, new BsonInt32(0), "days", 2500, T0);

        LibreChatImport.Report report = run(false, false);

        assertThat(report.refillNotCarried()).isEqualTo(1);
        assertThat(results)
                .filteredOn(r -> r.user().equals(dave.toHexString()))
                .extracting(LibreChatImport.UserResult::refillNotCarried)
                .containsExactly("refillIntervalValue must be positive, was 0");
        assertThat(account(dave).refillOverride()).isNull();
    }

    @Test
    void listing_afterAnImport_onTheSharedDatabase_works() {
        run(false, false);

        var page = store.accounts(ListQuery.byUser().withLimit(10)).block(TIMEOUT);

        assertThat(page.items()).hasSize(3);
        assertThat(LibreChatSeed.snapshot(db)).isEqualTo(before);
    }
}
