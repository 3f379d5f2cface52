package dev.balancekit.policy;

import dev.balancekit.Credits;
import dev.balancekit.DenialReason;
import org.jspecify.annotations.Nullable;

/** The built-in shortfall policies. */
final class Policies {
    static final ShortfallPolicy BLOCK = new ShortfallPolicy() {
        @Override
        public PolicyVerdict onShortfall(Shortfall s) {
            boolean costFits = s.available().compareTo(s.cost()) >= 0;
            return PolicyVerdict.deny(
                    costFits && s.minBalance().isPositive()
                            ? DenialReason.BELOW_MINIMUM_BALANCE
                            : DenialReason.INSUFFICIENT_BALANCE);
        }

        @Override
        public String toString() {
            return "block";
        }
    };

    private Policies() {}

    record AllowNegative(@Nullable Credits floor) implements ShortfallPolicy {
        @Override
        public PolicyVerdict onShortfall(Shortfall s) {
            if (floor == null) {
                return PolicyVerdict.allow();
            }
            long after;
            try {
                after = Math.subtractExact(s.available().micros(), s.cost().micros());
            } catch (ArithmeticException e) {
                return PolicyVerdict.deny(DenialReason.INSUFFICIENT_BALANCE);
            }
            return after >= floor.micros()
                    ? PolicyVerdict.allow()
                    : PolicyVerdict.deny(DenialReason.INSUFFICIENT_BALANCE);
        }

        @Override
        public String toString() {
            return floor == null ? "allowNegative" : "allowNegative(floor " + floor + ")";
        }
    }

    record FreeModel(String model) implements ShortfallPolicy {
        @Override
        public PolicyVerdict onShortfall(Shortfall s) {
            return PolicyVerdict.fallback(model);
        }

        @Override
        public String toString() {
            return "freeModel(" + model + ")";
        }
    }
}
