package dev.balancekit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancekit.spi.KeyBucket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentKeysTest {
    private static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");
    private static final Duration DAY = Duration.ofHours(24);

    @Test
    void everyKeyOfTheRetention_mayHaveBeenUsed_howeverManyCameSince() {
        List<KeyBucket> buckets = List.of();
        for (int i = 0; i < 2000; i++) {
            buckets = RecentKeys.add(buckets, "key-" + i, T0.plus(Duration.ofSeconds(40L * i)), DAY);
        }

        for (int i = 0; i < 2000; i++) {
            assertThat(RecentKeys.mayContain(buckets, "key-" + i))
                    .as("key-%d", i)
                    .isTrue();
        }
        assertThat(buckets)
                .as("a quarter of the retention per bucket, one more for the current")
                .hasSizeLessThanOrEqualTo(5);
    }

    @Test
    void newKeys_areMostlyCertainlyNew_withFiftyKeysInABucket() {
        List<KeyBucket> buckets = List.of();
        for (int i = 0; i < 50; i++) {
            buckets = RecentKeys.add(buckets, "used-" + i, T0, DAY);
        }

        int maybe = 0;
        for (int i = 0; i < 10_000; i++) {
            if (RecentKeys.mayContain(buckets, "new-" + i)) {
                maybe++;
            }
        }
        assertThat(maybe).as("new keys taken for used ones, of 10,000").isLessThan(100);
    }

    @Test
    void bucketsOlderThanTheRetention_areDroppedByTheNextKey() {
        List<KeyBucket> buckets = RecentKeys.add(List.of(), "old", T0, DAY);

        buckets = RecentKeys.add(buckets, "new", T0.plus(Duration.ofHours(31)), DAY);

        assertThat(buckets).hasSize(1);
        assertThat(RecentKeys.mayContain(buckets, "old")).isFalse();
        assertThat(RecentKeys.mayContain(buckets, "new")).isTrue();
    }

    @Test
    void aKeyAtTheEndOfTheRetention_isStillKept() {
        List<KeyBucket> buckets = RecentKeys.add(List.of(), "old", T0, DAY);

        buckets = RecentKeys.add(buckets, "new", T0.plus(DAY), DAY);

        assertThat(RecentKeys.mayContain(buckets, "old")).isTrue();
    }

    @Test
    void aClockBehindTheNewestBucket_addsToAnOlderBucketInOrder() {
        List<KeyBucket> buckets = RecentKeys.add(List.of(), "late", T0.plus(Duration.ofHours(12)), DAY);

        buckets = RecentKeys.add(buckets, "early", T0, DAY);

        assertThat(buckets).extracting(KeyBucket::bucket).isSorted().hasSize(2);
        assertThat(RecentKeys.mayContain(buckets, "early")).isTrue();
        assertThat(RecentKeys.mayContain(buckets, "late")).isTrue();
    }

    @Test
    void hash_isFnv1aOverUtf16CodeUnits() {
        // stored bits depend on it: it must never change
        assertThat(RecentKeys.hash("")).isEqualTo(0xcbf29ce484222325L);
        assertThat(RecentKeys.hash("a")).isEqualTo(0x089be207b544f1e4L);
    }
}
