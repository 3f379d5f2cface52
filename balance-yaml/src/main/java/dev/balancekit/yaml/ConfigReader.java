package dev.balancekit.yaml;

import dev.balancekit.Credits;
import dev.balancekit.LedgerConfig;
import dev.balancekit.Refill;
import dev.balancekit.RefillMode;
import dev.balancekit.RefillUnit;
import dev.balancekit.Tier;
import dev.balancekit.UnknownModelPolicy;
import dev.balancekit.UsageLimits;
import dev.balancekit.policy.ShortfallPolicy;
import dev.balancekit.pricing.ModelPrice;
import dev.balancekit.pricing.Multiplier;
import dev.balancekit.pricing.Premium;
import dev.balancekit.pricing.PriceTable;
import dev.balancekit.pricing.Rate;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads one file's node tree into a {@link LedgerConfig}, collecting every problem instead of
 * stopping at the first. Values are read from the scalar's text (after environment interpolation),
 * never through YAML's own number types, so amounts and rates stay exact.
 *
 * <p>Rules that {@code balance-core} already enforces when a value is built (refill bounds, the
 * order of usage caps, the range of a price multiplier) are left to it: its message, which starts
 * with the key it names, is prefixed with the section's path and reported at that key's position.
 */
final class ConfigReader {

    static final String BALANCE = "balance";
    static final String ENVIRONMENT = "environment";
    static final String CHECK_BALANCE = "CHECK_BALANCE";
    static final String START_BALANCE = "START_BALANCE";

    /** More than this many problems are cut off in the report; the first ones are what to fix. */
    static final int MAX_PROBLEMS = 100;

    static final String UNIT_CREDITS_PER_1K = "creditsPer1kTokens";
    static final String UNIT_USD_PER_1M = "usdPer1MTokens";
    static final String ACTION_BLOCK = "block";
    static final String ACTION_ALLOW_NEGATIVE = "allowNegative";
    static final String ACTION_FREE_MODEL = "freeModel";

    // LibreChat's defaults for its refill keys (its balance schema)
    static final long DEFAULT_REFILL_INTERVAL = 30;
    static final RefillUnit DEFAULT_REFILL_UNIT = RefillUnit.DAYS;
    static final Credits DEFAULT_REFILL_AMOUNT = Credits.of(10_000);

    static final List<String> REFILL_KEYS = List.of(
            "autoRefillEnabled", "refillIntervalValue", "refillIntervalUnit", "refillAmount", "refillMode");
    static final List<String> SHORTFALL_KEYS = List.of("allowNegative", "insufficientBalance");
    static final List<String> BALANCE_KEYS = concat(
            List.of("enabled", "startBalance", "minBalance"), SHORTFALL_KEYS,
            List.of("enforceForAdmins", "timezone", "unknownModels"), REFILL_KEYS,
            List.of("reservationTtlMs", "operationsKept", "tokenCosts", "usageLimits", "tiers", "defaultTier",
                    "notifications", "clampAtZero", "firstRefillAfterInterval", "metering", "mongo"));
    static final List<String> MONGO_KEYS = List.of("accountsCollection", "entriesCollection");
    static final List<String> TIER_KEYS = concat(
            List.of("startBalance", "minBalance"), SHORTFALL_KEYS, List.of("usageLimits"), REFILL_KEYS,
            List.of("models", "priceMultiplier", "exempt"));
    static final List<String> INSUFFICIENT_KEYS = List.of("action", "freeModel", "negativeFloor");
    static final List<String> ACTIONS = List.of(ACTION_BLOCK, ACTION_ALLOW_NEGATIVE, ACTION_FREE_MODEL);
    static final List<String> TOKEN_COSTS_KEYS = List.of("unit", "builtIn", "default", "models");
    static final List<String> UNITS = List.of(UNIT_CREDITS_PER_1K, UNIT_USD_PER_1M);
    static final List<String> PRICE_KEYS = List.of("prompt", "completion", "cacheWrite", "cacheRead", "premium",
            "through", "after");
    static final List<String> PREMIUM_KEYS = List.of("threshold", "prompt", "completion", "cacheWrite", "cacheRead");
    /** A LibreChat custom endpoint's {@code tokenConfig} entry; {@code context} is a context window, not a price. */
    static final List<String> TOKEN_CONFIG_KEYS = List.of("prompt", "completion", "write", "read", "context");
    static final String ENDPOINTS = "endpoints";
    static final List<String> LIMIT_KEYS = List.of(
            "daily", "weekly", "monthly", "dailyTokens", "weeklyTokens", "monthlyTokens");
    static final List<String> MODEL_RULE_KEYS = List.of("allow", "deny");
    static final List<String> NOTIFICATION_KEYS = List.of("balanceBelow", "windowPercent");

    /** YAML's plain types; the core schema gives a plain {@code ${VAR}} scalar the env tag, which we interpolate ourselves. */
    private static final Set<Tag> PLAIN_TAGS = Set.of(
            Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.MAP, Tag.SEQ, Tag.ENV_TAG);
    private static final Pattern WHOLE = Pattern.compile("[+-]?[0-9][0-9_]*");
    private static final int MAX_PERCENT = 100;

    private final String source;
    private final Map<String, String> environment;
    private final Problems problems = new Problems();
    /** The value node of every key path read so far, to place core's messages at the key they name. */
    private final Map<String, Node> nodesByPath = new HashMap<>();
    /** {@code balance.mongo}'s collection names, read along with the rest. */
    private @Nullable String accountsCollection;
    private @Nullable String entriesCollection;
    /** The table {@code balance.tokenCosts} gives, which per-endpoint prices extend; null for the built-in one. */
    private @Nullable PriceTable prices;

    private ConfigReader(String source, Map<String, String> environment) {
        this.source = source;
        this.environment = environment;
    }

