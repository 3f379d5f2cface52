package dev.balancekit.spi;

import java.util.Arrays;
import java.util.Objects;

/**
 * One time bucket of an account's summary of recent idempotency keys: a fixed-size Bloom filter of
 * the keys first used in that bucket. A key whose bits are not all set in any kept bucket is
 * certainly new; otherwise it may have been used, and the ledger looks its entries up in the
 * history. The engine owns the hashing and the bucket width; a store keeps the bits as they are.
 *
 * @param bucket the bucket's number: its start in epoch milliseconds divided by the bucket width
 * @param bits the filter's bits, {@link #BYTES} bytes; the record keeps its own copy
 */
@SuppressWarnings("ArrayRecordComponent") // the record copies the bits in and out and compares them by content
public record KeyBucket(long bucket, byte[] bits) {

    /** The size of a bucket's filter in bytes (1,024 bits). */
    public static final int BYTES = 128;

    /**
     * Validates and copies.
     *
     * @throws IllegalArgumentException if the bits are not {@link #BYTES} bytes
     */
    public KeyBucket {
        Objects.requireNonNull(bits, "bits");
        if (bits.length != BYTES) {
            throw new IllegalArgumentException("bits must be " + BYTES + " bytes, was " + bits.length);
        }
        bits = bits.clone();
    }

    /** @return a copy of the filter's bits */
    @Override
    public byte[] bits() {
        return bits.clone();
    }

    /**
     * Tells whether a bit is set.
     *
     * @param index 0 to {@code BYTES * 8 - 1}
     * @return whether it is set
     */
    public boolean isSet(int index) {
        return (bits[index >>> 3] & (1 << (index & 7))) != 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyBucket k && k.bucket == bucket && Arrays.equals(k.bits, bits);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(bucket) * 31 + Arrays.hashCode(bits);
    }

    @Override
    public String toString() {
        int set = 0;
        for (byte b : bits) {
            set += Integer.bitCount(b & 0xff);
        }
        return "KeyBucket[bucket=" + bucket + ", bitsSet=" + set + "]";
    }
}
