package dev.balancekit.cli;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** Which balance config applies: {@code --config} (else {@code CONFIG_PATH}, else LibreChat's defaults). */
final class ConfigOption {

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description =
                    "The librechat.yaml whose balance: section applies; the default is the CONFIG_PATH environment"
                            + " variable. Without a file, LibreChat's defaults apply: balances are off unless CHECK_BALANCE=true.")
    @Nullable
    Path file;
}
