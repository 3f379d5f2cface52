/**
 * Loads BalanceKit's settings from the {@code balance:} section of a {@code librechat.yaml}-style
 * file. {@link dev.balancekit.yaml.YamlLedgerConfig} turns the file into the same immutable
 * {@link dev.balancekit.LedgerConfig} a host can build in code, reading LibreChat's keys with
 * LibreChat's meaning and defaults and ignoring every other section, so a real LibreChat config
 * loads as it is. The file is read as a tree of YAML nodes, never as objects, under size, nesting
 * and alias limits, and every problem is reported at once with its file, line, column and key path
 * in a {@link dev.balancekit.yaml.ConfigException}. {@link dev.balancekit.yaml.YamlConfigWatcher}
 * hands a changed file to a running ledger, or keeps the old config and reports the problems.
 */
@NullMarked
package dev.balancekit.yaml;

import org.jspecify.annotations.NullMarked;
