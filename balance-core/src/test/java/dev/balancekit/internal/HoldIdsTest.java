package dev.balancekit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HoldIdsTest {

    @ParameterizedTest
    @ValueSource(longs = {1, 9, 10, 12_345, 999_999_999_999_999_999L})
    void holdId_carriesItsNumber(long seq) {
        String id = HoldIds.of("u1", seq);

        assertThat(id).startsWith(seq + "-").hasSize(Long.toString(seq).length() + 7);
        assertThat(HoldIds.seqOf("u1", id)).isEqualTo(seq);
    }

    @Test
    void holdIdOfAnotherUser_isNotThisAccounts() {
        assertThat(HoldIds.seqOf("u2", HoldIds.of("u1", 3))).isEqualTo(-1);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "-",
                "3",
                "3-",
                "03-abcdef",
                "x-abcdef",
                "3-abcdeg7",
                "1234567890123456789-abcdef",
                "6f1c2d9e-0c1b-4e1f-9a7d-1f2e3d4c5b6a"
            })
    void madeUpOrOldIds_areNotThisAccounts(String id) {
        assertThat(HoldIds.seqOf("u1", id)).isEqualTo(-1);
    }
}
