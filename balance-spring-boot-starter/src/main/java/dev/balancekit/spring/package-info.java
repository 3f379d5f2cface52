/**
 * Spring Boot auto-configuration for BalanceKit: the ledger bean from {@code balancekit.*}
 * properties or a {@code librechat.yaml}, the MongoDB or in-memory store, metrics, a health
 * contributor, and the HTTP 402 answer to a refused model call. Every bean backs off when the
 * application defines its own.
 */
@NullMarked
package dev.balancekit.spring;

import org.jspecify.annotations.NullMarked;
