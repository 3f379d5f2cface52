package dev.balancekit.spring;

import dev.balancekit.BalanceLedger;

/**
 * Adjusts the {@link BalanceLedger.Builder} before the auto-configured ledger is built: a bean of
 * this type can set a clock, retries, a user directory or an event executor. The store, the config,
 * the {@code BalanceListener} beans and the application's {@code MeterRegistry} are set already.
 */
@FunctionalInterface
public interface BalanceLedgerBuilderCustomizer {

    /**
     * Adjusts the builder.
     *
     * @param builder the builder of the ledger bean
     */
    void customize(BalanceLedger.Builder builder);
}
