package dev.balancekit.spring;

import dev.balancekit.RefillMode;
import dev.balancekit.RefillUnit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code balancekit.*} properties: the store, where the config comes from, and every
 * {@link dev.balancekit.LedgerConfig} setting. Amounts of credits, rates and multipliers are plain
 * decimal text ({@code 20000}, {@code 2.5}), read exactly, never through floating point. A setting
 * left out keeps the {@code LedgerConfig} default. With {@code balancekit.config-file} the ledger
 * settings come from that {@code librechat.yaml} instead, and these are not read.
 */
@ConfigurationProperties("balancekit")
public class BalanceKitProperties {

    /** Where balances are kept. */
    public enum StoreType {
        /** MongoDB when the application has a reactive {@code MongoClient} bean, else in memory. */
        AUTO,
        /** In memory: lost at shutdown; for tests, demos and single-process hosts. */
        MEMORY,
        /** MongoDB: the application's reactive client, or one made from {@code balancekit.mongodb.uri}. */
        MONGODB
    }

    /** What happens when a request does not fit. */
    public enum ShortfallAction {
        /** Refuse the request. */
        BLOCK,
        /** Let the balance go below zero, down to {@code negative-floor} when given. */
        ALLOW_NEGATIVE,
        /** Answer with {@code free-model} instead. */
        FREE_MODEL
    }

    /** The unit of every rate under {@code balancekit.prices}. */
    public enum PriceUnit {
        /** Credits per 1,000 tokens, LibreChat's "standard format": {@code 2500} is 2.5 credits a token. */
        CREDITS_PER_1K_TOKENS,
        /** USD per 1M tokens, the unit of LibreChat's price table: {@code 2.5}. */
        USD_PER_1M_TOKENS
    }

    /** Where balances are kept: auto, memory or mongodb. */
    private StoreType store = StoreType.AUTO;

    /** A librechat.yaml whose balance section configures the ledger instead of these properties. */
    private @Nullable String configFile;

    /** Whether a change of the config file is applied to the running ledger. */
    private boolean reload = true;

    /** Whether balances are enforced (a config built from properties is enabled by default). */
    private @Nullable Boolean enabled;

    /** Credits a new account starts with (default 20000). */
    private @Nullable String startBalance;

    /** Balance a checked request must leave available (default 0). */
    private @Nullable String minBalance;

    /** Whether exempt callers (administrators) are checked all the same. */
    private @Nullable Boolean enforceForExempt;

    /** How long a hold lasts unless extended, at least 10 s (default 30m). */
    private @Nullable Duration holdTtl;

    /** How many idempotency keys each account remembers, 1 to 10000 (default 100). */
    private @Nullable Integer operationsKept;

    /** The zone in which days, weeks and months are counted (default UTC). */
    private @Nullable String zone;

    /** The tier of accounts that have none set. */
    private @Nullable String defaultTier;

    private final Shortfall shortfall = new Shortfall();
    private final Limits usageLimits = new Limits();
    private final RefillSettings refill = new RefillSettings();
    private final Prices prices = new Prices();
    private final Notifications notifications = new Notifications();
    private final Map<String, TierSettings> tiers = new LinkedHashMap<>();
    private final Mongodb mongodb = new Mongodb();

    /** @return where balances are kept */
    public StoreType getStore() {
        return store;
    }

    /** @param store where balances are kept */
    public void setStore(StoreType store) {
        this.store = store;
    }

    /** @return the config file, or null to configure from properties */
    public @Nullable String getConfigFile() {
        return configFile;
    }

    /** @param configFile the config file */
    public void setConfigFile(@Nullable String configFile) {
        this.configFile = configFile;
    }

    /** @return whether a changed config file is applied */
    public boolean isReload() {
        return reload;
    }

    /** @param reload whether a changed config file is applied */
    public void setReload(boolean reload) {
        this.reload = reload;
    }

    /** @return whether balances are enforced, or null for the default */
    public @Nullable Boolean getEnabled() {
        return enabled;
    }

    /** @param enabled whether balances are enforced */
    public void setEnabled(@Nullable Boolean enabled) {
        this.enabled = enabled;
    }

    /** @return the start balance as decimal text, or null */
    public @Nullable String getStartBalance() {
        return startBalance;
    }

    /** @param startBalance the start balance as decimal text */
    public void setStartBalance(@Nullable String startBalance) {
        this.startBalance = startBalance;
    }

    /** @return the minimum balance as decimal text, or null */
    public @Nullable String getMinBalance() {
        return minBalance;
    }

