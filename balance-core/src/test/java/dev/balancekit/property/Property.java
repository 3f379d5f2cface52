package dev.balancekit.property;

import java.util.SplittableRandom;

/**
 * Runs a property: a check over many generated inputs, each drawn from a random source of its own
 * seed. Nothing is shrunk; a failure reports the try's seed and input, and running the test again
 * with {@code -Dbalancekit.property.seed=<seed>} runs exactly that try again, with the same input.
 *
 * <p>Without that system property every run draws fresh seeds, so the build keeps exploring new
 * inputs; the seeds of a run come from one start seed, reported with each failure as well.
 */
public final class Property {

    /** The system property that replays one try: its value is the seed a failure printed. */
    public static final String SEED_PROPERTY = "balancekit.property.seed";

    /** The tries of a property that does not say how many. */
    public static final int DEFAULT_TRIES = 1000;

    /**
     * A check of one input; it fails by throwing (an AssertJ assertion, for example).
     *
     * @param <T> the input type
     */
    @FunctionalInterface
    public interface Check<T> {
        /**
         * Checks one input.
         *
         * @param input the generated input
         * @throws Exception to fail the property
         */
        void accept(T input) throws Exception;
    }

    private Property() {}

    /**
     * Checks {@value #DEFAULT_TRIES} inputs, or replays the one try named by {@value #SEED_PROPERTY}.
     *
     * @param gen the input generator
     * @param check the check
     * @param <T> the input type
     * @throws AssertionError naming the seed and the input of the first failing try
     */
    public static <T> void forAll(Gen<T> gen, Check<? super T> check) {
        forAll(DEFAULT_TRIES, gen, check);
    }

    /**
     * Checks {@code tries} inputs, or replays the one try named by {@value #SEED_PROPERTY}.
     *
     * @param tries how many inputs, at least 1
     * @param gen the input generator
     * @param check the check
     * @param <T> the input type
     * @throws AssertionError naming the seed and the input of the first failing try
     */
    public static <T> void forAll(int tries, Gen<T> gen, Check<? super T> check) {
        String replay = System.getProperty(SEED_PROPERTY);
        if (replay != null && !replay.isBlank()) {
            replayTry(parseSeed(replay.strip()), gen, check);
        } else {
            run(new SplittableRandom().nextLong(), tries, gen, check);
        }
    }

    /**
     * Runs {@code tries} tries whose seeds come from {@code startSeed}: the same start seed runs the
     * same inputs.
     *
     * @param startSeed the seed the try seeds are drawn from
     * @param tries how many inputs, at least 1
     * @param gen the input generator
     * @param check the check
     * @param <T> the input type
     * @throws AssertionError naming the seed and the input of the first failing try
     */
    public static <T> void run(long startSeed, int tries, Gen<T> gen, Check<? super T> check) {
        if (tries < 1) {
            throw new IllegalArgumentException("tries must be at least 1, was " + tries);
        }
        SplittableRandom seeds = new SplittableRandom(startSeed);
        for (int i = 1; i <= tries; i++) {
            long seed = seeds.nextLong();
            tryOnce(seed, gen, check, "try " + i + " of " + tries + " (start seed " + startSeed + ")");
        }
    }

    /**
     * Runs the one try of {@code seed}, as a failure reported it.
     *
     * @param seed the seed of the try
     * @param gen the input generator
     * @param check the check
     * @param <T> the input type
     * @throws AssertionError naming the seed and the input if the try fails
     */
    public static <T> void replayTry(long seed, Gen<T> gen, Check<? super T> check) {
        tryOnce(seed, gen, check, "the replayed try");
    }

    /** @return the input the try of {@code seed} checks */
    static <T> T input(long seed, Gen<T> gen) {
        return gen.next(new SplittableRandom(seed));
    }

    private static <T> void tryOnce(long seed, Gen<T> gen, Check<? super T> check, String which) {
        T input;
        try {
            input = input(seed, gen);
        } catch (RuntimeException e) {
            throw new AssertionError(failure(which, seed, "(the generator failed)", e), e);
        }
        try {
            check.accept(input);
        } catch (Exception | AssertionError e) {
            throw new AssertionError(failure(which, seed, input, e), e);
        }
    }

    private static String failure(String which, long seed, Object input, Throwable cause) {
        return "property failed on " + which + ", seed " + seed + "\n"
                + "  input: " + input + "\n"
                + "  replay it: -D" + SEED_PROPERTY + "=" + seed + caller() + "\n"
                + "  failure: " + cause;
    }

    /** @return {@code " -Dtest=Class#method"} for the test method that called the property, if found */
    private static String caller() {
        return StackWalker.getInstance()
                .walk(frames -> frames.filter(f -> !f.getClassName().equals(Property.class.getName()))
                        .findFirst()
                        .map(f -> {
                            String name = f.getClassName();
                            String outer = name.contains("$") ? name.substring(0, name.indexOf('$')) : name;
                            return " -Dtest=" + outer.substring(outer.lastIndexOf('.') + 1) + "#" + f.getMethodName();
                        })
                        .orElse(""));
    }

    private static long parseSeed(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    SEED_PROPERTY + " must be a seed a property failure printed, was '" + text + "'", e);
        }
    }
}
