package dev.balancekit.cli;

import picocli.CommandLine.Command;

/** {@code balance}: the admin command line; without a subcommand it is a usage error. */
@Command(
        name = "balance",
        mixinStandardHelpOptions = true,
        description = {
            "Administers BalanceKit token balances in LibreChat's MongoDB database.",
            "Connection: --mongo-uri or MONGO_URI (the database from its path, else --database, else LibreChat).",
            "Config: --config or CONFIG_PATH (a librechat.yaml); without one, LibreChat's defaults apply."
        },
        subcommands = {
            AddBalanceCommand.class,
            SetBalanceCommand.class,
            ListBalancesCommand.class,
            HistoryCommand.class,
            ReportCommand.class,
            SetTierCommand.class,
            FlushPendingCommand.class,
            ImportLibreChatCommand.class,
            ConfigCommand.class,
            PricesCommand.class
        })
final class RootCommand {}
