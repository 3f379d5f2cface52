package dev.balancekit.spi;

import dev.balancekit.LedgerEntry;
import dev.balancekit.UsageAmounts;
import dev.balancekit.UsageDimension;
import dev.balancekit.UsageGroup;
import dev.balancekit.UsageQuery;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Adds ledger entries, or groups a store already added up, into the groups of a {@link UsageQuery}:
 * the one piece of code that decides which group an entry belongs to. A store that groups in
 * memory feeds it entries; a store that groups on its server feeds it the server's groups and the
 * entries it holds elsewhere (an outbox), and it merges them. Not thread-safe.
 */
public final class UsageTally {

    private final UsageQuery query;
    private final ZoneId zone;
    private final Map<Key, UsageAmounts> groups = new HashMap<>();

    /**
     * Starts an empty tally.
     *
     * @param query what to group by and which entries count
     * @param zone the zone of days, weeks and months
     */
    public UsageTally(UsageQuery query, ZoneId zone) {
        this.query = Objects.requireNonNull(query, "query");
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    /**
     * Adds an entry if it passes the query's filters.
     *
     * @param e the entry
     * @param tier the tier of the entry's account, as stored (null when none was set)
     * @return whether the entry counted
     * @throws ArithmeticException if a sum overflows
     */
    public boolean add(LedgerEntry e, @Nullable String tier) {
        if (!query.matches(e)) {
            return false;
        }
        UsageDimension period = query.period();
        add(
                new Key(
                        query.groupsBy(UsageDimension.USER) ? e.user() : null,
                        query.groupsBy(UsageDimension.MODEL) ? e.model() : null,
                        query.groupsBy(UsageDimension.PRICE_KEY) ? e.valueKey() : null,
                        query.groupsBy(UsageDimension.CONTEXT) ? e.context() : null,
                        query.groupsBy(UsageDimension.TIER) ? tier : null,
                        period == null ? null : periodStart(e.createdAt(), period, zone)),
                UsageAmounts.of(e));
        return true;
    }

    /**
     * Adds a group another tally or the store's server added up. Values of dimensions the query does
     * not group by are dropped, so a store may hand in finer groups (by user, to learn tiers) and
     * have them folded.
     *
     * @param group the group
     * @throws ArithmeticException if a sum overflows
     */
    public void add(UsageGroup group) {
        add(
                new Key(
                        query.groupsBy(UsageDimension.USER) ? group.user() : null,
                        query.groupsBy(UsageDimension.MODEL) ? group.model() : null,
                        query.groupsBy(UsageDimension.PRICE_KEY) ? group.priceKey() : null,
                        query.groupsBy(UsageDimension.CONTEXT) ? group.context() : null,
                        query.groupsBy(UsageDimension.TIER) ? group.tier() : null,
                        query.period() == null ? null : group.period()),
                group.amounts());
    }

    private void add(Key key, UsageAmounts amounts) {
        groups.merge(key, amounts, UsageAmounts::plus);
    }

    /** @return the groups so far, each key once, in no particular order */
    public List<UsageGroup> groups() {
        List<UsageGroup> out = new ArrayList<>(groups.size());
        groups.forEach((k, v) -> out.add(new UsageGroup(k.user, k.model, k.priceKey, k.context, k.tier, k.period, v)));
        return out;
    }

    /**
     * Returns the first day of the day, ISO week or month that holds an instant in a zone.
     *
     * @param t the instant
     * @param period {@link UsageDimension#DAY}, {@link UsageDimension#WEEK} or {@link UsageDimension#MONTH}
     * @param zone the zone
     * @return the day, the week's Monday or the month's first day
     * @throws IllegalArgumentException if the dimension is not a period
     */
    public static LocalDate periodStart(Instant t, UsageDimension period, ZoneId zone) {
        LocalDate day = LocalDate.ofInstant(t, zone);
        return switch (period) {
            case DAY -> day;
            case WEEK -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTH -> day.withDayOfMonth(1);
            default -> throw new IllegalArgumentException("period must be day, week or month, was " + period.label());
        };
    }

    private record Key(
            @Nullable String user,
            @Nullable String model,
            @Nullable String priceKey,
            @Nullable String context,
            @Nullable String tier,
            @Nullable LocalDate period) {}
}
