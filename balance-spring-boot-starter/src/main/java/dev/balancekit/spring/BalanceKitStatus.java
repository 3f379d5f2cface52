package dev.balancekit.spring;

import dev.balancekit.BalanceEvent;
import dev.balancekit.BalanceListener;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the health contributor reports besides the store: where the config came from and how the
 * last reload of the config file went, learned from the ledger's events.
 */
final class BalanceKitStatus {

    /** The outcome of the last reload, null before the first. */
    record Reload(Instant at, String source, List<String> problems) {
        Reload {
            problems = List.copyOf(problems);
        }
    }

    private final String configSource;
    private volatile @Nullable Reload lastReload;

    BalanceKitStatus(String configSource) {
        this.configSource = configSource;
    }

    String configSource() {
        return configSource;
    }

    @Nullable
    Reload lastReload() {
        return lastReload;
    }

    BalanceListener listener() {
        return event -> {
            if (event instanceof BalanceEvent.ConfigReloaded r) {
                lastReload = new Reload(r.at(), r.source(), List.of());
            } else if (event instanceof BalanceEvent.ConfigRejected r) {
                lastReload = new Reload(r.at(), r.source(), r.problems());
            }
        };
    }
}
