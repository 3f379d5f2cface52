package dev.balancekit.spring;

import dev.balancekit.BalanceLedger;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import reactor.core.publisher.Mono;

/**
 * The {@code balanceKit} health contributor: down when the store cannot be read; up otherwise, with
 * the config in use ({@code properties} or the file) and the last reload's outcome, including the
 * problems of a rejected file (the ledger keeps the previous config then).
 */
final class BalanceKitHealthIndicator implements ReactiveHealthIndicator {

    /** A user id no host uses: reading it touches the store and finds nothing. */
    static final String PROBE_USER = "balancekit-health-probe";

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final BalanceLedger ledger;
    private final BalanceKitStatus status;

    BalanceKitHealthIndicator(BalanceLedger ledger, BalanceKitStatus status) {
        this.ledger = ledger;
        this.status = status;
    }

    @Override
    public Mono<Health> health() {
        return ledger.balance(PROBE_USER)
                .then(Mono.fromCallable(() -> details(Health.up())))
                .timeout(TIMEOUT)
                .onErrorResume(e -> Mono.just(details(Health.down(e))));
    }

    private Health details(Health.Builder b) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("config", status.configSource());
        d.put("enabled", ledger.config().enabled());
        BalanceKitStatus.Reload r = status.lastReload();
        if (r != null) {
            d.put("lastReload", r.at().toString());
            d.put("lastReloadOutcome", r.problems().isEmpty() ? "reloaded" : "rejected");
            if (!r.problems().isEmpty()) {
                d.put("lastReloadError", r.problems());
            }
        }
        return b.withDetails(d).build();
    }
}
