package dev.balancekit.pricing;

import java.util.Locale;

/**
 * How a model name found its price: the kind of match, part of every {@link PriceMatch}.
 *
 * <p>{@link #GENERIC} and {@link #DEFAULT} are the <em>fallback</em> kinds ({@link #isFallback()}):
 * the price was not meant for that model, so a ledger counts such charges, reports the first one
 * of each model, and can refuse such models ({@code unknown_model}).
 */
public enum MatchKind {
    /** An exact price for the model id on the request's endpoint (a custom endpoint's {@code tokenConfig}). */
    ENDPOINT("an exact price for this model id on this endpoint"),
    /** An exact per-model override of the table, for the model id as given. */
    OVERRIDE("an exact override for this model id"),
    /** A table key equal to the model name (or to its part after the last {@code /}), ignoring case. */
    EXACT("the table key equal to the model name"),
    /**
     * The longest table key contained in the name, followed in the name only by a snapshot tag such as
     * {@code -2024-08-06}, {@code -20240620-v1:0}, {@code -0125} or {@code -latest}.
     */
    LONGEST_KEY("the longest table key in the name, followed only by a date, version stamp or tag"),
    /**
     * The longest table key contained in the name, but only as the start of another model's name: the
     * key ends with a separator (a family row such as {@code claude-}), or the name goes on after it
     * with more than snapshot tags ({@code gpt-5} in {@code gpt-5.6}, {@code kimi} in {@code kimi-k3}).
     */
    GENERIC("a generic row: the key names a family or an older model, and the name goes on after it with more"
            + " than a date, version stamp or tag"),
    /** One of LibreChat's legacy fallbacks ({@code gpt-4} to the {@code 8k} row, ...). */
    LEGACY_FALLBACK("a legacy fallback: the name contains a fixed text that maps to a row"),
    /** Nothing matched: the table's default price. */
    DEFAULT("nothing matched: the default price");

    private final String description;

    MatchKind(String description) {
        this.description = description;
    }

    /**
     * Returns what this kind of match means, in one line, for people.
     *
     * @return the description
     */
    public String description() {
        return description;
    }

    /**
     * Returns whether the price was not meant for the model: a generic row or the default price.
     *
     * @return {@code true} for {@link #GENERIC} and {@link #DEFAULT}
     */
    public boolean isFallback() {
        return this == GENERIC || this == DEFAULT;
    }

    /**
     * Returns the name as written in metrics, events, JSON and the command line.
     *
     * @return the lower-case name, such as {@code longest_key}
     */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
