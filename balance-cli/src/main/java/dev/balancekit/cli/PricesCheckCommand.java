package dev.balancekit.cli;

import static dev.balancekit.cli.RecordWriter.Column.number;
import static dev.balancekit.cli.RecordWriter.Column.text;

import dev.balancekit.LedgerConfig;
import dev.balancekit.pricing.ModelPrice;
import dev.balancekit.pricing.PriceMatch;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code prices check}: which models are priced by a generic row or the default rate. */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description = {
            "Lists the models priced by a generic row or the default rate: the models given, else every model named in",
            "the transaction history. Exits with 1 when it finds any, so it can run in a deployment pipeline.",
            "A generic row is a table key the model's name only starts with, such as claude- for claude-opus-7 or gpt-5"
                    + " for gpt-5.9.",
            "Needs the database only when no MODEL is given."
        })
final class PricesCheckCommand implements Callable<Integer> {

    static final List<RecordWriter.Column> COLUMNS = List.of(
            text("model", "MODEL", 24),
            text("valueKey", "KEY", 14),
            text("match", "MATCH", 15),
            number("prompt", "PROMPT", 8),
            number("completion", "COMPLETION", 10));

    private final Invocation invocation;

    @Mixin
    MongoOptions mongo = new MongoOptions();

    @Mixin
    ConfigOption config = new ConfigOption();

    @Parameters(
            arity = "0..*",
            paramLabel = "MODEL",
            description = "Models to check; without any, the models in the" + " transaction history.")
    List<String> models = new ArrayList<>();

    @Option(names = "--endpoint", paramLabel = "E", description = "The endpoint the models are called through.")
    @Nullable
    String endpoint;

    @Mixin
    FormatOption output = new FormatOption();

    PricesCheckCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public Integer call() {
        String endpointName = BalanceChangeCommand.blankToNull(endpoint);
        LedgerConfig cfg = invocation.config(config);
        Set<String> names = new LinkedHashSet<>();
        for (String m : models) {
            if (m.isBlank()) {
                throw CliException.usage("MODEL must not be blank, was '" + m + "'");
            }
            names.add(m);
        }
        boolean fromHistory = names.isEmpty();
        if (fromHistory) {
            List<String> charged = invocation.session(mongo).chargedModels().block();
            if (charged != null) {
                names.addAll(charged);
            }
        }
        LocalDate today = LocalDate.now(invocation.env().clock().withZone(cfg.zone()));
        RecordWriter writer = new RecordWriter(output.format, COLUMNS, invocation.out());
        for (String name : names) {
            PriceMatch match = cfg.prices().match(name, endpointName);
            if (!match.kind().isFallback()) {
                continue;
            }
            ModelPrice p = match.price().on(today);
            writer.row(Arrays.asList(
                    name,
                    match.valueKey(),
                    match.kind().wireName(),
                    p.prompt().toString(),
                    p.completion().toString()));
        }
        writer.end();
        long found = writer.rows();
        if (output.format == Format.TABLE) {
            invocation
                    .out()
                    .println(found + " of " + names.size() + (names.size() == 1 ? " model" : " models")
                            + (fromHistory ? " in the transaction history" : "")
                            + " priced by a generic row or the default rate"
                            + (found == 0
                                    ? ""
                                    : "; give them a row in balance.tokenCosts, or refuse them with"
                                            + " balance.unknownModels: refuse"));
        }
        return found == 0 ? Main.OK : Main.USAGE_ERROR;
    }
}
