package dev.balancekit.property;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The property runner and the generators the property tests are built on. */
class PropertyTest {

    private static final Pattern SEED = Pattern.compile("seed (-?\\d+)\n");
    private static final Pattern INPUT = Pattern.compile("  input: (.*)\n");

    private static String group(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        assertThat(m.find()).as("%s in %s", pattern, text).isTrue();
        return m.group(1);
    }

    /** Fails for every long outside [-1000, 1000], which most draws of the whole range are. */
    private static void small(long x) {
        assertThat(x).isBetween(-1000L, 1000L);
    }

    @Test
    void failingProperty_reportsTheSeedAndTheInput_andReplayingTheSeedChecksThatInputAgain() {
        AssertionError failure = catchThrowableOfType(
                AssertionError.class, () -> Property.run(20_261_202L, 1000, Gen.longs(), PropertyTest::small));

        String message = failure.getMessage();
        long seed = Long.parseLong(group(SEED, message));
        String input = group(INPUT, message);
        assertThat(message)
                .startsWith("property failed on try ")
                .contains("(start seed 20261202)")
                .contains("replay it: -D" + Property.SEED_PROPERTY + "=" + seed);
        assertThat(failure.getCause()).isInstanceOf(AssertionError.class).hasMessageContaining(input);

        List<Long> replayed = new ArrayList<>();
        Property.replayTry(seed, Gen.longs(), replayed::add);
        assertThat(replayed).hasSize(1);
        assertThat(String.valueOf(replayed.get(0))).isEqualTo(input);
        assertThatThrownBy(() -> Property.replayTry(seed, Gen.longs(), PropertyTest::small))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("property failed on the replayed try, seed " + seed + "\n")
                .hasMessageContaining("  input: " + input + "\n");
    }

    @Test
    void failure_namesTheTestToReplay() {
        AssertionError failure = null;
        try {
            Property.run(7, 100, Gen.longs(), PropertyTest::small);
        } catch (AssertionError e) {
            failure = e;
        }

        assertThat(failure).isNotNull();
        assertThat(failure.getMessage()).contains(" -Dtest=PropertyTest#failure_namesTheTestToReplay\n");
    }

