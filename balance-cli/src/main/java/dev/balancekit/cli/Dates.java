package dev.balancekit.cli;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/** Dates and times typed on the command line. */
final class Dates {
    private Dates() {}

    /**
     * Reads a point in time: an instant with an offset ({@code 2026-01-15T10:00:00Z},
     * {@code 2026-01-15T11:00+01:00}), a local time ({@code 2026-01-15T10:00}) or a date
     * ({@code 2026-01-15}), the last two in the given zone. A date stands for the start of the day,
     * or with {@code endOfDay} for the start of the next day, so that {@code --until 2026-01-15}
     * includes the 15th.
     *
     * @param option the option's name, for the message
     * @param text the text
     * @param zone the zone of local dates and times
     * @param endOfDay whether a date means the end of that day
     * @return the instant
     * @throws CliException (usage) if the text is none of these forms
     */
    static Instant parse(String option, String text, ZoneId zone, boolean endOfDay) {
        String s = text.strip();
        try {
            if (s.length() == 10) {
                LocalDate day = LocalDate.parse(s);
                return (endOfDay ? day.plusDays(1) : day).atStartOfDay(zone).toInstant();
            }
            if (s.endsWith("Z") || s.endsWith("z") || s.lastIndexOf('+') > 10 || s.lastIndexOf('-') > 10) {
                return OffsetDateTime.parse(s.replace('z', 'Z')).toInstant();
            }
            return LocalDateTime.parse(s).atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw CliException.usage(
                    option + " must be a date such as 2026-01-15 or a time such as 2026-01-15T10:00:00Z," + " was '"
                            + text + "'");
        }
    }
}
