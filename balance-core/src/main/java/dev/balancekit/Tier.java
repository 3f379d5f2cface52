package dev.balancekit;

import dev.balancekit.policy.ShortfallPolicy;
import dev.balancekit.pricing.Multiplier;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A named set of overrides of the config's account settings. Every account has a tier: the one an
 * administrator set, or the config's default tier. A setting a tier leaves unset comes from the
 * config.
 *
 * <p>Model patterns are globs on the model name, case-insensitive: {@code *} matches any run of
 * characters, {@code ?} one character. A denied pattern wins over an allowed one; with allowed
 * patterns, a model must match one of them.
 */
public final class Tier {
    private final String name;
    private final @Nullable Credits startBalance;
    private final @Nullable Credits minBalance;
    private final @Nullable ShortfallPolicy shortfallPolicy;
    private final @Nullable UsageLimits usageLimits;
    private final @Nullable Refill refill;
    private final boolean refillDisabled;
    private final List<String> allowedModels;
    private final List<String> deniedModels;
    private final List<Pattern> allowed;
    private final List<Pattern> denied;
    private final @Nullable Multiplier priceMultiplier;
    private final @Nullable Boolean exempt;

    private Tier(Builder b) {
        this.name = b.name;
        this.startBalance = b.startBalance;
        this.minBalance = b.minBalance;
        this.shortfallPolicy = b.shortfallPolicy;
        this.usageLimits = b.usageLimits;
        this.refill = b.refill;
        this.refillDisabled = b.refillDisabled;
        this.allowedModels = List.copyOf(b.allowedModels);
        this.deniedModels = List.copyOf(b.deniedModels);
        this.allowed = compile(allowedModels);
        this.denied = compile(deniedModels);
        this.priceMultiplier = b.priceMultiplier;
        this.exempt = b.exempt;
    }

    /**
     * Starts a tier.
     *
     * @param name the tier name
     * @return the builder
     * @throws IllegalArgumentException if the name is blank
     */
    public static Builder builder(String name) {
        return new Builder(Requests.requireText("tier", name));
    }

    /** @return the name */
    public String name() {
        return name;
    }

    /** @return the start balance override, or null */
    public @Nullable Credits startBalance() {
        return startBalance;
    }

    /** @return the minimum balance override, or null */
    public @Nullable Credits minBalance() {
        return minBalance;
    }

    /** @return the shortfall policy override, or null */
    public @Nullable ShortfallPolicy shortfallPolicy() {
        return shortfallPolicy;
    }

    /** @return the usage limits override, or null */
    public @Nullable UsageLimits usageLimits() {
        return usageLimits;
    }

    /** @return the refill override, or null (see {@link #refillDisabled()}) */
    public @Nullable Refill refill() {
        return refill;
    }

    /** @return whether the tier turns auto-refill off even when the config has it */
    public boolean refillDisabled() {
        return refillDisabled;
    }

    /** @return the allowed model globs; empty allows every model not denied */
    public List<String> allowedModels() {
        return allowedModels;
    }

    /** @return the denied model globs */
    public List<String> deniedModels() {
        return deniedModels;
    }

    /** @return the price multiplier, or null for 1 */
    public @Nullable Multiplier priceMultiplier() {
        return priceMultiplier;
    }

    /** @return whether the tier's users are exempt from checks, or null to leave it to the request */
    public @Nullable Boolean exempt() {
        return exempt;
    }