    /** @param minBalance the minimum balance as decimal text */
    public void setMinBalance(@Nullable String minBalance) {
        this.minBalance = minBalance;
    }

    /** @return whether exempt callers are checked, or null */
    public @Nullable Boolean getEnforceForExempt() {
        return enforceForExempt;
    }

    /** @param enforceForExempt whether exempt callers are checked */
    public void setEnforceForExempt(@Nullable Boolean enforceForExempt) {
        this.enforceForExempt = enforceForExempt;
    }

    /** @return the hold lifetime, or null */
    public @Nullable Duration getHoldTtl() {
        return holdTtl;
    }

    /** @param holdTtl the hold lifetime */
    public void setHoldTtl(@Nullable Duration holdTtl) {
        this.holdTtl = holdTtl;
    }

    /** @return the idempotency keys kept per account, or null */
    public @Nullable Integer getOperationsKept() {
        return operationsKept;
    }

    /** @param operationsKept the idempotency keys kept per account */
    public void setOperationsKept(@Nullable Integer operationsKept) {
        this.operationsKept = operationsKept;
    }

    /** @return the zone id, or null */
    public @Nullable String getZone() {
        return zone;
    }

    /** @param zone the zone id */
    public void setZone(@Nullable String zone) {
        this.zone = zone;
    }

    /** @return the default tier, or null */
    public @Nullable String getDefaultTier() {
        return defaultTier;
    }

    /** @param defaultTier the default tier */
    public void setDefaultTier(@Nullable String defaultTier) {
        this.defaultTier = defaultTier;
    }

    /** @return what happens when a request does not fit */
    public Shortfall getShortfall() {
        return shortfall;
    }

    /** @return the usage caps */
    public Limits getUsageLimits() {
        return usageLimits;
    }

    /** @return the auto-refill settings */
    public RefillSettings getRefill() {
        return refill;
    }

    /** @return the prices */
    public Prices getPrices() {
        return prices;
    }

    /** @return the event thresholds */
    public Notifications getNotifications() {
        return notifications;
    }

    /** @return the tiers by name */
    public Map<String, TierSettings> getTiers() {
        return tiers;
    }

    /** @return the MongoDB store settings */
    public Mongodb getMongodb() {
        return mongodb;
    }

    /** What happens when a request does not fit ({@code ShortfallPolicy}). */
    public static class Shortfall {
        /** block, allow-negative or free-model (default block). */
        private @Nullable ShortfallAction action;

        /** The model to answer with instead; required with action free-model. */
        private @Nullable String freeModel;

        /** The lowest balance a request may take an account to, 0 or less; only with allow-negative. */
        private @Nullable String negativeFloor;

        /** @return the action, or null for the default */
        public @Nullable ShortfallAction getAction() {
            return action;
        }

        /** @param action the action */
        public void setAction(@Nullable ShortfallAction action) {
            this.action = action;
        }

        /** @return the free model, or null */
        public @Nullable String getFreeModel() {
            return freeModel;
        }

        /** @param freeModel the free model */
        public void setFreeModel(@Nullable String freeModel) {
            this.freeModel = freeModel;
        }

        /** @return the negative floor as decimal text, or null */
        public @Nullable String getNegativeFloor() {
            return negativeFloor;
        }

        /** @param negativeFloor the negative floor as decimal text */
        public void setNegativeFloor(@Nullable String negativeFloor) {
            this.negativeFloor = negativeFloor;
        }

        boolean isSet() {
            return action != null || freeModel != null || negativeFloor != null;
        }
    }

    /** Caps per calendar day, ISO week and month ({@code UsageLimits}); a cap left out is no cap. */
    public static class Limits {
        /** Credits per day. */
        private @Nullable String daily;
        /** Credits per ISO week. */
        private @Nullable String weekly;
        /** Credits per month. */
        private @Nullable String monthly;
        /** Prompt plus completion tokens per day. */
        private @Nullable Long dailyTokens;
        /** Tokens per ISO week. */
        private @Nullable Long weeklyTokens;
        /** Tokens per month. */
        private @Nullable Long monthlyTokens;

        /** @return credits per day, or null */
        public @Nullable String getDaily() {
            return daily;
        }

        /** @param daily credits per day */
        public void setDaily(@Nullable String daily) {
            this.daily = daily;
        }

        /** @return credits per week, or null */
        public @Nullable String getWeekly() {
            return weekly;
        }

        /** @param weekly credits per week */
        public void setWeekly(@Nullable String weekly) {
            this.weekly = weekly;
        }

        /** @return credits per month, or null */
        public @Nullable String getMonthly() {
            return monthly;
        }

