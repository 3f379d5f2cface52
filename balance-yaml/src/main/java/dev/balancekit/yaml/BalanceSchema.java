package dev.balancekit.yaml;

import static dev.balancekit.yaml.YamlNodeReader.child;
import static dev.balancekit.yaml.YamlNodeReader.isNull;

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
import dev.balancekit.yaml.YamlNodeReader.Section;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * The {@code balance:} section of a LibreChat {@code librechat.yaml} (and the prices of its
 * {@code endpoints.custom[].tokenConfig}), read into a {@link LedgerConfig} with a
 * {@link YamlNodeReader}: which keys each section has, LibreChat's defaults, how the keys combine,
 * and the legacy {@code CHECK_BALANCE} / {@code START_BALANCE} variables of a file without
 * {@code balance:}. Every problem is collected instead of stopping at the first.
 *
 * <p>What range a value may take (refill bounds, balances that must not be negative, the negative
 * floor, usage caps and their order, a premium's threshold, the range of a price multiplier) is
 * core's rule: the schema builds core's type or calls its builder, and the reader reports core's
 * message at the key's position.
 */
final class BalanceSchema {

    static final String BALANCE = "balance";
    static final String ENVIRONMENT = "environment";
    static final String CHECK_BALANCE = "CHECK_BALANCE";
    static final String START_BALANCE = "START_BALANCE";

    static final String UNIT_CREDITS_PER_1K = "creditsPer1kTokens";
    static final String UNIT_USD_PER_1M = "usdPer1MTokens";
    static final String ACTION_BLOCK = "block";
    static final String ACTION_ALLOW_NEGATIVE = "allowNegative";
    static final String ACTION_FREE_MODEL = "freeModel";

    // LibreChat's defaults for its refill keys (its balance schema)
    static final long DEFAULT_REFILL_INTERVAL = 30;
    static final RefillUnit DEFAULT_REFILL_UNIT = RefillUnit.DAYS;
    static final Credits DEFAULT_REFILL_AMOUNT = Credits.of(10_000);

    static final List<String> REFILL_KEYS =
            List.of("autoRefillEnabled", "refillIntervalValue", "refillIntervalUnit", "refillAmount", "refillMode");
    static final List<String> SHORTFALL_KEYS = List.of("allowNegative", "insufficientBalance");
    static final List<String> BALANCE_KEYS = concat(
            List.of("enabled", "startBalance", "minBalance"),
            SHORTFALL_KEYS,
            List.of("enforceForAdmins", "timezone", "unknownModels"),
            REFILL_KEYS,
            List.of(
                    "reservationTtlMs",
                    "operationsKept",
                    "tokenCosts",
                    "usageLimits",
                    "tiers",
                    "defaultTier",
                    "notifications",
                    "clampAtZero",
                    "firstRefillAfterInterval",
                    "metering",
                    "mongo"));
    static final List<String> MONGO_KEYS = List.of("accountsCollection", "entriesCollection");
    static final List<String> TIER_KEYS = concat(
            List.of("startBalance", "minBalance"),
            SHORTFALL_KEYS,
            List.of("usageLimits"),
            REFILL_KEYS,
            List.of("models", "priceMultiplier", "exempt"));
    static final List<String> INSUFFICIENT_KEYS = List.of("action", "freeModel", "negativeFloor");
    static final List<String> ACTIONS = List.of(ACTION_BLOCK, ACTION_ALLOW_NEGATIVE, ACTION_FREE_MODEL);
    static final List<String> TOKEN_COSTS_KEYS = List.of("unit", "builtIn", "default", "models");
    static final List<String> UNITS = List.of(UNIT_CREDITS_PER_1K, UNIT_USD_PER_1M);
    static final List<String> PRICE_KEYS =
            List.of("prompt", "completion", "cacheWrite", "cacheRead", "premium", "through", "after");
    static final List<String> PREMIUM_KEYS = List.of("threshold", "prompt", "completion", "cacheWrite", "cacheRead");
    /** A LibreChat custom endpoint's {@code tokenConfig} entry; {@code context} is a context window, not a price. */
    static final List<String> TOKEN_CONFIG_KEYS = List.of("prompt", "completion", "write", "read", "context");

    static final String ENDPOINTS = "endpoints";
    static final List<String> LIMIT_KEYS =
            List.of("daily", "weekly", "monthly", "dailyTokens", "weeklyTokens", "monthlyTokens");
    static final List<String> MODEL_RULE_KEYS = List.of("allow", "deny");
    static final List<String> NOTIFICATION_KEYS = List.of("balanceBelow", "windowPercent");
    private static final int MAX_PERCENT = 100;

    private final YamlNodeReader nodes;
    private final Map<String, String> environment;
    /** {@code balance.mongo}'s collection names, read along with the rest. */
    private @Nullable String accountsCollection;

    private @Nullable String entriesCollection;
    /** The table {@code balance.tokenCosts} gives, which per-endpoint prices extend; null for the built-in one. */
    private @Nullable PriceTable prices;

    private BalanceSchema(String source, Map<String, String> environment) {
        this.nodes = new YamlNodeReader(source, environment);
        this.environment = environment;
    }

    /** The values a section gives for LibreChat's refill keys, with what it leaves out filled in. */
    private record RefillKeys(boolean enabled, RefillMode mode, long interval, RefillUnit unit, Credits amount) {}

    static LedgerConfig read(String yaml, String source, Map<String, String> environment) {
        return new BalanceSchema(source, environment).read(yaml);
    }

    /** Reads the whole file, as {@link #read}, and returns its {@code balance.mongo} collection names. */
    static CollectionNames readCollections(String yaml, String source, Map<String, String> environment) {
        BalanceSchema reader = new BalanceSchema(source, environment);
        reader.read(yaml);
        return new CollectionNames(reader.accountsCollection, reader.entriesCollection);
    }

    private LedgerConfig read(String yaml) {
        Optional<Node> root = nodes.compose(yaml);
        // a config loaded from a file is off unless it says otherwise, as in LibreChat
        LedgerConfig.Builder config = LedgerConfig.builder().enabled(false);
        Section top = root.isPresent() && !isNull(root.get()) ? nodes.top(root.get(), BALANCE) : null;
        Node balanceNode = top == null ? null : top.value(BALANCE);
        if (top == null || !top.has(BALANCE)) {
            legacyEnvironment(config);
        } else {
            balance(Objects.requireNonNull(balanceNode, BALANCE), config);
        }
        if (top != null) {
            endpointPrices(top.value(ENDPOINTS), config);
        }
        nodes.failIfProblems();
        try {
            return config.build();
        } catch (IllegalArgumentException e) {
            // a backstop: the schema hands every value to core as it reads it, with positions
            nodes.coreProblem(BALANCE, balanceNode, e);
            nodes.failIfProblems();
            throw e;
        }
    }

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
                    nodes.report(new ConfigProblem(
                            ENVIRONMENT,
                            0,
                            0,
                            START_BALANCE,
                            String.valueOf(e.getMessage()).replaceFirst("^startBalance ", START_BALANCE + " ")));
                }
            } catch (IllegalArgumentException e) {
                nodes.report(new ConfigProblem(ENVIRONMENT, 0, 0, START_BALANCE, Texts.quoting(e.getMessage(), start)));
            }
        }
    }

    private void balance(Node node, LedgerConfig.Builder config) {
        Section s = nodes.section(node, BALANCE, BALANCE_KEYS);
        if (s == null) {
            return;
        }
        Boolean enabled = nodes.bool(s, "enabled");
        if (enabled != null) {
            config.enabled(enabled);
        }
        Credits start = nodes.credits(s, "startBalance");
        if (start != null) {
            nodes.attempt(BALANCE, s.value("startBalance"), () -> config.startBalance(start));
        }
        Credits min = nodes.credits(s, "minBalance");
        if (min != null) {
            nodes.attempt(BALANCE, s.value("minBalance"), () -> config.minBalance(min));
        }
        ShortfallPolicy policy = shortfall(s);
        if (policy != null) {
            config.shortfallPolicy(policy);
        }
        Boolean enforce = nodes.bool(s, "enforceForAdmins");
        if (enforce != null) {
            config.enforceForExempt(enforce);
        }
        UnknownModelPolicy unknown = nodes.named(s, "unknownModels", UnknownModelPolicy::fromConfigName);
        if (unknown != null) {
            config.unknownModels(unknown);
        }
        ZoneId zone = nodes.zone(s, "timezone");
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
        Duration ttl = nodes.duration(s, "reservationTtlMs");
        if (ttl != null) {
            nodes.attemptAs(s, "reservationTtlMs", "holdTtl", () -> config.holdTtl(ttl));
        }
        Long kept = nodes.whole(s, "operationsKept");
        if (kept != null && kept != kept.intValue()) {
            nodes.problem(
                    s.value("operationsKept"),
                    s.path("operationsKept"),
                    s.path("operationsKept") + " is too large, was " + kept);
        } else if (kept != null) {
            nodes.attempt(BALANCE, s.value("operationsKept"), () -> config.operationsKept(kept.intValue()));
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
        Boolean clamp = nodes.bool(s, "clampAtZero");
        if (clamp != null) {
            config.clampAtZero(clamp);
        }
        Boolean afterInterval = nodes.bool(s, "firstRefillAfterInterval");
        if (afterInterval != null) {
            config.firstRefillAfterInterval(afterInterval);
        }
        Boolean metering = nodes.bool(s, "metering");
        if (metering != null) {
            config.metering(metering);
        }
        Section mongo = nodes.section(s.value("mongo"), s.path("mongo"), MONGO_KEYS);
        if (mongo != null) {
            accountsCollection = nodes.text(mongo, "accountsCollection", "a collection name");
            entriesCollection = nodes.text(mongo, "entriesCollection", "a collection name");
        }
    }

    /**
     * {@code allowNegative} and {@code insufficientBalance} of a section.
     *
     * @return the policy, or null when the section sets none (or it is invalid)
     */
    private @Nullable ShortfallPolicy shortfall(Section s) {
        int before = nodes.problemCount();
        Boolean allowNegative = nodes.bool(s, "allowNegative");
        Section ib = nodes.section(s.value("insufficientBalance"), s.path("insufficientBalance"), INSUFFICIENT_KEYS);
        if (ib == null) {
            return allowNegative == null
                    ? null
                    : allowNegative ? ShortfallPolicy.allowNegative(null) : ShortfallPolicy.block();
        }
        String action = nodes.oneOf(ib, "action", ACTIONS);
        String freeModel = nodes.text(ib, "freeModel", "a model name");
        Credits floor = nodes.credits(ib, "negativeFloor");
        if (floor != null) {
            // core's rule for the floor, checked whatever the action, so a wrong floor is named as such
            nodes.attempt(ib.path, ib.value("negativeFloor"), () -> ShortfallPolicy.allowNegative(floor));
        }
        if (nodes.problemCount() > before) {
            return null;
        }
        if (allowNegative != null && action != null && allowNegative != action.equals(ACTION_ALLOW_NEGATIVE)) {
            nodes.problem(
                    s.value("allowNegative"),
                    s.path("allowNegative"),
                    s.path("allowNegative") + " is " + allowNegative + " but " + ib.path("action") + " is " + action
                            + "; set only one of them");
            return null;
        }
        if (action == null) {
            action = Boolean.TRUE.equals(allowNegative) ? ACTION_ALLOW_NEGATIVE : ACTION_BLOCK;
        }
        if (action.equals(ACTION_FREE_MODEL) && freeModel == null) {
            nodes.problem(
                    ib.node, ib.path("freeModel"), ib.path("freeModel") + " is required when action is freeModel");
        }
        if (!action.equals(ACTION_FREE_MODEL) && freeModel != null) {
            nodes.problem(
                    ib.value("freeModel"),
                    ib.path("freeModel"),
                    ib.path("freeModel") + " is only used when action is freeModel, but action is " + action);
        }
        if (!action.equals(ACTION_ALLOW_NEGATIVE) && floor != null) {
            nodes.problem(
                    ib.value("negativeFloor"),
                    ib.path("negativeFloor"),
                    ib.path("negativeFloor") + " is only used when action is allowNegative, but action is " + action);
        }
        if (nodes.problemCount() > before) {
            return null;
        }
        String chosen = action;
        return nodes.attempt(ib.path, ib.node, () -> switch (chosen) {
            case ACTION_ALLOW_NEGATIVE -> ShortfallPolicy.allowNegative(floor);
            case ACTION_FREE_MODEL ->
                ShortfallPolicy.freeModel(Optional.ofNullable(freeModel).orElseThrow());
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
        int before = nodes.problemCount();
        Boolean enabled = nodes.bool(s, "autoRefillEnabled");
        RefillMode mode = nodes.named(s, "refillMode", RefillMode::fromConfigName);
        Long interval = nodes.whole(s, "refillIntervalValue");
        if (interval != null) {
            // core's bounds, checked on their own whether or not the section refills, so that a bad
            // interval and a bad amount are both reported
            nodes.attempt(
                    s.path,
                    s.value("refillIntervalValue"),
                    () -> new Refill(RefillMode.ADD, interval, DEFAULT_REFILL_UNIT, Credits.ZERO));
        }
        RefillUnit unit = nodes.named(s, "refillIntervalUnit", RefillUnit::fromConfigName);
        Credits amount = nodes.credits(s, "refillAmount");
        if (amount != null) {
            nodes.attempt(
                    s.path,
                    s.value("refillAmount"),
                    () -> new Refill(RefillMode.ADD, DEFAULT_REFILL_INTERVAL, DEFAULT_REFILL_UNIT, amount));
        }
        if (nodes.problemCount() > before) {
            return null;
        }
        RefillKeys base = inherited != null
                ? inherited
                : new RefillKeys(
                        false, RefillMode.ADD, DEFAULT_REFILL_INTERVAL, DEFAULT_REFILL_UNIT, DEFAULT_REFILL_AMOUNT);
        return new RefillKeys(
                enabled != null ? enabled : base.enabled(),
                mode != null ? mode : base.mode(),
                interval != null ? interval : base.interval(),
                unit != null ? unit : base.unit(),
                amount != null ? amount : base.amount());
    }

    private @Nullable Refill refill(Section s, RefillKeys k) {
        return nodes.attempt(s.path, s.node, () -> new Refill(k.mode(), k.interval(), k.unit(), k.amount()));
    }

    private @Nullable PriceTable tokenCosts(Section parent) {
        Section s = nodes.section(parent.value("tokenCosts"), parent.path("tokenCosts"), TOKEN_COSTS_KEYS);
        if (s == null) {
            return null;
        }
        int before = nodes.problemCount();
        String unit = nodes.oneOf(s, "unit", UNITS);
        boolean perThousand = !UNIT_USD_PER_1M.equals(unit);
        Boolean builtIn = nodes.bool(s, "builtIn");
        PriceTable.Builder table =
                Boolean.FALSE.equals(builtIn) ? PriceTable.builder() : PriceTable.builder(PriceTable.builtIn());
        if (s.has("default")) {
            ModelPrice price = modelPrice(s.value("default"), s.path("default"), perThousand);
            if (price != null) {
                table.defaultPrice(price);
            }
        }
        Section models = nodes.section(s.value("models"), s.path("models"), null);
        if (models != null) {
            Map<String, String> byLowerKey = new HashMap<>();
            for (Map.Entry<String, Node> e : models.values.entrySet()) {
                String key = e.getKey();
                if (key.isBlank()) {
                    nodes.problem(models.keyNodes.get(key), models.path, models.path + " has a blank model key");
                    continue;
                }
                String first = byLowerKey.putIfAbsent(key.toLowerCase(Locale.ROOT), key);
                if (first != null) {
                    nodes.problem(
                            models.keyNodes.get(key),
                            models.path(key),
                            models.path(key) + " is the same model key as " + first
                                    + "; model keys are compared ignoring case");
                    continue;
                }
                ModelPrice price = modelPrice(e.getValue(), models.path(key), perThousand);
                if (price != null) {
                    nodes.attempt(models.path, models.keyNodes.get(key), () -> table.model(key, price));
                }
            }
        }
        if (nodes.problemCount() > before) {
            return null;
        }
        return nodes.attempt(s.path, s.node, table::build);
    }

    private @Nullable ModelPrice modelPrice(@Nullable Node node, String path, boolean perThousand) {
        return modelPrice(node, path, perThousand, null);
    }

    /**
     * A price mapping. With {@code inherited} (an {@code after:} mapping), what it leaves out is the
     * row's; without it, {@code prompt} and {@code completion} are required.
     */
    private @Nullable ModelPrice modelPrice(
            @Nullable Node node, String path, boolean perThousand, @Nullable ModelPrice inherited) {
        Section s = nodes.section(node, path, PRICE_KEYS);
        if (s == null) {
            return null;
        }
        int before = nodes.problemCount();
        Rate prompt = inherited != null || nodes.required(s, "prompt") ? nodes.rate(s, "prompt", perThousand) : null;
        Rate completion =
                inherited != null || nodes.required(s, "completion") ? nodes.rate(s, "completion", perThousand) : null;
        Rate cacheWrite = nodes.rate(s, "cacheWrite", perThousand);
        Rate cacheRead = nodes.rate(s, "cacheRead", perThousand);
        Premium premium = null;
        Section p = nodes.section(s.value("premium"), s.path("premium"), PREMIUM_KEYS);
        if (p != null) {
            Long threshold = nodes.required(p, "threshold") ? nodes.whole(p, "threshold") : null;
            if (threshold != null) {
                // core's rule for the threshold, checked even when the premium's rates are missing
                nodes.attempt(p.path, p.value("threshold"), () -> new Premium(threshold, Rate.ZERO, Rate.ZERO));
            }
            Rate premiumPrompt = nodes.required(p, "prompt") ? nodes.rate(p, "prompt", perThousand) : null;
            Rate premiumCompletion = nodes.required(p, "completion") ? nodes.rate(p, "completion", perThousand) : null;
            Rate premiumWrite = nodes.rate(p, "cacheWrite", perThousand);
            Rate premiumRead = nodes.rate(p, "cacheRead", perThousand);
            if (nodes.problemCount() == before
                    && threshold != null
                    && premiumPrompt != null
                    && premiumCompletion != null) {
                premium = nodes.attempt(
                        p.path,
                        p.node,
                        () -> new Premium(threshold, premiumPrompt, premiumCompletion, premiumWrite, premiumRead));
            }
        }
        LocalDate through = nodes.date(s, "through");
        if (s.has("through") != s.has("after")) {
            String given = s.has("through") ? "through" : "after";
            String missing = s.has("through") ? "after" : "through";
            nodes.problem(
                    s.value(given), s.path(missing), s.path(missing) + " is required when " + given + " is given");
        }
        if (nodes.problemCount() > before) {
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
        ModelPrice price = nodes.attempt(
                s.path,
                s.node,
                () -> new ModelPrice(chosenPrompt, chosenCompletion, chosenWrite, chosenRead, chosenPremium));
        if (price == null || through == null) {
            return price;
        }
        ModelPrice after = modelPrice(s.value("after"), s.path("after"), perThousand, price);
        if (after == null) {
            return null;
        }
        return nodes.attempt(s.path, s.value("after"), () -> price.until(through, after));
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
        int before = nodes.problemCount();
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
            String name = nodes.scalar(child(item, "name"), itemPath + ".name", "the endpoint's name");
            if (name == null || name.isBlank()) {
                nodes.problem(item, itemPath + ".name", itemPath + ".name is required when tokenConfig is given");
                continue;
            }
            Section models = nodes.section(tokenConfig, itemPath + ".tokenConfig", null);
            if (models == null) {
                continue;
            }
            for (Map.Entry<String, Node> e : models.values.entrySet()) {
                String model = e.getKey();
                Section rates = nodes.section(e.getValue(), models.path(model), TOKEN_CONFIG_KEYS);
                if (rates == null) {
                    continue;
                }
                int at = nodes.problemCount();
                Rate prompt = nodes.required(rates, "prompt") ? nodes.rate(rates, "prompt", false) : null;
                Rate completion = nodes.required(rates, "completion") ? nodes.rate(rates, "completion", false) : null;
                Rate write = nodes.rate(rates, "write", false);
                Rate read = nodes.rate(rates, "read", false);
                if (nodes.problemCount() > at || prompt == null || completion == null) {
                    continue;
                }
                if (table == null) {
                    table = PriceTable.builder(prices != null ? prices : PriceTable.builtIn());
                }
                PriceTable.Builder target = table;
                nodes.attempt(
                        models.path,
                        models.keyNodes.get(model),
                        () -> target.endpointPrice(name, model, new ModelPrice(prompt, completion, write, read, null)));
            }
        }
        if (table != null && nodes.problemCount() == before) {
            PriceTable built = nodes.attempt(ENDPOINTS, custom, table::build);
            if (built != null) {
                config.prices(built);
            }
        }
    }

    private @Nullable UsageLimits usageLimits(Section parent) {
        Section s = nodes.section(parent.value("usageLimits"), parent.path("usageLimits"), LIMIT_KEYS);
        if (s == null) {
            return null;
        }
        // each cap is checked by core on its own and left out when invalid, so that every bad cap is
        // reported and the order of the others is still checked
        Credits daily = cap(parent, s, "daily", nodes.credits(s, "daily"), c -> UsageLimits.credits(c, null, null));
        Credits weekly = cap(parent, s, "weekly", nodes.credits(s, "weekly"), c -> UsageLimits.credits(null, c, null));
        Credits monthly =
                cap(parent, s, "monthly", nodes.credits(s, "monthly"), c -> UsageLimits.credits(null, null, c));
        Long dailyTokens = cap(
                parent,
                s,
                "dailyTokens",
                nodes.whole(s, "dailyTokens"),
                n -> UsageLimits.NONE.withTokens(n, null, null));
        Long weeklyTokens = cap(
                parent,
                s,
                "weeklyTokens",
                nodes.whole(s, "weeklyTokens"),
                n -> UsageLimits.NONE.withTokens(null, n, null));
        Long monthlyTokens = cap(
                parent,
                s,
                "monthlyTokens",
                nodes.whole(s, "monthlyTokens"),
                n -> UsageLimits.NONE.withTokens(null, null, n));
        return nodes.attempt(
                parent.path,
                s.node,
                () -> new UsageLimits(daily, weekly, monthly, dailyTokens, weeklyTokens, monthlyTokens));
    }

    /** A cap that core accepts on its own ({@code alone} builds limits with only it), else null. */
    private <T> @Nullable T cap(
            Section parent, Section s, String key, @Nullable T value, Function<T, UsageLimits> alone) {
        if (value == null || nodes.attempt(parent.path, s.value(key), () -> alone.apply(value)) == null) {
            return null;
        }
        return value;
    }

    /** @return the names of all tiers in the file, valid or not, for the default tier's check */
    private Set<String> tiers(Section parent, @Nullable RefillKeys topRefill, LedgerConfig.Builder config) {
        Section tiers = nodes.section(parent.value("tiers"), parent.path("tiers"), null);
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
        Section s = nodes.section(node, tiers.path(name), TIER_KEYS);
        if (s == null) {
            return null;
        }
        int before = nodes.problemCount();
        Tier.Builder tier;
        try {
            tier = Tier.builder(name);
        } catch (IllegalArgumentException e) {
            nodes.problem(
                    tiers.keyNodes.get(name), s.path, tiers.path + " has an invalid tier name: " + e.getMessage());
            return null;
        }
        Credits start = nodes.credits(s, "startBalance");
        if (start != null) {
            nodes.attempt(BALANCE, s.value("startBalance"), () -> tier.startBalance(start));
        }
        Credits min = nodes.credits(s, "minBalance");
        if (min != null) {
            nodes.attempt(BALANCE, s.value("minBalance"), () -> tier.minBalance(min));
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
            Boolean enabled = nodes.bool(s, "autoRefillEnabled");
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
        Section models = nodes.section(s.value("models"), s.path("models"), MODEL_RULE_KEYS);
        if (models != null) {
            List<String> allow = patterns(models, "allow");
            List<String> deny = patterns(models, "deny");
            nodes.attempt(BALANCE, models.node, () -> tier.allowModels(allow.toArray(String[]::new)));
            nodes.attempt(BALANCE, models.node, () -> tier.denyModels(deny.toArray(String[]::new)));
        }
        String multiplierText =
                nodes.scalar(s.value("priceMultiplier"), s.path("priceMultiplier"), "a plain decimal number");
        if (multiplierText != null) {
            try {
                long millionths = Credits.parseScaled(multiplierText, 6, s.path("priceMultiplier"));
                nodes.attempt(
                        s.path, s.value("priceMultiplier"), () -> tier.priceMultiplier(new Multiplier(millionths)));
            } catch (IllegalArgumentException e) {
                nodes.problem(
                        s.value("priceMultiplier"),
                        s.path("priceMultiplier"),
                        Texts.quoting(e.getMessage(), multiplierText));
            }
        }
        Boolean exempt = nodes.bool(s, "exempt");
        if (exempt != null) {
            tier.exempt(exempt);
        }
        return nodes.problemCount() > before ? null : nodes.attempt(tiers.path, s.node, tier::build);
    }

    private List<String> patterns(Section models, String key) {
        List<String> out = new ArrayList<>();
        List<Node> items = nodes.list(models.value(key), models.path(key));
        for (int i = 0; items != null && i < items.size(); i++) {
            String itemPath = models.path(key) + "[" + i + "]";
            String pattern = nodes.scalar(items.get(i), itemPath, "a model name pattern");
            if (pattern != null && pattern.isBlank()) {
                nodes.problem(
                        items.get(i),
                        itemPath,
                        itemPath + " must be a model name pattern, was " + Texts.quote(pattern));
            } else if (pattern != null) {
                out.add(pattern);
            }
        }
        return out;
    }

    private void defaultTier(Section s, Set<String> tierNames, LedgerConfig.Builder config) {
        String name = nodes.text(s, "defaultTier", "a tier name");
        if (name == null) {
            return;
        }
        if (!tierNames.contains(name)) {
            nodes.problem(
                    s.value("defaultTier"),
                    s.path("defaultTier"),
                    s.path("defaultTier")
                            + (tierNames.isEmpty()
                                    ? " names a tier, but " + s.path("tiers") + " has none, was " + Texts.quote(name)
                                    : " must be one of the tiers " + String.join(", ", tierNames) + ", was "
                                            + Texts.quote(name)));
            return;
        }
        config.defaultTier(name);
    }

    private void notifications(Section parent, LedgerConfig.Builder config) {
        Section s = nodes.section(parent.value("notifications"), parent.path("notifications"), NOTIFICATION_KEYS);
        if (s == null) {
            return;
        }
        List<Node> below = nodes.list(s.value("balanceBelow"), s.path("balanceBelow"));
        if (below != null) {
            List<Credits> thresholds = new ArrayList<>();
            for (int i = 0; i < below.size(); i++) {
                Credits c = nodes.credits(below.get(i), s.path("balanceBelow") + "[" + i + "]");
                if (c != null) {
                    thresholds.add(c);
                }
            }
            config.balanceThresholds(thresholds.toArray(Credits[]::new));
        }
        List<Node> percents = nodes.list(s.value("windowPercent"), s.path("windowPercent"));
        if (percents != null) {
            List<Integer> values = new ArrayList<>();
            for (int i = 0; i < percents.size(); i++) {
                String itemPath = s.path("windowPercent") + "[" + i + "]";
                Long p = nodes.whole(percents.get(i), itemPath);
                if (p != null && (p < 1 || p > MAX_PERCENT)) {
                    nodes.problem(percents.get(i), itemPath, itemPath + " must be between 1 and 100, was " + p);
                } else if (p != null) {
                    values.add(p.intValue());
                }
            }
            config.windowThresholds(values.stream().mapToInt(Integer::intValue).toArray());
        }
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
