package dev.balancekit.mongo;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Writing and reading the packed values of an account document ({@link PackedEntry},
 * {@link PackedWindows}): variable-length zigzag integers (7 bits a byte, low bits first, so that
 * small values take one byte and any {@code long} fits exactly) and texts as their UTF-8 length
 * (shifted, so that 0 can mean "absent") followed by their bytes.
 */
final class PackedBytes {

    private PackedBytes() {}

    /**
     * The one-byte code of a value: its index in the table of codes.
     *
     * @throws IllegalArgumentException if the table lacks it
     */
    static <T> int code(T[] codes, T value) {
        for (int i = 0; i < codes.length; i++) {
            if (codes[i] == value) {
                return i;
            }
        }
        throw new IllegalArgumentException("no code for " + value);
    }

    static final class Writer {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

        void write(int b) {
            out.write(b);
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }

        void zigzag(long v) {
            long u = (v << 1) ^ (v >> 63);
            while ((u & ~0x7FL) != 0) {
                out.write((int) ((u & 0x7F) | 0x80));
                u >>>= 7;
            }
            out.write((int) u);
        }

        /** An instant as epoch seconds, then nanoseconds. */
        void instant(Instant t) {
            zigzag(t.getEpochSecond());
            zigzag(t.getNano());
        }

        /** A text as its length plus {@code shift} (0 when absent), then its UTF-8 bytes. */
        void text(@Nullable String s, int shift) {
            if (s == null) {
                zigzag(0);
                return;
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            zigzag(b.length + (long) shift);
            out.write(b, 0, b.length);
        }
    }

    static final class Reader {
        private final byte[] b;
        private final String field;
        private final String what;
        private int at;

        /**
         * @param field the field the bytes come from, for errors
         * @param what what the bytes should be, for errors ("a packed ledger entry")
         */
        Reader(byte[] b, String field, String what) {
            this.b = b;
            this.field = field;
            this.what = what;
        }

        /** Reads the format byte and refuses any other than the expected one. */
        void format(int expected) {
            int format = unsignedByte();
            if (format != expected) {
                throw malformed("unknown format " + format);
            }
        }

        boolean atEnd() {
            return at == b.length;
        }

        int unsignedByte() {
            if (at >= b.length) {
                throw malformed("it ends early");
            }
            return b[at++] & 0xFF;
        }

        long zigzag() {
            long u = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int x = unsignedByte();
                u |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    return (u >>> 1) ^ -(u & 1);
                }
            }
            throw malformed("an integer is longer than 10 bytes");
        }

        @Nullable
        String text(int shift) {
            return text(zigzag(), shift);
        }

        @Nullable
        String text(long code, int shift) {
            if (code == 0) {
                return null;
            }
            long length = code - shift;
            if (length < 0 || length > b.length - at) {
                throw malformed("a text length is out of range: " + length);
            }
            String s = new String(b, at, (int) length, StandardCharsets.UTF_8);
            at += (int) length;
            return s;
        }

        /** Reads an instant written by {@link Writer#instant}. */
        Instant instant() {
            long seconds = zigzag();
            long nanos = zigzag();
            if (nanos < 0 || nanos > 999_999_999) {
                throw malformed("nanoseconds out of range: " + nanos);
            }
            try {
                return Instant.ofEpochSecond(seconds, nanos);
            } catch (RuntimeException e) {
                throw malformed(e.getMessage());
            }
        }

        void end() {
            if (at != b.length) {
                throw malformed((b.length - at) + " bytes follow the last field");
            }
        }

        BsonMapping.MalformedDocumentException malformed(@Nullable String why) {
            return new BsonMapping.MalformedDocumentException("field '" + field + "' is not " + what + ": " + why);
        }
    }
}