        /** @param monthly credits per month */
        public void setMonthly(@Nullable String monthly) {
            this.monthly = monthly;
        }

        /** @return tokens per day, or null */
        public @Nullable Long getDailyTokens() {
            return dailyTokens;
        }

        /** @param dailyTokens tokens per day */
        public void setDailyTokens(@Nullable Long dailyTokens) {
            this.dailyTokens = dailyTokens;
        }

        /** @return tokens per week, or null */
        public @Nullable Long getWeeklyTokens() {
            return weeklyTokens;
        }

        /** @param weeklyTokens tokens per week */
        public void setWeeklyTokens(@Nullable Long weeklyTokens) {
            this.weeklyTokens = weeklyTokens;
        }

        /** @return tokens per month, or null */
        public @Nullable Long getMonthlyTokens() {
            return monthlyTokens;
        }

        /** @param monthlyTokens tokens per month */
        public void setMonthlyTokens(@Nullable Long monthlyTokens) {
            this.monthlyTokens = monthlyTokens;
        }

        boolean isSet() {
            return daily != null
                    || weekly != null
                    || monthly != null
                    || dailyTokens != null
                    || weeklyTokens != null
                    || monthlyTokens != null;
        }
    }

    /** Automatic refill ({@code Refill}); keys left out take LibreChat's defaults. */
    public static class RefillSettings {
        /** Whether balances are refilled automatically. */
        private @Nullable Boolean enabled;
        /** add, reset or top-up (default add). */
        private @Nullable RefillMode mode;
        /** Length of a refill period in interval-units, 1 to 1000000 (default 30). */
        private @Nullable Long intervalValue;
        /** seconds, minutes, hours, days, weeks or months (default days). */
        private @Nullable RefillUnit intervalUnit;
        /** Credits per refill; for top-up and reset the target balance (default 10000). */
        private @Nullable String amount;

        /** @return whether refill is on, or null */
        public @Nullable Boolean getEnabled() {
            return enabled;
        }

        /** @param enabled whether refill is on */
        public void setEnabled(@Nullable Boolean enabled) {
            this.enabled = enabled;
        }

        /** @return the mode, or null */
        public @Nullable RefillMode getMode() {
            return mode;
        }

        /** @param mode the mode */
        public void setMode(@Nullable RefillMode mode) {
            this.mode = mode;
        }

        /** @return the interval length, or null */
        public @Nullable Long getIntervalValue() {
            return intervalValue;
        }

        /** @param intervalValue the interval length */
        public void setIntervalValue(@Nullable Long intervalValue) {
            this.intervalValue = intervalValue;
        }

        /** @return the interval unit, or null */
        public @Nullable RefillUnit getIntervalUnit() {
            return intervalUnit;
        }

        /** @param intervalUnit the interval unit */
        public void setIntervalUnit(@Nullable RefillUnit intervalUnit) {
            this.intervalUnit = intervalUnit;
        }

        /** @return the amount as decimal text, or null */
        public @Nullable String getAmount() {
            return amount;
        }

        /** @param amount the amount as decimal text */
        public void setAmount(@Nullable String amount) {
            this.amount = amount;
        }

        boolean anyKey() {
            return mode != null || intervalValue != null || intervalUnit != null || amount != null;
        }
    }

    /** The price table ({@code PriceTable}). */
    public static class Prices {
        /** Start from the built-in table (LibreChat's prices), then apply default and models. */
        private boolean builtIn = true;
        /** The unit of every rate here (default credits-per-1k-tokens). */
        private PriceUnit unit = PriceUnit.CREDITS_PER_1K_TOKENS;
        /** The price of models that match no row. */
        private @Nullable Price defaultPrice;
        /** Rows by table key; a key the table has replaces its row. */
        private final Map<String, Price> models = new LinkedHashMap<>();

        /** @return whether to start from the built-in table */
        public boolean isBuiltIn() {
            return builtIn;
        }

        /** @param builtIn whether to start from the built-in table */
        public void setBuiltIn(boolean builtIn) {
            this.builtIn = builtIn;
        }

        /** @return the rate unit */
        public PriceUnit getUnit() {
            return unit;
        }

        /** @param unit the rate unit */
        public void setUnit(PriceUnit unit) {
            this.unit = unit;
        }

        /** @return the default price, or null */
        public @Nullable Price getDefaultPrice() {
            return defaultPrice;
        }

        /** @param defaultPrice the default price */
        public void setDefaultPrice(@Nullable Price defaultPrice) {
            this.defaultPrice = defaultPrice;
        }

        /** @return the rows by key */
        public Map<String, Price> getModels() {
            return models;
        }

