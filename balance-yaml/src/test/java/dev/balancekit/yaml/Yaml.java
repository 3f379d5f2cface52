package dev.balancekit.yaml;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.balancekit.LedgerConfig;
import java.util.List;
import java.util.Map;

/** Shortcuts for the tests: parse a text as {@code librechat.yaml}, or collect its problems. */
final class Yaml {
    static final String FILE = "librechat.yaml";

    private Yaml() {}

    static LedgerConfig parse(String yaml) {
        return parse(yaml, Map.of());
    }

    static LedgerConfig parse(String yaml, Map<String, String> environment) {
        return YamlLedgerConfig.parse(yaml, FILE, environment);
    }

    static ConfigException failure(String yaml) {
        return failure(yaml, Map.of());
    }

    static ConfigException failure(String yaml, Map<String, String> environment) {
        ConfigException[] caught = new ConfigException[1];
        assertThatThrownBy(() -> parse(yaml, environment))
                .isInstanceOfSatisfying(ConfigException.class, e -> caught[0] = e);
        return caught[0];
    }

    static ConfigException failure(String yaml, String sourceName) {
        return catchThrowableOfType(ConfigException.class, () -> YamlLedgerConfig.parse(yaml, sourceName, Map.of()));
    }

    /** The problems of an invalid text, each rendered with its position. */
    static List<String> problems(String yaml) {
        return failure(yaml).messages();
    }

    static List<String> problems(String yaml, Map<String, String> environment) {
        return failure(yaml, environment).messages();
    }
}
