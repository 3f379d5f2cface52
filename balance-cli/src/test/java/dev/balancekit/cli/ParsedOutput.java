package dev.balancekit.cli;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The command line's CSV and JSON output read back with Commons CSV and Jackson, the way a consumer
 * would read it, so the tests check the output with code independent of the code that wrote it.
 */
final class ParsedOutput {

    /** Strict: a repeated key or text after the value fails; decimals are read exactly. */
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private ParsedOutput() {}

    /**
     * Reads RFC 4180 CSV whose records all end with CRLF.
     *
     * @param text the output
     * @return the records, the header first
     * @throws IllegalArgumentException if a record does not end with CRLF
     */
    static List<List<String>> csv(String text) {
        if (!text.isEmpty() && !text.endsWith("\r\n")) {
            throw new IllegalArgumentException("the last record does not end with CRLF: " + text);
        }
        List<List<String>> records = new ArrayList<>();
        try (CSVParser parser = CSVFormat.RFC4180.parse(new StringReader(text))) {
            for (CSVRecord record : parser) {
                records.add(record.toList());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return records;
    }

    /**
     * Reads a JSON array of flat objects: each object becomes an insertion-ordered map of its
     * members, numbers as {@code BigDecimal}, strings as strings, {@code null} as null.
     *
     * @param text the output
     * @return the objects in order
     * @throws IllegalArgumentException if the text is not an array of such objects
     */
    static List<Map<String, @Nullable Object>> json(String text) {
        JsonNode array = JSON.readTree(text);
        if (!array.isArray()) {
            throw new IllegalArgumentException("expected a JSON array, was " + text);
        }
        List<Map<String, @Nullable Object>> rows = new ArrayList<>();
        for (JsonNode object : array) {
            Map<String, @Nullable Object> row = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> member : object.properties()) {
                JsonNode v = member.getValue();
                // stringValue() fails on anything but a string: a boolean or a nested value is an error here
                row.put(member.getKey(), v.isNull() ? null : v.isNumber() ? v.decimalValue() : v.stringValue());
            }
            rows.add(row);
        }
        return rows;
    }
}