        boolean isSet() {
            return !builtIn || defaultPrice != null || !models.isEmpty();
        }
    }

    /** One price: rates in the table's unit. */
    public static class Price {
        /** Uncached prompt tokens (required). */
        private @Nullable String prompt;
        /** Completion tokens (required). */
        private @Nullable String completion;
        /** Prompt tokens written to a cache (default: the prompt rate). */
        private @Nullable String cacheWrite;
        /** Prompt tokens read from a cache (default: the prompt rate). */
        private @Nullable String cacheRead;
        /** Long-context pricing. */
        private @Nullable PremiumPrice premium;

        /** @return the prompt rate, or null */
        public @Nullable String getPrompt() {
            return prompt;
        }

        /** @param prompt the prompt rate */
        public void setPrompt(@Nullable String prompt) {
            this.prompt = prompt;
        }

        /** @return the completion rate, or null */
        public @Nullable String getCompletion() {
            return completion;
        }

        /** @param completion the completion rate */
        public void setCompletion(@Nullable String completion) {
            this.completion = completion;
        }

        /** @return the cache-write rate, or null */
        public @Nullable String getCacheWrite() {
            return cacheWrite;
        }

        /** @param cacheWrite the cache-write rate */
        public void setCacheWrite(@Nullable String cacheWrite) {
            this.cacheWrite = cacheWrite;
        }

        /** @return the cache-read rate, or null */
        public @Nullable String getCacheRead() {
            return cacheRead;
        }

        /** @param cacheRead the cache-read rate */
        public void setCacheRead(@Nullable String cacheRead) {
            this.cacheRead = cacheRead;
        }

        /** @return the long-context pricing, or null */
        public @Nullable PremiumPrice getPremium() {
            return premium;
        }

        /** @param premium the long-context pricing */
        public void setPremium(@Nullable PremiumPrice premium) {
            this.premium = premium;
        }
    }

    /** Long-context pricing: above threshold prompt tokens these rates replace prompt and completion. */
    public static class PremiumPrice {
        /** Prompt tokens above which the premium rates apply. */
        private @Nullable Long threshold;
        /** The premium prompt rate. */
        private @Nullable String prompt;
        /** The premium completion rate. */
        private @Nullable String completion;

        /** @return the threshold, or null */
        public @Nullable Long getThreshold() {
            return threshold;
        }

        /** @param threshold the threshold */
        public void setThreshold(@Nullable Long threshold) {
            this.threshold = threshold;
        }

        /** @return the prompt rate, or null */
        public @Nullable String getPrompt() {
            return prompt;
        }

        /** @param prompt the prompt rate */
        public void setPrompt(@Nullable String prompt) {
            this.prompt = prompt;
        }

        /** @return the completion rate, or null */
        public @Nullable String getCompletion() {
            return completion;
        }

        /** @param completion the completion rate */
        public void setCompletion(@Nullable String completion) {
            this.completion = completion;
        }
    }

    /** Thresholds of balance events. */
    public static class Notifications {
        /** Balances whose downward crossing raises a BalanceBelow event. */
        private List<String> balanceBelow = new ArrayList<>();
        /** Percentages of a window's cap whose passing raises a WindowThreshold event, 1 to 100. */
        private List<Integer> windowPercent = new ArrayList<>();

        /** @return the balance thresholds as decimal text */
        public List<String> getBalanceBelow() {
            return balanceBelow;
        }

        /** @param balanceBelow the balance thresholds */
        public void setBalanceBelow(List<String> balanceBelow) {
            this.balanceBelow = balanceBelow;
        }

        /** @return the window percentages */
        public List<Integer> getWindowPercent() {
            return windowPercent;
        }

        /** @param windowPercent the window percentages */
        public void setWindowPercent(List<Integer> windowPercent) {
            this.windowPercent = windowPercent;
        }
    }

    /** A tier: the settings it overrides; what it leaves out comes from the top level. */
    public static class TierSettings {
        /** Start balance of the tier's new accounts. */
        private @Nullable String startBalance;
        /** Minimum balance. */
        private @Nullable String minBalance;
        /** Factor on every price for the tier, 0 to 1000 (0.8 is 20% off). */
        private @Nullable String priceMultiplier;
        /** true: not checked (still charged); false: checked even when the request is exempt. */
        private @Nullable Boolean exempt;

        private final Shortfall shortfall = new Shortfall();
        private final Limits usageLimits = new Limits();
        /** Whether the tier replaces the usage caps; set by giving any cap, or true for no caps. */
        private @Nullable Boolean replaceUsageLimits;

