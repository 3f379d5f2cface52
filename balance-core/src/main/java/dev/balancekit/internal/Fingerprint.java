package dev.balancekit.internal;

import org.jspecify.annotations.Nullable;

/**
 * The canonical text of a request, stored with its idempotency key (or its settled hold) and
 * compared with a repeat's: equal texts mean the same request.
 *
 * <p>Each field is written with its length in front ({@code |5:gpt-4}) and null as {@code |-}, so
 * the text reads back into exactly one list of fields: no two different requests share a
 * fingerprint, whatever characters their fields contain. (Joining the fields with a separator
 * alone made {@code model "m|100"} and {@code model "m", 100 input tokens} the same request.)
 */
final class Fingerprint {

    private Fingerprint() {}

    /**
     * The fingerprint of one request.
     *
     * @param kind the operation, a constant without {@code |} ({@code charge}, {@code reserve}, ...)
     * @param fields the request's fields in a fixed order; numbers and flags by their decimal text
     * @return the canonical text
     */
    static String of(String kind, @Nullable Object... fields) {
        StringBuilder sb = new StringBuilder(16 + 16 * fields.length).append(kind);
        for (Object field : fields) {
            sb.append('|');
            if (field == null) {
                sb.append('-');
            } else {
                String text = field.toString();
                sb.append(text.length()).append(':').append(text);
            }
        }
        return sb.toString();
    }
}
