package dev.balancekit.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancekit.BalanceLedger;
import dev.balancekit.ChargeRequest;
import dev.balancekit.Credits;
import dev.balancekit.EntryContext;
import dev.balancekit.HistoryQuery;
import dev.balancekit.LedgerEntry;
import dev.balancekit.ListQuery;
import dev.balancekit.Page;
import dev.balancekit.TokenType;
import dev.balancekit.Usage;
import dev.balancekit.pricing.Rate;
import dev.balancekit.spi.AccountState;
import dev.balancekit.spi.CasResult;
import dev.balancekit.testkit.LedgerInvariants;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * User ids and free-text values that look like query operators, field paths or JavaScript are
 * stored and matched as plain strings: they change no query's meaning and touch no other account.
 */
class HostileIdsTest extends InProcessMongoTest {
    private static final List<String> HOSTILE = List.of(
            "{\"$gt\": \"\"}",
            "{\"$ne\": null}",
            "a.b",
            "$where",
            "$gt",
            "this.balance > 0",
            "' || '1'=='1",
            "u1\u0000",
            "ünï©ødé ✓",
            ".",
            "$",
            "_id");

    private MongoBalanceStore store() {
        MongoBalanceStore store = MongoBalanceStore.builder(db).copyBatchSize(2).build();
        store.ensureIndexes().block(TIMEOUT);
        return store;
    }

    @Test
    void hostileUserIds_areSeparateAccounts_andLeaveOthersAlone() {
        MongoBalanceStore store = store();
        BalanceLedger ledger = ledger(store);
        ledger.deduct(ChargeRequest.of("victim", MODEL, Usage.of(100, 0))).block(TIMEOUT);

        for (String user : HOSTILE) {
            ledger.addBalance(user, Credits.of(1)).block(TIMEOUT);
            ledger.deduct(ChargeRequest.of(user, MODEL, Usage.of(1, 1))).block(TIMEOUT);
        }

        assertThat(ledger.balance("victim").block(TIMEOUT).balance()).isEqualTo(Credits.of(900));
        assertThat(LedgerInvariants.allEntries(store, "victim")).hasSize(2);
        for (String user : HOSTILE) {
            assertThat(store.load(user).block(TIMEOUT).state().user()).isEqualTo(user);
            assertThat(ledger.balance(user).block(TIMEOUT).balance()).isEqualTo(Credits.of(998));
            assertThat(LedgerInvariants.allEntries(store, user))
                    .hasSize(4)
                    .allSatisfy(e -> assertThat(e.user()).isEqualTo(user));
        }
        List<String> listed = new ArrayList<>();
        ListQuery q = ListQuery.byUser().withLimit(3);
        while (true) {
            Page<AccountState> page = store.accounts(q).block(TIMEOUT);
            page.items().forEach(s -> listed.add(s.user()));
            if (page.nextCursor() == null) {
                break;
            }
            q = q.after(page.nextCursor());
        }
        assertThat(listed).containsExactlyInAnyOrderElementsOf(concat(HOSTILE, "victim"));
        store.flushPending().block(TIMEOUT);
        for (String user : concat(HOSTILE, "victim")) {
            assertTransactionsComplete(user);
        }
        assertThat(LedgerInvariants.assertHold(store, clock.instant())).isEqualTo(HOSTILE.size() + 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"$gt\": \"\"}", "$where", "a.b", "{\"$regex\": \".*\"}"})
    void hostileUserIds_readNothingOfOtherAccounts(String user) {
        MongoBalanceStore store = store();
        ledger(store).addBalance("victim", Credits.of(1)).block(TIMEOUT);

        assertThat(store.load(user).block(TIMEOUT)).isNull();
        assertThat(store.history(user, HistoryQuery.all()).collectList().block(TIMEOUT))
                .isEmpty();
    }

    @Test
    void hostileTextValues_areStoredAndFilteredAsPlainStrings() {
        MongoBalanceStore store = store();
        BalanceLedger ledger = ledger(store);
        ledger.deduct(ChargeRequest.of("u1", "{\"$ne\": null}", Usage.of(1, 0))
                        .withContext("$where")
                        .withConversationId("{\"$gt\": \"\"}"))
                .block(TIMEOUT);
        ledger.deduct(ChargeRequest.of("u1", MODEL, Usage.of(1, 0))).block(TIMEOUT);

        List<LedgerEntry> byModel = store.history("u1", HistoryQuery.all().withModel("{\"$ne\": null}"))
                .collectList()
                .block(TIMEOUT);
        List<LedgerEntry> byContext = store.history("u1", HistoryQuery.all().withContext("$where"))
                .collectList()
                .block(TIMEOUT);
        List<LedgerEntry> noMatch = store.history("u1", HistoryQuery.all().withModel("{\"$exists\": true}"))
                .collectList()
                .block(TIMEOUT);

        assertThat(byModel).singleElement().satisfies(e -> {
            assertThat(e.conversationId()).isEqualTo("{\"$gt\": \"\"}");
            assertThat(e.context()).isEqualTo("$where");
        });
        assertThat(byContext).hasSize(1);
        assertThat(noMatch).isEmpty();
        assertThat(store.history("u1", HistoryQuery.all().withContext(EntryContext.MESSAGE))
                        .collectList()
                        .block(TIMEOUT))
                .extracting(LedgerEntry::model)
                .containsExactly(MODEL);
    }

    @Test
    void tenKilobyteUserId_isStoredCopiedAndReadBack() {
        MongoBalanceStore store = store();
        String huge = "x".repeat(10 * 1024 - 1) + "$";
        AccountState state = new AccountState(
                huge,
                Credits.of(5),
                true,
                List.of(),
                0,
                List.of(),
                List.of(),
                1,
                T0,
                0,
                T0,
                null,
                null,
                0,
                null,
                List.of(),
                null);
        LedgerEntry entry = LedgerEntry.builder()
                .id("k".repeat(10 * 1024) + "#1")
                .seq(1)
                .user(huge)
                .tokenType(TokenType.CREDITS)
                .rawAmount(5_000_000)
                .rate(Rate.perToken("1"))
                .tokenValue(Credits.of(5))
                .context(EntryContext.ADMIN)
                .balance(Credits.of(5))
                .createdAt(T0)
                .note("n".repeat(10 * 1024))
                .build();

        assertThat(store.compareAndSet(huge, 0, state, List.of(entry)).block(TIMEOUT))
                .isEqualTo(CasResult.APPLIED);
        assertThat(store.load("x".repeat(10 * 1024 - 1)).block(TIMEOUT)).isNull();
        assertThat(store.flushPending().block(TIMEOUT)).isEqualTo(1);

        assertThat(store.load(huge).block(TIMEOUT).state()).isEqualTo(state);
        assertThat(store.history(huge, HistoryQuery.all()).collectList().block(TIMEOUT))
                .containsExactly(entry);
        assertTransactionsComplete(huge);
        assertThat(store.accounts(ListQuery.byUser().withLimit(1))
                        .block(TIMEOUT)
                        .items())
                .extracting(AccountState::user)
                .containsExactly(huge);
    }

    private static List<String> concat(List<String> list, String more) {
        List<String> all = new ArrayList<>(list);
        all.add(more);
        return all;
    }
}
