package dev.balancekit.cli;

import picocli.CommandLine.Option;

/** How a listing is printed: {@code --format table|csv|json}. */
final class FormatOption {

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "table",
            converter = Format.Converter.class,
            description = "table, csv or json (default ${DEFAULT-VALUE}).")
    Format format = Format.TABLE;
}
