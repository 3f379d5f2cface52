package dev.balancekit.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.balancekit.Credits;
import dev.balancekit.LedgerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link YamlLedgerConfig#load(Path, Map)}: reading files, and naming them in problems. */
class FilesTest {

    @TempDir
    Path dir;

    @Test
    void load_readsTheFile() throws Exception {
        Path file = dir.resolve("librechat.yaml");
        Files.writeString(file, "balance:\n  enabled: true\n  startBalance: ${START:-1500}\n");
        LedgerConfig c = YamlLedgerConfig.load(file, Map.of("START", "2500"));
        assertThat(c.enabled()).isTrue();
        assertThat(c.startBalance()).isEqualTo(Credits.of(2500));
    }

    @Test
    void load_namesTheFileInProblems() throws Exception {
        Path file = dir.resolve("prod.yaml");
        Files.writeString(file, "balance:\n  startBalance: -1\n");
        assertThatThrownBy(() -> YamlLedgerConfig.load(file, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid balance config prod.yaml, 1 problem:\n"
                        + "  balance.startBalance must be zero or more, was -1 (prod.yaml:2:17)");
    }

    @Test
    void load_missingFile() {
        Path file = dir.resolve("missing.yaml");
        assertThatThrownBy(() -> YamlLedgerConfig.load(file, Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.messages())
                            .containsExactly("the file does not exist: " + file.toAbsolutePath() + " (missing.yaml)");
                    assertThat(e.getCause()).isInstanceOf(NoSuchFileException.class);
                });
    }

    @Test
    void load_byteOrderMark() throws Exception {
        Path file = dir.resolve("bom.yaml");
        Files.write(file, "\uFEFFbalance: {enabled: true}\n".getBytes(StandardCharsets.UTF_8));
        assertThat(YamlLedgerConfig.load(file, Map.of()).enabled()).isTrue();
    }

    @Test
    void load_withTheProcessEnvironment() throws Exception {
        Path file = dir.resolve("librechat.yaml");
        Files.writeString(file, "balance: {enabled: true}\n");
        assertThat(YamlLedgerConfig.load(file).enabled()).isTrue();
        assertThat(YamlLedgerConfig.parse("balance: {enabled: true}\n", "x.yaml")
                        .enabled())
                .isTrue();
    }

    @Test
    void parse_withByteOrderMark() {
        assertThat(YamlLedgerConfig.parse("\uFEFFbalance: {enabled: true}\n", "x.yaml", Map.of())
                        .enabled())
                .isTrue();
    }
}
