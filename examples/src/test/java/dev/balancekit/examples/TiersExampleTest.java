package dev.balancekit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TiersExampleTest {

    @Test
    void tiersExample_printsTheDocumentedSession() {
        assertThat(ExampleOutput.of(TiersExample::run)).isEqualTo(ExampleOutput.expected("tiers-output.txt"));
    }

    @Test
    void tiersExample_hitsTheDailyLimitResettingAtBerlinMidnight_thenRefills() {
        String out = ExampleOutput.of(TiersExample::run);

        // 2026-11-24 00:00 in Berlin (UTC+1) is 23:00 UTC the day before
        assertThat(out)
                .contains("fay: Daily usage limit reached: used 270 of 300 credits. Resets at 2026-11-23T23:00:00Z.");
        assertThat(out).contains("  event: DAILY usage passed 80%");
        assertThat(out)
                .contains(
                        "  event: refilled 360 (reset)\n  event: charged 90\nfay: gpt-4o-mini charged 90, balance 910");
        assertThat(out).contains("fay: gpt-4o charged 1200, balance 4710");
    }
}
