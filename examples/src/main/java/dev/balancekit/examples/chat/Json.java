package dev.balancekit.examples.chat;

import dev.balancekit.Credits;
import java.math.BigDecimal;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The examples' one Jackson setup, used for every request the chat server reads and every answer
 * it or the request pipeline writes.
 *
 * <p>Reading is strict: a repeated member, text after the value or nesting deeper than any chat
 * request needs is an error, and decimals are read exactly ({@code BigDecimal}, never a
 * {@code double}). Writing keeps decimals plain, so credits appear as {@code 527065.5}, never in
 * exponent form.
 */
public final class Json {

    // deeper nesting than any chat request needs, shallow enough that reading it costs nothing
    private static final int MAX_DEPTH = 64;

    /** The mapper. */
    public static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH)
                            .build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    private Json() {}

    /**
     * An amount as a JSON number, exactly.
     *
     * @param amount the amount, or null
     * @return the same decimal as {@link Credits#toString()}, or null
     */
    static @Nullable BigDecimal number(@Nullable Credits amount) {
        return amount == null ? null : amount.toBigDecimal();
    }
}
