package dev.balancekit.benchmarks;

import dev.balancekit.BalanceLedger;
import dev.balancekit.BlockingBalanceLedger;
import dev.balancekit.ChargeRequest;
import dev.balancekit.Credits;
import dev.balancekit.LedgerConfig;
import dev.balancekit.Usage;
import dev.balancekit.pricing.ModelPrice;
import dev.balancekit.pricing.PriceTable;
import dev.balancekit.spi.BalanceStore;

/** Shared set-up: a ledger whose accounts never run dry, and user ids made once. */
final class Fixtures {
    static final String MODEL = "gpt-4o";
    static final Usage USAGE = Usage.of(100, 50);

    private Fixtures() {}

    static LedgerConfig config() {
        return LedgerConfig.builder()
                .startBalance(Credits.of(1_000_000_000_000L))
                .operationsKept(Integer.getInteger("operationsKept", 100))
                .prices(PriceTable.builder()
                        .model(MODEL, ModelPrice.perToken("2.5", "10"))
                        .build())
                .build();
    }

    static BlockingBalanceLedger ledger(BalanceStore store) {
        return BalanceLedger.builder().config(config()).store(store).build().blocking();
    }

    static String[] users(int n) {
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = "user-" + i;
        }
        return ids;
    }

    /** Creates every account and gives each {@code entries} ledger entries (two per charge, plus the start grant). */
    static void fill(BlockingBalanceLedger ledger, String[] users, int entries) {
        for (String u : users) {
            ledger.checkBalance(u, MODEL, 1, 0);
            for (int e = 1; e < entries; e += 2) {
                ledger.deduct(ChargeRequest.of(u, MODEL, USAGE));
            }
        }
    }
}
