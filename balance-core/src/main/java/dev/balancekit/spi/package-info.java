/**
 * What a storage backend implements: load one account document with its version, compare-and-set it together with the entries it appends, and read history and account lists. Stores only store; every decision is the engine's. A backend is done when it passes the contract suite in balance-testkit.
 */
@NullMarked
package dev.balancekit.spi;

import org.jspecify.annotations.NullMarked;
