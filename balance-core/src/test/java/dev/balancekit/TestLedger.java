package dev.balancekit;

import dev.balancekit.memory.InMemoryBalanceStore;
import dev.balancekit.memory.ManualClock;
import dev.balancekit.pricing.ModelPrice;
import dev.balancekit.pricing.PriceTable;
import dev.balancekit.spi.AccountState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A ledger for the limits, refill, tier and event tests: a manual clock, an in-memory store, every
 * model at one credit per prompt or completion token (so a cost in credits is a token count), and
 * every event recorded, delivered in the calling thread so that it is there when the call returns.
 */
final class TestLedger {

    /**
     * Every model at 1 credit per prompt token and 1 per completion token; {@link #MODEL} has a row of
     * its own, so that its charges are not reported as priced by the default rate.
     */
    static final PriceTable ONE_CREDIT_PER_TOKEN = PriceTable.builder()
            .defaultPrice(ModelPrice.perToken("1", "1"))
            .model("m", ModelPrice.perToken("1", "1"))
            .build();

    /** The model the tests call; any name costs the same. */
    static final String MODEL = "m";

    final ManualClock clock;
    final InMemoryBalanceStore store = new InMemoryBalanceStore();
    final List<BalanceEvent> events = new CopyOnWriteArrayList<>();
    final BalanceLedger reactive;
    final BlockingBalanceLedger ledger;

    TestLedger(LedgerConfig.Builder config, Instant start) {
        this(config.build(), start);
    }

    TestLedger(LedgerConfig config, Instant start) {
        this.clock = new ManualClock(start);
        this.reactive = BalanceLedger.builder()
                .store(store)
                .config(config)
                .clock(clock)
                .listener(events::add)
                .eventExecutor(Runnable::run)
                .build();
        this.ledger = reactive.blocking();
    }

    /** @return a config with a start balance of 1000 credits and every model at one credit per token */
    static LedgerConfig.Builder config() {
        return LedgerConfig.builder().startBalance(Credits.of(1000)).prices(ONE_CREDIT_PER_TOKEN);
    }

    /** Checks a prompt-only request that costs {@code credits}. */
    BalanceDecision check(String user, long credits) {
        return ledger.checkBalance(user, MODEL, credits, 0);
    }

    /** Reserves a request that costs {@code credits}. */
    Reservation reserve(String user, long credits) {
        return ledger.reserve(BalanceRequest.of(user, MODEL, credits, 0));
    }

    /** Charges {@code credits} prompt tokens, so {@code credits} credits and tokens. */
    Receipt charge(String user, long credits) {
        return ledger.deduct(ChargeRequest.of(user, MODEL, Usage.of(credits, 0)));
    }

    /** Settles a hold with the actual usage of {@code credits} prompt tokens. */
    Receipt settle(String user, String holdId, long credits) {
        return ledger.deduct(ChargeRequest.of(user, MODEL, Usage.of(credits, 0)).withHold(holdId));
    }

    AccountView view(String user) {
        return ledger.balance(user).orElseThrow();
    }

    WindowUsage usage(String user, UsageWindow window) {
        return ledger.usage(user).get(window.ordinal());
    }

    /** @return the stored account state (without the engine bringing it up to date) */
    AccountState stored(String user) {
        return store.load(user).blockOptional().orElseThrow().state();
    }

    long version(String user) {
        return store.load(user).blockOptional().orElseThrow().version();
    }

    /** @return every entry of the user, oldest first */
    List<LedgerEntry> entries(String user) {
        List<LedgerEntry> all = new ArrayList<>(
                ledger.transactionHistory(user, HistoryQuery.all().withLimit(HistoryQuery.MAX_LIMIT))
                        .items());
        Collections.reverse(all);
        return all;
    }

    /** @return the entries of the user with the given context, oldest first */
    List<LedgerEntry> entries(String user, String context) {
        List<LedgerEntry> out = new ArrayList<>();
        for (LedgerEntry e : entries(user)) {
            if (e.context().equals(context)) {
                out.add(e);
            }
        }
        return out;
    }

    /** @return the recorded events of one type, in delivery order */
    <E extends BalanceEvent> List<E> events(Class<E> type) {
        List<E> out = new ArrayList<>();
        for (BalanceEvent e : events) {
            if (type.isInstance(e)) {
                out.add(type.cast(e));
            }
        }
        return out;
    }
}
