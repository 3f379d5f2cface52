package dev.balancekit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QuickstartTest {

    @Test
    void quickstart_printsTheDocumentedSession() {
        assertThat(ExampleOutput.of(Quickstart::run)).isEqualTo(ExampleOutput.expected("quickstart-output.txt"));
    }

    @Test
    void quickstart_deniesWithLibreChatMessage_thenContinuesAfterTopUp() {
        String out = ExampleOutput.of(Quickstart::run);

        assertThat(out).contains("alice: Insufficient Funds! Balance: 1100. Prompt tokens: 200. Cost: 1500.\n");
        assertThat(out.indexOf("added 10000, new balance 11100"))
                .isGreaterThan(out.indexOf("Insufficient Funds"))
                .isLessThan(out.indexOf("alice: charged 1300 credits (held 1500), balance 9800"));
    }
}
