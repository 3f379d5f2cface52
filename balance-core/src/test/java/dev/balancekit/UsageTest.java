package dev.balancekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class UsageTest {

    @Test
    void of_promptAndCompletion_areAllUncachedInput() {
        Usage u = Usage.of(100, 50);
        assertThat(u).isEqualTo(new Usage(100, 50, 0, 0));
        assertThat(u.promptTokens()).isEqualTo(100);
        assertThat(u.totalTokens()).isEqualTo(150);
    }

    @Test
    void withCache_addsCacheTokensOnTopOfInput() {
        Usage u = Usage.of(11, 5).withCache(140_522, 7);
        assertThat(u).isEqualTo(new Usage(11, 5, 140_522, 7));
        assertThat(u.promptTokens()).isEqualTo(140_540);
        assertThat(u.totalTokens()).isEqualTo(140_545);
    }

    @Test
    void maxTokens_acceptedInEveryField() {
        long max = Usage.MAX_TOKENS;
        Usage u = new Usage(max, max, max, max);
        assertThat(u.promptTokens()).isEqualTo(3_000_000_000L);
        assertThat(u.totalTokens()).isEqualTo(4_000_000_000L);
    }

    @Test
    void constructor_negativeCount_rejectedNamingField() {
        assertThatThrownBy(() -> new Usage(-1, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("inputTokens must be between 0 and 1000000000, was -1");
        assertThatThrownBy(() -> new Usage(0, -2, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("outputTokens must be between 0 and 1000000000, was -2");
        assertThatThrownBy(() -> new Usage(0, 0, -3, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cacheWriteTokens must be between 0 and 1000000000, was -3");
        assertThatThrownBy(() -> new Usage(0, 0, 0, -4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cacheReadTokens must be between 0 and 1000000000, was -4");
    }

    @Test
    void of_badCounts_rejectedNamingParameter() {
        assertThatThrownBy(() -> Usage.of(-5, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("promptTokens must be between 0 and 1000000000, was -5");
        assertThatThrownBy(() -> Usage.of(0, 1_000_000_001L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("completionTokens must be between 0 and 1000000000, was 1000000001");
    }

    @Test
    void withCache_absurdCount_rejectedNamingField() {
        assertThatThrownBy(() -> Usage.of(1, 1).withCache(Long.MAX_VALUE, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cacheWriteTokens must be between 0 and 1000000000, was 9223372036854775807");
        assertThatThrownBy(() -> Usage.of(1, 1).withCache(0, Long.MIN_VALUE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cacheReadTokens must be between 0 and 1000000000, was -9223372036854775808");
    }
}
