package dev.balancekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.balancekit.pricing.Rate;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LedgerEntryTest {

    private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void builder_creditsEntry_equalsTheCanonicalConstruction() {
        LedgerEntry built = LedgerEntry.builder()
                .id("op#3")
                .seq(3)
                .user("u1")
                .credits(Credits.of(50))
                .context(EntryContext.ADMIN)
                .balance(Credits.of(150))
                .createdAt(T)
                .actor("ops")
                .note("gift")
                .build();

        assertThat(built)
                .isEqualTo(new LedgerEntry(
                        "op#3",
                        3,
                        "u1",
                        TokenType.CREDITS,
                        50_000_000,
                        Rate.perToken("1"),
                        Credits.of(50),
                        EntryContext.ADMIN,
                        null,
                        null,
                        null,
                        Credits.of(150),
                        T,
                        0,
                        0,
                        0,
                        null,
                        "ops",
                        "gift"));
    }

    @Test
    void builder_usageEntry_equalsTheCanonicalConstruction() {
        LedgerEntry built = LedgerEntry.builder()
                .id("op#4")
                .seq(4)
                .user("u1")
                .usage(TokenType.PROMPT, -600, Rate.perToken("2"))
                .tokenValue(Credits.of(-1200))
                .context(EntryContext.MESSAGE)
                .model("m")
                .valueKey("m")
                .conversationId("c1")
                .balance(Credits.of(-1050))
                .createdAt(T)
                .promptTokens(500, 60, 40)
                .holdId("h1")
                .build();

        assertThat(built)
                .isEqualTo(new LedgerEntry(
                        "op#4",
                        4,
                        "u1",
                        TokenType.PROMPT,
                        -600,
                        Rate.perToken("2"),
                        Credits.of(-1200),
                        EntryContext.MESSAGE,
                        "m",
                        "m",
                        "c1",
                        Credits.of(-1050),
                        T,
                        500,
                        60,
                        40,
                        "h1",
                        null,
                        null));
    }

    @Test
    void builder_withoutARequiredField_failsNamingIt() {
        LedgerEntry.Builder noContext = LedgerEntry.builder()
                .id("op#1")
                .seq(1)
                .user("u1")
                .credits(Credits.of(1))
                .balance(Credits.of(1))
                .createdAt(T);

        assertThatThrownBy(noContext::build)
                .isInstanceOf(NullPointerException.class)
                .hasMessage("context");
    }
}
