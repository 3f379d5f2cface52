package dev.balancekit.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancekit.Credits;
import dev.balancekit.HistoryQuery;
import dev.balancekit.Hold;
import dev.balancekit.LedgerEntry;
import dev.balancekit.ListQuery;
import dev.balancekit.Page;
import dev.balancekit.spi.AccountState;
import dev.balancekit.spi.BalanceStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks what must hold for every account of a store at any quiet moment, through the store SPI
 * alone, so that it works for any backend.
 */
public final class LedgerInvariants {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private LedgerInvariants() {}

    /**
     * Asserts, for every account: balance = sum of its entries' values; entry sequence numbers are
     * 1..lastSeq with no gap or repeat; entry ids are unique; each entry's balance-after is the
     * running sum; the last entry's time is the account's last transaction time; and no hold is
     * counted past its expiry.
     *
     * @param store the store
     * @param now the current time of the ledger's clock
     * @return the number of accounts checked
     */
    public static int assertHold(BalanceStore store, Instant now) {
        int accounts = 0;
        String cursor = null;
        do {
            Page<AccountState> page = store.accounts(
                            ListQuery.byUser().withLimit(500).after(cursor))
                    .block(TIMEOUT);
            assertThat(page).isNotNull();
            for (AccountState state : page.items()) {
                assertAccount(store, state, now);
                accounts++;
            }
            cursor = page.nextCursor();
        } while (cursor != null);
        return accounts;
    }

    private static void assertAccount(BalanceStore store, AccountState state, Instant now) {
        List<LedgerEntry> newestFirst = allEntries(store, state.user());
        long sum = 0;
        Set<String> ids = new HashSet<>();
        long expectedSeq = newestFirst.size();
        for (LedgerEntry e : newestFirst) {
            assertThat(e.user()).as("entry user of %s", e.id()).isEqualTo(state.user());
            assertThat(e.seq())
                    .as("sequence of entry %s of %s", e.id(), state.user())
                    .isEqualTo(expectedSeq--);
            assertThat(ids.add(e.id()))
                    .as("entry id %s of %s is unique", e.id(), state.user())
                    .isTrue();
            sum = Math.addExact(sum, e.tokenValue().micros());
        }
        assertThat(Credits.ofMicros(sum))
                .as("balance of %s = sum of its %d entries", state.user(), newestFirst.size())
                .isEqualTo(state.balance());
        assertThat(state.lastSeq()).as("lastSeq of %s", state.user()).isEqualTo(newestFirst.size());
        long running = 0;
        for (int i = newestFirst.size() - 1; i >= 0; i--) {
            LedgerEntry e = newestFirst.get(i);
            running += e.tokenValue().micros();
            assertThat(e.balance().micros())
                    .as("balance after entry %s of %s", e.id(), state.user())
                    .isEqualTo(running);
        }
        if (!newestFirst.isEmpty()) {
            assertThat(state.lastTransactionAt())
                    .as("last transaction time of %s", state.user())
                    .isEqualTo(newestFirst.get(0).createdAt());
        }
        long held = 0;
        for (Hold h : state.holds()) {
            if (h.isActiveAt(now)) {
                held += h.amount().micros();
            }
        }
        assertThat(state.availableAt(now))
                .as("available of %s counts only active holds", state.user())
                .isEqualTo(state.balance().minus(Credits.ofMicros(held)));
    }

    /**
     * Reads all entries of an account through the store's history paging, newest first.
     *
     * @param store the store
     * @param user the user id
     * @return every entry
     */
    public static List<LedgerEntry> allEntries(BalanceStore store, String user) {
        List<LedgerEntry> all = new ArrayList<>();
        HistoryQuery q = HistoryQuery.all().withLimit(1000);
        while (true) {
            List<LedgerEntry> page = store.history(user, q).collectList().block(TIMEOUT);
            assertThat(page).isNotNull();
            if (page.size() <= q.limit()) {
                all.addAll(page);
                return all;
            }
            List<LedgerEntry> items = page.subList(0, q.limit());
            all.addAll(items);
            q = q.after(HistoryQuery.cursorAfter(items.get(items.size() - 1)));
        }
    }
}
