/**
 * The contract suite every {@link dev.balancekit.spi.BalanceStore} must pass. A store's test class
 * extends {@link dev.balancekit.testkit.BalanceStoreContract} and supplies a fresh, empty store;
 * the suite drives it through the real ledger engine and checks after every test that each
 * account's balance equals the sum of its entries. The suite holds storage behaviour only; the
 * engine's store-independent rules are tested once, in this module's own tests.
 */
@NullMarked
package dev.balancekit.testkit;

import org.jspecify.annotations.NullMarked;
