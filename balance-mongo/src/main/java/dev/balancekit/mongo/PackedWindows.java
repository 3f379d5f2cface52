package dev.balancekit.mongo;

import dev.balancekit.UsageWindow;
import dev.balancekit.spi.WindowState;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of an account's usage windows: one binary value instead of an array of subdocuments.
 * Every write that charges changes all of them, and the server copies and re-encodes the whole
 * account document on every write, so one value costs it less than fifteen.
 *
 * <p>Layout (format 1), integers and texts as in {@link PackedBytes}: the format (one byte, 1),
 * then for each window in order: the window (one byte: 0 daily, 1 weekly, 2 monthly), its key as a
 * text (length plus one), micro-credits spent, tokens, and the percent of its limit last reported.
 */
final class PackedWindows {

    static final int FORMAT = 1;
    private static final UsageWindow[] WINDOWS = {UsageWindow.DAILY, UsageWindow.WEEKLY, UsageWindow.MONTHLY};

    private PackedWindows() {}

    static byte[] pack(List<WindowState> windows) {
        PackedBytes.Writer w = new PackedBytes.Writer();
        w.write(FORMAT);
        for (WindowState s : windows) {
            w.write(PackedBytes.code(WINDOWS, s.window()));
            w.text(s.key(), 1);
            w.zigzag(s.spentMicros());
            w.zigzag(s.tokens());
            w.zigzag(s.notifiedPercent());
        }
        return w.toByteArray();
    }

    /**
     * Reads packed windows back.
     *
     * @param field the field name, for errors
     * @throws BsonMapping.MalformedDocumentException if the bytes are not packed windows
     */
    static List<WindowState> unpack(byte[] bytes, String field) {
        PackedBytes.Reader r = new PackedBytes.Reader(bytes, field, "packed usage windows");
        r.format(FORMAT);
        List<WindowState> out = new ArrayList<>(WINDOWS.length);
        while (!r.atEnd()) {
            int window = r.unsignedByte();
            if (window >= WINDOWS.length) {
                throw r.malformed("unknown window " + window);
            }
            String key = r.text(1);
            if (key == null) {
                throw r.malformed("a window's key is missing");
            }
            long spent = r.zigzag();
            long tokens = r.zigzag();
            long percent = r.zigzag();
            if (percent < 0 || percent > Integer.MAX_VALUE) {
                throw r.malformed("percent reported out of range: " + percent);
            }
            out.add(new WindowState(WINDOWS[window], key, spent, tokens, (int) percent));
        }
        return out;
    }
}