    /**
     * The problems found: every one is counted, the first {@link #MAX_PROBLEMS} in file order are
     * kept, each cut to {@link Texts#MAX_MESSAGE} characters. A file with a million problems costs
     * no more memory than one with a hundred.
     */
    private static final class Problems {
        private static final Comparator<ConfigProblem> FILE_ORDER =
                Comparator.comparingInt(ConfigProblem::line).thenComparingInt(ConfigProblem::column);
        private final List<ConfigProblem> kept = new ArrayList<>();
        private int count;

        void add(ConfigProblem p) {
            count++;
            kept.add(new ConfigProblem(p.file(), p.line(), p.column(), Texts.abbreviate(p.keyPath(), Texts.MAX_MESSAGE),
                    Texts.abbreviate(p.message(), Texts.MAX_MESSAGE)));
            if (kept.size() >= 2 * MAX_PROBLEMS) {
                trim();
            }
        }

        /** @return how many problems were found, kept or not; it only grows */
        int size() {
            return count;
        }

        boolean isEmpty() {
            return count == 0;
        }

        /** @return the first problems in file order, at most {@link #MAX_PROBLEMS} */
        List<ConfigProblem> first() {
            trim();
            return List.copyOf(kept);
        }

        private void trim() {
            // a stable sort: problems at one position keep the order they were found in
            kept.sort(FILE_ORDER);
            if (kept.size() > MAX_PROBLEMS) {
                kept.subList(MAX_PROBLEMS, kept.size()).clear();
            }
        }
    }

    /** The values a section gives for LibreChat's refill keys, with what it leaves out filled in. */
    private record RefillKeys(boolean enabled, RefillMode mode, long interval, RefillUnit unit, Credits amount) {
    }

    /** A mapping that was read: its values by key, in file order, without unknown or repeated keys. */
    private static final class Section {
        final String path;
        final Node node;
        final Map<String, Node> values = new LinkedHashMap<>();
        final Map<String, Node> keyNodes = new HashMap<>();

        Section(String path, Node node) {
            this.path = path;
            this.node = node;
        }

        @Nullable Node value(String key) {
            return values.get(key);
        }

        boolean has(String key) {
            return values.containsKey(key);
        }

        String path(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }
    }

    static LedgerConfig read(String yaml, String source, Map<String, String> environment) {
        return new ConfigReader(source, environment).read(yaml);
    }

    /** Reads the whole file, as {@link #read}, and returns its {@code balance.mongo} collection names. */
    static CollectionNames readCollections(String yaml, String source, Map<String, String> environment) {
        ConfigReader reader = new ConfigReader(source, environment);
        reader.read(yaml);
        return new CollectionNames(reader.accountsCollection, reader.entriesCollection);
    }

    private LedgerConfig read(String yaml) {
        Optional<Node> root;
        try {
            root = SafeYaml.compose(yaml, source);
        } catch (SafeYaml.Failure f) {
            throw new ConfigException(source, List.of(
                    new ConfigProblem(source, f.line + 1, f.column + 1, "", f.getMessage())));
        }
        // a config loaded from a file is off unless it says otherwise, as in LibreChat
        LedgerConfig.Builder config = LedgerConfig.builder().enabled(false);
        Section top = null;
        if (root.isPresent() && !isNull(root.get())) {
            if (root.get() instanceof MappingNode) {
                top = section(root.get(), "", null);
            } else {
                problem(root.get(), "", "the file must be a mapping of sections such as balance:, was "
                        + describe(root.get()));
            }
        }
        Node balanceNode = top == null ? null : top.value(BALANCE);
        if (top == null || !top.has(BALANCE)) {
            legacyEnvironment(config);
        } else {
            balance(Objects.requireNonNull(balanceNode, BALANCE), config);
        }
        if (top != null) {
            endpointPrices(top.value(ENDPOINTS), config);
        }
        failIfProblems();
        try {
            return config.build();
        } catch (IllegalArgumentException e) {
            // a backstop: the reader checks what build() checks, with positions
            coreProblem(BALANCE, balanceNode, e);
            failIfProblems();
            throw e;
        }
    }

    // ---------------------------------------------------------------- sections

