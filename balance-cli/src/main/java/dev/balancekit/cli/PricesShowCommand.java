package dev.balancekit.cli;

import static dev.balancekit.cli.RecordWriter.Column.number;
import static dev.balancekit.cli.RecordWriter.Column.text;

import dev.balancekit.LedgerConfig;
import dev.balancekit.Usage;
import dev.balancekit.pricing.ModelPrice;
import dev.balancekit.pricing.Premium;
import dev.balancekit.pricing.PriceMatch;
import dev.balancekit.pricing.Rate;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code prices show}: the row a model gets, how it was found, and every rate of it. */
@Command(
        name = "show",
        mixinStandardHelpOptions = true,
        description = {
            "Prints the price row a model gets, the kind of match, and every rate of the row:",
            "standard and long-context (above the threshold), prompt, completion and cache, for each dated period.",
            "The applies column marks the rates in force today (the config's timezone) for --prompt-tokens.",
            "Rates are credits per token (LibreChat's USD per 1M tokens). Needs no database."
        })
final class PricesShowCommand implements Callable<Integer> {

    static final List<RecordWriter.Column> COLUMNS = List.of(
            text("model", "MODEL", 16),
            text("endpoint", "ENDPOINT", 8),
            text("valueKey", "KEY", 14),
            text("match", "MATCH", 15),
            text("from", "FROM", 10),
            text("through", "THROUGH", 10),
            text("context", "CONTEXT", 14),
            text("rate", "RATE", 10),
            number("perToken", "PER TOKEN", 10),
            text("applies", "APPLIES", 7));

    /** The table's header line names the model, key and match, so its rows leave those columns out. */
    private static final int TABLE_FROM = 4;

    private final Invocation invocation;

    @Mixin
    ConfigOption config = new ConfigOption();

    @Parameters(index = "0", paramLabel = "MODEL", description = "The model name, as a request gives it.")
    String model = "";

    @Option(
            names = "--prompt-tokens",
            paramLabel = "N",
            defaultValue = "0",
            description = "The prompt's tokens (input + cache write + cache read), which pick standard or long-context"
                    + " rates (default ${DEFAULT-VALUE}).")
    long promptTokens;

    @Option(
            names = "--endpoint",
            paramLabel = "E",
            description = "The endpoint the model is called through, whose"
                    + " exact prices (endpoints.custom[].tokenConfig) win.")
    @Nullable
    String endpoint;

    @Mixin
    FormatOption output = new FormatOption();

    PricesShowCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    @SuppressWarnings(
            "ReferenceEquality") // the price in force is one link of the chain walked below: identity finds it
    public Integer call() {
        if (model.isBlank()) {
            throw CliException.usage("MODEL must not be blank, was '" + model + "'");
        }
        try {
            Usage.checkTokens("--prompt-tokens", promptTokens);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(String.valueOf(e.getMessage()));
        }
        String endpointName = BalanceChangeCommand.blankToNull(endpoint);
        LedgerConfig cfg = invocation.config(config);
        PriceMatch match = cfg.prices().match(model, endpointName);
        LocalDate today = LocalDate.now(invocation.env().clock().withZone(cfg.zone()));
        ModelPrice inForce = match.price().on(today);

        if (output.format == Format.TABLE) {
            invocation
                    .out()
                    .println(model + (endpointName == null ? "" : " on endpoint " + endpointName) + ": "
                            + (match.valueKey() == null ? "no row" : "row " + match.valueKey()) + ", "
                            + match.kind().wireName()
                            + " (" + match.kind().description() + ")");
        }
        RecordWriter writer = new RecordWriter(
                output.format,
                output.format == Format.TABLE ? COLUMNS.subList(TABLE_FROM, COLUMNS.size()) : COLUMNS,
                invocation.out());
        LocalDate from = null;
        for (ModelPrice period = match.price(); period != null; period = period.after()) {
            boolean periodInForce = period == inForce;
            Premium premium = period.premium();
            boolean premiumApplies = premium != null && premium.appliesTo(promptTokens);
            rates(writer, match, from, period, "standard", 0, periodInForce && !premiumApplies);
            if (premium != null) {
                rates(
                        writer,
                        match,
                        from,
                        period,
                        "above " + premium.threshold(),
                        premium.threshold() + 1,
                        periodInForce && premiumApplies);
            }
            from = period.through() == null ? null : period.through().plusDays(1);
        }
        writer.end();
        if (output.format == Format.TABLE) {
            invocation
                    .out()
                    .println("Rates in credits per token (USD per 1M tokens); applies: in force on " + today + " ("
                            + cfg.zone() + ") for a prompt of " + promptTokens + " tokens");
        }
        return Main.OK;
    }

    private void rates(
            RecordWriter writer,
            PriceMatch match,
            @Nullable LocalDate from,
            ModelPrice period,
            String context,
            long tokens,
            boolean applies) {
        row(writer, match, from, period, context, "prompt", period.promptRate(tokens), applies);
        row(writer, match, from, period, context, "completion", period.completionRate(tokens), applies);
        row(writer, match, from, period, context, "cacheWrite", period.cacheWriteRate(tokens), applies);
        row(writer, match, from, period, context, "cacheRead", period.cacheReadRate(tokens), applies);
    }

    private void row(
            RecordWriter writer,
            PriceMatch match,
            @Nullable LocalDate from,
            ModelPrice period,
            String context,
            String name,
            Rate rate,
            boolean applies) {
        List<@Nullable String> values = new ArrayList<>(Arrays.asList(
                model,
                endpoint == null || endpoint.isBlank() ? null : endpoint.strip(),
                match.valueKey(),
                match.kind().wireName(),
                from == null ? null : from.toString(),
                period.through() == null ? null : period.through().toString(),
                context,
                name,
                rate.toString(),
                applies ? "yes" : "no"));
        writer.row(output.format == Format.TABLE ? values.subList(TABLE_FROM, values.size()) : values);
    }
}
