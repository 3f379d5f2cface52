package dev.balancekit.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.util.MinimalPrettyPrinter;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Prints records one at a time as a table, CSV or JSON, so a listing streams: nothing is kept
 * but the record being printed. A table has fixed column widths (a longer value pushes the rest of
 * its line), CSV is RFC 4180 written by Commons CSV, JSON is one array with one object a line
 * written by Jackson.
 *
 * <p>CSV and JSON are written into a buffer that is handed to the output stream after each record,
 * so they go through the stream's own encoding like the table, and a listing streams as before.
 */
final class RecordWriter {

    /** How a JSON value is written. */
    enum Kind {
        /** A JSON string. */
        TEXT,
        /** A JSON number: the value is a plain decimal already. */
        NUMBER
    }

    /**
     * One column.
     *
     * @param key the CSV header and JSON key
     * @param title the table header
     * @param width the table column width
     * @param right whether the table aligns it right (numbers)
     * @param kind how JSON writes it
     * @param absent what the table shows for a missing value
     */
    record Column(String key, String title, int width, boolean right, Kind kind, String absent) {

        static Column text(String key, String title, int width) {
            return new Column(key, title, width, false, Kind.TEXT, "-");
        }

        static Column number(String key, String title, int width) {
            return new Column(key, title, width, true, Kind.NUMBER, "-");
        }

        Column absentAs(String text) {
            return new Column(key, title, width, right, kind, text);
        }
    }

    /** Plain decimals stay plain ({@code 0.000000001}, not {@code 1E-9}): they are what a reader sees in the table. */
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    /** The array on its own lines, one compact object a line. */
    private static final ObjectWriter JSON_LINES = JSON.writer().with(new MinimalPrettyPrinter() {
        private static final long serialVersionUID = 1L;

        @Override
        public void beforeArrayValues(JsonGenerator g) {
            g.writeRaw("\n  ");
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) {
            g.writeRaw(",\n  ");
        }

        @Override
        public void writeEndArray(JsonGenerator g, int values) {
            g.writeRaw(values == 0 ? "]" : "\n]");
        }
    });

    private final Format format;
    private final List<Column> columns;
    private final PrintStream out;
    private final StringWriter buffer = new StringWriter();
    private @Nullable CSVPrinter csv;
    private @Nullable JsonGenerator json;
    private long rows;
    private boolean begun;

    RecordWriter(Format format, List<Column> columns, PrintStream out) {
        this.format = format;
        this.columns = List.copyOf(columns);
        this.out = out;
    }

    /**
     * Prints what comes before the first record: the table or CSV header, or the array's bracket.
     * The first record or the end does it when nobody did before, so a listing that fails on its
     * first read prints nothing.
     */
    void begin() {
        if (begun) {
            return;
        }
        begun = true;
        switch (format) {
            case TABLE -> {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < columns.size(); i++) {
                    cell(sb, columns.get(i).title(), i);
                }
                out.println(stripTrailing(sb));
            }
            case CSV -> {
                try {
                    csv = new CSVPrinter(buffer, CSVFormat.RFC4180);
                    csv.printRecord(columns.stream().map(Column::key));
                } catch (IOException e) {
                    throw new UncheckedIOException(e); // a StringWriter does not fail
                }
                drain();
            }
            case JSON -> {
                json = JSON_LINES.createGenerator(buffer);
                json.writeStartArray();
                drain();
            }
        }
    }

    /**
     * Prints one record.
     *
     * @param values one value per column, null where there is none
     */
    void row(List<@Nullable String> values) {
        if (values.size() != columns.size()) {
            throw new IllegalArgumentException(
                    "a record must have " + columns.size() + " values, had " + values.size());
        }
        begin();
        StringBuilder sb = new StringBuilder();
        switch (format) {
            case TABLE -> {
                for (int i = 0; i < columns.size(); i++) {
                    String v = values.get(i);
                    cell(sb, v == null ? columns.get(i).absent() : v, i);
                }
                out.println(stripTrailing(sb));
            }
            case CSV -> {
                try {
                    // an absent value is an empty field
                    requireStarted(csv).printRecord(values);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                drain();
            }
            case JSON -> {
                JsonGenerator g = requireStarted(json);
                g.writeStartObject();
                for (int i = 0; i < columns.size(); i++) {
                    Column c = columns.get(i);
                    String v = values.get(i);
                    g.writeName(c.key());
                    if (v == null) {
                        g.writeNull();
                    } else if (c.kind() == Kind.NUMBER) {
                        g.writeNumber(new BigDecimal(v));
                    } else {
                        g.writeString(v);
                    }
                }
                g.writeEndObject();
                drain();
            }
        }
        rows++;
        out.flush();
    }

    /** Prints what comes after the last record: for JSON, the array's closing bracket. */
    void end() {
        begin();
        if (format == Format.JSON) {
            JsonGenerator g = requireStarted(json);
            g.writeEndArray();
            g.close();
            drain();
            out.println();
        }
        out.flush();
    }

    /** @return the number of records printed */
    long rows() {
        return rows;
    }

    private void cell(StringBuilder sb, String text, int index) {
        Column c = columns.get(index);
        String value = printable(text);
        if (index > 0) {
            sb.append("  ");
        }
        int pad = Math.max(0, c.width() - value.codePointCount(0, value.length()));
        boolean last = index == columns.size() - 1;
        if (c.right()) {
            sb.append(" ".repeat(pad)).append(value);
        } else {
            sb.append(value);
            if (!last) {
                sb.append(" ".repeat(pad));
            }
        }
    }

    /** A table cell on one line, without control characters (a note's line break, a terminal escape). */
    private static String printable(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (Character.isISOControl(ch)) {
                if (sb == null) {
                    sb = new StringBuilder(text.length()).append(text, 0, i);
                }
                sb.append(' ');
            } else if (sb != null) {
                sb.append(ch);
            }
        }
        return sb == null ? text : sb.toString();
    }

    private static String stripTrailing(StringBuilder sb) {
        return sb.toString().stripTrailing();
    }

    /** Hands what the CSV printer or JSON generator wrote to the output stream. */
    private void drain() {
        if (json != null) {
            json.flush();
        }
        out.print(buffer);
        buffer.getBuffer().setLength(0);
    }

    private static <T> T requireStarted(@Nullable T writer) {
        if (writer == null) {
            throw new IllegalStateException("begin() did not start the writer");
        }
        return writer;
    }

    /**
     * Writes one CSV field as RFC 4180 does: quoted when it holds a comma, a quote or a line break
     * (Commons CSV also quotes some other leading and trailing characters), inner quotes doubled.
     *
     * @param value the field
     * @return the field as it appears in a record
     */
    static String csv(String value) {
        return CSVFormat.RFC4180.format(value);
    }

    /**
     * Appends a JSON string literal, escaped by Jackson.
     *
     * @param sb where to append
     * @param value the string
     */
    static void jsonString(StringBuilder sb, String value) {
        sb.append(JSON.writeValueAsString(value));
    }
}
