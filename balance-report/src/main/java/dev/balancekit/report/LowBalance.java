package dev.balancekit.report;

import dev.balancekit.Credits;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A user whose balance will not cover their average daily spending for the report's horizon.
 *
 * @param user the user id
 * @param label the user's label (e-mail), or null
 * @param balance the balance now
 * @param spent what the user spent in the report's period
 * @param averageDailySpend {@code spent} per day of the period, rounded up to a micro-credit
 * @param daysLeft whole days the balance covers at that rate (0 when it covers less than a day)
 */
public record LowBalance(
        String user, @Nullable String label, Credits balance, Credits spent, Credits averageDailySpend, long daysLeft) {

    /**
     * Validates.
     *
     * @throws NullPointerException if a required value is null
     */
    public LowBalance {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(balance, "balance");
        Objects.requireNonNull(spent, "spent");
        Objects.requireNonNull(averageDailySpend, "averageDailySpend");
    }

    /** @return the label, or the user id when there is none */
    public String name() {
        return label != null ? label : user;
    }
}
