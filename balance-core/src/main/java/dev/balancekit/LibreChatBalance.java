package dev.balancekit;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An account in the shape of LibreChat's {@code GET /api/balance} response, which LibreChat's web
 * client shows in its Balance tab, so that a Java host can serve that client. A host answers
 * {@code 204 No Content} while balances are disabled ({@link LedgerConfig#enabled()} false),
 * {@code 404} when the user has no account, and otherwise {@code 200} with {@link #payload()}
 * written as JSON.
 *
 * <p>The refill fields are the settings that apply to the account (its own override, else its
 * tier's, else the config's: {@link AccountView#refill()});
 * without auto-refill only {@code tokenCredits} and {@code autoRefillEnabled} are sent, as LibreChat
 * does. {@code lastRefill} is one interval before the next refill, so the client, which adds the
 * interval to it, shows the date BalanceKit will refill.
 *
 * @param tokenCredits the balance in credits
 * @param autoRefillEnabled whether the account is refilled automatically
 * @param refillIntervalValue the refill interval, or null without auto-refill
 * @param refillIntervalUnit its unit ({@code days}, ...), or null without auto-refill
 * @param lastRefill one interval before the next refill, or null without auto-refill
 * @param refillAmount the credits of a refill, or null without auto-refill
 */
public record LibreChatBalance(
        Credits tokenCredits,
        boolean autoRefillEnabled,
        @Nullable Long refillIntervalValue,
        @Nullable String refillIntervalUnit,
        @Nullable Instant lastRefill,
        @Nullable Credits refillAmount) {

    /**
     * Validates.
     *
     * @throws NullPointerException if the balance is null
     */
    public LibreChatBalance {
        Objects.requireNonNull(tokenCredits, "tokenCredits");
    }

    /**
     * The LibreChat view of an account.
     *
     * @param view the account, from {@link BalanceLedger#balance(String)}
     * @param config the ledger's config, for the zone calendar refill intervals are counted in
     * @return the view
     */
    public static LibreChatBalance of(AccountView view, LedgerConfig config) {
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(config, "config");
        Refill refill = view.refill();
        if (refill == null || !refill.amount().isPositive()) {
            return new LibreChatBalance(view.balance(), false, null, null, null, null);
        }
        Instant next = view.refillAt();
        Instant last = next == null ? null : refill.periodStart(next, -1, config.zone());
        return new LibreChatBalance(
                view.balance(), true, refill.intervalValue(), refill.unit().configName(), last, refill.amount());
    }

    /**
     * The members of the JSON body LibreChat's client reads, in order, for the host's JSON library
     * to write: {@code tokenCredits} and {@code autoRefillEnabled}; with auto-refill also
     * {@code refillIntervalValue}, {@code refillIntervalUnit}, {@code lastRefill} (when known) and
     * {@code refillAmount}. Amounts of credits are {@link BigDecimal}s
     * ({@link Credits#toBigDecimal()}: exact, written as plain decimals), the interval a
     * {@link Long}, the flag a {@link Boolean}, the unit and the instant (ISO-8601) {@link String}s;
     * a value is null only where this record was built with auto-refill but without it
     * ({@link #of} never does). Written as JSON:
     * {@code {"tokenCredits":15000.5,"autoRefillEnabled":true,"refillIntervalValue":30,
     * "refillIntervalUnit":"days","lastRefill":"2026-01-10T08:00:00Z","refillAmount":10000}}.
     *
     * @return an unmodifiable map whose iteration order is the member order
     */
    public Map<String, @Nullable Object> payload() {
        Map<String, @Nullable Object> m = new LinkedHashMap<>();
        m.put("tokenCredits", tokenCredits.toBigDecimal());
        m.put("autoRefillEnabled", autoRefillEnabled);
        if (autoRefillEnabled) {
            m.put("refillIntervalValue", refillIntervalValue);
            m.put("refillIntervalUnit", refillIntervalUnit);
            if (lastRefill != null) {
                m.put("lastRefill", lastRefill.toString());
            }
            m.put("refillAmount", refillAmount == null ? null : refillAmount.toBigDecimal());
        }
        return Collections.unmodifiableMap(m);
    }
}
