package dev.balancekit.cli;

import java.io.PrintStream;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Prints records one at a time as a table, CSV or JSON, so a listing streams: nothing is kept
 * but the record being printed. A table has fixed column widths (a longer value pushes the rest of
 * its line), CSV quotes as RFC 4180 says, JSON is one array with one object a line.
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

    private final Format format;
    private final List<Column> columns;
    private final PrintStream out;
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
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < columns.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    sb.append(csv(columns.get(i).key()));
                }
                out.print(sb.append("\r\n"));
            }
            case JSON -> out.print("[");
        }
    }

    /**
     * Prints one record.
     *
     * @param values one value per column, null where there is none
     */
    void row(List<@Nullable String> values) {
        if (values.size() != columns.size()) {
            throw new IllegalArgumentException("a record must have " + columns.size() + " values, had " + values.size());
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
                for (int i = 0; i < columns.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    String v = values.get(i);
                    sb.append(v == null ? "" : csv(v));
                }
                out.print(sb.append("\r\n"));
            }
            case JSON -> {
                sb.append(rows == 0 ? "\n  {" : ",\n  {");
                for (int i = 0; i < columns.size(); i++) {
                    Column c = columns.get(i);
                    String v = values.get(i);
                    if (i > 0) {
                        sb.append(',');
                    }
                    jsonString(sb, c.key());
                    sb.append(':');
                    if (v == null) {
                        sb.append("null");
                    } else if (c.kind() == Kind.NUMBER) {
                        sb.append(v);
                    } else {
                        jsonString(sb, v);
                    }
                }
                out.print(sb.append('}'));
            }
        }
        rows++;
        out.flush();
    }

    /** Prints what comes after the last record: for JSON, the array's closing bracket. */
    void end() {
        begin();
        if (format == Format.JSON) {
            out.println(rows == 0 ? "]" : "\n]");
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

    /** Quotes a CSV field when it holds a comma, a quote or a line break, doubling inner quotes. */
    static String csv(String value) {
        boolean quote = false;
        for (int i = 0; i < value.length() && !quote; i++) {
            char ch = value.charAt(i);
            quote = ch == ',' || ch == '"' || ch == '\n' || ch == '\r';
        }
        return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }

    /** Appends a JSON string literal, escaping quotes, backslashes and control characters. */
    static void jsonString(StringBuilder sb, String value) {
        sb.append('"');
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (ch < 0x20 || ch == '\u2028' || ch == '\u2029') {
                        sb.append(String.format("\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        sb.append('"');
    }
}
