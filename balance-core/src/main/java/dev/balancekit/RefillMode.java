package dev.balancekit;

/** What an automatic refill does when it is due. */
public enum RefillMode {
    /**
     * LibreChat's behaviour: add the amount, when due and a request would exhaust the balance (leave
     * the minimum balance or less available).
     */
    ADD("add"),
    /** Set the balance to the amount when due: free credits that expire each period. */
    RESET("reset"),
    /** Raise the balance to the amount when due and below it. */
    TOP_UP("topUp");

    private final String configName;

    RefillMode(String configName) {
        this.configName = configName;
    }

    /** @return the name used in config files ({@code add}, {@code reset}, {@code topUp}) */
    public String configName() {
        return configName;
    }

    /**
     * Returns the mode with the given config name.
     *
     * @param name {@code add}, {@code reset} or {@code topUp}
     * @return the mode
     * @throws IllegalArgumentException for any other name, listing the allowed ones
     */
    public static RefillMode fromConfigName(String name) {
        for (RefillMode m : values()) {
            if (m.configName.equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("refillMode must be one of add, reset, topUp, was '" + name + "'");
    }
}
