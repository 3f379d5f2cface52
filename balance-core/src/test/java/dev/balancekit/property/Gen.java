package dev.balancekit.property;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * A generator of test inputs: draws one value from a random source. A generator keeps no state, so
 * the same seed always draws the same value, which is what makes a failing try reproducible.
 *
 * <p>The number generators mix three distributions, as property-testing libraries do: the edges of
 * the range ({@code min}, {@code max}, their neighbours, and -1, 0, 1 where they fall inside),
 * values near zero (a random bit length, so every order of magnitude is drawn about equally often),
 * and values spread uniformly over the whole range.
 *
 * @param <T> the type of the values drawn
 */
@FunctionalInterface
public interface Gen<T> {

    /**
     * Draws one value.
     *
     * @param random the source of randomness of this try
     * @return the value
     */
    T next(RandomGenerator random);

    /**
     * Draws a value and transforms it.
     *
     * @param f the transformation
     * @param <R> the type of the transformed values
     * @return a generator of the transformed values
     */
    default <R> Gen<R> map(Function<? super T, ? extends R> f) {
        return random -> f.apply(next(random));
    }

    /**
     * Draws lists of this generator's values, their size uniform between the bounds.
     *
     * @param minSize the smallest size, at least 0
     * @param maxSize the largest size, at least {@code minSize}
     * @return a generator of lists
     */
    default Gen<List<T>> list(int minSize, int maxSize) {
        if (minSize < 0 || maxSize < minSize) {
            throw new IllegalArgumentException(
                    "list sizes must satisfy 0 <= minSize <= maxSize, was " + minSize + " and " + maxSize);
        }
        return random -> {
            int size = random.nextInt(minSize, maxSize + 1);
            List<T> out = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                out.add(next(random));
            }
            return List.copyOf(out);
        };
    }

    /** @return longs over the whole range, edges and small magnitudes included */
    static Gen<Long> longs() {
        return longs(Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /**
     * Draws longs between the bounds, both included.
     *
     * @param min the smallest value
     * @param max the largest value, at least {@code min}
     * @return a generator of longs in {@code [min, max]}
     */
    static Gen<Long> longs(long min, long max) {
        return Ranges.longs(min, max);
    }

    /**
     * Draws ints between the bounds, both included.
     *
     * @param min the smallest value
     * @param max the largest value, at least {@code min}
     * @return a generator of ints in {@code [min, max]}
     */
    static Gen<Integer> ints(int min, int max) {
        return longs(min, max).map(Math::toIntExact);
    }

    /**
     * Draws {@code true} once in {@code n} on average.
     *
     * @param n at least 1
     * @return a generator of booleans
     */
    static Gen<Boolean> oneIn(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1, was " + n);
        }
        return random -> random.nextInt(n) == 0;
    }

    /**
     * Draws one of the values, each equally often.
     *
     * @param values at least one value
     * @param <T> the type of the values
     * @return a generator of the values
     */
    static <T> Gen<T> oneOf(List<? extends T> values) {
        List<? extends T> copy = List.copyOf(values);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("values must not be empty");
        }
        return random -> copy.get(random.nextInt(copy.size()));
    }

    /**
     * Draws one of the constants of an enum, each equally often.
     *
     * @param type the enum
     * @param <E> the enum type
     * @return a generator of its constants
     */
    static <E extends Enum<E>> Gen<E> enumValues(Class<E> type) {
        return oneOf(List.of(type.getEnumConstants()));
    }

    /**
     * Starts a weighted choice between generators: {@code weighted(8, small).or(1, large)} draws from
     * {@code small} eight times as often as from {@code large}.
     *
     * @param weight the relative weight, at least 1
     * @param gen the first generator
     * @param <T> the type of the values
     * @return a weighted choice with one generator, to extend with {@link Weighted#or}
     */
    static <T> Weighted<T> weighted(int weight, Gen<? extends T> gen) {
        return new Weighted<T>(List.of()).or(weight, gen);
    }

    /**
     * A choice between generators in proportion to their weights.
     *
     * @param <T> the type of the values
     */
    final class Weighted<T> implements Gen<T> {
        private record Choice<T>(int weight, Gen<? extends T> gen) {}

        private final List<Choice<T>> choices;
        private final int total;

        private Weighted(List<Choice<T>> choices) {
            this.choices = choices;
            int sum = 0;
            for (Choice<T> c : choices) {
                sum = Math.addExact(sum, c.weight());
            }
            this.total = sum;
        }

        /**
         * Adds a generator to the choice.
         *
         * @param weight the relative weight, at least 1
         * @param gen the generator
         * @return a new choice that also draws from {@code gen}
         */
        public Weighted<T> or(int weight, Gen<? extends T> gen) {
            if (weight < 1) {
                throw new IllegalArgumentException("weight must be at least 1, was " + weight);
            }
            List<Choice<T>> more = new ArrayList<>(choices);
            more.add(new Choice<>(weight, gen));
            return new Weighted<>(List.copyOf(more));
        }

        @Override
        public T next(RandomGenerator random) {
            int ticket = random.nextInt(total);
            for (Choice<T> c : choices) {
                ticket -= c.weight();
                if (ticket < 0) {
                    return c.gen().next(random);
                }
            }
            throw new AssertionError("weights add up to " + total);
        }
    }
}
