package dev.balancekit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class QuickstartTest {

    private static String run() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            Quickstart.run(out);
        }
        return bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }

    @Test
    void quickstart_printsTheDocumentedSession() throws IOException {
        String expected;
        try (InputStream in = QuickstartTest.class.getResourceAsStream("quickstart-output.txt")) {
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        assertThat(run()).isEqualTo(expected);
    }

    @Test
    void quickstart_deniesWithLibreChatMessage_thenContinuesAfterTopUp() {
        String out = run();

        assertThat(out).contains("alice: Insufficient Funds! Balance: 1100. Prompt tokens: 200. Cost: 1500.\n");
        assertThat(out.indexOf("added 10000, new balance 11100"))
                .isGreaterThan(out.indexOf("Insufficient Funds"))
                .isLessThan(out.indexOf("alice: charged 1300 credits (held 1500), balance 9800"));
    }
}
