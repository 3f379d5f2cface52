package dev.balancekit.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** How listings are printed: {@code --format table|csv|json}. */
enum Format {
    /** Aligned columns for people, with a summary line. */
    TABLE,
    /** RFC 4180 comma-separated values with a header line. */
    CSV,
    /** One JSON array of objects. */
    JSON;

    /** @return the name as typed on the command line */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Reads {@code --format} values as typed, in any case. */
    static final class Converter implements ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            for (Format f : values()) {
                if (f.toString().equalsIgnoreCase(value.strip())) {
                    return f;
                }
            }
            throw new TypeConversionException("expected one of table, csv, json but was '" + value + "'");
        }
    }
}
