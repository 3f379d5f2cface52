/** BalanceKit's YAML config: the {@code balance:} section of a LibreChat-style file, and reloads. */
module dev.balancekit.yaml {
    requires transitive dev.balancekit.core;
    requires org.snakeyaml.engine;

    exports dev.balancekit.yaml;
}
