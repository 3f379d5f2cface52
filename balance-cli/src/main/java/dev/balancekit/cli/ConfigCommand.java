package dev.balancekit.cli;

import picocli.CommandLine.Command;

/** {@code config}: the config file's subcommands. */
@Command(
        name = "config",
        mixinStandardHelpOptions = true,
        subcommands = ConfigCheckCommand.class,
        description = "Works with the balance config file.")
final class ConfigCommand {}
