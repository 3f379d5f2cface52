package dev.balancekit.pricing;

import dev.balancekit.Credits;
import dev.balancekit.Usage;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Model prices and the rules that pick one for a model name, as LibreChat applies them.
 *
 * <p>A table holds ordered rows (table key to {@link ModelPrice}), exact per-model overrides, exact
 * per-endpoint prices, ordered legacy fallbacks and a default price. {@link #builtIn()} is
 * LibreChat's own table; {@link #builder(PriceTable)} extends or corrects it without a release.
 *
 * <p><b>Matching</b> ({@link #match(String, String)}), first hit wins; the result says which rule
 * found the price ({@link MatchKind}):
 * <ol>
 *   <li>with an endpoint named, that endpoint's price for the exact model id (case-sensitive), as a
 *       LibreChat custom endpoint's {@code tokenConfig} ({@link MatchKind#ENDPOINT});
 *   <li>an override whose model id equals the name exactly (case-sensitive, {@link MatchKind#OVERRIDE});
 *   <li>the table keys, compared lower-case ({@link Locale#ROOT}) against the lower-cased name. If
 *       the name contains {@code /}, the part after the last {@code /} is tried first and the whole
 *       name only when that part matches nothing. Within one name a key equal to it wins at once;
 *       otherwise the longest key contained in it wins, and between keys of the same length the
 *       one later in table order wins (LibreChat scans the keys from the end and replaces its
 *       choice only with a strictly longer key). A key equal to the name is {@link MatchKind#EXACT};
 *       a contained key is {@link MatchKind#LONGEST_KEY} when what follows it in the name is only
 *       snapshot tags (a separator and then a date such as {@code 2024-08-06} or {@code 05-20}, a
 *       number of three or more digits such as {@code 20240620} or {@code 0125}, a version such as
 *       {@code v1:0}, or {@code latest}, {@code preview}, {@code exp}, {@code free}), and
 *       {@link MatchKind#GENERIC} otherwise or when the key ends with a separator ({@code - _ . : /});
 *   <li>the legacy fallbacks in order: the first whose text the lower-cased name contains gives
 *       its key's row ({@link MatchKind#LEGACY_FALLBACK});
 *   <li>the default price, with a null {@code valueKey} ({@link MatchKind#DEFAULT}).
 * </ol>
 *
 * <p><b>Charging</b> ({@link #price(String, Usage, boolean)}). Rates are exact nano-credits per
 * token. Each line's charge is computed exactly in nano-credits and rounded <em>up</em> once to a
 * whole micro-credit, never down:
 * <ul>
 *   <li>prompt: {@code ceil(input x promptRate + cacheWrite x writeRate + cacheRead x readRate)},
 *       where a model without cache rates bills cache tokens at its effective prompt rate;
 *   <li>completion: {@code ceil(output x completionRate)}, or for an aborted stream
 *       ({@code incomplete}) {@code ceil(output x completionRate x 115 / 100)};
 *   <li>long context: when the whole prompt (input + cache write + cache read) is strictly longer
 *       than the model's {@link Premium#threshold()}, the premium prompt and completion rates replace
 *       the standard ones, the premium cache rates (when the premium has them) replace the model's
 *       cache rates, and a model without cache rates bills cache tokens at the premium prompt rate;
 *   <li>dated prices: the rates are those in force on the day of the charge ({@link ModelPrice#on}).
 * </ul>
 *
 * <p>Instances are immutable and thread-safe. Match results are cached in a bounded map, because
 * the key scan is linear in the table size and runs on every request, while model names may come
 * from clients.
 */
public final class PriceTable {

    /**
     * Match results cached per table; past this, names are still matched but no longer cached. Threads
     * racing at the limit can overshoot it by at most one entry each.
     */
    static final int MATCH_CACHE_LIMIT = 4096;

    /** Longer names are matched but never cached, so that the cache's memory stays bounded too. */
    static final int MATCH_CACHE_MAX_NAME_LENGTH = 256;

    private static final ModelPrice LIBRECHAT_DEFAULT = ModelPrice.perToken("6", "6");

    /**
     * What may follow a key in a name for the match to stay specific: separators each followed by a
     * date, a month-day, a number of three or more digits, a version, or a release tag.
     */
    private static final Pattern SNAPSHOT_TAIL = Pattern.compile(
            "(?:[-_.:@](?:\\d{4}-\\d{2}-\\d{2}|\\d{2}-\\d{2}|\\d{3,}|v\\d+(?::\\d+)?|latest|preview|exp|free))*");

    private static final long INCOMPLETE_NUMERATOR = 115;
    private static final long INCOMPLETE_DENOMINATOR = 100;

    private final List<Row> rows;
    private final Map<String, Row> rowsByLowerKey;
    private final Map<String, ModelPrice> overrides;
    private final Map<String, PriceMatch> overrideMatches;
    private final Map<String, Map<String, ModelPrice>> endpoints;
    private final List<Fallback> fallbacks;
    private final Map<String, ModelPrice> modelsView;
    private final Map<String, String> fallbacksView;
    private final ModelPrice defaultPrice;
    private final @Nullable LocalDate asOf;
    private final @Nullable String source;
    private final ConcurrentHashMap<String, PriceMatch> matchCache = new ConcurrentHashMap<>();

    private record Row(String key, String lowerKey, ModelPrice price) {}

    /** {@code contains} is held lower-case, as it is compared with the lower-cased name. */
    private record Fallback(String contains, Row row) {}

    private PriceTable(Builder b) {
        this.rows = List.copyOf(b.rows.values());
        this.rowsByLowerKey = Map.copyOf(b.rows);
        this.overrides = Collections.unmodifiableMap(new LinkedHashMap<>(b.overrides));
        Map<String, PriceMatch> om = new LinkedHashMap<>();
        b.overrides.forEach((id, price) -> om.put(id, new PriceMatch(id, price, MatchKind.OVERRIDE)));
        this.overrideMatches = Map.copyOf(om);
        Map<String, Map<String, ModelPrice>> ep = new LinkedHashMap<>();
        b.endpoints.forEach((name, prices) -> ep.put(name, Collections.unmodifiableMap(new LinkedHashMap<>(prices))));
        this.endpoints = Collections.unmodifiableMap(ep);
        Map<String, ModelPrice> mv = new LinkedHashMap<>();
        for (Row row : rows) {
            mv.put(row.key(), row.price());
        }
        this.modelsView = Collections.unmodifiableMap(mv);
        List<Fallback> fb = new ArrayList<>(b.fallbacks.size());
        for (Map.Entry<String, String> e : b.fallbacks.entrySet()) {
            Row row = b.rows.get(e.getValue().toLowerCase(Locale.ROOT));
            if (row == null) {
                throw new IllegalArgumentException("legacyFallback key must be a table key, was '" + e.getValue()
                        + "' (contains '" + e.getKey() + "')");
            }
            fb.add(new Fallback(e.getKey(), row));
        }
        this.fallbacks = List.copyOf(fb);
        Map<String, String> fv = new LinkedHashMap<>();
        for (Fallback f : fallbacks) {
            fv.put(f.contains(), f.row().key());
        }
        this.fallbacksView = Collections.unmodifiableMap(fv);
        this.defaultPrice = b.defaultPrice;
        this.asOf = b.asOf;
        this.source = b.source;
    }

    /**
     * Returns the built-in table: LibreChat's prices, built once on first use by builder calls that
     * the price importer generates from a copy of LibreChat's rate table (docs/guide.md).
     *
     * @return the shared built-in table
     */
    public static PriceTable builtIn() {
        return BuiltIn.TABLE;
    }

    /** Builds the table on first use of {@link #builtIn()} and keeps it (initialisation-on-demand holder). */
    private static final class BuiltIn {
        static final PriceTable TABLE = BuiltInPrices.table();
    }

    /**
     * Returns a builder for an empty table whose default price is LibreChat's: 6 credits per token for
     * prompt and completion.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder that starts from {@code base}: its rows in their order, overrides, fallbacks,
     * default price, {@code asOf} and {@code source}. A row configured on the builder with a key the
     * base already has replaces that row in place; a new key is added at the end.
     *
     * @param base the table to start from
     * @return a new builder
     * @throws IllegalArgumentException if {@code base} is null
     */
    public static Builder builder(PriceTable base) {
        Checks.notNull(base, "base");
        Builder b = new Builder();
        for (Row row : base.rows) {
            b.rows.put(row.lowerKey(), row);
        }
        b.overrides.putAll(base.overrides);
        base.endpoints.forEach((name, prices) -> b.endpoints.put(name, new LinkedHashMap<>(prices)));
        for (Fallback f : base.fallbacks) {
            b.fallbacks.put(f.contains(), f.row().key());
        }
        b.defaultPrice = base.defaultPrice;
        b.asOf = base.asOf;
        b.source = base.source;
        return b;
    }

    /**
     * Returns the date the prices were taken, or null when the table was built in code without one.
     *
     * @return the date, or null
     */
    public @Nullable LocalDate asOf() {
        return asOf;
    }

    /**
     * Returns where the prices come from, or null when the table was built in code without it.
     *
     * @return the source, or null
     */
    public @Nullable String source() {
        return source;
    }

    /**
     * Returns the price used when no row matches.
     *
     * @return the default price
     */
    public ModelPrice defaultPrice() {
        return defaultPrice;
    }

    /**
     * Returns the rows, key to price, in table order (which breaks ties between matching keys).
     *
     * @return an unmodifiable ordered view
     */
    public Map<String, ModelPrice> models() {
        return modelsView;
    }

    /**
     * Returns the exact per-model overrides, model id to price.
     *
     * @return an unmodifiable view
     */
    public Map<String, ModelPrice> overrides() {
        return overrides;
    }

    /**
     * Returns the exact per-endpoint prices: endpoint name to (model id to price).
     *
     * @return an unmodifiable view
     */
    public Map<String, Map<String, ModelPrice>> endpointPrices() {
        return endpoints;
    }

    /**
     * Returns the legacy fallbacks in the order they are tried: text a model name contains (held
     * lower-case), to the key of the row it gets.
     *
     * @return an unmodifiable ordered view
     */
    public Map<String, String> legacyFallbacks() {
        return fallbacksView;
    }

    /**
     * Returns the price row for a model name, by the matching rules in the class description, without
     * an endpoint.
     *
     * @param model the model name as the client or provider gives it
     * @return the match; its {@code valueKey} is null when the default price applied
     * @throws IllegalArgumentException if {@code model} is null or blank
     */
    public PriceMatch match(String model) {
        return match(model, null);
    }

    /**
     * Returns the price row for a model name called through an endpoint, by the matching rules in
     * the class description: the endpoint's exact price for the model id first, then the table.
     *
     * @param model the model name as the client or provider gives it
     * @param endpoint the endpoint's name, or null for none
     * @return the match and its kind; its {@code valueKey} is null when the default price applied
     * @throws IllegalArgumentException if {@code model} is null or blank
     */
    public PriceMatch match(String model, @Nullable String endpoint) {
        Checks.notBlank(model, "model");
        if (endpoint != null) {
            Map<String, ModelPrice> prices = endpoints.get(endpoint);
            ModelPrice p = prices == null ? null : prices.get(model);
            if (p != null) {
                return new PriceMatch(model, p, MatchKind.ENDPOINT);
            }
        }
        PriceMatch override = overrideMatches.get(model);
        if (override != null) {
            return override;
        }
        PriceMatch cached = matchCache.get(model);
        if (cached != null) {
            return cached;
        }
        PriceMatch found = lookUp(model);
        if (model.length() <= MATCH_CACHE_MAX_NAME_LENGTH && matchCache.size() < MATCH_CACHE_LIMIT) {
            matchCache.putIfAbsent(model, found);
        }
        return found;
    }

    /** The number of cached match results, for tests of the bound. */
    int cachedMatches() {
        return matchCache.size();
    }

    private PriceMatch lookUp(String model) {
        String name = model.toLowerCase(Locale.ROOT);
        int slash = name.lastIndexOf('/');
        if (slash >= 0) {
            String tail = name.substring(slash + 1);
            Row row = bestKeyIn(tail);
            if (row != null) {
                return keyMatch(row, tail);
            }
        }
        Row row = bestKeyIn(name);
        if (row != null) {
            return keyMatch(row, name);
        }
        for (Fallback f : fallbacks) {
            if (name.contains(f.contains())) {
                return new PriceMatch(f.row().key(), f.row().price(), MatchKind.LEGACY_FALLBACK);
            }
        }
        return new PriceMatch(null, defaultPrice, MatchKind.DEFAULT);
    }

    private static PriceMatch keyMatch(Row row, String name) {
        MatchKind kind = name.equals(row.lowerKey())
                ? MatchKind.EXACT
                : isGeneric(name, row.lowerKey()) ? MatchKind.GENERIC : MatchKind.LONGEST_KEY;
        return new PriceMatch(row.key(), row.price(), kind);
    }

    /**
     * Whether a key contained in a name is only the start of another model's name: it ends with a
     * separator, or no place where it occurs is followed by snapshot tags alone.
     */
    static boolean isGeneric(String name, String key) {
        char last = key.charAt(key.length() - 1);
        if (last == '-' || last == '_' || last == '.' || last == ':' || last == '/') {
            return true;
        }
        for (int at = name.indexOf(key); at >= 0; at = name.indexOf(key, at + 1)) {
            if (SNAPSHOT_TAIL
                    .matcher(name)
                    .region(at + key.length(), name.length())
                    .matches()) {
                return false;
            }
        }
        return true;
    }

    private @Nullable Row bestKeyIn(String name) {
        Row exact = rowsByLowerKey.get(name);
        if (exact != null) {
            return exact;
        }
        Row best = null;
        for (int i = rows.size() - 1; i >= 0; i--) {
            Row row = rows.get(i);
            if ((best == null || row.lowerKey().length() > best.lowerKey().length()) && name.contains(row.lowerKey())) {
                best = row;
            }
        }
        return best;
    }

    /**
     * Prices one call's usage: the prompt and completion lines LibreChat would record, by the
     * charging rules in the class description, at the rates in force today (UTC, system clock).
     *
     * @param model the model name
     * @param usage the tokens used
     * @param incomplete whether the stream was aborted, which bills the completion at 1.15 x
     * @return the two priced lines and the match
     * @throws IllegalArgumentException if {@code model} is null or blank
     * @throws IllegalArgumentException if {@code usage} is null
     * @throws ArithmeticException if a charge does not fit {@link Credits}
     */
    public PricedUsage price(String model, Usage usage, boolean incomplete) {
        return price(model, null, today(), usage, incomplete, Multiplier.ONE);
    }

    /**
     * Prices a usage as {@link #price(String, Usage, boolean)}, with every rate multiplied by a
     * factor (a tier's discount), at the rates in force today (UTC, system clock).
     *
     * @param model the model name
     * @param usage the tokens used
     * @param incomplete whether the stream was aborted
     * @param multiplier the price factor
     * @return the priced lines
     * @throws IllegalArgumentException if {@code model} is null or blank, or {@code usage} is null
     * @throws ArithmeticException if a line does not fit {@link Credits}
     */
    public PricedUsage price(String model, Usage usage, boolean incomplete, Multiplier multiplier) {
        return price(model, null, today(), usage, incomplete, multiplier);
    }

    /**
     * Prices a usage on an endpoint at the rates in force on a day, with every rate multiplied by a
     * factor (a tier's discount). The factor is applied inside the exact product, so each line is
     * still rounded up once. This is what the ledger calls, with its clock's day in its time zone.
     *
     * @param model the model name
     * @param endpoint the endpoint's name, or null for none
     * @param day the day of the charge, which picks a dated price
     * @param usage the tokens used
     * @param incomplete whether the stream was aborted
     * @param multiplier the price factor
     * @return the priced lines and the match
     * @throws IllegalArgumentException if {@code model} is null or blank, or another argument is null
     * @throws ArithmeticException if a line does not fit {@link Credits}
     */
    public PricedUsage price(
            String model,
            @Nullable String endpoint,
            LocalDate day,
            Usage usage,
            boolean incomplete,
            Multiplier multiplier) {
        PriceMatch match = match(model, endpoint);
        Checks.notNull(day, "day");
        Checks.notNull(usage, "usage");
        Checks.notNull(multiplier, "multiplier");
        long m = multiplier.millionths();
        long scale = Multiplier.SCALE;
        ModelPrice price = match.price().on(day);
        long promptTokens = usage.promptTokens();

        Rate promptRate = price.promptRate(promptTokens);
        long promptMicros = ExactMath.ceilDiv(
                Rate.NANOS_PER_MICRO * scale,
                new long[] {usage.inputTokens(), promptRate.nanosPerToken(), m},
                new long[] {
                    usage.cacheWriteTokens(), price.cacheWriteRate(promptTokens).nanosPerToken(), m
                },
                new long[] {
                    usage.cacheReadTokens(), price.cacheReadRate(promptTokens).nanosPerToken(), m
                });
        PricedLine promptLine = new PricedLine(
                promptTokens,
                promptRate.scaled(m, scale),
                Credits.ofMicros(promptMicros),
                usage.inputTokens(),
                usage.cacheWriteTokens(),
                usage.cacheReadTokens());

        Rate completionRate = price.completionRate(promptTokens);
        long output = usage.outputTokens();
        long numerator = incomplete ? INCOMPLETE_NUMERATOR : 1;
        long denominator = incomplete ? INCOMPLETE_DENOMINATOR : 1;
        // from the unscaled rate, so that the charge is rounded once
        long completionMicros = ExactMath.ceilDiv(
                Rate.NANOS_PER_MICRO * denominator * scale,
                new long[] {output, completionRate.nanosPerToken(), numerator, m});
        PricedLine completionLine = new PricedLine(
                output,
                completionRate.scaled(Math.multiplyExact(numerator, m), Math.multiplyExact(denominator, scale)),
                Credits.ofMicros(completionMicros),
                0,
                0,
                0);
        return new PricedUsage(match, promptLine, completionLine);
    }

    /**
     * Estimates a call's cost before it runs: {@code promptTokens} at the prompt rate plus
     * {@code maxOutputTokens} at the completion rate, both long-context-aware, rounded up once to a
     * micro-credit, at the rates in force today (UTC, system clock). A {@code maxOutputTokens} of 0
     * gives LibreChat's prompt-only estimate.
     *
     * @param model the model name
     * @param promptTokens the prompt's tokens
     * @param maxOutputTokens the most completion tokens the call may produce
     * @return the estimated cost
     * @throws IllegalArgumentException if {@code model} is null or blank
     * @throws IllegalArgumentException if {@code promptTokens} is not between 0 and {@link Usage#MAX_TOKENS}
     * @throws IllegalArgumentException if {@code maxOutputTokens} is not between 0 and {@link Usage#MAX_TOKENS}
     * @throws ArithmeticException if the estimate does not fit {@link Credits}
     */
    public Credits estimate(String model, long promptTokens, long maxOutputTokens) {
        return estimate(model, null, today(), promptTokens, maxOutputTokens, Multiplier.ONE);
    }

    /**
     * Estimates as {@link #estimate(String, long, long)}, with every rate multiplied by a factor.
     *
     * @param model the model name
     * @param promptTokens the prompt's tokens
     * @param maxOutputTokens the most completion tokens the call may produce
     * @param multiplier the price factor
     * @return the estimated cost
     * @throws IllegalArgumentException if {@code model} is null or blank
     * @throws IllegalArgumentException if {@code promptTokens} is not between 0 and {@link Usage#MAX_TOKENS}
     * @throws IllegalArgumentException if {@code maxOutputTokens} is not between 0 and {@link Usage#MAX_TOKENS}
     * @throws ArithmeticException if the estimate does not fit {@link Credits}
     */
    public Credits estimate(String model, long promptTokens, long maxOutputTokens, Multiplier multiplier) {
        return estimate(model, null, today(), promptTokens, maxOutputTokens, multiplier);
    }

    /**
     * Estimates a call on an endpoint at the rates in force on a day, with every rate multiplied by a
     * factor. This is what the ledger calls, with its clock's day in its time zone.
     *
     * @param model the model name
     * @param endpoint the endpoint's name, or null for none
     * @param day the day of the estimate, which picks a dated price
     * @param promptTokens the prompt's tokens
     * @param maxOutputTokens the most completion tokens the call may produce
     * @param multiplier the price factor
     * @return the estimated cost
     * @throws IllegalArgumentException if {@code model} is null or blank, or {@code day} or {@code multiplier} is null
     * @throws IllegalArgumentException if a token count is not between 0 and {@link Usage#MAX_TOKENS}
     * @throws ArithmeticException if the estimate does not fit {@link Credits}
     */
    public Credits estimate(
            String model,
            @Nullable String endpoint,
            LocalDate day,
            long promptTokens,
            long maxOutputTokens,
            Multiplier multiplier) {
        Usage.checkTokens("promptTokens", promptTokens);
        Usage.checkTokens("maxOutputTokens", maxOutputTokens);
        Checks.notNull(day, "day");
        Checks.notNull(multiplier, "multiplier");
        ModelPrice price = match(model, endpoint).price().on(day);
        long m = multiplier.millionths();
        return Credits.ofMicros(ExactMath.ceilDiv(
                Rate.NANOS_PER_MICRO * Multiplier.SCALE,
                new long[] {promptTokens, price.promptRate(promptTokens).nanosPerToken(), m},
                new long[] {maxOutputTokens, price.completionRate(promptTokens).nanosPerToken(), m}));
    }

    private static LocalDate today() {
        return LocalDate.now(ZoneOffset.UTC);
    }

    /** @return a short summary: row, override and fallback counts, and the date */
    @Override
    public String toString() {
        return "PriceTable[" + rows.size() + " models, " + overrides.size() + " overrides, " + endpoints.size()
                + " endpoints, " + fallbacks.size() + " fallbacks, asOf " + asOf + "]";
    }

    /**
     * Builds a {@link PriceTable}. Each setter checks its arguments at once; {@link #build()} checks
     * what depends on several of them. Not thread-safe.
     */
    public static final class Builder {

        private final LinkedHashMap<String, Row> rows = new LinkedHashMap<>();
        private final LinkedHashMap<String, ModelPrice> overrides = new LinkedHashMap<>();
        private final LinkedHashMap<String, LinkedHashMap<String, ModelPrice>> endpoints = new LinkedHashMap<>();
        private final LinkedHashMap<String, String> fallbacks = new LinkedHashMap<>();
        private ModelPrice defaultPrice = LIBRECHAT_DEFAULT;
        private @Nullable LocalDate asOf;
        private @Nullable String source;

        private Builder() {}

        /**
         * Sets the price used when no row matches; LibreChat's is 6 / 6.
         *
         * @param price the default price
         * @return this builder
         * @throws IllegalArgumentException if {@code price} is null
         */
        public Builder defaultPrice(ModelPrice price) {
            this.defaultPrice = Checks.notNull(price, "defaultPrice");
            return this;
        }

        /**
         * Adds a row, or replaces in place the row whose key is the same ignoring case. Keys are
         * matched as substrings of lower-cased model names (see {@link PriceTable}).
         *
         * @param key the table key, such as {@code gpt-4o}
         * @param price the row's price
         * @return this builder
         * @throws IllegalArgumentException if {@code key} is null or blank
         * @throws IllegalArgumentException if {@code price} is null
         */
        public Builder model(String key, ModelPrice price) {
            Checks.notBlank(key, "key");
            Checks.notNull(price, "price of '" + key + "'");
            String lower = key.toLowerCase(Locale.ROOT);
            rows.put(lower, new Row(key, lower, price));
            return this;
        }

        /**
         * Sets the price of one exact model id, which wins over every row (the id is compared as
         * given, case-sensitively).
         *
         * @param exactModelId the model id, such as {@code my-org/finetune-7}
         * @param price its price
         * @return this builder
         * @throws IllegalArgumentException if {@code exactModelId} is null or blank
         * @throws IllegalArgumentException if {@code price} is null
         */
        public Builder override(String exactModelId, ModelPrice price) {
            Checks.notBlank(exactModelId, "exactModelId");
            Checks.notNull(price, "price of '" + exactModelId + "'");
            overrides.put(exactModelId, price);
            return this;
        }

        /**
         * Sets the exact price of one model id when it is called through the named endpoint, as a
         * LibreChat custom endpoint's {@code tokenConfig}: it wins over every other rule for requests
         * that name that endpoint; a model the endpoint does not list falls through to the table.
         * Endpoint names and model ids are compared as given, case-sensitively.
         *
         * @param endpoint the endpoint's name, such as {@code OpenRouter}
         * @param exactModelId the model id, such as {@code meta-llama/llama-3-70b-instruct}
         * @param price its price on that endpoint
         * @return this builder
         * @throws IllegalArgumentException if {@code endpoint} or {@code exactModelId} is null or blank
         * @throws IllegalArgumentException if {@code price} is null
         */
        public Builder endpointPrice(String endpoint, String exactModelId, ModelPrice price) {
            Checks.notBlank(endpoint, "endpoint");
            Checks.notBlank(exactModelId, "exactModelId");
            Checks.notNull(price, "price of '" + exactModelId + "' on endpoint '" + endpoint + "'");
            endpoints.computeIfAbsent(endpoint, e -> new LinkedHashMap<>()).put(exactModelId, price);
            return this;
        }

        /**
         * Adds a legacy fallback, tried in order after key matching: a model name containing
         * {@code contains} (ignoring case) gets the row of {@code key}. Adding the same text again
         * replaces its key in place.
         *
         * @param contains the text to look for
         * @param key the key of the row to use, which must be in the table when it is built
         * @return this builder
         * @throws IllegalArgumentException if {@code contains} is null or blank
         * @throws IllegalArgumentException if {@code key} is null or blank
         */
        public Builder legacyFallback(String contains, String key) {
            Checks.notBlank(contains, "contains");
            Checks.notBlank(key, "key");
            fallbacks.put(contains.toLowerCase(Locale.ROOT), key);
            return this;
        }

        /**
         * Sets the date the prices were taken; null clears it.
         *
         * @param date the date, or null
         * @return this builder
         */
        public Builder asOf(@Nullable LocalDate date) {
            this.asOf = date;
            return this;
        }

        /**
         * Sets where the prices come from; null clears it.
         *
         * @param text the source, or null
         * @return this builder
         * @throws IllegalArgumentException if {@code text} is blank
         */
        public Builder source(@Nullable String text) {
            this.source = text == null ? null : Checks.notBlank(text, "source");
            return this;
        }

        /**
         * Builds the table.
         *
         * @return the immutable table
         * @throws IllegalArgumentException if a legacy fallback names a key that is not in the table
         */
        public PriceTable build() {
            return new PriceTable(this);
        }
    }
}
