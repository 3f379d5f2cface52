package dev.balancekit;

import dev.balancekit.policy.ShortfallPolicy;
import dev.balancekit.pricing.PriceTable;
import java.time.Duration;
import java.util.Objects;

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

    private final boolean enabled;
    private final Credits startBalance;
    private final Credits minBalance;
    private final ShortfallPolicy shortfallPolicy;
    private final boolean enforceForExempt;
    private final PriceTable prices;
    private final Duration holdTtl;
    private final int operationsKept;

    private LedgerConfig(Builder b) {
        this.enabled = b.enabled;
        this.startBalance = b.startBalance;
        this.minBalance = b.minBalance;
        this.shortfallPolicy = b.shortfallPolicy;
        this.enforceForExempt = b.enforceForExempt;
        this.prices = b.prices != null ? b.prices : PriceTable.builtIn();
        this.holdTtl = b.holdTtl;
        this.operationsKept = b.operationsKept;
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
        b.holdTtl = holdTtl;
        b.operationsKept = operationsKept;
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

    /** @return how long a hold lasts unless extended */
    public Duration holdTtl() {
        return holdTtl;
    }

    /** @return how many idempotency keys (and closed hold ids) each account remembers */
    public int operationsKept() {
        return operationsKept;
    }

    @Override
    public String toString() {
        return "LedgerConfig{enabled=" + enabled + ", startBalance=" + startBalance + ", minBalance=" + minBalance
                + ", shortfallPolicy=" + shortfallPolicy + ", enforceForExempt=" + enforceForExempt
                + ", holdTtl=" + holdTtl + ", operationsKept=" + operationsKept + "}";
    }

    /** Builds a {@link LedgerConfig}; every setter checks its value at once. */
    public static final class Builder {
        private boolean enabled = true;
        private Credits startBalance = Credits.of(20_000);
        private Credits minBalance = Credits.ZERO;
        private ShortfallPolicy shortfallPolicy = ShortfallPolicy.block();
        private boolean enforceForExempt;
        private PriceTable prices;
        private Duration holdTtl = Duration.ofMinutes(30);
        private int operationsKept = 100;

        private Builder() {
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
            Objects.requireNonNull(startBalance, "startBalance");
            if (startBalance.isNegative()) {
                throw new IllegalArgumentException("startBalance must be zero or more, was " + startBalance);
            }
            this.startBalance = startBalance;
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
            Objects.requireNonNull(minBalance, "minBalance");
            if (minBalance.isNegative()) {
                throw new IllegalArgumentException("minBalance must be zero or more, was " + minBalance);
            }
            this.minBalance = minBalance;
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
         * Sets how long a hold lasts unless extended (LibreChat's {@code reservationTtlMs}).
         *
         * @param ttl at least {@link #MIN_HOLD_TTL}
         * @return this builder
         * @throws IllegalArgumentException if shorter than 10 seconds
         */
        public Builder holdTtl(Duration ttl) {
            Objects.requireNonNull(ttl, "holdTtl");
            if (ttl.compareTo(MIN_HOLD_TTL) < 0) {
                throw new IllegalArgumentException("holdTtl must be at least " + MIN_HOLD_TTL.toMillis()
                        + " ms, was " + ttl.toMillis() + " ms");
            }
            this.holdTtl = ttl;
            return this;
        }

        /**
         * Sets how many idempotency keys each account remembers. A key older than the last this
         * many keyed operations of the account is forgotten, and repeating it charges again.
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

        /** @return the config */
        public LedgerConfig build() {
            return new LedgerConfig(this);
        }
    }
}
