package dev.balancekit.cli;

import static dev.balancekit.cli.RecordWriter.Column.number;
import static dev.balancekit.cli.RecordWriter.Column.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordWriterTest {
    private static final List<RecordWriter.Column> COLUMNS =
            List.of(text("name", "NAME", 6), number("amount", "AMOUNT", 8));
    private static final String AWKWARD = "a \"b\", \\c\nd\te\u0007 \u2028 \uD83D\uDE00";

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @Test
    void json_isOneArray_withOneObjectALine() {
        RecordWriter w = new RecordWriter(Format.JSON, COLUMNS, out);
        w.row(Arrays.asList("x", "1.5"));
        w.row(Arrays.asList(null, null));
        w.end();

        assertThat(printed())
                .isEqualTo("[\n  {\"name\":\"x\",\"amount\":1.5},\n  {\"name\":null,\"amount\":null}\n]\n");
        assertThat(w.rows()).isEqualTo(2);
    }

    @Test
    void json_noRecords_isAnEmptyArray() {
        RecordWriter w = new RecordWriter(Format.JSON, COLUMNS, out);
        w.end();

        assertThat(printed()).isEqualTo("[]\n");
    }

    @Test
    void json_smallAmounts_arePlainDecimals_andStringsParseBackUnchanged() {
        RecordWriter w = new RecordWriter(Format.JSON, COLUMNS, out);
        w.row(List.of(AWKWARD, "0.000000001"));
        w.end();

        assertThat(printed()).contains("\"amount\":0.000000001}");
        assertThat(ParsedOutput.json(printed()))
                .singleElement()
                .satisfies(row -> assertThat(row)
                        .containsExactly(entry("name", AWKWARD), entry("amount", new BigDecimal("0.000000001"))));
    }

    @Test
    void csv_isRfc4180_withCrlf_andQuotesWhatItMust() {
        RecordWriter w = new RecordWriter(Format.CSV, COLUMNS, out);
        w.row(List.of("plain", "2"));
        w.row(Arrays.asList(AWKWARD, null));
        w.end();

        assertThat(printed()).startsWith("name,amount\r\nplain,2\r\n\"a \"\"b\"\", \\c\nd");
        assertThat(ParsedOutput.csv(printed()))
                .containsExactly(List.of("name", "amount"), List.of("plain", "2"), List.of(AWKWARD, ""));
    }

    @Test
    void csvAndJson_printEachRecordAtOnce_beforeTheEnd() {
        for (Format format : List.of(Format.CSV, Format.JSON)) {
            bytes.reset();
            RecordWriter w = new RecordWriter(format, COLUMNS, out);
            w.row(List.of("first", "1"));

            assertThat(printed()).as(format.toString()).contains("first");
        }
    }

    @Test
    void table_showsAbsentValues_andNoControlCharacters() {
        RecordWriter w = new RecordWriter(Format.TABLE, COLUMNS, out);
        w.row(Arrays.asList("a\nb", null));
        w.end();

        assertThat(printed()).isEqualTo("NAME      AMOUNT\na b            -\n");
    }

    @Test
    void row_wrongNumberOfValues_isRejected() {
        RecordWriter w = new RecordWriter(Format.CSV, COLUMNS, out);

        assertThatThrownBy(() -> w.row(List.of("only one")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a record must have 2 values, had 1");
        assertThat(printed()).isEmpty();
    }

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
