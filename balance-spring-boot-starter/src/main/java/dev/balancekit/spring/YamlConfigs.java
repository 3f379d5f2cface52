package dev.balancekit.spring;

import dev.balancekit.BalanceLedger;
import dev.balancekit.LedgerConfig;
import dev.balancekit.yaml.YamlConfigWatcher;
import dev.balancekit.yaml.YamlLedgerConfig;
import java.nio.file.Path;

/** The balance-yaml calls, in a class of their own so that the starter runs without balance-yaml. */
final class YamlConfigs {

    private YamlConfigs() {}

    static LedgerConfig load(String file) {
        return YamlLedgerConfig.load(Path.of(file));
    }

    static AutoCloseable watch(String file, BalanceLedger ledger) {
        return YamlConfigWatcher.start(Path.of(file), ledger);
    }
}
