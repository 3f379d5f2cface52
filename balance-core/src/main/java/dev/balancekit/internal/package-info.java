/**
 * Not API: the ledger engine's pure decisions, (account state, request, config, time) to (next state, entries, result). May change in any release.
 */
@NullMarked
package dev.balancekit.internal;

import org.jspecify.annotations.NullMarked;
