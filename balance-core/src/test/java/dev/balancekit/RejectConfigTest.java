package dev.balancekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.balancekit.memory.ManualClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link BalanceLedger#rejectConfig}: the API a host with its own config source reports a failed reload with. */
class RejectConfigTest {

    private final List<BalanceEvent> received = new ArrayList<>();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final BalanceLedger ledger = BalanceLedger.builder()
            .clock(clock)
            .listener(received::add)
            .eventExecutor(Runnable::run)
            .build();

    @Test
    void rejectConfig_keepsTheConfig_andTellsTheListeners() {
        LedgerConfig before = ledger.config();

        ledger.rejectConfig("host-form", List.of("startBalance must not be negative, was -1"));

        assertThat(ledger.config()).isSameAs(before);
        assertThat(received)
                .containsExactly(new BalanceEvent.ConfigRejected(
                        clock.instant(), "host-form", List.of("startBalance must not be negative, was -1")));
    }

    @Test
    void rejectConfig_noProblems_rejectsAndReportsNothing() {
        assertThatThrownBy(() -> ledger.rejectConfig("host-form", List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("problems must name at least one problem, was empty");
        assertThat(received).isEmpty();
    }

    @Test
    void rejectConfig_blankSource_rejectsAndReportsNothing() {
        assertThatThrownBy(() -> ledger.rejectConfig(" ", List.of("bad")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("source");
        assertThat(received).isEmpty();
    }
}
