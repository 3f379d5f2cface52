package dev.balancekit.testkit;

import dev.balancekit.BalanceLedger;
import dev.balancekit.BlockingBalanceLedger;
import dev.balancekit.Credits;
import dev.balancekit.LedgerConfig;
import dev.balancekit.memory.ManualClock;
import dev.balancekit.pricing.ModelPrice;
import dev.balancekit.pricing.PriceTable;
import dev.balancekit.spi.BalanceStore;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the store contract ({@link BalanceStoreContract}) and the kit's own engine tests share: a
 * manual clock, a fresh store per test, ledgers over that store, the suite's prices and config,
 * and, after every test, the check through the SPI that each account's balance equals the sum of
 * its entries ({@link LedgerInvariants}). A store's tests extend {@link BalanceStoreContract}, not
 * this class.
 *
 * <p>Prices used throughout: {@value #MODEL} at 1 credit per prompt token and 2 per completion
 * token; {@value #FREE_MODEL} free; everything else at the default 6. New accounts start with
 * 1,000 credits.
 */
public abstract class LedgerFixture {

    /** A model at 1 credit per prompt token and 2 per completion token. */
    protected static final String MODEL = "test-model";
    /** A model that costs nothing. */
    protected static final String FREE_MODEL = "free-model";
    /** The start balance of new accounts in this suite. */
    protected static final Credits START = Credits.of(1000);
    /** The time the manual clock starts at. */
    protected static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");

    /** The test's clock; advance it instead of sleeping. */
    protected ManualClock clock;
    /** The store under test. */
    protected BalanceStore store;

    /** Lets only this package's suites extend the fixture. */
    LedgerFixture() {}

    /**
     * Creates the store under test: empty, and not shared with any other test.
     *
     * @return a fresh store
     */
    protected abstract BalanceStore createStore();

    /** @return the price table the suite uses */
    protected static PriceTable prices() {
        return PriceTable.builder()
                .model(MODEL, ModelPrice.perToken("1", "2"))
                .model(FREE_MODEL, ModelPrice.perToken("0", "0"))
                .build();
    }

    /** @return the config the suite uses unless a test builds its own */
    protected static LedgerConfig.Builder config() {
        return LedgerConfig.builder().startBalance(START).prices(prices());
    }

    /**
     * Builds a ledger over the store under test.
     *
     * @param config the config
     * @return the blocking ledger
     */
    protected BlockingBalanceLedger ledger(LedgerConfig config) {
        return reactiveLedger(config).blocking();
    }

    /**
     * Builds a reactive ledger over the store under test.
     *
     * @param config the config
     * @return the ledger
     */
    protected BalanceLedger reactiveLedger(LedgerConfig config) {
        return BalanceLedger.builder().store(store).config(config).clock(clock).build();
    }

    /** @return a ledger with the suite's default config */
    protected BlockingBalanceLedger ledger() {
        return ledger(config().build());
    }

    /**
     * Parses a decimal amount of credits.
     *
     * @param text the amount, such as {@code 250.5}
     * @return the credits
     */
    protected static Credits credits(String text) {
        return Credits.parse(text);
    }

    @BeforeEach
    void createStoreAndClock() {
        clock = new ManualClock(T0);
        store = createStore();
    }

    @AfterEach
    void balanceEqualsSumOfEntries() {
        LedgerInvariants.assertHold(store, clock.instant());
    }
}
