package dev.balancekit.internal;

import dev.balancekit.spi.KeyBucket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An account's summary of the idempotency keys it used within the retention: time buckets a
 * quarter of the retention wide, each a {@link KeyBucket} Bloom filter with {@value #HASHES} bit
 * positions per key. It never forgets a key of the retention ("certainly new" is always true), and
 * it may take a new key for a used one (then the ledger looks the key up in the history). With 50
 * keys in a bucket one new key in a thousand is taken for a used one; with 200, one in twelve.
 *
 * <p>The hash is FNV-1a over the key's UTF-16 code units, fixed here because the bits are stored.
 */
final class RecentKeys {
    static final int HASHES = 4;
    private static final int BITS = KeyBucket.BYTES * 8;
    /** Buckets per retention: a key stays at most a quarter of the retention longer than it must. */
    private static final int BUCKETS_PER_RETENTION = 4;

    private RecentKeys() {}

    /**
     * FNV-1a, 64 bits, over the UTF-16 code units of a text.
     *
     * @param text the text
     * @return the hash
     */
    static long hash(String text) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            h ^= c & 0xff;
            h *= 0x100000001b3L;
            h ^= c >>> 8;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** The bit positions of a key: double hashing of its FNV-1a hash and a mix of it. */
    private static int[] positions(String key) {
        long h1 = hash(key);
        long h2 = (h1 ^ (h1 >>> 29)) * 0xbf58476d1ce4e5b9L;
        h2 = (h2 ^ (h2 >>> 32)) | 1;
        int[] out = new int[HASHES];
        for (int i = 0; i < HASHES; i++) {
            out[i] = (int) ((h1 + i * h2) >>> 3) & (BITS - 1);
        }
        return out;
    }

    private static long width(Duration retention) {
        return Math.max(1, retention.toMillis() / BUCKETS_PER_RETENTION);
    }

    /**
     * Tells whether a key may have been used: false means certainly new.
     *
     * @param buckets the account's buckets
     * @param key the key
     * @return whether any bucket holds all of the key's bits
     */
    static boolean mayContain(List<KeyBucket> buckets, String key) {
        if (buckets.isEmpty()) {
            return false;
        }
        int[] bits = positions(key);
        for (KeyBucket b : buckets) {
            boolean all = true;
            for (int bit : bits) {
                if (!b.isSet(bit)) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    /**
     * The buckets with a key added to the bucket of {@code now}, without the buckets that ended more
     * than the retention ago.
     *
     * @param buckets the account's buckets, oldest first
     * @param key the key
     * @param now the time of the operation
     * @param retention how long a key must be recognised
     * @return the new buckets, oldest first
     */
    static List<KeyBucket> add(List<KeyBucket> buckets, String key, Instant now, Duration retention) {
        long width = width(retention);
        long millis = now.toEpochMilli();
        long current = Math.floorDiv(millis, width);
        long oldest = Math.floorDiv(millis - retention.toMillis(), width);
        List<KeyBucket> out = new ArrayList<>(buckets.size() + 1);
        boolean added = false;
        for (KeyBucket b : buckets) {
            if (b.bucket() < oldest) {
                continue;
            }
            if (!added && b.bucket() >= current) {
                out.add(
                        b.bucket() == current
                                ? with(b.bits(), current, key)
                                : with(new byte[KeyBucket.BYTES], current, key));
                added = true;
                if (b.bucket() == current) {
                    continue;
                }
            }
            out.add(b);
        }
        if (!added) {
            out.add(with(new byte[KeyBucket.BYTES], current, key));
        }
        return out;
    }

    private static KeyBucket with(byte[] bits, long bucket, String key) {
        for (int bit : positions(key)) {
            bits[bit >>> 3] |= (byte) (1 << (bit & 7));
        }
        return new KeyBucket(bucket, bits);
    }
}
