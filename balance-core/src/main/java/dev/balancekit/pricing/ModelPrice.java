package dev.balancekit.pricing;

import java.time.LocalDate;
import org.jspecify.annotations.Nullable;

/**
 * The price of one model: prompt and completion rates, optional prompt-cache rates, optional
 * long-context pricing, and optionally the date these rates end and what applies after it.
 *
 * <p>A missing cache rate means the model has no separate cache price: those tokens are billed at
 * the effective prompt rate (the long-context one above the threshold), as LibreChat does.
 *
 * <p><b>Dated prices.</b> A price with {@code through} holds through that day, inclusive, and from
 * the next day on {@code after} applies, which may itself be dated. The day is the calendar day of
 * the charge in the ledger's time zone ({@link #on(LocalDate)}), so an introductory price ends on
 * time without a release.
 *
 * @param prompt the rate of uncached prompt tokens
 * @param completion the rate of completion tokens
 * @param cacheWrite the rate of prompt tokens written to a cache, or null to use the prompt rate
 * @param cacheRead the rate of prompt tokens read from a cache, or null to use the prompt rate
 * @param premium the long-context pricing, or null when the model has none
 * @param through the last day these rates apply, or null when they do not end
 * @param after the price from the day after {@code through} on; given exactly when {@code through} is
 */
