/** A consumer project's own service, metered by the ledger, and how to unit-test it. */
@NullMarked
package dev.balancekit.examples.consumer;

import org.jspecify.annotations.NullMarked;
