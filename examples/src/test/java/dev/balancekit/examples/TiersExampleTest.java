package dev.balancekit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TiersExampleTest {

    private static String run() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            TiersExample.run(out);
        }
        return bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }

    @Test
    void tiersExample_printsTheDocumentedSession() throws IOException {
        String expected;
        try (InputStream in = TiersExampleTest.class.getResourceAsStream("tiers-output.txt")) {
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        assertThat(run()).isEqualTo(expected);
    }

    @Test
    void tiersExample_hitsTheDailyLimitResettingAtBerlinMidnight_thenRefills() {
        String out = run();

        // 2026-11-24 00:00 in Berlin (UTC+1) is 23:00 UTC the day before
        assertThat(out).contains("fay: Daily usage limit reached: used 270 of 300 credits. Resets at 2026-11-23T23:00:00Z.");
        assertThat(out).contains("  event: DAILY usage passed 80%");
        assertThat(out).contains("  event: refilled 360 (reset)\n  event: charged 90\nfay: gpt-4o-mini charged 90, balance 910");
        assertThat(out).contains("fay: gpt-4o charged 1200, balance 4710");
    }
}
