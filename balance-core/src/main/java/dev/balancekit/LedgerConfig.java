package dev.balancekit;

import dev.balancekit.policy.ShortfallPolicy;
import dev.balancekit.pricing.PriceTable;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The ledger's settings: an immutable value built in code with {@link #builder()}, or loaded from
 * the {@code balance:} section of a {@code librechat.yaml}-style file by the balance-yaml module.
 *
 * <p>Defaults follow LibreChat where it has the setting (start balance 20,000 credits, holds of
 * 30 minutes, unknown models at 6 credits per token) with one exception: a config built in code is
 * enabled unless {@link Builder#enabled(boolean)} says otherwise, since code that builds a ledger
 * means to use it.
 */
public final class LedgerConfig {

    /** The shortest hold lifetime accepted, as LibreChat's {@code reservationTtlMs} minimum. */
    public static final Duration MIN_HOLD_TTL = Duration.ofSeconds(10);

    /**
     * The longest hold lifetime accepted: 7 days. A hold covers one model call, and a long stream
     * keeps its hold with {@link BalanceLedger#extendHold(String, String)}; a hold whose host died
     * blocks the user's credits until it expires, so it must expire within days. The bound also
     * keeps every expiry time ({@code now + holdTtl}) far inside the range of an {@code Instant},
     * of milliseconds in a {@code long} and of a MongoDB date.
     */
    public static final Duration MAX_HOLD_TTL = Duration.ofDays(7);

    private final boolean enabled;
    private final Credits startBalance;
    private final Credits minBalance;
    private final ShortfallPolicy shortfallPolicy;
    private final boolean enforceForExempt;
    private final PriceTable prices;
    private final UnknownModelPolicy unknownModels;
    private final Duration holdTtl;
    private final int operationsKept;
    private final Duration idempotencyRetention;
    private final ZoneId zone;
    private final UsageLimits usageLimits;
    private final @Nullable Refill refill;
    private final Map<String, Tier> tiers;
    private final @Nullable String defaultTier;
    private final List<Credits> balanceThresholds;
    private final List<Integer> windowThresholds;
    private final boolean clampAtZero;
    private final boolean firstRefillAfterInterval;
    private final boolean metering;

    private LedgerConfig(Builder b) {
        this.enabled = b.enabled;
        this.startBalance = b.startBalance;
        this.minBalance = b.minBalance;
        this.shortfallPolicy = b.shortfallPolicy;
        this.enforceForExempt = b.enforceForExempt;
        this.prices = b.prices != null ? b.prices : PriceTable.builtIn();
        this.unknownModels = b.unknownModels;
        this.holdTtl = b.holdTtl;
        this.operationsKept = b.operationsKept;
        this.idempotencyRetention = b.idempotencyRetention;
        this.zone = b.zone;
        this.usageLimits = b.usageLimits;
        this.refill = b.refill;
        this.tiers = Collections.unmodifiableMap(new LinkedHashMap<>(b.tiers));
        this.defaultTier = b.defaultTier;
        this.balanceThresholds = List.copyOf(b.balanceThresholds);
        this.windowThresholds = List.copyOf(b.windowThresholds);
        this.clampAtZero = b.clampAtZero;
        this.firstRefillAfterInterval = b.firstRefillAfterInterval;
        this.metering = b.metering;
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the defaults: enabled, 20,000 credits to start, block on shortfall, built-in prices */
    public static LedgerConfig defaults() {
        return builder().build();
    }

    /** @return a builder holding this config's values */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.enabled = enabled;
        b.startBalance = startBalance;
        b.minBalance = minBalance;
        b.shortfallPolicy = shortfallPolicy;
        b.enforceForExempt = enforceForExempt;
        b.prices = prices;
        b.unknownModels = unknownModels;
        b.holdTtl = holdTtl;
        b.operationsKept = operationsKept;
        b.idempotencyRetention = idempotencyRetention;
        b.zone = zone;
        b.usageLimits = usageLimits;
        b.refill = refill;
        b.tiers.putAll(tiers);
        b.defaultTier = defaultTier;
        b.balanceThresholds = balanceThresholds;
        b.windowThresholds = windowThresholds;
        b.clampAtZero = clampAtZero;
        b.firstRefillAfterInterval = firstRefillAfterInterval;
        b.metering = metering;
        return b;
    }

    /** @return whether balances are enforced; when false, checks allow and charges leave the balance alone */
    public boolean enabled() {
        return enabled;
    }

    /** @return the credits a new account starts with */
    public Credits startBalance() {
        return startBalance;
    }

    /** @return the balance a checked request must leave available */
    public Credits minBalance() {
        return minBalance;
    }

    /** @return what to do when a request does not fit */
    public ShortfallPolicy shortfallPolicy() {
        return shortfallPolicy;
    }

    /** @return whether exempt callers are checked all the same */
    public boolean enforceForExempt() {
        return enforceForExempt;
    }

    /** @return the price table */
    public PriceTable prices() {
        return prices;
    }

    /**
     * @return what happens to a model priced only by a generic row or the default price:
     *     {@link UnknownModelPolicy#CHARGE} by default
     */
    public UnknownModelPolicy unknownModels() {
        return unknownModels;
    }

    /** @return how long a hold lasts unless extended */
    public Duration holdTtl() {
        return holdTtl;
    }

    /** @return how many keyed operations each account remembers with their exact first results */
    public int operationsKept() {
        return operationsKept;
    }

    /** @return how long a repeated idempotency key is recognised, however many operations came since */
    public Duration idempotencyRetention() {
        return idempotencyRetention;
    }

    /** @return the zone in which usage windows and calendar refill intervals are counted (UTC by default) */
    public ZoneId zone() {
        return zone;
    }

    /** @return the usage caps, {@link UsageLimits#NONE} by default */
    public UsageLimits usageLimits() {
        return usageLimits;
    }

    /** @return the auto-refill settings, or null when auto-refill is off (the default) */
    public @Nullable Refill refill() {
        return refill;
    }

    /** @return the tiers by name, in the order they were added */
    public Map<String, Tier> tiers() {
        return tiers;
    }

    /** @return the tier of accounts that have none set, or null when there are no tiers */
    public @Nullable String defaultTier() {
        return defaultTier;
    }

    /**
     * The tier that applies to an account.
     *
     * @param accountTier the tier set on the account, or null
     * @return that tier if it is configured, else the default tier, or null when there is none
     */
    public @Nullable Tier tierOf(@Nullable String accountTier) {
        Tier t = accountTier == null ? null : tiers.get(accountTier);
        if (t == null && defaultTier != null) {
            t = tiers.get(defaultTier);
        }
        return t;
    }

    /** @return balances whose downward crossing is reported as an event, highest first */
    public List<Credits> balanceThresholds() {
        return balanceThresholds;
    }

    /** @return percentages of a window's cap whose passing is reported as an event, lowest first */
    public List<Integer> windowThresholds() {
        return windowThresholds;
    }

    /**
     * The auto-refill that applies to an account: its tier's, else this config's.
     *
     * @param accountTier the tier an administrator set on the account, or null for the default tier
     * @return the refill settings, or null when the account is not refilled
     */
    public @Nullable Refill refillFor(@Nullable String accountTier) {
        Tier t = tierOf(accountTier);
        if (t == null) {
            return refill;
        }
        return t.refillDisabled() ? null : t.refill() != null ? t.refill() : refill;
    }

    /**
     * The auto-refill that applies to an account with its own override: the override wins over the
     * tier, which wins over this config.
     *
     * @param accountTier the tier an administrator set on the account, or null for the default tier
     * @param override the account's own refill settings, or null
     * @return the refill settings, or null when the account is not refilled
     */
    public @Nullable Refill refillFor(@Nullable String accountTier, @Nullable RefillOverride override) {
        return override != null ? override.effective() : refillFor(accountTier);
    }

    /**
     * @return whether a charge stops at a zero balance, as LibreChat's do, writing what it would
     *     have taken below zero off as an entry of its own ({@link EntryContext#WRITE_OFF})
     */
    public boolean clampAtZero() {
        return clampAtZero;
    }

    /**
     * @return whether a new account waits one full refill interval before its first automatic
     *     refill, as in LibreChat (true, the default), instead of being refilled at once
     */
    public boolean firstRefillAfterInterval() {
        return firstRefillAfterInterval;
    }

    /**
     * @return whether the ledger meters only: charges are recorded at their real value, also while
     *     {@link #enabled()} is false, and no check or reservation is ever refused
     */
    public boolean metering() {
        return metering;
    }

    @Override
    public String toString() {
        return "LedgerConfig{enabled=" + enabled + ", startBalance=" + startBalance + ", minBalance=" + minBalance
                + ", shortfallPolicy=" + shortfallPolicy + ", enforceForExempt=" + enforceForExempt
                + ", unknownModels=" + unknownModels
                + ", holdTtl=" + holdTtl + ", operationsKept=" + operationsKept
                + ", idempotencyRetention=" + idempotencyRetention + ", zone=" + zone
                + ", usageLimits=" + usageLimits + ", refill=" + refill + ", tiers=" + tiers.keySet()
                + ", defaultTier=" + defaultTier + ", balanceThresholds=" + balanceThresholds
                + ", windowThresholds=" + windowThresholds + ", clampAtZero=" + clampAtZero
                + ", firstRefillAfterInterval=" + firstRefillAfterInterval + ", metering=" + metering + "}";
    }

    /** Builds a {@link LedgerConfig}; every setter checks its value at once. */
    public static final class Builder {
        private boolean enabled = true;
        private Credits startBalance = Credits.of(20_000);
        private Credits minBalance = Credits.ZERO;
        private ShortfallPolicy shortfallPolicy = ShortfallPolicy.block();
        private boolean enforceForExempt;
        private @Nullable PriceTable prices;
        private UnknownModelPolicy unknownModels = UnknownModelPolicy.CHARGE;
        private Duration holdTtl = Duration.ofMinutes(30);
        private int operationsKept = 16;
        private Duration idempotencyRetention = Duration.ofHours(24);
        private ZoneId zone = ZoneOffset.UTC;
        private UsageLimits usageLimits = UsageLimits.NONE;
        private @Nullable Refill refill;
        private final Map<String, Tier> tiers = new LinkedHashMap<>();
        private @Nullable String defaultTier;
        private List<Credits> balanceThresholds = List.of();
        private List<Integer> windowThresholds = List.of();
        private boolean clampAtZero;
        private boolean firstRefillAfterInterval = true;
        private boolean metering;

        private Builder() {}

        /**
         * Makes charges stop at a zero balance, LibreChat's rule: the part of a charge that would take
         * the balance below zero (or below a balance that was negative already) is written off, as a
         * credits entry of context {@link EntryContext#WRITE_OFF} right after the charge, so the balance
         * is still the sum of its entries. Off by default: a charge is recorded whole.
         *
         * @param clamp whether to clamp
         * @return this builder
         */
        public Builder clampAtZero(boolean clamp) {
            this.clampAtZero = clamp;
            return this;
        }

        /**
         * Sets when a new account's automatic refills start. {@code true} (the default, LibreChat's
         * behaviour): the refill period starts when the account is funded, so the first {@code add}
         * refill comes one full interval later. {@code false}: a new account is refilled at its first
         * check that needs it. Reset and top-up refills, which set the balance of the current
         * period, apply to a new account at once either way.
         *
         * @param afterInterval whether the first refill waits one interval
         * @return this builder
         */
        public Builder firstRefillAfterInterval(boolean afterInterval) {
            this.firstRefillAfterInterval = afterInterval;
            return this;
        }

        /**
         * Turns on metering: every charge is recorded at its real value (also while the balance
         * system is disabled, as LibreChat records transactions then), and checks and reservations
         * are never refused, so usage reports work before enforcement starts. Balances may go below
         * zero; they are still the sum of their entries. Off by default.
         *
         * @param metering whether to meter only
         * @return this builder
         */
        public Builder metering(boolean metering) {
            this.metering = metering;
            return this;
        }

        /**
         * Sets the zone in which days, weeks and months are counted, for usage windows and
         * calendar refill intervals.
         *
         * @param zone the zone, UTC by default
         * @return this builder
         */
        public Builder zone(ZoneId zone) {
            this.zone = Objects.requireNonNull(zone, "timezone");
            return this;
        }

        /**
         * Sets the usage caps for every account (a tier may replace them).
         *
         * @param limits the caps, {@link UsageLimits#NONE} by default
         * @return this builder
         */
        public Builder usageLimits(UsageLimits limits) {
            this.usageLimits = Objects.requireNonNull(limits, "usageLimits");
            return this;
        }

        /**
         * Turns auto-refill on with the given settings, or off with null.
         *
         * @param refill the settings, or null (the default) for no auto-refill
         * @return this builder
         */
        public Builder refill(@Nullable Refill refill) {
            this.refill = refill;
            return this;
        }

        /**
         * Adds a tier, replacing one of the same name.
         *
         * @param tier the tier
         * @return this builder
         */
        public Builder tier(Tier tier) {
            Objects.requireNonNull(tier, "tier");
            tiers.put(tier.name(), tier);
            return this;
        }

        /**
         * Sets the tier of accounts that have none set; it must be one of the tiers when the
         * config is built.
         *
         * @param name the tier name, or null for none
         * @return this builder
         */
        public Builder defaultTier(@Nullable String name) {
            this.defaultTier = name;
            return this;
        }

        /**
         * Sets the balances whose downward crossing raises a {@link BalanceEvent.BalanceBelow}.
         *
         * @param thresholds the balances
         * @return this builder
         */
        public Builder balanceThresholds(Credits... thresholds) {
            TreeSet<Credits> sorted = new TreeSet<>(Collections.reverseOrder());
            for (Credits c : thresholds) {
                sorted.add(Objects.requireNonNull(c, "balanceThresholds"));
            }
            this.balanceThresholds = List.copyOf(sorted);
            return this;
        }

        /**
         * Sets the percentages of a window's cap whose passing raises a
         * {@link BalanceEvent.WindowThreshold}, for example 80 and 95.
         *
         * @param percents 1 to 100 each
         * @return this builder
         * @throws IllegalArgumentException if a percentage is out of range
         */
        public Builder windowThresholds(int... percents) {
            TreeSet<Integer> sorted = new TreeSet<>();
            for (int p : percents) {
                if (p < 1 || p > 100) {
                    throw new IllegalArgumentException("windowThresholds must be between 1 and 100, was " + p);
                }
                sorted.add(p);
            }
            this.windowThresholds = new ArrayList<>(sorted);
            return this;
        }

        /**
         * Turns balance enforcement on or off.
         *
         * @param enabled whether balances are enforced
         * @return this builder
         */
        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        /**
         * Sets the credits a new account starts with (LibreChat's {@code startBalance}).
         *
         * @param startBalance zero or more credits
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder startBalance(Credits startBalance) {
            this.startBalance = Requests.requireNotNegative("startBalance", startBalance);
            return this;
        }

        /**
         * Sets the balance a request must leave available under the block policy.
         *
         * @param minBalance zero or more credits
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder minBalance(Credits minBalance) {
            this.minBalance = Requests.requireNotNegative("minBalance", minBalance);
            return this;
        }

        /**
         * Sets what happens when a request does not fit.
         *
         * @param policy the policy, {@link ShortfallPolicy#block()} by default
         * @return this builder
         */
        public Builder shortfallPolicy(ShortfallPolicy policy) {
            this.shortfallPolicy = Objects.requireNonNull(policy, "shortfallPolicy");
            return this;
        }

        /**
         * Makes exempt callers (administrators) go through the check all the same.
         *
         * @param enforce whether to check exempt callers
         * @return this builder
         */
        public Builder enforceForExempt(boolean enforce) {
            this.enforceForExempt = enforce;
            return this;
        }

        /**
         * Sets the price table, {@link PriceTable#builtIn()} by default.
         *
         * @param prices the table
         * @return this builder
         */
        public Builder prices(PriceTable prices) {
            this.prices = Objects.requireNonNull(prices, "prices");
            return this;
        }

        /**
         * Sets what happens to a model priced only by a generic row or the default price: charge it
         * (the default, as LibreChat does) or refuse checks and reservations for it with
         * {@link DenialReason#UNKNOWN_MODEL}.
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder unknownModels(UnknownModelPolicy policy) {
            this.unknownModels = Objects.requireNonNull(policy, "unknownModels");
            return this;
        }

        /**
         * Sets how long a hold lasts unless extended (LibreChat's {@code reservationTtlMs}).
         *
         * @param ttl at least {@link #MIN_HOLD_TTL} (10 seconds), at most {@link #MAX_HOLD_TTL} (7 days)
         * @return this builder
         * @throws IllegalArgumentException if shorter than 10 seconds
         * @throws IllegalArgumentException if longer than 7 days
         */
        public Builder holdTtl(Duration ttl) {
            Objects.requireNonNull(ttl, "holdTtl");
            // the value is shown as ISO-8601 text: in milliseconds a huge duration does not fit a long
            if (ttl.compareTo(MIN_HOLD_TTL) < 0) {
                throw new IllegalArgumentException("holdTtl must be at least 10 s, was " + ttl);
            }
            if (ttl.compareTo(MAX_HOLD_TTL) > 0) {
                throw new IllegalArgumentException("holdTtl must be at most 7 days, was " + ttl);
            }
            this.holdTtl = ttl;
            return this;
        }

        /**
         * Sets how many keyed operations each account remembers with their exact first results (16
         * by default). A repeat of one of them is answered from the account alone. An older key is
         * still recognised within the {@linkplain #idempotencyRetention(Duration) retention}: a
         * charge or balance change by its entries in the history, whose replay reports the
         * available balance at the time of the replay; a reservation only while it is among these.
         *
         * @param count 1 to 10,000
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder operationsKept(int count) {
            if (count < 1 || count > 10_000) {
                throw new IllegalArgumentException("operationsKept must be between 1 and 10000, was " + count);
            }
            this.operationsKept = count;
            return this;
        }

        /**
         * Sets how long an idempotency key is recognised (24 hours by default): a charge or balance
         * change repeated with the same key within this time is applied once, however many
         * operations the account made since. The account keeps a compact summary of the keys of
         * this period, which answers "certainly new" for a new key without reading anything; only
         * a key that may have been used is looked up in the history.
         *
         * @param retention 1 minute to 366 days
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder idempotencyRetention(Duration retention) {
            Objects.requireNonNull(retention, "idempotencyRetention");
            if (retention.compareTo(Duration.ofMinutes(1)) < 0 || retention.compareTo(Duration.ofDays(366)) > 0) {
                throw new IllegalArgumentException(
                        "idempotencyRetention must be between 1 minute and 366 days, was " + retention);
            }
            this.idempotencyRetention = retention;
            return this;
        }

        /**
         * Builds the config.
         *
         * @return the config
         * @throws IllegalArgumentException if the default tier is not one of the tiers
         */
        public LedgerConfig build() {
            if (defaultTier != null && !tiers.containsKey(defaultTier)) {
                throw new IllegalArgumentException("defaultTier '" + defaultTier + "' is not a configured tier; tiers: "
                        + (tiers.isEmpty() ? "none" : String.join(", ", tiers.keySet())));
            }
            return new LedgerConfig(this);
        }
    }
}
