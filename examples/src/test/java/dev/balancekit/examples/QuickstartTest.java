package dev.balancekit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancekit.LedgerConfig;
import dev.balancekit.yaml.YamlLedgerConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuickstartTest {

    @Test
    void quickstart_printsTheDocumentedSession() {
        assertThat(ExampleOutput.of(out -> Quickstart.run(out, Quickstart.config())))
                .isEqualTo(ExampleOutput.expected("quickstart-output.txt"));
    }

    @Test
    void quickstart_onTheSampleLibreChatYaml_runsWithTheFilesConfig() {
        LedgerConfig config = YamlLedgerConfig.load(Path.of("librechat.yaml"), Map.of());

        String out = ExampleOutput.of(o -> Quickstart.run(o, config));

        // new accounts land in the file's default tier, free: 5000 credits, gpt-4o-mini but not gpt-4o
        assertThat(out).contains("alice: Model not allowed: gpt-4o is not available on your plan.\n");
        assertThat(out).contains("added 10000, new balance 15000\n");
        // gpt-4o-mini at the built-in 0.15 / 0.6 credits per token: 200 x 0.15 + 80 x 0.6 = 78
        assertThat(out).contains("bob: charged 78 credits (held 90), balance 4922\n");
    }

    @Test
    void quickstart_deniesWithLibreChatMessage_thenContinuesAfterTopUp() {
        String out = ExampleOutput.of(o -> Quickstart.run(o, Quickstart.config()));

        assertThat(out).contains("alice: Insufficient Funds! Balance: 1100. Prompt tokens: 200. Cost: 1500.\n");
        assertThat(out.indexOf("added 10000, new balance 11100"))
                .isGreaterThan(out.indexOf("Insufficient Funds"))
                .isLessThan(out.indexOf("alice: charged 1300 credits (held 1500), balance 9800"));
    }
}
