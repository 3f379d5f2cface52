package dev.balancekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.balancekit.spi.CasResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An account's own refill settings: they win over its tier's and the config's. Every model costs
 * one credit per token; the config refills 500 credits daily.
 */
class RefillOverrideTest {

    private static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");
    private static final Refill CONFIG_DAILY = new Refill(RefillMode.ADD, 1, RefillUnit.DAYS, Credits.of(500));
    private static final Refill WEEKLY_2500 = new Refill(RefillMode.ADD, 7, RefillUnit.DAYS, Credits.of(2500));

    private static TestLedger ledger(LedgerConfig.Builder config) {
        return new TestLedger(config.startBalance(Credits.of(100)).refill(CONFIG_DAILY), T0);
    }

    /** Creates the account and gives it the override, as an import or an administrator would. */
    private static void override(TestLedger t, RefillOverride override) {
        t.check("u", 1);
        long version = t.version("u");
        CasResult r = t.store
                .compareAndSet("u", version, t.stored("u").withRefillOverride(override), List.of())
                .block();
        assertThat(r).isEqualTo(CasResult.APPLIED);
    }

    private static List<Credits> refills(TestLedger t) {
        return t.entries("u", EntryContext.AUTO_REFILL).stream()
                .map(LedgerEntry::tokenValue)
                .toList();
    }

    @Test
    void refillOverride_refillsByTheAccountsOwnSettings_notTheConfigs() {
        TestLedger t = ledger(TestLedger.config());
        override(t, RefillOverride.of(WEEKLY_2500));

        t.clock.set(T0.plus(Duration.ofDays(6)));
        BalanceDecision early = t.check("u", 100);
        assertThat(refills(t)).as("the config's daily refill would be due").isEmpty();
        assertThat(early.refillAt()).isEqualTo(T0.plus(Duration.ofDays(7)));

        t.clock.set(T0.plus(Duration.ofDays(7)));
        BalanceDecision due = t.check("u", 100);

        assertThat(refills(t)).containsExactly(Credits.of(2500));
        assertThat(due.balance()).isEqualTo(Credits.of(2600));
        assertThat(due.refillAt()).isEqualTo(T0.plus(Duration.ofDays(14)));
    }

    @Test
    void refillOverride_winsOverTheTiersRefill() {
        TestLedger t = ledger(TestLedger.config()
                .tier(Tier.builder("staff").noRefill().build())
                .defaultTier("staff"));
        override(t, RefillOverride.of(WEEKLY_2500));

        t.clock.set(T0.plus(Duration.ofDays(7)));
        t.check("u", 100);

        assertThat(refills(t)).containsExactly(Credits.of(2500));
        assertThat(t.view("u").refill()).isEqualTo(WEEKLY_2500);
    }

    @Test
    void refillOverride_disabled_stopsTheConfigsRefill() {
        TestLedger t = ledger(TestLedger.config());
        override(t, new RefillOverride(false, WEEKLY_2500));

        t.clock.set(T0.plus(Duration.ofDays(30)));
        BalanceDecision d = t.check("u", 100);

        assertThat(refills(t)).isEmpty();
        assertThat(d.refillAt()).isNull();
        assertThat(t.view("u").refill()).isNull();
    }

    @Test
    void refillOverride_isKeptByEveryLaterWrite() {
        TestLedger t = ledger(TestLedger.config());
        override(t, RefillOverride.of(WEEKLY_2500));

        t.charge("u", 10);

        assertThat(t.stored("u").refillOverride()).isEqualTo(RefillOverride.of(WEEKLY_2500));
    }

    @Test
    void libreChatView_reportsTheAccountsOwnRefill() {
        TestLedger t = ledger(TestLedger.config());
        override(t, RefillOverride.of(WEEKLY_2500));

        LibreChatBalance b = LibreChatBalance.of(t.view("u"), t.reactive.config());

        assertThat(b.refillIntervalValue()).isEqualTo(7);
        assertThat(b.refillIntervalUnit()).isEqualTo("days");
        assertThat(b.refillAmount()).isEqualTo(Credits.of(2500));
        assertThat(b.lastRefill()).isEqualTo(T0);
    }

    @Test
    void refillOverride_enabledWithoutSettings_isRefused() {
        assertThatThrownBy(() -> new RefillOverride(true, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("refillOverride must have settings when enabled, was enabled without");
    }
}