public record ModelPrice(
        Rate prompt,
        Rate completion,
        @Nullable Rate cacheWrite,
        @Nullable Rate cacheRead,
        @Nullable Premium premium,
        @Nullable LocalDate through,
        @Nullable ModelPrice after) {

    /**
     * Validates the price.
     *
     * @param prompt the rate of uncached prompt tokens
     * @param completion the rate of completion tokens
     * @param cacheWrite the rate of prompt tokens written to a cache, or null to use the prompt rate
     * @param cacheRead the rate of prompt tokens read from a cache, or null to use the prompt rate
     * @param premium the long-context pricing, or null when the model has none
     * @param through the last day these rates apply, or null when they do not end
     * @param after the price from the day after {@code through} on
     * @throws IllegalArgumentException if {@code prompt} is null
     * @throws IllegalArgumentException if {@code completion} is null
     * @throws IllegalArgumentException if only one of {@code through} and {@code after} is given
     * @throws IllegalArgumentException if {@code after} ends on or before {@code through}
     */
    public ModelPrice {
        Checks.notNull(prompt, "prompt");
        Checks.notNull(completion, "completion");
        if ((through == null) != (after == null)) {
            throw new IllegalArgumentException("through and after must be given together, was " + through + " and "
                    + (after == null ? "none" : "a price"));
        }
        if (through != null
                && after != null
                && after.through() != null
                && !after.through().isAfter(through)) {
            throw new IllegalArgumentException(
                    "after.through must be later than through " + through + ", was " + after.through());
        }
    }

    /**
     * Returns a price that does not end, with the given rates.
     *
     * @param prompt the rate of uncached prompt tokens
     * @param completion the rate of completion tokens
     * @param cacheWrite the cache-write rate, or null to use the prompt rate
     * @param cacheRead the cache-read rate, or null to use the prompt rate
     * @param premium the long-context pricing, or null
     * @throws IllegalArgumentException if {@code prompt} or {@code completion} is null
     */
    public ModelPrice(
            Rate prompt,
            Rate completion,
            @Nullable Rate cacheWrite,
            @Nullable Rate cacheRead,
            @Nullable Premium premium) {
        this(prompt, completion, cacheWrite, cacheRead, premium, null, null);
    }

    /**
     * Returns a price with only prompt and completion rates.
     *
     * @param prompt the prompt rate
     * @param completion the completion rate
     * @return the price
     * @throws IllegalArgumentException if {@code prompt} is null
     * @throws IllegalArgumentException if {@code completion} is null
     */
    public static ModelPrice of(Rate prompt, Rate completion) {
        return new ModelPrice(prompt, completion, null, null, null);
    }

    /**
     * Returns a price with only prompt and completion rates, each given in credits per token (the
     * same number as USD per 1M tokens), such as {@code perToken("2.5", "10")}.
     *
     * @param prompt the prompt rate as a plain decimal
     * @param completion the completion rate as a plain decimal
     * @return the price
     * @throws IllegalArgumentException if {@code prompt} is not a non-negative decimal with at most nine fractional digits
     * @throws IllegalArgumentException if {@code completion} is not a non-negative decimal with at most nine fractional digits
     */
    public static ModelPrice perToken(String prompt, String completion) {
        return of(Rate.parsePerToken(prompt, "prompt"), Rate.parsePerToken(completion, "completion"));
    }

    /**
     * Returns this price with the given prompt-cache rates; its dating is kept.
     *
     * @param write the rate of prompt tokens written to a cache
     * @param read the rate of prompt tokens read from a cache
     * @return the new price
     * @throws IllegalArgumentException if {@code write} is null
     * @throws IllegalArgumentException if {@code read} is null
     */
    public ModelPrice withCache(Rate write, Rate read) {
        return new ModelPrice(
                prompt,
                completion,
                Checks.notNull(write, "write"),
                Checks.notNull(read, "read"),
                premium,
                through,
                after);
    }

    /**
     * Returns this price with the given long-context pricing; its dating is kept.
     *
     * @param p the long-context pricing
     * @return the new price
     * @throws IllegalArgumentException if {@code p} is null
     */
    public ModelPrice withPremium(Premium p) {
        return new ModelPrice(prompt, completion, cacheWrite, cacheRead, Checks.notNull(p, "premium"), through, after);
    }

    /**
     * Returns this price with other prompt and completion rates, keeping its cache rates and
     * long-context pricing but not its dating: what a dated price changes to, such as
     * {@code intro.until(day, intro.withRates(three, fifteen))}.
     *
     * @param newPrompt the prompt rate
     * @param newCompletion the completion rate
     * @return the undated price
     * @throws IllegalArgumentException if {@code newPrompt} or {@code newCompletion} is null
     */
    public ModelPrice withRates(Rate newPrompt, Rate newCompletion) {
        return new ModelPrice(
                Checks.notNull(newPrompt, "prompt"),
                Checks.notNull(newCompletion, "completion"),
                cacheWrite,
                cacheRead,
                premium,
                null,
                null);
    }

    /**
     * Returns this price holding through {@code lastDay}, inclusive, and {@code next} from the day
     * after on. Any dating this price had is replaced.
     *
     * @param lastDay the last day these rates apply
     * @param next the price from the next day on
     * @return the dated price
     * @throws IllegalArgumentException if {@code lastDay} or {@code next} is null
     * @throws IllegalArgumentException if {@code next} ends on or before {@code lastDay}
     */
    public ModelPrice until(LocalDate lastDay, ModelPrice next) {
        return new ModelPrice(
                prompt,
                completion,
                cacheWrite,
                cacheRead,
                premium,
                Checks.notNull(lastDay, "through"),
                Checks.notNull(next, "after"));
    }

    /**
     * Returns the price in force on a day: this one through {@link #through()}, then {@link #after()}
     * and so on.
     *
     * @param day the calendar day of the charge, in the ledger's time zone
     * @return the price in force that day; its own {@code through} is null or not before {@code day}
     * @throws IllegalArgumentException if {@code day} is null
     */
    public ModelPrice on(LocalDate day) {
        Checks.notNull(day, "day");
        ModelPrice p = this;
        while (p.through != null && p.after != null && day.isAfter(p.through)) {
            p = p.after;
        }
        return p;
    }

    /**
     * Returns the rate of cache-write tokens for a prompt of the given length: the premium cache rate
     * above the threshold when the premium has one, else the model's cache rate, else the effective
     * prompt rate.
     *
     * @param promptTokens the whole prompt (input, cache write and cache read), in tokens
     * @return the rate
     */
    public Rate cacheWriteRate(long promptTokens) {
        Premium p = premium;
        if (p != null && p.appliesTo(promptTokens) && p.cacheWrite() != null) {
            return p.cacheWrite();
        }
        return cacheWrite != null ? cacheWrite : promptRate(promptTokens);
    }

    /**
     * Returns the rate of cache-read tokens for a prompt of the given length: the premium cache rate
     * above the threshold when the premium has one, else the model's cache rate, else the effective
     * prompt rate.
     *
     * @param promptTokens the whole prompt (input, cache write and cache read), in tokens
     * @return the rate
     */
    public Rate cacheReadRate(long promptTokens) {
        Premium p = premium;
        if (p != null && p.appliesTo(promptTokens) && p.cacheRead() != null) {
            return p.cacheRead();
        }
        return cacheRead != null ? cacheRead : promptRate(promptTokens);
    }

    /**
     * Returns the rate of uncached prompt tokens for a prompt of the given length: the premium rate
     * above the threshold, else the standard one.
     *
     * @param promptTokens the whole prompt (input, cache write and cache read), in tokens
     * @return the rate
     */
    public Rate promptRate(long promptTokens) {
        Premium p = premium;
        return p != null && p.appliesTo(promptTokens) ? p.prompt() : prompt;
    }

    /**
     * Returns the rate of completion tokens for a prompt of the given length: the premium rate above
     * the threshold, else the standard one.
     *
     * @param promptTokens the whole prompt (input, cache write and cache read), in tokens
     * @return the rate
     */
    public Rate completionRate(long promptTokens) {
        Premium p = premium;
        return p != null && p.appliesTo(promptTokens) ? p.completion() : completion;
    }
}
