package dev.balancekit.pricing;

import dev.balancekit.Credits;

/**
 * An exact price factor with six decimal places, such as a tier's discount {@code 0.8}.
 *
 * @param millionths the factor times 1,000,000
 */
public record Multiplier(long millionths) {

    /** One millionth scale. */
    public static final long SCALE = 1_000_000L;

    /** The factor 1: prices unchanged. */
    public static final Multiplier ONE = new Multiplier(SCALE);

    /**
     * Validates.
     *
     * @throws IllegalArgumentException if negative or above 1000
     */
    public Multiplier {
        if (millionths < 0 || millionths > 1000 * SCALE) {
            throw new IllegalArgumentException(
                    "priceMultiplier must be between 0 and 1000, was " + Credits.formatScaled(millionths, 6));
        }
    }

    /**
     * Parses a plain decimal factor with at most six fractional digits.
     *
     * @param text for example {@code 0.8}
     * @return the multiplier
     * @throws IllegalArgumentException if not a plain decimal, too precise, negative or above 1000
     */
    public static Multiplier parse(String text) {
        return new Multiplier(Credits.parseScaled(text, 6, "priceMultiplier"));
    }

    /** @return whether this is the factor 1 */
    public boolean isOne() {
        return millionths == SCALE;
    }

    /** @return the plain decimal text, for example {@code 0.8} */
    @Override
    public String toString() {
        return Credits.formatScaled(millionths, 6);
    }
}
