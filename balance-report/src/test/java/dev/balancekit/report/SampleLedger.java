package dev.balancekit.report;

import dev.balancekit.BalanceChange;
import dev.balancekit.BalanceLedger;
import dev.balancekit.BlockingBalanceLedger;
import dev.balancekit.ChargeRequest;
import dev.balancekit.Credits;
import dev.balancekit.EntryContext;
import dev.balancekit.LedgerConfig;
import dev.balancekit.Usage;
import dev.balancekit.UserDirectory;
import dev.balancekit.memory.ManualClock;
import dev.balancekit.pricing.ModelPrice;
import dev.balancekit.pricing.PriceTable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * A fortnight of a small deployment: six users on four models, every day, in a fixed pattern; two
 * users with balances that will not last the week.
 */
final class SampleLedger {
    static final Instant START = Instant.parse("2026-03-02T00:00:00Z");
    static final int DAYS = 14;
    static final Instant END = START.plus(Duration.ofDays(DAYS));
    static final List<String> MODELS = List.of("gpt-4o", "gpt-4o-mini", "claude-sonnet-4", "o3");
    static final List<String> USERS = List.of("u-ana", "u-ben", "u-chloe", "u-dev", "u-eve", "u-finn");
    static final UserDirectory DIRECTORY = user -> Mono.justOrEmpty(Map.of(
                    "u-ana",
                    "ana@example.com",
                    "u-ben",
                    "ben@example.com",
                    "u-chloe",
                    "chloe@example.com",
                    "u-dev",
                    "dev@example.com",
                    "u-eve",
                    "eve@example.com")
            .get(user));

    final ManualClock clock = new ManualClock(START);
    final BalanceLedger ledger;

    SampleLedger() {
        LedgerConfig config = LedgerConfig.builder()
                .startBalance(Credits.of(2_000_000))
                .prices(PriceTable.builder()
                        .model("gpt-4o", ModelPrice.perToken("2.5", "10"))
                        .model("gpt-4o-mini", ModelPrice.perToken("0.15", "0.6"))
                        .model("claude-sonnet-4", ModelPrice.perToken("3", "15"))
                        .model("o3", ModelPrice.perToken("2", "8"))
                        .build())
                .build();
        ledger = BalanceLedger.builder()
                .config(config)
                .clock(clock)
                .userDirectory(DIRECTORY)
                .build();
        BlockingBalanceLedger b = ledger.blocking();
        for (int day = 0; day < DAYS; day++) {
            clock.set(START.plus(Duration.ofDays(day)).plus(Duration.ofHours(9)));
            for (int u = 0; u < USERS.size(); u++) {
                int requests = 1 + (u * 3 + day) % 4;
                for (int r = 0; r < requests; r++) {
                    String model = MODELS.get((u + r + day / 3) % MODELS.size());
                    long prompt = 800 + ((u * 7919L + day * 104_729L + r * 1_299_709L) % 4000);
                    long completion = 200 + ((u * 31L + day * 17L + r * 13L) % 900);
                    ChargeRequest charge = ChargeRequest.of(USERS.get(u), model, Usage.of(prompt, completion));
                    b.deduct(r == 0 && day % 5 == 0 ? charge.withContext(EntryContext.TITLE) : charge);
                    clock.advance(Duration.ofMinutes(7));
                }
            }
        }
        // ben and eve run low; finn is topped up
        b.setBalance(BalanceChange.of("u-ben", Credits.of(30_000)));
        b.setBalance(BalanceChange.of("u-eve", Credits.of(90_000)));
        b.addBalance(BalanceChange.of("u-finn", Credits.of(500_000)));
        clock.set(END);
    }
}
