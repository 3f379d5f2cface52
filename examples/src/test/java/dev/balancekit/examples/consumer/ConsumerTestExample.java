package dev.balancekit.examples.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancekit.BalanceLedger;
import dev.balancekit.Credits;
import dev.balancekit.HistoryQuery;
import dev.balancekit.LedgerConfig;
import dev.balancekit.LedgerEntry;
import dev.balancekit.Refill;
import dev.balancekit.RefillMode;
import dev.balancekit.RefillUnit;
import dev.balancekit.Usage;
import dev.balancekit.memory.InMemoryBalanceStore;
import dev.balancekit.memory.ManualClock;
import dev.balancekit.pricing.ModelPrice;
import dev.balancekit.pricing.PriceTable;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How a host project unit-tests its own service against the real ledger: the in-memory store as
 * the stub, a manual clock to move time without sleeping, and prices the test chooses. Nothing
 * outside the JVM is needed.
 */
class ConsumerTestExample {
    private ManualClock clock;
    private BalanceLedger ledger;
    private SummaryService service;

    @BeforeEach
    void setUp() {
        clock = new ManualClock(Instant.parse("2026-06-01T09:00:00Z"));
        LedgerConfig config = LedgerConfig.builder()
                .startBalance(Credits.of(500))
                .prices(PriceTable.builder()
                        .model("gpt-4o-mini", ModelPrice.perToken("1", "2"))
                        .build())
                .refill(new Refill(RefillMode.RESET, 1, RefillUnit.DAYS, Credits.of(500)))
                .build();
        ledger = BalanceLedger.builder()
                .store(new InMemoryBalanceStore())
                .clock(clock)
                .config(config)
                .build();
        service = new SummaryService(ledger, text -> Usage.of(text.length() / 4, 50));
    }

    @Test
    void summarize_chargesTheUserWithTheServicesContext() {
        assertThat(service.summarize("u1", "x".repeat(400))).isEqualTo("ok");

        // 100 prompt tokens at 1 + 50 completion tokens at 2 = 200 credits
        assertThat(ledger.balance("u1").block().balance()).isEqualTo(Credits.of(300));
        assertThat(ledger.transactionHistory("u1", HistoryQuery.all().withContext("summary"))
                        .block()
                        .items())
                .extracting(LedgerEntry::tokenType)
                .hasSize(2);
    }

    @Test
    void summarize_whenTheUserCannotAffordIt_returnsTheLedgersMessage() {
        service.summarize("u1", "x".repeat(400));

        // the next one would hold 100 + 200 x 2 = 500 credits, but only 300 are left
        assertThat(service.summarize("u1", "x".repeat(400)))
                .isEqualTo("Insufficient Funds! Balance: 300. Prompt tokens: 100. Cost: 500.");
    }

    @Test
    void summarize_nextDay_theDailyResetRefillsWithoutWaiting() {
        service.summarize("u1", "x".repeat(400));
        assertThat(service.summarize("u1", "x".repeat(400))).startsWith("Insufficient Funds!");

        clock.advance(Duration.ofDays(1));

        assertThat(service.summarize("u1", "x".repeat(400))).isEqualTo("ok");
        assertThat(ledger.balance("u1").block().balance()).isEqualTo(Credits.of(300));
    }
}
