package dev.balancekit.mongo;

import dev.balancekit.Credits;
import dev.balancekit.LedgerEntry;
import dev.balancekit.TokenType;
import dev.balancekit.pricing.Rate;
import java.time.Instant;
import java.util.Objects;

/**
 * The bytes of a pending entry: the fields of a ledger entry other than its user (the account's
 * {@code _id}), one after the other in a fixed order, so that a pending entry is one BSON binary
 * value instead of a dozen fields. Every account write carries new pending entries and the server
 * copies and re-encodes the whole account document on every write, so the fewer and smaller its
 * values, the less each write costs.
 *
 * <p>Layout (format 2), each integer a variable-length zigzag integer (7 bits a byte, low bits
 * first), so that small values take one byte and any {@code long} fits exactly:
 * <ol>
 *   <li>format: one byte, 2;</li>
 *   <li>sequence number, then the entry id as a text (see below);</li>
 *   <li>token type: one byte, 0 prompt, 1 completion, 2 credits;</li>
 *   <li>raw amount; rate in nano-credits per token; token value in micro-credits; balance after in
 *       micro-credits;</li>
 *   <li>created at: epoch seconds, then nanoseconds;</li>
 *   <li>input, cache write and cache read tokens;</li>
 *   <li>texts, each a length and UTF-8 bytes, the length stored plus one, 0 meaning absent:
 *       context, model, price key (stored plus two; 1 meaning "the model's name"), conversation
 *       id, hold id, actor, note.</li>
 * </ol>
 */
final class PackedEntry {

    static final int FORMAT = 2;
    private static final TokenType[] TYPES = {TokenType.PROMPT, TokenType.COMPLETION, TokenType.CREDITS};

    private PackedEntry() {}

    /** The packed fields of an entry (all but its user). */
    static byte[] pack(LedgerEntry e) {
        PackedBytes.Writer w = new PackedBytes.Writer();
        w.write(FORMAT);
        w.zigzag(e.seq());
        w.text(e.id(), 1);
        w.write(PackedBytes.code(TYPES, e.tokenType()));
        w.zigzag(e.rawAmount());
        w.zigzag(e.rate().nanosPerToken());
        w.zigzag(e.tokenValue().micros());
        w.zigzag(e.balance().micros());
        w.instant(e.createdAt());
        w.zigzag(e.inputTokens());
        w.zigzag(e.writeTokens());
        w.zigzag(e.readTokens());
        w.text(e.context(), 1);
        w.text(e.model(), 1);
        if (e.valueKey() != null && Objects.equals(e.valueKey(), e.model())) {
            w.zigzag(1);
        } else {
            w.text(e.valueKey(), 2);
        }
        w.text(e.conversationId(), 1);
        w.text(e.holdId(), 1);
        w.text(e.actor(), 1);
        w.text(e.note(), 1);
        return w.toByteArray();
    }

    /**
     * Reads packed fields back into an entry.
     *
     * @param field the field name, for errors
     * @throws BsonMapping.MalformedDocumentException if the bytes are not a packed entry
     */
    static LedgerEntry unpack(byte[] bytes, String field, String user) {
        PackedBytes.Reader r = header(bytes, field);
        long seq = r.zigzag();
        String id = r.text(1);
        if (id == null) {
            throw r.malformed("the id is missing");
        }
        int type = r.unsignedByte();
        if (type >= TYPES.length) {
            throw r.malformed("unknown token type " + type);
        }
        long raw = r.zigzag();
        long rate = r.zigzag();
        long value = r.zigzag();
        long balance = r.zigzag();
        Instant createdAt = r.instant();
        long input = r.zigzag();
        long write = r.zigzag();
        long read = r.zigzag();
        String context = r.text(1);
        if (context == null) {
            throw r.malformed("the context is missing");
        }
        String model = r.text(1);
        long keyCode = r.zigzag();
        String valueKey = keyCode == 1 ? model : r.text(keyCode, 2);
        String conversationId = r.text(1);
        String holdId = r.text(1);
        String actor = r.text(1);
        String note = r.text(1);
        r.end();
        try {
            return LedgerEntry.builder()
                    .id(id)
                    .seq(seq)
                    .user(user)
                    .tokenType(TYPES[type])
                    .rawAmount(raw)
                    .rate(Rate.ofNanos(rate))
                    .tokenValue(Credits.ofMicros(value))
                    .context(context)
                    .model(model)
                    .valueKey(valueKey)
                    .conversationId(conversationId)
                    .balance(Credits.ofMicros(balance))
                    .createdAt(createdAt)
                    .promptTokens(input, write, read)
                    .holdId(holdId)
                    .actor(actor)
                    .note(note)
                    .build();
        } catch (RuntimeException e) {
            throw r.malformed(e.getMessage());
        }
    }

    /**
     * Reads only the sequence number of packed fields.
     *
     * @param field the field name, for errors
     * @throws BsonMapping.MalformedDocumentException if the bytes are not a packed entry
     */
    static long seq(byte[] bytes, String field) {
        return header(bytes, field).zigzag();
    }

    private static PackedBytes.Reader header(byte[] bytes, String field) {
        PackedBytes.Reader r = new PackedBytes.Reader(bytes, field, "a packed ledger entry");
        r.format(FORMAT);
        return r;
    }
}
