package dev.balancekit.property;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/** The number distribution behind {@link Gen#longs(long, long)}: edges, small magnitudes, uniform. */
final class Ranges {

    /** Out of 16 draws: 2 edges, 6 near zero (or near the bound closest to it), 8 uniform. */
    private static final int EDGE = 2;

    private static final int SMALL = 6;
    private static final int ALL = 16;

    private Ranges() {}

    static Gen<Long> longs(long min, long max) {
        if (max < min) {
            throw new IllegalArgumentException("max must be at least min, was " + min + " and " + max);
        }
        List<Long> edges = edges(min, max);
        long origin = Math.max(min, Math.min(max, 0));
        return random -> {
            int pick = random.nextInt(ALL);
            if (pick < EDGE) {
                return edges.get(random.nextInt(edges.size()));
            }
            if (pick < EDGE + SMALL) {
                return nearOrigin(random, origin, min, max);
            }
            return uniform(random, min, max);
        };
    }

    private static List<Long> edges(long min, long max) {
        List<Long> edges = new ArrayList<>();
        for (long candidate : new long[] {min, max, -1, 0, 1}) {
            if (candidate >= min && candidate <= max && !edges.contains(candidate)) {
                edges.add(candidate);
            }
        }
        if (min < max) {
            if (!edges.contains(min + 1)) {
                edges.add(min + 1);
            }
            if (!edges.contains(max - 1)) {
                edges.add(max - 1);
            }
        }
        return List.copyOf(edges);
    }

    /** A magnitude of a random bit length (0 to 63) on a random side of the origin; uniform when it falls outside. */
    private static long nearOrigin(RandomGenerator random, long origin, long min, long max) {
        int bits = random.nextInt(64);
        long magnitude = bits == 0 ? 0 : random.nextLong() >>> (64 - bits);
        boolean up = random.nextBoolean();
        long candidate = up ? origin + magnitude : origin - magnitude;
        boolean overflowed = up ? candidate < origin : candidate > origin;
        if (overflowed || candidate < min || candidate > max) {
            return uniform(random, min, max);
        }
        return candidate;
    }

    private static long uniform(RandomGenerator random, long min, long max) {
        if (max - min >= 0 && max - min < Long.MAX_VALUE) {
            return min + random.nextLong(max - min + 1);
        }
        // the range holds 2^63 values or more: at least every second draw of a raw long falls inside
        while (true) {
            long candidate = random.nextLong();
            if (candidate >= min && candidate <= max) {
                return candidate;
            }
        }
    }
}