    private void legacyEnvironment(LedgerConfig.Builder config) {
        String check = environment.get(CHECK_BALANCE);
        if (check != null) {
            // LibreChat's isEnabled(): the text true, in any case
            config.enabled("true".equalsIgnoreCase(check.strip()));
        }
        String start = environment.get(START_BALANCE);
        if (start != null && !start.isBlank()) {
            try {
                Credits amount = Credits.ofMicros(Credits.parseScaled(start, 6, START_BALANCE));
                try {
                    config.startBalance(amount);
                } catch (IllegalArgumentException e) {
                    // core's rule, named as the variable that set it
                    problems.add(new ConfigProblem(ENVIRONMENT, 0, 0, START_BALANCE,
                            String.valueOf(e.getMessage()).replaceFirst("^startBalance ", START_BALANCE + " ")));
                }
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigProblem(ENVIRONMENT, 0, 0, START_BALANCE, Texts.quoting(e.getMessage(), start)));
            }
        }
    }

    private void balance(Node node, LedgerConfig.Builder config) {
        Section s = section(node, BALANCE, BALANCE_KEYS);
        if (s == null) {
            return;
        }
        Boolean enabled = bool(s, "enabled");
        if (enabled != null) {
            config.enabled(enabled);
        }
        Credits start = credits(s, "startBalance");
        if (start != null) {
            attempt(BALANCE, s.value("startBalance"), () -> config.startBalance(start));
        }
        Credits min = credits(s, "minBalance");
        if (min != null) {
            attempt(BALANCE, s.value("minBalance"), () -> config.minBalance(min));
        }
        ShortfallPolicy policy = shortfall(s);
        if (policy != null) {
            config.shortfallPolicy(policy);
        }
        Boolean enforce = bool(s, "enforceForAdmins");
        if (enforce != null) {
            config.enforceForExempt(enforce);
        }
        UnknownModelPolicy unknown = named(s, "unknownModels", UnknownModelPolicy::fromConfigName);
        if (unknown != null) {
            config.unknownModels(unknown);
        }
        ZoneId zone = zone(s, "timezone");
        if (zone != null) {
            config.zone(zone);
        }
        RefillKeys refill = refillKeys(s, null);
        if (refill != null && refill.enabled()) {
            Refill r = refill(s, refill);
            if (r != null) {
                config.refill(r);
            }
        }
        Duration ttl = duration(s, "reservationTtlMs");
        if (ttl != null) {
            attemptAs(s, "reservationTtlMs", "holdTtl", () -> config.holdTtl(ttl));
        }
        Long kept = whole(s, "operationsKept");
        if (kept != null && kept != kept.intValue()) {
            problem(s.value("operationsKept"), s.path("operationsKept"), s.path("operationsKept")
                    + " is too large, was " + kept);
        } else if (kept != null) {
            attempt(BALANCE, s.value("operationsKept"), () -> config.operationsKept(kept.intValue()));
        }
        PriceTable table = tokenCosts(s);
        if (table != null) {
            config.prices(table);
            this.prices = table;
        }
        UsageLimits limits = usageLimits(s);
        if (limits != null) {
            config.usageLimits(limits);
        }
        Set<String> tierNames = tiers(s, refill, config);
        defaultTier(s, tierNames, config);
        notifications(s, config);
        Boolean clamp = bool(s, "clampAtZero");
        if (clamp != null) {
            config.clampAtZero(clamp);
        }
        Boolean afterInterval = bool(s, "firstRefillAfterInterval");
        if (afterInterval != null) {
            config.firstRefillAfterInterval(afterInterval);
        }
        Boolean metering = bool(s, "metering");
        if (metering != null) {
            config.metering(metering);
        }
        Section mongo = section(s.value("mongo"), s.path("mongo"), MONGO_KEYS);
        if (mongo != null) {
            accountsCollection = text(mongo, "accountsCollection", "a collection name");
            entriesCollection = text(mongo, "entriesCollection", "a collection name");
        }
    }

    /**
     * {@code allowNegative} and {@code insufficientBalance} of a section.
     *
     * @return the policy, or null when the section sets none (or it is invalid)
     */
    private @Nullable ShortfallPolicy shortfall(Section s) {
        int before = problems.size();
        Boolean allowNegative = bool(s, "allowNegative");
        Section ib = section(s.value("insufficientBalance"), s.path("insufficientBalance"), INSUFFICIENT_KEYS);
        if (ib == null) {
            return allowNegative == null ? null
                    : allowNegative ? ShortfallPolicy.allowNegative(null) : ShortfallPolicy.block();
        }
        String action = oneOf(ib, "action", ACTIONS);
        String freeModel = text(ib, "freeModel", "a model name");
        Credits floor = credits(ib, "negativeFloor");
        if (floor != null) {
            // core's rule for the floor, checked whatever the action, so a wrong floor is named as such
            attempt(ib.path, ib.value("negativeFloor"), () -> ShortfallPolicy.allowNegative(floor));
        }
        if (problems.size() > before) {
            return null;
        }
        if (allowNegative != null && action != null && allowNegative != action.equals(ACTION_ALLOW_NEGATIVE)) {
            problem(s.value("allowNegative"), s.path("allowNegative"), s.path("allowNegative") + " is "
                    + allowNegative + " but " + ib.path("action") + " is " + action + "; set only one of them");
            return null;
        }
        if (action == null) {
            action = Boolean.TRUE.equals(allowNegative) ? ACTION_ALLOW_NEGATIVE : ACTION_BLOCK;
        }
        if (action.equals(ACTION_FREE_MODEL) && freeModel == null) {
            problem(ib.node, ib.path("freeModel"), ib.path("freeModel") + " is required when action is freeModel");
        }
        if (!action.equals(ACTION_FREE_MODEL) && freeModel != null) {
            problem(ib.value("freeModel"), ib.path("freeModel"), ib.path("freeModel")
                    + " is only used when action is freeModel, but action is " + action);
        }
        if (!action.equals(ACTION_ALLOW_NEGATIVE) && floor != null) {
            problem(ib.value("negativeFloor"), ib.path("negativeFloor"), ib.path("negativeFloor")
                    + " is only used when action is allowNegative, but action is " + action);
        }
        if (problems.size() > before) {
            return null;
        }
        String chosen = action;
        return attempt(ib.path, ib.node, () -> switch (chosen) {
            case ACTION_ALLOW_NEGATIVE -> ShortfallPolicy.allowNegative(floor);
            case ACTION_FREE_MODEL -> ShortfallPolicy.freeModel(Optional.ofNullable(freeModel).orElseThrow());
            default -> ShortfallPolicy.block();
        });
    }

    /**
     * LibreChat's refill keys of a section; what it leaves out comes from {@code inherited}, or
     * LibreChat's defaults at the top.
     *
     * @return the values, or null if one is invalid
     */
    private @Nullable RefillKeys refillKeys(Section s, @Nullable RefillKeys inherited) {
        int before = problems.size();
        Boolean enabled = bool(s, "autoRefillEnabled");
        RefillMode mode = named(s, "refillMode", RefillMode::fromConfigName);
        Long interval = whole(s, "refillIntervalValue");
        if (interval != null) {
            // core's bounds, checked on their own whether or not the section refills, so that a bad
            // interval and a bad amount are both reported
            attempt(s.path, s.value("refillIntervalValue"),
                    () -> new Refill(RefillMode.ADD, interval, DEFAULT_REFILL_UNIT, Credits.ZERO));
        }
        RefillUnit unit = named(s, "refillIntervalUnit", RefillUnit::fromConfigName);
        Credits amount = credits(s, "refillAmount");
        if (amount != null) {
            attempt(s.path, s.value("refillAmount"),
                    () -> new Refill(RefillMode.ADD, DEFAULT_REFILL_INTERVAL, DEFAULT_REFILL_UNIT, amount));
        }
        if (problems.size() > before) {
            return null;
        }
        RefillKeys base = inherited != null ? inherited
                : new RefillKeys(false, RefillMode.ADD, DEFAULT_REFILL_INTERVAL, DEFAULT_REFILL_UNIT,
                        DEFAULT_REFILL_AMOUNT);
        return new RefillKeys(
                enabled != null ? enabled : base.enabled(),
                mode != null ? mode : base.mode(),
                interval != null ? interval : base.interval(),
                unit != null ? unit : base.unit(),
                amount != null ? amount : base.amount());
    }

    private @Nullable Refill refill(Section s, RefillKeys k) {
        return attempt(s.path, s.node, () -> new Refill(k.mode(), k.interval(), k.unit(), k.amount()));
    }

    private @Nullable PriceTable tokenCosts(Section parent) {
        Section s = section(parent.value("tokenCosts"), parent.path("tokenCosts"), TOKEN_COSTS_KEYS);
        if (s == null) {
            return null;
        }
        int before = problems.size();
        String unit = oneOf(s, "unit", UNITS);
        boolean perThousand = !UNIT_USD_PER_1M.equals(unit);
        Boolean builtIn = bool(s, "builtIn");
        PriceTable.Builder table = Boolean.FALSE.equals(builtIn)
                ? PriceTable.builder() : PriceTable.builder(PriceTable.builtIn());
        if (s.has("default")) {
            ModelPrice price = modelPrice(s.value("default"), s.path("default"), perThousand);
            if (price != null) {
                table.defaultPrice(price);
            }
        }
        Section models = section(s.value("models"), s.path("models"), null);
        if (models != null) {
            Map<String, String> byLowerKey = new HashMap<>();
            for (Map.Entry<String, Node> e : models.values.entrySet()) {
                String key = e.getKey();
                if (key.isBlank()) {
                    problem(models.keyNodes.get(key), models.path, models.path + " has a blank model key");
                    continue;
                }
                String first = byLowerKey.putIfAbsent(key.toLowerCase(Locale.ROOT), key);
                if (first != null) {
                    problem(models.keyNodes.get(key), models.path(key), models.path(key) + " is the same model key as "
                            + first + "; model keys are compared ignoring case");
                    continue;
                }
                ModelPrice price = modelPrice(e.getValue(), models.path(key), perThousand);
                if (price != null) {
                    attempt(models.path, models.keyNodes.get(key), () -> table.model(key, price));
                }
            }
        }
        if (problems.size() > before) {
            return null;
        }
        return attempt(s.path, s.node, table::build);
    }

    private @Nullable ModelPrice modelPrice(@Nullable Node node, String path, boolean perThousand) {
        return modelPrice(node, path, perThousand, null);
    }

    /**
     * A price mapping. With {@code inherited} (an {@code after:} mapping), what it leaves out is the
     * row's; without it, {@code prompt} and {@code completion} are required.
     */
    private @Nullable ModelPrice modelPrice(@Nullable Node node, String path, boolean perThousand,
            @Nullable ModelPrice inherited) {
        Section s = section(node, path, PRICE_KEYS);
        if (s == null) {
            return null;
        }
        int before = problems.size();
        Rate prompt = inherited != null || required(s, "prompt") ? rate(s, "prompt", perThousand) : null;
        Rate completion = inherited != null || required(s, "completion") ? rate(s, "completion", perThousand) : null;
        Rate cacheWrite = rate(s, "cacheWrite", perThousand);
        Rate cacheRead = rate(s, "cacheRead", perThousand);
        Premium premium = null;
        Section p = section(s.value("premium"), s.path("premium"), PREMIUM_KEYS);
        if (p != null) {
            Long threshold = required(p, "threshold") ? whole(p, "threshold") : null;
            if (threshold != null) {
                // core's rule for the threshold, checked even when the premium's rates are missing
                attempt(p.path, p.value("threshold"), () -> new Premium(threshold, Rate.ZERO, Rate.ZERO));
            }
            Rate premiumPrompt = required(p, "prompt") ? rate(p, "prompt", perThousand) : null;
            Rate premiumCompletion = required(p, "completion") ? rate(p, "completion", perThousand) : null;
            Rate premiumWrite = rate(p, "cacheWrite", perThousand);
            Rate premiumRead = rate(p, "cacheRead", perThousand);
            if (problems.size() == before && threshold != null && premiumPrompt != null && premiumCompletion != null) {
                premium = attempt(p.path, p.node, () -> new Premium(threshold, premiumPrompt, premiumCompletion,
                        premiumWrite, premiumRead));
            }
        }
        LocalDate through = date(s, "through");
        if (s.has("through") != s.has("after")) {
            String given = s.has("through") ? "through" : "after";
            String missing = s.has("through") ? "after" : "through";
            problem(s.value(given), s.path(missing), s.path(missing) + " is required when " + given + " is given");
        }
        if (problems.size() > before) {
            return null;
        }
        if (inherited != null) {
            prompt = prompt != null ? prompt : inherited.prompt();
            completion = completion != null ? completion : inherited.completion();
            cacheWrite = cacheWrite != null ? cacheWrite : inherited.cacheWrite();
            cacheRead = cacheRead != null ? cacheRead : inherited.cacheRead();
            premium = premium != null ? premium : inherited.premium();
        }
        if (prompt == null || completion == null) {
            return null;
        }
        Rate chosenPrompt = prompt;
        Rate chosenCompletion = completion;
        Rate chosenWrite = cacheWrite;
        Rate chosenRead = cacheRead;
        Premium chosenPremium = premium;
        ModelPrice price = attempt(s.path, s.node,
                () -> new ModelPrice(chosenPrompt, chosenCompletion, chosenWrite, chosenRead, chosenPremium));
        if (price == null || through == null) {
            return price;
        }
        ModelPrice after = modelPrice(s.value("after"), s.path("after"), perThousand, price);
        if (after == null) {
            return null;
        }
        return attempt(s.path, s.value("after"), () -> price.until(through, after));
    }

    /**
     * The exact per-endpoint prices of LibreChat's custom endpoints: {@code endpoints.custom[].tokenConfig},
     * model id to {@code prompt} and {@code completion} (and optionally cache {@code write} and
     * {@code read}) in USD per 1M tokens, which is credits per token. Only {@code name} and
     * {@code tokenConfig} are read; the rest of the section is LibreChat's.
     */
    private void endpointPrices(@Nullable Node endpoints, LedgerConfig.Builder config) {
        if (!(endpoints instanceof MappingNode)) {
            return;
        }
        Node custom = child((MappingNode) endpoints, "custom");
        if (!(custom instanceof SequenceNode)) {
            return;
        }
        int before = problems.size();
        PriceTable.Builder table = null;
        List<Node> items = ((SequenceNode) custom).getValue();
        for (int i = 0; i < items.size(); i++) {
            if (!(items.get(i) instanceof MappingNode)) {
                continue;
            }
            MappingNode item = (MappingNode) items.get(i);
            Node tokenConfig = child(item, "tokenConfig");
            if (tokenConfig == null || isNull(tokenConfig)) {
                continue;
            }
            String itemPath = ENDPOINTS + ".custom[" + i + "]";
            String name = scalar(child(item, "name"), itemPath + ".name", "the endpoint's name");
            if (name == null || name.isBlank()) {
                problem(item, itemPath + ".name", itemPath + ".name is required when tokenConfig is given");
                continue;
            }
            Section models = section(tokenConfig, itemPath + ".tokenConfig", null);
            if (models == null) {
                continue;
            }
            for (Map.Entry<String, Node> e : models.values.entrySet()) {
                String model = e.getKey();
                Section rates = section(e.getValue(), models.path(model), TOKEN_CONFIG_KEYS);
                if (rates == null) {
                    continue;
                }
                int at = problems.size();
                Rate prompt = required(rates, "prompt") ? rate(rates, "prompt", false) : null;
                Rate completion = required(rates, "completion") ? rate(rates, "completion", false) : null;
                Rate write = rate(rates, "write", false);
                Rate read = rate(rates, "read", false);
                if (problems.size() > at || prompt == null || completion == null) {
                    continue;
                }
                if (table == null) {
                    table = PriceTable.builder(prices != null ? prices : PriceTable.builtIn());
                }
                PriceTable.Builder target = table;
                attempt(models.path, models.keyNodes.get(model), () -> target.endpointPrice(name, model,
                        new ModelPrice(prompt, completion, write, read, null)));
            }
        }
        if (table != null && problems.size() == before) {
            PriceTable built = attempt(ENDPOINTS, custom, table::build);
            if (built != null) {
                config.prices(built);
            }
        }
    }

    /** The value of a plain-text key of a mapping that is not ours, or null; read without judging the rest. */
    private static @Nullable Node child(MappingNode node, String key) {
        for (NodeTuple t : node.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                return t.getValueNode();
            }
        }
        return null;
    }

    private @Nullable LocalDate date(Section s, String key) {
        String text = scalar(s.value(key), s.path(key), "a date such as 2026-08-31");
        if (text == null) {
            return null;
        }
        try {
            return LocalDate.parse(text.strip());
        } catch (DateTimeParseException e) {
            problem(s.value(key), s.path(key), s.path(key) + " must be a date such as 2026-08-31, was '" + text + "'");
            return null;
        }
    }

    private @Nullable UsageLimits usageLimits(Section parent) {
        Section s = section(parent.value("usageLimits"), parent.path("usageLimits"), LIMIT_KEYS);
        if (s == null) {
            return null;
        }
        // each cap is checked by core on its own and left out when invalid, so that every bad cap is
        // reported and the order of the others is still checked
        Credits daily = cap(parent, s, "daily", credits(s, "daily"), c -> UsageLimits.credits(c, null, null));
        Credits weekly = cap(parent, s, "weekly", credits(s, "weekly"), c -> UsageLimits.credits(null, c, null));
        Credits monthly = cap(parent, s, "monthly", credits(s, "monthly"), c -> UsageLimits.credits(null, null, c));
        Long dailyTokens = cap(parent, s, "dailyTokens", whole(s, "dailyTokens"),
                n -> UsageLimits.NONE.withTokens(n, null, null));
        Long weeklyTokens = cap(parent, s, "weeklyTokens", whole(s, "weeklyTokens"),
                n -> UsageLimits.NONE.withTokens(null, n, null));
        Long monthlyTokens = cap(parent, s, "monthlyTokens", whole(s, "monthlyTokens"),
                n -> UsageLimits.NONE.withTokens(null, null, n));
        return attempt(parent.path, s.node,
                () -> new UsageLimits(daily, weekly, monthly, dailyTokens, weeklyTokens, monthlyTokens));
    }

    /** A cap that core accepts on its own ({@code alone} builds limits with only it), else null. */
    private <T> @Nullable T cap(Section parent, Section s, String key, @Nullable T value,
            Function<T, UsageLimits> alone) {
        if (value == null || attempt(parent.path, s.value(key), () -> alone.apply(value)) == null) {
            return null;
        }
        return value;
    }

    /** @return the names of all tiers in the file, valid or not, for the default tier's check */
    private Set<String> tiers(Section parent, @Nullable RefillKeys topRefill, LedgerConfig.Builder config) {
        Section tiers = section(parent.value("tiers"), parent.path("tiers"), null);
        if (tiers == null) {
            return Set.of();
        }
        for (Map.Entry<String, Node> e : tiers.values.entrySet()) {
            Tier tier = tier(tiers, e.getKey(), e.getValue(), topRefill);
            if (tier != null) {
                config.tier(tier);
            }
        }
        return new LinkedHashSet<>(tiers.values.keySet());
    }

    private @Nullable Tier tier(Section tiers, String name, Node node, @Nullable RefillKeys topRefill) {
        Section s = section(node, tiers.path(name), TIER_KEYS);
        if (s == null) {
            return null;
        }
        int before = problems.size();
        Tier.Builder tier;
        try {
            tier = Tier.builder(name);
        } catch (IllegalArgumentException e) {
            problem(tiers.keyNodes.get(name), s.path, tiers.path + " has an invalid tier name: " + e.getMessage());
            return null;
        }
        Credits start = credits(s, "startBalance");
        if (start != null) {
            attempt(BALANCE, s.value("startBalance"), () -> tier.startBalance(start));
        }
        Credits min = credits(s, "minBalance");
        if (min != null) {
            attempt(BALANCE, s.value("minBalance"), () -> tier.minBalance(min));
        }
        ShortfallPolicy policy = shortfall(s);
        if (policy != null) {
            tier.shortfallPolicy(policy);
        }
        UsageLimits limits = usageLimits(s);
        if (limits != null) {
            tier.usageLimits(limits);
        }
        RefillKeys refill = refillKeys(s, topRefill);
        if (refill != null && topRefill != null) {
            boolean anyRefillKey = REFILL_KEYS.stream().anyMatch(s::has);
            Boolean enabled = bool(s, "autoRefillEnabled");
            if (Boolean.FALSE.equals(enabled)) {
                tier.noRefill();
            } else if (anyRefillKey) {
                // a tier that sets refill keys refills, unless it says autoRefillEnabled: false
                Refill r = refill(s, refill);
                if (r != null) {
                    tier.refill(r);
                }
            }
        }
        Section models = section(s.value("models"), s.path("models"), MODEL_RULE_KEYS);
        if (models != null) {
            List<String> allow = patterns(models, "allow");
            List<String> deny = patterns(models, "deny");
            attempt(BALANCE, models.node, () -> tier.allowModels(allow.toArray(String[]::new)));
            attempt(BALANCE, models.node, () -> tier.denyModels(deny.toArray(String[]::new)));
        }
        String multiplierText = scalar(s.value("priceMultiplier"), s.path("priceMultiplier"), "a plain decimal number");
        if (multiplierText != null) {
            try {
                long millionths = Credits.parseScaled(multiplierText, 6, s.path("priceMultiplier"));
                attempt(s.path, s.value("priceMultiplier"), () -> tier.priceMultiplier(new Multiplier(millionths)));
            } catch (IllegalArgumentException e) {
                problem(s.value("priceMultiplier"), s.path("priceMultiplier"), Texts.quoting(e.getMessage(), multiplierText));
            }
        }
        Boolean exempt = bool(s, "exempt");
        if (exempt != null) {
            tier.exempt(exempt);
        }
        return problems.size() > before ? null : attempt(tiers.path, s.node, tier::build);
    }

    private List<String> patterns(Section models, String key) {
        List<String> out = new ArrayList<>();
        List<Node> items = list(models.value(key), models.path(key));
        for (int i = 0; items != null && i < items.size(); i++) {
            String itemPath = models.path(key) + "[" + i + "]";
            String pattern = scalar(items.get(i), itemPath, "a model name pattern");
            if (pattern != null && pattern.isBlank()) {
                problem(items.get(i), itemPath, itemPath + " must be a model name pattern, was " + Texts.quote(pattern));
            } else if (pattern != null) {
                out.add(pattern);
            }
        }
        return out;
    }

    private void defaultTier(Section s, Set<String> tierNames, LedgerConfig.Builder config) {
        String name = text(s, "defaultTier", "a tier name");
        if (name == null) {
            return;
        }
        if (!tierNames.contains(name)) {
            problem(s.value("defaultTier"), s.path("defaultTier"), s.path("defaultTier")
                    + (tierNames.isEmpty()
                            ? " names a tier, but " + s.path("tiers") + " has none, was " + Texts.quote(name)
                            : " must be one of the tiers " + String.join(", ", tierNames) + ", was " + Texts.quote(name)));
            return;
        }
        config.defaultTier(name);
    }

    private void notifications(Section parent, LedgerConfig.Builder config) {
        Section s = section(parent.value("notifications"), parent.path("notifications"), NOTIFICATION_KEYS);
        if (s == null) {
            return;
        }
        List<Node> below = list(s.value("balanceBelow"), s.path("balanceBelow"));
        if (below != null) {
            List<Credits> thresholds = new ArrayList<>();
            for (int i = 0; i < below.size(); i++) {
                Credits c = credits(below.get(i), s.path("balanceBelow") + "[" + i + "]");
                if (c != null) {
                    thresholds.add(c);
                }
            }
            config.balanceThresholds(thresholds.toArray(Credits[]::new));
        }
        List<Node> percents = list(s.value("windowPercent"), s.path("windowPercent"));
        if (percents != null) {
            List<Integer> values = new ArrayList<>();
            for (int i = 0; i < percents.size(); i++) {
                String itemPath = s.path("windowPercent") + "[" + i + "]";
                Long p = whole(percents.get(i), itemPath);
                if (p != null && (p < 1 || p > MAX_PERCENT)) {
                    problem(percents.get(i), itemPath, itemPath + " must be between 1 and 100, was " + p);
                } else if (p != null) {
                    values.add(p.intValue());
                }
            }
            config.windowThresholds(values.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    // ---------------------------------------------------------------- values

    private @Nullable Boolean bool(Section s, String key) {
        String text = scalar(s.value(key), s.path(key), "true or false");
        if (text == null) {
            return null;
        }
        switch (text) {
            case "true", "True", "TRUE":
                return true;
            case "false", "False", "FALSE":
                return false;
            default:
                problem(s.value(key), s.path(key), s.path(key) + " must be true or false, was " + Texts.quote(text));
                return null;
        }
    }

    private @Nullable String text(Section s, String key, String expected) {
        String text = scalar(s.value(key), s.path(key), expected);
        if (text != null && text.isBlank()) {
            problem(s.value(key), s.path(key), s.path(key) + " must not be blank, was " + Texts.quote(text));
            return null;
        }
        return text;
    }

    private @Nullable Long whole(Section s, String key) {
        return whole(s.value(key), s.path(key));
    }

    private @Nullable Long whole(@Nullable Node node, String path) {
        String text = scalar(node, path, "a whole number");
        if (text == null) {
            return null;
        }
        if (!WHOLE.matcher(text.strip()).matches()) {
            problem(node, path, path + " must be a whole number, was " + Texts.quote(text));
            return null;
        }
        try {
            return Credits.parseScaled(text, 0, path);
        } catch (IllegalArgumentException e) {
            problem(node, path, Texts.quoting(e.getMessage(), text));
            return null;
        }
    }

    /** An amount of credits of any sign: what range a setting allows is core's rule. */
    private @Nullable Credits credits(Section s, String key) {
        return credits(s.value(key), s.path(key));
    }

    private @Nullable Credits credits(@Nullable Node node, String path) {
        String text = scalar(node, path, "a plain decimal number");
        if (text == null) {
            return null;
        }
        try {
            return Credits.ofMicros(Credits.parseScaled(text, 6, path));
        } catch (IllegalArgumentException e) {
            problem(node, path, Texts.quoting(e.getMessage(), text));
            return null;
        }
    }

    private @Nullable Rate rate(Section s, String key, boolean perThousand) {
        Node node = s.value(key);
        String path = s.path(key);
        String text = scalar(node, path, "a plain decimal number");
        if (text == null) {
            return null;
        }
        try {
            // micro-credits per 1,000 tokens are exactly nano-credits per token, as Rate.perThousandTokens reads them
            long nanos = Credits.parseScaled(text, perThousand ? 6 : 9, path);
            if (nanos < 0) {
                problem(node, path, path + " must be zero or more, was " + Texts.abbreviate(text.strip()));
                return null;
            }
            return Rate.ofNanos(nanos);
        } catch (IllegalArgumentException e) {
            problem(node, path, Texts.quoting(e.getMessage(), text));
            return null;
        }
    }

    private @Nullable Duration duration(Section s, String key) {
        Node node = s.value(key);
        String path = s.path(key);
        String text = scalar(node, path, "milliseconds or an ISO-8601 duration such as PT30M");
        if (text == null) {
            return null;
        }
        Duration d;
        if (WHOLE.matcher(text.strip()).matches()) {
            Long ms = whole(node, path);
            if (ms == null) {
                return null;
            }
            d = Duration.ofMillis(ms);
        } else {
            try {
                d = Duration.parse(text.strip());
            } catch (DateTimeParseException e) {
                problem(node, path, path + " must be milliseconds or an ISO-8601 duration such as PT30M, was "
                        + Texts.quote(text));
                return null;
            }
        }
        return d;
    }

    private @Nullable ZoneId zone(Section s, String key) {
        String text = scalar(s.value(key), s.path(key), "a time zone such as UTC or Europe/Berlin");
        if (text == null) {
            return null;
        }
        try {
            return ZoneId.of(text.strip());
        } catch (DateTimeException e) {
            problem(s.value(key), s.path(key), s.path(key) + " must be a time zone such as UTC or Europe/Berlin, was "
                    + Texts.quote(text));
            return null;
        }
    }

    private @Nullable String oneOf(Section s, String key, List<String> allowed) {
        String text = scalar(s.value(key), s.path(key), "one of " + String.join(", ", allowed));
        if (text != null && !allowed.contains(text)) {
            problem(s.value(key), s.path(key), s.path(key) + " must be one of " + String.join(", ", allowed)
                    + ", was " + Texts.quote(text));
            return null;
        }
        return text;
    }

    /** A name that core turns into an enum; its message lists the allowed names. */
    private <T> @Nullable T named(Section s, String key, Function<String, T> byName) {
        String text = scalar(s.value(key), s.path(key), "a name");
        if (text == null) {
            return null;
        }
        return attempt(s.path, s.value(key), () -> byName.apply(text));
    }

    private boolean required(Section s, String key) {
        if (!s.has(key)) {
            problem(s.node, s.path(key), s.path(key) + " is required");
            return false;
        }
        return true;
    }

    // ---------------------------------------------------------------- nodes

    /**
     * Reads a mapping. A key without a value ({@code usageLimits:}) is an empty mapping.
     *
     * @param known the keys allowed, or null when any key is allowed (model names, tier names)
     * @return the section, or null when the node is absent or not a mapping
     */
    private @Nullable Section section(@Nullable Node node, String path, @Nullable List<String> known) {
        if (node == null) {
            return null;
        }
        Section s = new Section(path, node);
        if (isNull(node)) {
            return s;
        }
        if (!(node instanceof MappingNode)) {
            problem(node, path, path + " must be a mapping, was " + describe(node));
            return null;
        }
        if (!tagAllowed(node, path)) {
            return null;
        }
        // at the top of the file only balance: is ours; the other sections may use any YAML
        boolean top = path.isEmpty();
        for (NodeTuple tuple : ((MappingNode) node).getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode)) {
                if (top) {
                    continue;
                }
                problem(keyNode, path, path + " has a key that is " + describe(keyNode) + "; keys must be plain scalars");
                continue;
            }
            String key = ((ScalarNode) keyNode).getValue();
            String keyPath = s.path(key);
            if (known != null && !known.contains(key)) {
                String suggestion = Suggestions.closest(key, known);
                problem(keyNode, keyPath, keyPath + " is not a known key; "
                        + (suggestion != null ? "did you mean " + suggestion + "?"
                                : "known keys: " + String.join(", ", known)));
                continue;
            }
            Node first = s.keyNodes.get(key);
            if (first != null && (!top || key.equals(BALANCE))) {
                problem(keyNode, keyPath, keyPath + " appears more than once; first at line " + line(first));
                continue;
            }
            if (first != null) {
                continue;
            }
            s.keyNodes.put(key, keyNode);
            s.values.put(key, tuple.getValueNode());
            nodesByPath.putIfAbsent(keyPath, tuple.getValueNode());
        }
        return s;
    }

    /** @return the items, an empty list for a key without a value, or null when absent or not a list */
    private @Nullable List<Node> list(@Nullable Node node, String path) {
        if (node == null) {
            return null;
        }
        if (isNull(node)) {
            return List.of();
        }
        if (!(node instanceof SequenceNode)) {
            problem(node, path, path + " must be a list, was " + describe(node));
            return null;
        }
        if (!tagAllowed(node, path)) {
            return null;
        }
        List<Node> items = ((SequenceNode) node).getValue();
        for (int i = 0; i < items.size(); i++) {
            nodesByPath.putIfAbsent(path + "[" + i + "]", items.get(i));
        }
        return items;
    }

    /**
     * The text of a scalar, with environment references replaced.
     *
     * @param expected what the value should be, for the message when it is not a scalar
     * @return the text, or null when the node is absent or not a usable scalar
     */
    private @Nullable String scalar(@Nullable Node node, String path, String expected) {
        if (node == null) {
            return null;
        }
        if (!(node instanceof ScalarNode) || isNull(node)) {
            problem(node, path, path + " must be " + expected + ", was " + describe(node));
            return null;
        }
        if (!tagAllowed(node, path)) {
            return null;
        }
        try {
            return Interpolation.apply(((ScalarNode) node).getValue(), environment);
        } catch (Interpolation.Unresolved e) {
            problem(node, path, path + " " + e.getMessage());
            return null;
        }
    }

    /** Rejects explicit tags other than YAML's plain types, such as {@code !!java.lang.Runtime}. */
    private boolean tagAllowed(Node node, String path) {
        if (PLAIN_TAGS.contains(node.getTag())) {
            return true;
        }
        String tag = node.getTag().getValue();
        String shown = tag.startsWith(Tag.PREFIX) ? "!!" + tag.substring(Tag.PREFIX.length()) : tag;
        problem(node, path, path + " has the tag " + shown + "; tags are not allowed here");
        return false;
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    private static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        String text = ((ScalarNode) node).getValue();
        return text.isEmpty() ? "empty" : Texts.quote(text);
    }

    private static int line(Node node) {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }

    // ---------------------------------------------------------------- problems

    private void problem(@Nullable Node at, String keyPath, String message) {
        Mark mark = at == null ? null : at.getStartMark().orElse(null);
        problems.add(mark == null
                ? new ConfigProblem(source, 0, 0, keyPath, message)
                : new ConfigProblem(source, mark.getLine() + 1, mark.getColumn() + 1, keyPath, message));
    }

    /**
     * Runs a core constructor or setter; its {@link IllegalArgumentException} becomes a problem.
     * Core's message starts with the key it names relative to {@code parentPath}; the problem is
     * placed at that key's value when it was read, else at {@code fallback}.
     */
    private <T> @Nullable T attempt(String parentPath, @Nullable Node fallback, Supplier<T> action) {
        try {
            return action.get();
        } catch (IllegalArgumentException e) {
            coreProblem(parentPath, fallback, e);
            return null;
        }
    }

    /**
     * Runs a core setter that names its setting as code does ({@code holdTtl}) where the file has
     * another key ({@code reservationTtlMs}): core's rule, reported at the file's key.
     */
    private void attemptAs(Section s, String key, String coreName, Runnable action) {
        try {
            action.run();
        } catch (IllegalArgumentException e) {
            String message = String.valueOf(e.getMessage());
            problem(s.value(key), s.path(key), s.path(key)
                    + (message.startsWith(coreName + " ") ? message.substring(coreName.length()) : ": " + message));
        }
    }

    private void coreProblem(String parentPath, @Nullable Node fallback, IllegalArgumentException e) {
        String message = parentPath + "." + e.getMessage();
        int space = message.indexOf(' ');
        String subject = space < 0 ? message : message.substring(0, space);
        Node at = nodesByPath.get(subject);
        problem(at != null ? at : fallback, at != null ? subject : parentPath, message);
    }

    private void failIfProblems() {
        if (problems.isEmpty()) {
            return;
        }
        List<ConfigProblem> first = problems.first();
        throw new ConfigException(source, first, problems.size() - first.size());
    }

    @SafeVarargs
    private static List<String> concat(List<String> first, List<String>... more) {
        List<String> all = new ArrayList<>(first);
        for (List<String> m : more) {
            all.addAll(m);
        }
        return List.copyOf(all);
    }
}
