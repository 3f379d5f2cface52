package dev.balancekit.mongo;

import dev.balancekit.Credits;
import dev.balancekit.Hold;
import java.time.Instant;

/**
 * The bytes of an active hold in an account's {@code holds} array: one binary value instead of a
 * subdocument of six fields. A reserve adds one and the charge that settles it removes it, so a
 * hold is in the document for about every other write, which the server copies and re-encodes
 * whole.
 *
 * <p>Layout (format 1), integers and texts as in {@link PackedBytes}: the format (one byte, 1), the
 * hold id and the model as texts (length plus one), the amount in micro-credits, the tokens, then
 * the creation and expiry instants, each as epoch seconds and nanoseconds.
 */
final class PackedHold {

    static final int FORMAT = 1;

    private PackedHold() {}

    static byte[] pack(Hold h) {
        PackedBytes.Writer w = new PackedBytes.Writer();
        w.write(FORMAT);
        w.text(h.id(), 1);
        w.text(h.model(), 1);
        w.zigzag(h.amount().micros());
        w.zigzag(h.tokens());
        w.instant(h.createdAt());
        w.instant(h.expiresAt());
        return w.toByteArray();
    }

    /**
     * Reads a packed hold back.
     *
     * @param field the field name, for errors
     * @throws BsonMapping.MalformedDocumentException if the bytes are not a packed hold
     */
    static Hold unpack(byte[] bytes, String field) {
        PackedBytes.Reader r = new PackedBytes.Reader(bytes, field, "a packed hold");
        r.format(FORMAT);
        String id = r.text(1);
        String model = r.text(1);
        if (id == null || model == null) {
            throw r.malformed("the id or the model is missing");
        }
        long amount = r.zigzag();
        long tokens = r.zigzag();
        Instant createdAt = r.instant();
        Instant expiresAt = r.instant();
        r.end();
        try {
            return new Hold(id, Credits.ofMicros(amount), tokens, model, createdAt, expiresAt);
        } catch (RuntimeException e) {
            throw r.malformed(e.getMessage());
        }
    }
}