    @Test
    void failure_ofAnException_isReportedWithTheSeedToo() {
        assertThatThrownBy(() -> Property.run(3, 10, Gen.ints(5, 9), x -> {
                    throw new IllegalStateException("broke on " + x);
                }))
                .isInstanceOf(AssertionError.class)
                .hasMessageMatching(
                        "(?s)property failed on try 1 of 10 \\(start seed 3\\), seed -?\\d+\n  input: [5-9]\n.*")
                .hasMessageContaining("failure: java.lang.IllegalStateException: broke on ")
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void forAll_withTheSeedProperty_replaysOnlyThatTry() {
        long seed = -4_242_424_242L;
        List<Long> expected = new ArrayList<>();
        Property.replayTry(seed, Gen.longs(), expected::add);
        List<Long> checked = new ArrayList<>();
        String before = System.getProperty(Property.SEED_PROPERTY);
        System.setProperty(Property.SEED_PROPERTY, " " + seed + " ");
        try {
            Property.forAll(500, Gen.longs(), checked::add);
        } finally {
            if (before == null) {
                System.clearProperty(Property.SEED_PROPERTY);
            } else {
                System.setProperty(Property.SEED_PROPERTY, before);
            }
        }

        assertThat(checked).isEqualTo(expected).hasSize(1);
    }

    @Test
    void forAll_withABadSeedProperty_saysWhatItWanted() {
        String before = System.getProperty(Property.SEED_PROPERTY);
        System.setProperty(Property.SEED_PROPERTY, "0x12");
        try {
            assertThatThrownBy(() -> Property.forAll(Gen.longs(), x -> {}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(Property.SEED_PROPERTY + " must be a seed a property failure printed, was '0x12'");
        } finally {
            if (before == null) {
                System.clearProperty(Property.SEED_PROPERTY);
            } else {
                System.setProperty(Property.SEED_PROPERTY, before);
            }
        }
    }

    @Test
    void forAll_withoutTheSeedProperty_checksEveryTry() {
        List<Long> checked = new ArrayList<>();
        Property.forAll(Gen.longs(), checked::add);
        assertThat(checked).hasSize(Property.DEFAULT_TRIES);

        checked.clear();
        Property.forAll(37, Gen.longs(), checked::add);
        assertThat(checked).hasSize(37);
    }

    @Test
    void run_sameStartSeed_checksTheSameInputs_anotherStartSeedOthers() {
        List<Long> first = new ArrayList<>();
        List<Long> again = new ArrayList<>();
        List<Long> other = new ArrayList<>();
        Property.run(11, 200, Gen.longs(), first::add);
        Property.run(11, 200, Gen.longs(), again::add);
        Property.run(12, 200, Gen.longs(), other::add);

        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
        assertThat(new HashSet<>(first)).hasSizeGreaterThan(150);
    }

    @Test
    void run_withoutTries_isRejected() {
        assertThatThrownBy(() -> Property.run(1, 0, Gen.longs(), x -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tries must be at least 1, was 0");
    }

    private static List<Long> draw(Gen<Long> gen, int count) {
        SplittableRandom random = new SplittableRandom(99);
        List<Long> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(gen.next(random));
        }
        return out;
    }

    @Test
    void longs_stayInTheirRange_andReachBothEnds() {
        long[][] ranges = {
            {Long.MIN_VALUE, Long.MAX_VALUE},
            {0, Long.MAX_VALUE},
            {1, Long.MAX_VALUE},
            {-5, 5},
            {1_000, 100_000},
            {Long.MAX_VALUE - 3, Long.MAX_VALUE},
            {Long.MIN_VALUE, Long.MIN_VALUE + 2},
            {-1_000_000, 0},
            {7, 7}
        };
        for (long[] range : ranges) {
            List<Long> values = draw(Gen.longs(range[0], range[1]), 2000);
            assertThat(values)
                    .as("[%d, %d]", range[0], range[1])
                    .allSatisfy(v -> assertThat(v).isBetween(range[0], range[1]))
                    .contains(range[0], range[1]);
        }
    }

    @Test
    void longs_overTheWholeRange_drawEveryOrderOfMagnitude() {
        List<Long> values = draw(Gen.longs(), 4000);

        assertThat(values).contains(0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE);
        Set<Integer> bitLengths = new HashSet<>();
        for (long v : values) {
            bitLengths.add(64 - Long.numberOfLeadingZeros(Math.abs(v)));
        }
        // every bit length occurs, small values as well as large: 0 to 63, and 64 for Long.MIN_VALUE
        assertThat(bitLengths).hasSize(65);
        assertThat(values)
                .anySatisfy(v -> assertThat(v).isNegative())
                .anySatisfy(v -> assertThat(v).isPositive());
    }

    @Test
    void longs_withMaxBelowMin_areRejected() {
        assertThatThrownBy(() -> Gen.longs(5, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max must be at least min, was 5 and 4");
    }

    @Test
    void weighted_drawsEachGeneratorInProportionToItsWeight() {
        Gen<String> gen = Gen.<String>weighted(3, r -> "a").or(1, r -> "b");
        SplittableRandom random = new SplittableRandom(5);
        int a = 0;
        for (int i = 0; i < 40_000; i++) {
            if (gen.next(random).equals("a")) {
                a++;
            }
        }
        assertThat(a).isBetween(29_000, 31_000);
    }

    @Test
    void list_sizesCoverTheBounds() {
        Gen<List<Integer>> lists = Gen.ints(0, 9).list(1, 60);
        SplittableRandom random = new SplittableRandom(8);
        Set<Integer> sizes = new HashSet<>();
        for (int i = 0; i < 3000; i++) {
            List<Integer> list = lists.next(random);
            assertThat(list).allSatisfy(v -> assertThat(v).isBetween(0, 9));
            sizes.add(list.size());
        }
        assertThat(sizes).hasSize(60).contains(1, 60);
    }

    @Test
    void oneIn_oneOf_enumValues_drawEveryChoice() {
        SplittableRandom random = new SplittableRandom(4);
        Set<Object> seen = new HashSet<>();
        Gen<Boolean> rare = Gen.oneIn(8);
        Gen<String> names = Gen.oneOf(List.of("x", "y", "z"));
        Gen<Thread.State> states = Gen.enumValues(Thread.State.class);
        for (int i = 0; i < 500; i++) {
            seen.add(rare.next(random));
            seen.add(names.next(random));
            seen.add(states.next(random));
        }
        assertThat(seen)
                .containsExactlyInAnyOrder(
                        true,
                        false,
                        "x",
                        "y",
                        "z",
                        Thread.State.NEW,
                        Thread.State.RUNNABLE,
                        Thread.State.BLOCKED,
                        Thread.State.WAITING,
                        Thread.State.TIMED_WAITING,
                        Thread.State.TERMINATED);
    }
}
