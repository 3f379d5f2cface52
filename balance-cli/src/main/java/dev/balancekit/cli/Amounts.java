package dev.balancekit.cli;

import dev.balancekit.Credits;

/** Amounts typed by an administrator. */
final class Amounts {
    private Amounts() {}

    /**
     * Reads a plain decimal number of credits, exactly, as the config file does.
     *
     * @param text such as {@code 1000}, {@code 2.5} or {@code 1_000}
     * @return the amount
     * @throws CliException (usage) if it is not a plain decimal with at most 6 fractional digits
     */
    static Credits parse(String text) {
        try {
            return Credits.ofMicros(Credits.parseScaled(text.strip(), 6, "amount"));
        } catch (IllegalArgumentException e) {
            throw CliException.usage(String.valueOf(e.getMessage()));
        }
    }
}
