package dev.balancekit.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancekit.spi.AccountState;
import java.util.List;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

/** The minimal update between two account states; the codecs it uses are tested in {@link BsonMappingTest}. */
class AccountUpdatesTest {

    @Test
    void appended_countsTheElementsAddedAtTheEnd_orMinusOneForAnyOtherChange() {
        List<String> before = List.of("a", "b", "c");

        assertThat(AccountUpdates.appended(before, List.of("a", "b", "c"))).isZero();
        assertThat(AccountUpdates.appended(before, List.of("a", "b", "c", "d"))).isEqualTo(1);
        assertThat(AccountUpdates.appended(before, List.of("b", "c", "d")))
                .as("oldest dropped, one added")
                .isEqualTo(1);
        assertThat(AccountUpdates.appended(before, List.of("c", "d", "e"))).isEqualTo(2);
        assertThat(AccountUpdates.appended(before, List.of("a", "x", "c")))
                .as("replaced in the middle")
                .isEqualTo(-1);
        assertThat(AccountUpdates.appended(before, List.of())).as("cleared").isEqualTo(-1);
        assertThat(AccountUpdates.appended(List.of(), List.of("1", "2", "3", "4", "5", "6", "7", "8", "9")))
                .as("too many to push")
                .isEqualTo(-1);
    }

    @Test
    void account_withoutRefillOverride_leavesTheFieldOut() {
        BsonDocument doc = AccountUpdates.accountFields(AccountState.empty("u1", BsonMappingTest.WHOLE));

        assertThat(doc.keySet()).doesNotContain("refillOverride");
        AccountState full = BsonMappingTest.fullAccount();
        assertThat(AccountUpdates.accountUpdate(full, full.withRefillOverride(null))
                        .getDocument("$unset")
                        .keySet())
                .containsExactly("refillOverride");
    }

    @Test
    void listsThatEmpty_valuesThatTurnNull_andCountsThatTurnZero_areUnset_andTheDocumentReadsTheSameState() {
        AccountState full = BsonMappingTest.fullAccount();
        AccountState bare = new AccountState(
                full.user(),
                full.balance(),
                full.funded(),
                List.of(),
                full.lastHoldSeq(),
                List.of(),
                List.of(),
                full.lastSeq(),
                full.lastTransactionAt(),
                full.totalTokens(),
                full.createdAt(),
                null,
                null,
                0,
                null,
                List.of(),
                full.refillOverride());

        BsonDocument update = AccountUpdates.accountUpdate(full, bare);

        assertThat(update.getDocument("$unset").keySet())
                .contains(
                        "holds",
                        "operations",
                        "recentKeys",
                        "tier",
                        "refillAnchor",
                        "refillAnchorNanos",
                        "refillPeriod",
                        "lastRefill",
                        "lastRefillNanos",
                        "windows");
        assertThat(update.getDocument("$set").keySet()).isEmpty();
        BsonDocument doc = new BsonDocument("_id", new org.bson.BsonString("u1"));
        doc.putAll(AccountUpdates.accountFields(bare));
        assertThat(BsonMapping.account(doc)).isEqualTo(bare);
        assertThat(AccountUpdates.accountUpdate(bare, full)
                        .getDocument("$set")
                        .get("windows")
                        .isBinary())
                .isTrue();
    }
}
