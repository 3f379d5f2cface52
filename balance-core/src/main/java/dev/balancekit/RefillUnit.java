package dev.balancekit;

/** The unit of an auto-refill interval, with LibreChat's {@code refillIntervalUnit} names. */
public enum RefillUnit {
    /** Seconds. */
    SECONDS("seconds"),
    /** Minutes. */
    MINUTES("minutes"),
    /** Hours. */
    HOURS("hours"),
    /** Calendar days in the configured zone (a day across a DST change is 23 or 25 hours). */
    DAYS("days"),
    /** Calendar weeks in the configured zone. */
    WEEKS("weeks"),
    /** Calendar months in the configured zone, clamped to the month's end (Jan 31 + 1 month = Feb 28 or 29). */
    MONTHS("months");

    private final String configName;

    RefillUnit(String configName) {
        this.configName = configName;
    }

    /** @return the name used in config files */
    public String configName() {
        return configName;
    }

    /**
     * Returns the unit with the given config name.
     *
     * @param name one of seconds, minutes, hours, days, weeks, months
     * @return the unit
     * @throws IllegalArgumentException for any other name, listing the allowed ones
     */
    public static RefillUnit fromConfigName(String name) {
        for (RefillUnit u : values()) {
            if (u.configName.equals(name)) {
                return u;
            }
        }
        throw new IllegalArgumentException(
                "refillIntervalUnit must be one of seconds, minutes, hours, days, weeks, months, was '" + name + "'");
    }
}
