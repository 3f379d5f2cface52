package dev.balancekit.cli;

import picocli.CommandLine.Command;

/** {@code prices}: what the price table says about models. */
@Command(
        name = "prices",
        mixinStandardHelpOptions = true,
        subcommands = {PricesShowCommand.class, PricesCheckCommand.class},
        description =
                "Shows the prices that apply to models, and finds models priced by a generic row or the default rate.")
final class PricesCommand {}