        private final RefillSettings refill = new RefillSettings();
        private final Models models = new Models();

        /** @return the start balance, or null */
        public @Nullable String getStartBalance() {
            return startBalance;
        }

        /** @param startBalance the start balance */
        public void setStartBalance(@Nullable String startBalance) {
            this.startBalance = startBalance;
        }

        /** @return the minimum balance, or null */
        public @Nullable String getMinBalance() {
            return minBalance;
        }

        /** @param minBalance the minimum balance */
        public void setMinBalance(@Nullable String minBalance) {
            this.minBalance = minBalance;
        }

        /** @return the price multiplier, or null */
        public @Nullable String getPriceMultiplier() {
            return priceMultiplier;
        }

        /** @param priceMultiplier the price multiplier */
        public void setPriceMultiplier(@Nullable String priceMultiplier) {
            this.priceMultiplier = priceMultiplier;
        }

        /** @return whether exempt, or null */
        public @Nullable Boolean getExempt() {
            return exempt;
        }

        /** @param exempt whether exempt */
        public void setExempt(@Nullable Boolean exempt) {
            this.exempt = exempt;
        }

        /** @return the tier's shortfall policy */
        public Shortfall getShortfall() {
            return shortfall;
        }

        /** @return the tier's usage caps */
        public Limits getUsageLimits() {
            return usageLimits;
        }

        /** @return whether the tier lifts or replaces the caps, or null */
        public @Nullable Boolean getReplaceUsageLimits() {
            return replaceUsageLimits;
        }

        /** @param replaceUsageLimits true to replace the caps with the tier's (none when it gives none) */
        public void setReplaceUsageLimits(@Nullable Boolean replaceUsageLimits) {
            this.replaceUsageLimits = replaceUsageLimits;
        }

        /** @return the tier's refill */
        public RefillSettings getRefill() {
            return refill;
        }

        /** @return the models the tier may use */
        public Models getModels() {
            return models;
        }
    }

    /** Models a tier may use: globs, ignoring case; a denied pattern wins. */
    public static class Models {
        /** With allow patterns, a model must match one. */
        private List<String> allow = new ArrayList<>();
        /** Models matching one of these are refused. */
        private List<String> deny = new ArrayList<>();

        /** @return the allowed globs */
        public List<String> getAllow() {
            return allow;
        }

        /** @param allow the allowed globs */
        public void setAllow(List<String> allow) {
            this.allow = allow;
        }

        /** @return the denied globs */
        public List<String> getDeny() {
            return deny;
        }

        /** @param deny the denied globs */
        public void setDeny(List<String> deny) {
            this.deny = deny;
        }
    }

    /** The MongoDB store. */
    public static class Mongodb {
        /** A connection string for a client of BalanceKit's own, when the application has none. */
        private @Nullable String uri;
        /** The database (default: the one in the uri, else spring.mongodb.database, else LibreChat). */
        private @Nullable String database;
        /** How often ledger entries still pending in account documents are copied to the transactions collection. */
        private Duration flushInterval = Duration.ofMinutes(1);
        /** BalanceKit's accounts collection (default balancekit_accounts); never LibreChat's balances. */
        private @Nullable String accountsCollection;
        /** BalanceKit's ledger entries collection (default balancekit_entries); never LibreChat's transactions. */
        private @Nullable String entriesCollection;

        /** @return the connection string, or null */
        public @Nullable String getUri() {
            return uri;
        }

        /** @param uri the connection string */
        public void setUri(@Nullable String uri) {
            this.uri = uri;
        }

        /** @return the database, or null */
        public @Nullable String getDatabase() {
            return database;
        }

        /** @param database the database */
        public void setDatabase(@Nullable String database) {
            this.database = database;
        }

        /** @return the flush interval */
        public Duration getFlushInterval() {
            return flushInterval;
        }

        /** @param flushInterval the flush interval */
        public void setFlushInterval(Duration flushInterval) {
            this.flushInterval = flushInterval;
        }

        /** @return the accounts collection, or null for the store's default */
        public @Nullable String getAccountsCollection() {
            return accountsCollection;
        }

        /** @param accountsCollection the accounts collection */
        public void setAccountsCollection(@Nullable String accountsCollection) {
            this.accountsCollection = accountsCollection;
        }

        /** @return the ledger entries collection, or null for the store's default */
        public @Nullable String getEntriesCollection() {
            return entriesCollection;
        }

        /** @param entriesCollection the ledger entries collection */
        public void setEntriesCollection(@Nullable String entriesCollection) {
            this.entriesCollection = entriesCollection;
        }
    }
}
