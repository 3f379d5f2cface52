package dev.balancekit.internal;

import dev.balancekit.BalanceDecision;
import dev.balancekit.BalanceEvent;
import dev.balancekit.LedgerEntry;
import dev.balancekit.TokenType;
import dev.balancekit.pricing.PriceMatch;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ledger's meters on a Micrometer registry. Tags hold only bounded values: operation names,
 * outcomes, reasons, token types, refill modes and matched pricing keys, never a user. The one raw
 * model string, on {@code balance.prices.fallback}, is bounded too: past
 * {@value #FALLBACK_MODEL_TAGS} distinct models, further ones are tagged {@code other}. The names are
 * documented in docs/metrics.md.
 */
final class MicrometerLedgerMetrics implements LedgerMetrics {
    /** The most distinct model names {@code balance.prices.fallback} is tagged with. */
    static final int FALLBACK_MODEL_TAGS = 100;

    private final MeterRegistry registry;
    private final Set<String> fallbackModels = ConcurrentHashMap.newKeySet();
    private final AtomicLong activeHolds = new AtomicLong();
    private final Counter conflicts;
    private final Counter exhausted;
    private final Counter holdsExpired;

    /**
     * Registers the meters.
     *
     * @param registry the registry
     */
    public MicrometerLedgerMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("balance.holds.active", activeHolds, AtomicLong::get)
                .description("holds opened minus holds closed by this ledger instance")
                .register(registry);
        this.conflicts = Counter.builder("balance.cas.conflicts")
                .description("compare-and-set conflicts, each followed by a retry")
                .register(registry);
        this.exhausted = Counter.builder("balance.cas.exhausted")
                .description("operations that gave up after the configured number of conflicts")
                .register(registry);
        this.holdsExpired = Counter.builder("balance.holds.expired")
                .description("holds that expired without being settled or released")
                .register(registry);
    }

    @Override
    public void decided(String operation, BalanceDecision decision) {
        Counter.builder("balance.checks")
                .description("checks and reservations by outcome and denial reason")
                .tag("operation", operation)
                .tag("outcome", decision.status().name().toLowerCase(Locale.ROOT))
                .tag(
                        "reason",
                        decision.reason() == null
                                ? "none"
                                : decision.reason().name().toLowerCase(Locale.ROOT))
                .register(registry)
                .increment();
    }

    @Override
    public void applied(List<BalanceEvent> events, int holdDelta) {
        if (holdDelta != 0) {
            activeHolds.addAndGet(holdDelta);
        }
        for (BalanceEvent event : events) {
            if (event instanceof BalanceEvent.Charged charged) {
                for (LedgerEntry e : charged.receipt().entries()) {
                    if (e.tokenType() == TokenType.CREDITS) {
                        continue;
                    }
                    String type = e.tokenType().wireName();
                    String key = e.valueKey() == null ? "default" : e.valueKey();
                    Counter.builder("balance.credits.charged")
                            .description("credits charged for usage, in micro-credits")
                            .baseUnit("microcredits")
                            .tag("token_type", type)
                            .tag("value_key", key)
                            .register(registry)
                            .increment((double) Math.negateExact(e.tokenValue().micros()));
                    Counter.builder("balance.tokens")
                            .description("tokens charged")
                            .baseUnit("tokens")
                            .tag("token_type", type)
                            .tag("value_key", key)
                            .register(registry)
                            .increment((double) e.tokens());
                }
            } else if (event instanceof BalanceEvent.Refilled refilled) {
                Counter.builder("balance.refills")
                        .description("automatic refills")
                        .tag(
                                "mode",
                                refilled.entry().note() == null
                                        ? "unknown"
                                        : refilled.entry().note())
                        .register(registry)
                        .increment();
            } else if (event instanceof BalanceEvent.HoldExpired) {
                holdsExpired.increment();
            }
        }
    }

    @Override
    public void fallbackPriced(String model, PriceMatch match) {
        String tag = fallbackModels.contains(model)
                        || (fallbackModels.size() < FALLBACK_MODEL_TAGS && fallbackModels.add(model))
                ? model
                : "other";
        Counter.builder("balance.prices.fallback")
                .description("charges priced by a generic row or the default price")
                .tag("model", tag)
                .tag("key", match.valueKey() == null ? "default" : match.valueKey())
                .tag("kind", match.kind().wireName())
                .register(registry)
                .increment();
    }

    @Override
    public void conflict() {
        conflicts.increment();
    }

    @Override
    public void exhausted() {
        exhausted.increment();
    }

    @Override
    public void storeCall(String operation, long nanos, boolean success) {
        Timer.builder("balance.store.latency")
                .description("store calls by operation")
                .tag("operation", operation)
                .tag("outcome", success ? "success" : "error")
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public boolean timesStore() {
        return true;
    }
}
