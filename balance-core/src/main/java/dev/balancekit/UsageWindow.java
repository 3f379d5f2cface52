package dev.balancekit;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;

/** A calendar usage window: a day, an ISO week (Monday to Sunday) or a month, in the configured zone. */
public enum UsageWindow {
    /** The calendar day. */
    DAILY,
    /** The ISO week, from Monday 00:00. */
    WEEKLY,
    /** The calendar month. */
    MONTHLY;

    /**
     * The key of the window that contains the given local date: {@code 2026-11-27},
     * {@code 2026-W48} or {@code 2026-11}.
     *
     * @param date the local date
     * @return the window key
     */
    public String keyOf(LocalDate date) {
        return switch (this) {
            case DAILY -> date.toString();
            // ASCII digits whatever the host's locale: keys are stored and compared
            case WEEKLY ->
                twoDigits(
                                new StringBuilder(8)
                                        .append(date.get(IsoFields.WEEK_BASED_YEAR))
                                        .append("-W"),
                                date.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR))
                        .toString();
            case MONTHLY ->
                twoDigits(new StringBuilder(7).append(date.getYear()).append('-'), date.getMonthValue())
                        .toString();
        };
    }

    private static StringBuilder twoDigits(StringBuilder sb, int value) {
        return (value < 10 ? sb.append('0') : sb).append(value);
    }

    /**
     * The first instant of the window after the one that contains {@code date}: when the current
     * window's usage resets.
     *
     * @param date the local date
     * @param zone the zone the windows are counted in
     * @return the start of the next window
     */
    public Instant resetsAt(LocalDate date, ZoneId zone) {
        LocalDate next = switch (this) {
            case DAILY -> date.plusDays(1);
            case WEEKLY -> date.with(TemporalAdjusters.next(DayOfWeek.MONDAY));
            case MONTHLY -> date.with(TemporalAdjusters.firstDayOfNextMonth());
        };
        // atStartOfDay(zone) handles a day that does not start at 00:00 because of a DST gap
        return next.atStartOfDay(zone).toInstant();
    }
}