    /**
     * Tells whether the tier lets its users call a model.
     *
     * @param model the model name
     * @return false when a denied glob matches, or allowed globs exist and none matches
     */
    public boolean allowsModel(String model) {
        for (Pattern p : denied) {
            if (p.matcher(model).matches()) {
                return false;
            }
        }
        if (allowed.isEmpty()) {
            return true;
        }
        for (Pattern p : allowed) {
            if (p.matcher(model).matches()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "Tier[" + name + "]";
    }

    private static List<Pattern> compile(List<String> globs) {
        List<Pattern> out = new ArrayList<>(globs.size());
        for (String glob : globs) {
            StringBuilder re = new StringBuilder();
            for (int i = 0; i < glob.length(); i++) {
                char c = glob.charAt(i);
                switch (c) {
                    case '*' -> re.append(".*");
                    case '?' -> re.append('.');
                    default -> re.append(Pattern.quote(String.valueOf(c)));
                }
            }
            out.add(Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL));
        }
        return out;
    }

    /** Builds a {@link Tier}; every setter checks its value at once. */
    public static final class Builder {
        private final String name;
        private @Nullable Credits startBalance;
        private @Nullable Credits minBalance;
        private @Nullable ShortfallPolicy shortfallPolicy;
        private @Nullable UsageLimits usageLimits;
        private @Nullable Refill refill;
        private boolean refillDisabled;
        private final List<String> allowedModels = new ArrayList<>();
        private final List<String> deniedModels = new ArrayList<>();
        private @Nullable Multiplier priceMultiplier;
        private @Nullable Boolean exempt;

        private Builder(String name) {
            this.name = name;
        }

        /**
         * Overrides the start balance.
         *
         * @param amount zero or more
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder startBalance(Credits amount) {
            this.startBalance = Requests.requireNotNegative("tiers." + name + ".startBalance", amount);
            return this;
        }

        /**
         * Overrides the minimum balance.
         *
         * @param amount zero or more
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder minBalance(Credits amount) {
            this.minBalance = Requests.requireNotNegative("tiers." + name + ".minBalance", amount);
            return this;
        }

        /**
         * Overrides the shortfall policy.
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder shortfallPolicy(ShortfallPolicy policy) {
            this.shortfallPolicy = Objects.requireNonNull(policy, "shortfallPolicy");
            return this;
        }

        /**
         * Overrides the usage limits (replacing the config's whole set).
         *
         * @param limits the limits; {@link UsageLimits#NONE} lifts all caps
         * @return this builder
         */
        public Builder usageLimits(UsageLimits limits) {
            this.usageLimits = Objects.requireNonNull(limits, "usageLimits");
            return this;
        }

        /**
         * Overrides the auto-refill settings.
         *
         * @param refill the settings
         * @return this builder
         */
        public Builder refill(Refill refill) {
            this.refill = Objects.requireNonNull(refill, "refill");
            this.refillDisabled = false;
            return this;
        }

        /**
         * Turns auto-refill off for this tier.
         *
         * @return this builder
         */
        public Builder noRefill() {
            this.refill = null;
            this.refillDisabled = true;
            return this;
        }

        /**
         * Adds allowed model globs.
         *
         * @param globs patterns such as {@code gpt-4o-mini*}
         * @return this builder
         * @throws IllegalArgumentException if a pattern is blank
         */
        public Builder allowModels(String... globs) {
            for (String g : globs) {
                allowedModels.add(Requests.requireText("tiers." + name + ".models.allow", g));
            }
            return this;
        }

        /**
         * Adds denied model globs.
         *
         * @param globs patterns such as {@code *-pro}
         * @return this builder
         * @throws IllegalArgumentException if a pattern is blank
         */
        public Builder denyModels(String... globs) {
            for (String g : globs) {
                deniedModels.add(Requests.requireText("tiers." + name + ".models.deny", g));
            }
            return this;
        }

        /**
         * Multiplies every price for this tier's users, for example 0.8 for a 20% discount.
         *
         * @param multiplier the factor
         * @return this builder
         */
        public Builder priceMultiplier(Multiplier multiplier) {
            this.priceMultiplier = Objects.requireNonNull(multiplier, "priceMultiplier");
            return this;
        }

        /**
         * Makes the tier's users exempt from checks (or explicitly not).
         *
         * @param exempt whether exempt
         * @return this builder
         */
        public Builder exempt(boolean exempt) {
            this.exempt = exempt;
            return this;
        }

        /** @return the tier */
        public Tier build() {
            return new Tier(this);
        }
    }
}
