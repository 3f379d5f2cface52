package dev.balancekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LibreChatBalanceTest {
    private static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");

    @Test
    void libreChatView_withAutoRefill_hasLibreChatsFields_andALastRefillOneIntervalBeforeTheNext() {
        TestLedger t = new TestLedger(
                TestLedger.config()
                        .startBalance(Credits.parse("15000.5"))
                        .refill(new Refill(RefillMode.ADD, 30, RefillUnit.DAYS, Credits.of(10_000))),
                T0);
        t.check("u", 1);

        LibreChatBalance b = LibreChatBalance.of(t.view("u"), t.reactive.config());

        assertThat(b.lastRefill()).isEqualTo(T0);
        assertThat(b.payload())
                .containsExactly(
                        entry("tokenCredits", new BigDecimal("15000.5")), entry("autoRefillEnabled", true),
                        entry("refillIntervalValue", 30L), entry("refillIntervalUnit", "days"),
                        entry("lastRefill", "2026-01-15T10:00:00Z"), entry("refillAmount", new BigDecimal("10000")));
        assertThat(t.view("u").refillAt()).isEqualTo(T0.plus(Duration.ofDays(30)));
    }

    @Test
    void libreChatView_withoutAutoRefill_sendsOnlyTheBalanceAndTheSwitch() {
        TestLedger t = new TestLedger(TestLedger.config().startBalance(Credits.of(20)), T0);
        t.check("u", 1);

        assertThat(LibreChatBalance.of(t.view("u"), t.reactive.config()).payload())
                .containsExactly(entry("tokenCredits", new BigDecimal("20")), entry("autoRefillEnabled", false));
    }

    @Test
    void libreChatView_usesTheTiersRefill() {
        TestLedger t = new TestLedger(
                TestLedger.config()
                        .refill(new Refill(RefillMode.ADD, 30, RefillUnit.DAYS, Credits.of(10_000)))
                        .tier(Tier.builder("staff").noRefill().build()),
                T0);
        t.ledger.setTier("u", "staff", null);

        assertThat(LibreChatBalance.of(t.view("u"), t.reactive.config()).autoRefillEnabled())
                .isFalse();
    }
}
