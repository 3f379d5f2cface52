package dev.balancekit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancekit.memory.InMemoryBalanceStore;
import dev.balancekit.memory.ManualClock;
import dev.balancekit.pricing.ModelPrice;
import dev.balancekit.pricing.PriceTable;
import dev.balancekit.spi.AccountState;
import dev.balancekit.spi.BalanceStore;
import dev.balancekit.spi.CasResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class MetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-02T10:00:00Z"));

    private LedgerConfig.Builder config() {
        return LedgerConfig.builder()
                .startBalance(Credits.of(1000))
                .prices(PriceTable.builder()
                        .model("gpt-4o", ModelPrice.perToken("2", "4"))
                        .build());
    }

    private BlockingBalanceLedger ledger(LedgerConfig config, BalanceStore store) {
        return BalanceLedger.builder()
                .config(config)
                .store(store)
                .clock(clock)
                .meterRegistry(registry)
                .build()
                .blocking();
    }

    private double checks(String operation, String outcome, String reason) {
        var c = registry.find("balance.checks")
                .tags("operation", operation, "outcome", outcome, "reason", reason)
                .counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void checksAndReservations_countedByOutcomeAndReason() {
        BlockingBalanceLedger ledger = ledger(config().build(), new InMemoryBalanceStore());

        ledger.checkBalance("u", "gpt-4o", 10, 0);
        ledger.checkBalance("u", "gpt-4o", 10_000, 0);
        ledger.reserve(BalanceRequest.of("u", "gpt-4o", 10, 10));
        BalanceRequest keyed = BalanceRequest.of("u", "gpt-4o", 1, 1).withIdempotencyKey("k");
        ledger.reserve(keyed);
        ledger.reserve(keyed); // a replay is not counted again

        assertThat(checks("check", "allowed", "none")).isEqualTo(1);
        assertThat(checks("check", "denied", "insufficient_balance")).isEqualTo(1);
        assertThat(checks("reserve", "allowed", "none")).isEqualTo(2);
    }

    @Test
    void charges_countCreditsAndTokensByTypeAndPricingKey_neverByRawModel() {
        BlockingBalanceLedger ledger = ledger(config().build(), new InMemoryBalanceStore());

        ledger.deduct(ChargeRequest.of("u", "gpt-4o-2024-08-06", Usage.of(100, 50)));
        ledger.deduct(ChargeRequest.of("u", "mystery-model", Usage.of(1, 0)));

        assertThat(registry.get("balance.credits.charged")
                        .tags("token_type", "prompt", "value_key", "gpt-4o")
                        .counter()
                        .count())
                .isEqualTo(200_000_000);
        assertThat(registry.get("balance.credits.charged")
                        .tags("token_type", "completion", "value_key", "gpt-4o")
                        .counter()
                        .count())
                .isEqualTo(200_000_000);
        assertThat(registry.get("balance.tokens")
                        .tags("token_type", "prompt", "value_key", "gpt-4o")
                        .counter()
                        .count())
                .isEqualTo(100);
        assertThat(registry.get("balance.tokens")
                        .tags("token_type", "prompt", "value_key", "default")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.find("balance.tokens")
                        .tag("value_key", "gpt-4o-2024-08-06")
                        .counters())
                .isEmpty();
    }

    @Test
    void holds_activeGaugeFollowsOpenAndClose_andExpiriesAreCounted() {
        BlockingBalanceLedger ledger = ledger(config().build(), new InMemoryBalanceStore());

        Reservation a = ledger.reserve(BalanceRequest.of("u", "gpt-4o", 1, 1));
        ledger.reserve(BalanceRequest.of("u", "gpt-4o", 1, 1));
        ledger.reserve(BalanceRequest.of("u", "gpt-4o", 1, 1));
        assertThat(registry.get("balance.holds.active").gauge().value()).isEqualTo(3);

        ledger.release("u", a.holdId());
        assertThat(registry.get("balance.holds.active").gauge().value()).isEqualTo(2);

        clock.advance(Duration.ofHours(1));
        ledger.addBalance(BalanceChange.of("u", Credits.of(1))); // the next write drops the expired holds
        assertThat(registry.get("balance.holds.active").gauge().value()).isEqualTo(0);
        assertThat(registry.get("balance.holds.expired").counter().count()).isEqualTo(2);
    }

    @Test
    void refills_countedByMode() {
        BlockingBalanceLedger ledger = ledger(
                config().startBalance(Credits.ZERO)
                        .firstRefillAfterInterval(false)
                        .refill(new Refill(RefillMode.ADD, 1, RefillUnit.DAYS, Credits.of(100)))
                        .build(),
                new InMemoryBalanceStore());

        ledger.checkBalance("u", "gpt-4o", 10, 0);

        assertThat(registry.get("balance.refills").tag("mode", "add").counter().count())
                .isEqualTo(1);
    }

    @Test
    void conflicts_andStoreLatency_areMeasured() {
        InMemoryBalanceStore memory = new InMemoryBalanceStore();
        AtomicInteger conflictsLeft = new AtomicInteger(2);
        BalanceStore flaky = new BalanceStore() {
            @Override
            public Mono<dev.balancekit.spi.StoredAccount> load(String user) {
                return memory.load(user);
            }

            @Override
            public Mono<CasResult> compareAndSet(String user, long v, AccountState next, List<LedgerEntry> entries) {
                return conflictsLeft.getAndDecrement() > 0
                        ? Mono.just(CasResult.CONFLICT)
                        : memory.compareAndSet(user, v, next, entries);
            }

            @Override
            public reactor.core.publisher.Flux<LedgerEntry> history(String user, HistoryQuery query) {
                return memory.history(user, query);
            }

            @Override
            public Mono<Page<AccountState>> accounts(ListQuery query) {
                return memory.accounts(query);
            }
        };
        BlockingBalanceLedger ledger = ledger(config().build(), flaky);

        ledger.addBalance(BalanceChange.of("u", Credits.of(5)));

        assertThat(registry.get("balance.cas.conflicts").counter().count()).isEqualTo(2);
        assertThat(registry.get("balance.store.latency")
                        .tags("operation", "load", "outcome", "success")
                        .timer()
                        .count())
                .isEqualTo(3);
        assertThat(registry.get("balance.store.latency")
                        .tags("operation", "compare_and_set")
                        .timer()
                        .count())
                .isEqualTo(3);
    }
}
