package dev.balancekit.cli;

import dev.balancekit.LedgerConfig;
import dev.balancekit.yaml.ConfigException;
import dev.balancekit.yaml.YamlLedgerConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code config check}: validates a config file without touching the database. */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description = {
            "Validates a config file, printing each problem with file:line:column.",
            "Reads the balance: section of a librechat.yaml, with the environment for $${VAR} references.",
            "Exits with 1 when the file is invalid or cannot be read. Needs no database."
        })
final class ConfigCheckCommand implements Callable<Integer> {
    private final Invocation invocation;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "The file; the default is CONFIG_PATH.")
    @Nullable
    Path file;

    ConfigCheckCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public Integer call() {
        Path path = file;
        if (path == null) {
            String env = invocation.env().variable(Invocation.CONFIG_PATH);
            if (env == null) {
                throw CliException.usage("no config file to check: give FILE or set CONFIG_PATH");
            }
            path = Path.of(env.strip());
        }
        LedgerConfig config;
        try {
            config = YamlLedgerConfig.load(path, invocation.env().variables());
        } catch (ConfigException e) {
            invocation.printProblems(e);
            return Main.USAGE_ERROR;
        }
        StringBuilder sb = new StringBuilder(path.toString())
                .append(" is valid: balance ")
                .append(config.enabled() ? "enabled" : "not enabled")
                .append(", start balance ")
                .append(config.startBalance());
        if (!config.tiers().isEmpty()) {
            sb.append(", tiers ").append(String.join(", ", config.tiers().keySet()));
            if (config.defaultTier() != null) {
                sb.append(" (default ").append(config.defaultTier()).append(')');
            }
        }
        invocation.out().println(sb);
        return Main.OK;
    }
}
