package dev.balancekit.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.balancekit.LedgerConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LibreChatChoicesYamlTest {

    private static LedgerConfig parse(String yaml) {
        return YamlLedgerConfig.parse(yaml, "librechat.yaml", Map.of());
    }

    @Test
    void operatorChoices_haveTheirDocumentedDefaults() {
        LedgerConfig c = parse("balance:\n  enabled: true\n");

        assertThat(c.clampAtZero()).isFalse();
        assertThat(c.firstRefillAfterInterval()).isTrue();
        assertThat(c.metering()).isFalse();
    }

    @Test
    void operatorChoices_areReadFromTheBalanceSection() {
        LedgerConfig c = parse("""
                balance:
                  clampAtZero: true
                  firstRefillAfterInterval: false
                  metering: ${METER:-true}
                """);

        assertThat(c.clampAtZero()).isTrue();
        assertThat(c.firstRefillAfterInterval()).isFalse();
        assertThat(c.metering()).isTrue();
    }

    @Test
    void operatorChoice_notABoolean_isAProblemAtItsPosition() {
        assertThatThrownBy(() -> parse("balance:\n  clampAtZero: sometimes\n"))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).messages())
                        .containsExactly(
                                "balance.clampAtZero must be true or false, was 'sometimes' (librechat.yaml:2:16)"));
    }

    @Test
    void collectionNames_areReadFromBalanceMongo_withTheEnvironment() {
        CollectionNames names =
                YamlLedgerConfig.parseCollectionNames("""
                balance:
                  mongo:
                    accountsCollection: ${ACCOUNTS:-bk_accounts}
                    entriesCollection: bk_entries
                """, "librechat.yaml", Map.of("ACCOUNTS", "team_accounts"));

        assertThat(names).isEqualTo(new CollectionNames("team_accounts", "bk_entries"));
        assertThat(YamlLedgerConfig.parseCollectionNames("balance: {}", "librechat.yaml", Map.of()))
                .isEqualTo(new CollectionNames(null, null));
    }

    @Test
    void collectionNames_unknownKey_isAProblem() {
        assertThatThrownBy(() -> YamlLedgerConfig.parseCollectionNames(
                        "balance:\n  mongo: {accounts: x}\n", "librechat.yaml", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("balance.mongo.accounts is not a known key");
    }
}
