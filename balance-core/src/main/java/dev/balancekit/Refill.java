package dev.balancekit;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * Automatic refill settings, LibreChat's {@code autoRefillEnabled}, {@code refillIntervalValue},
 * {@code refillIntervalUnit} and {@code refillAmount}, plus the {@link RefillMode}.
 *
 * <p>Refill times are aligned to an account's first refill (its anchor): the k-th period starts at
 * {@code anchor + k * interval}, computed from the anchor each time, never by chaining, so months
 * clamp without drifting (Jan 31, Feb 28, Mar 31, ...) and calendar units keep the local time
 * across DST changes. An account that was never refilled is due at once; several missed periods
 * give one refill.
 *
 * @param mode what a refill does
 * @param intervalValue the interval length in {@code unit}s, above zero
 * @param unit the interval unit
 * @param amount the refill amount, zero or more (zero never refills)
 */
public record Refill(RefillMode mode, long intervalValue, RefillUnit unit, Credits amount) {

    /**
     * Validates.
     *
     * @throws IllegalArgumentException if the interval is not above zero or the amount is negative
     */
    public Refill {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(amount, "amount");
        if (intervalValue <= 0) {
            throw new IllegalArgumentException("refillIntervalValue must be positive, was " + intervalValue);
        }
        if (intervalValue > 1_000_000) {
            throw new IllegalArgumentException("refillIntervalValue must be at most 1000000, was " + intervalValue);
        }
        if (amount.isNegative()) {
            throw new IllegalArgumentException("refillAmount must be zero or more, was " + amount);
        }
    }

    /**
     * The start of period {@code k} after the anchor.
     *
     * @param anchor the first refill
     * @param k the period number, 0 or more
     * @param zone the zone calendar units are counted in
     * @return {@code anchor + k * interval}
     */
    public Instant periodStart(Instant anchor, long k, ZoneId zone) {
        long n = Math.multiplyExact(k, intervalValue);
        return switch (unit) {
            case SECONDS -> anchor.plusSeconds(n);
            case MINUTES -> anchor.plus(Duration.ofMinutes(n));
            case HOURS -> anchor.plus(Duration.ofHours(n));
            case DAYS -> ZonedDateTime.ofInstant(anchor, zone).plusDays(n).toInstant();
            case WEEKS -> ZonedDateTime.ofInstant(anchor, zone).plusWeeks(n).toInstant();
            case MONTHS -> ZonedDateTime.ofInstant(anchor, zone).plusMonths(n).toInstant();
        };
    }

    /**
     * The number of the period that contains {@code now}: the largest k with
     * {@code periodStart(anchor, k) <= now}.
     *
     * @param anchor the first refill
     * @param now the time, not before the anchor
     * @param zone the zone calendar units are counted in
     * @return the period number
     */
    public long periodAt(Instant anchor, Instant now, ZoneId zone) {
        if (now.isBefore(anchor)) {
            return 0;
        }
        ChronoUnit chrono = switch (unit) {
            case SECONDS -> ChronoUnit.SECONDS;
            case MINUTES -> ChronoUnit.MINUTES;
            case HOURS -> ChronoUnit.HOURS;
            case DAYS -> ChronoUnit.DAYS;
            case WEEKS -> ChronoUnit.WEEKS;
            case MONTHS -> ChronoUnit.MONTHS;
        };
        long units = chrono.between(ZonedDateTime.ofInstant(anchor, zone), ZonedDateTime.ofInstant(now, zone));
        long k = Math.max(0, units / intervalValue);
        // between() and clamped plusMonths() can disagree by one near a month end; settle it exactly
        while (k > 0 && periodStart(anchor, k, zone).isAfter(now)) {
            k--;
        }
        while (!periodStart(anchor, k + 1, zone).isAfter(now)) {
            k++;
        }
        return k;
    }
}
