package dev.balancekit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConfigurationMetadataTest {

    @Test
    void metadata_isGenerated_soIdesCompleteTheProperties() throws IOException {
        String json;
        try (InputStream in =
                BalanceKitProperties.class.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).isNotNull();
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(json)
                .contains(
                        "\"name\": \"balancekit.start-balance\"",
                        "\"name\": \"balancekit.hold-ttl\"",
                        "\"name\": \"balancekit.refill.interval-unit\"",
                        "\"name\": \"balancekit.mongodb.flush-interval\"",
                        "\"name\": \"balancekit.mongodb.accounts-collection\"",
                        "\"name\": \"balancekit.mongodb.entries-collection\"",
                        "\"name\": \"balancekit.tiers\"",
                        "\"name\": \"balancekit.prices.models\"",
                        "Credits a new account starts with");
    }
}
