/** Runnable examples of a host using the ledger. */
@NullMarked
package dev.balancekit.examples;

import org.jspecify.annotations.NullMarked;
