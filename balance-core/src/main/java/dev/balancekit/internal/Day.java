package dev.balancekit.internal;

import dev.balancekit.UsageWindow;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.temporal.IsoFields;
import org.jspecify.annotations.Nullable;

/**
 * The calendar day an instant falls on in a zone, with the key and the reset time of each usage
 * window on that day. Every operation needs them and they change once a day, so the last one
 * computed is kept and reused while the clock stays inside its day.
 */
final class Day {
    private static final UsageWindow[] WINDOWS = UsageWindow.values();
    /** The day computed last; racing threads may replace it with equal values, which is harmless. */
    private static volatile @Nullable Day last;

    final ZoneId zone;
    final LocalDate date;
    /** The first instant of the day. */
    private final Instant start;
    /** The first instant of the next day. */
    private final Instant end;

    private final String[] keys = new String[WINDOWS.length];
    private final Instant[] resets = new Instant[WINDOWS.length];

    private Day(Instant now, ZoneId zone) {
        this.zone = zone;
        this.date = LocalDate.ofInstant(now, zone);
        // atStartOfDay(zone) handles a day that does not start at 00:00 because of a DST gap
        this.start = date.atStartOfDay(zone).toInstant();
        this.end = date.plusDays(1).atStartOfDay(zone).toInstant();
        for (UsageWindow w : WINDOWS) {
            keys[w.ordinal()] = w.keyOf(date);
            resets[w.ordinal()] = w.resetsAt(date, zone);
        }
    }

    /**
     * The day that contains an instant.
     *
     * @param now the instant
     * @param zone the zone
     * @return the day, shared while it lasts
     */
    static Day of(Instant now, ZoneId zone) {
        Day d = last;
        if (d != null && d.contains(now, zone)) {
            return d;
        }
        d = new Day(now, zone);
        last = d;
        return d;
    }

    private boolean contains(Instant now, ZoneId z) {
        return zone.equals(z) && !now.isBefore(start) && now.isBefore(end);
    }

    /**
     * The first day of the window a stored key names.
     *
     * @param window the window
     * @param key its key, as {@link UsageWindow#keyOf(LocalDate)} writes it
     * @return the first day, or null if the key is not one {@code keyOf} writes
     */
    static @Nullable LocalDate startOf(UsageWindow window, String key) {
        try {
            LocalDate start = switch (window) {
                case DAILY -> LocalDate.parse(key);
                case WEEKLY -> {
                    int w = key.lastIndexOf("-W");
                    if (w < 0) {
                        yield null;
                    }
                    // the 4th of January is always in week 1 of its week-based year
                    yield LocalDate.of(Integer.parseInt(key.substring(0, w)), 1, 4)
                            .with(IsoFields.WEEK_OF_WEEK_BASED_YEAR, Integer.parseInt(key.substring(w + 2)))
                            .with(DayOfWeek.MONDAY);
                }
                case MONTHLY -> YearMonth.parse(key).atDay(1);
            };
            return start != null && window.keyOf(start).equals(key) ? start : null;
        } catch (DateTimeException | NumberFormatException e) {
            return null;
        }
    }

    /** @return the key of the window that contains this day */
    String key(UsageWindow window) {
        return keys[window.ordinal()];
    }

    /** @return when the window that contains this day ends */
    Instant resetsAt(UsageWindow window) {
        return resets[window.ordinal()];
    }
}
