package dev.balancekit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancekit.UsageWindow;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading a stored window key back into the window's first day, to tell which window is newer. */
class DayTest {

    @Test
    void startOf_everyKeyOfADay_isTheFirstDayOfItsWindow() {
        // ten years, with ISO weeks 53 (2020, 2026) and weeks that start in the previous year
        for (LocalDate d = LocalDate.of(2019, 12, 1); d.isBefore(LocalDate.of(2030, 2, 1)); d = d.plusDays(1)) {
            assertThat(Day.startOf(UsageWindow.DAILY, UsageWindow.DAILY.keyOf(d)))
                    .isEqualTo(d);
            assertThat(Day.startOf(UsageWindow.WEEKLY, UsageWindow.WEEKLY.keyOf(d)))
                    .as("week of %s", d)
                    .isEqualTo(d.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)));
            assertThat(Day.startOf(UsageWindow.MONTHLY, UsageWindow.MONTHLY.keyOf(d)))
                    .isEqualTo(d.withDayOfMonth(1));
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"", "2026-13", "2026-W54", "2025-W53", "2026-W1", "2026-Wx", "x-W01", "2026-6-1", "2026-02-30"})
    void startOf_aKeyKeyOfNeverWrites_isNull(String key) {
        for (UsageWindow w : UsageWindow.values()) {
            assertThat(Day.startOf(w, key)).as("%s %s", w, key).isNull();
        }
    }
}
