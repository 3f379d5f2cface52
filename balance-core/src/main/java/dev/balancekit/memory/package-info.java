/**
 * The in-memory store, the embedded default and the unit-test stub for consumer projects, and a manual clock for tests that move time without sleeping.
 */
@NullMarked
package dev.balancekit.memory;

import org.jspecify.annotations.NullMarked;
