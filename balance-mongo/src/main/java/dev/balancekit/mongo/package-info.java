/**
 * The MongoDB store: {@link dev.balancekit.mongo.MongoBalanceStore} keeps each account in one
 * document of a {@code balances} collection and its ledger entries in a {@code transactions}
 * collection with LibreChat's field names, on the reactive streams driver. Every write is one
 * atomic single-document write: the account's new state and its new entries (in a {@code pending}
 * outbox array) move together, and the entries are copied to {@code transactions} afterwards by an
 * idempotent, crash-safe step, so the store works on a standalone server, a replica set and a
 * sharded cluster without multi-document transactions. {@link dev.balancekit.mongo.MongoUserDirectory}
 * labels accounts from a LibreChat-shaped {@code users} collection.
 */
@NullMarked
package dev.balancekit.mongo;

import org.jspecify.annotations.NullMarked;
