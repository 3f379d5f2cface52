package dev.balancekit.yaml;

import dev.balancekit.BalanceException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A config file that cannot be used: every problem found in it, each with its file, line, column
 * and key path. The message lists them all, one a line:
 *
 * <pre>
 * invalid balance config librechat.yaml, 2 problems:
 *   balance.startBalence is not a known key; did you mean startBalance? (librechat.yaml:3:3)
 *   balance.refillIntervalValue must be positive, was 0 (librechat.yaml:7:24)
 * </pre>
 *
 * <p>A file with very many problems lists the first ones and says how many more there are
 * ({@link #omitted()}), in a last line {@code and 1900 more problems}.
 */
public final class ConfigException extends BalanceException {
    private static final long serialVersionUID = 1L;

    /** The name of the file the problems are in. */
    private final String source;
    /** What is wrong: at least one problem. */
    @SuppressWarnings("serial") // an immutable List.copyOf of records, serializable in practice
    private final List<ConfigProblem> problems;

    private final int omitted;

    /**
     * Creates the exception.
     *
     * @param source the file name
     * @param problems what is wrong, at least one
     * @throws IllegalArgumentException if there is no problem
     */
    public ConfigException(String source, List<ConfigProblem> problems) {
        this(source, problems, 0, null);
    }

    /**
     * Creates the exception with the failure that caused it, such as an I/O error.
     *
     * @param source the file name
     * @param problems what is wrong, at least one
     * @param cause the underlying failure, or null
     * @throws IllegalArgumentException if there is no problem
     */
    public ConfigException(String source, List<ConfigProblem> problems, @Nullable Throwable cause) {
        this(source, problems, 0, cause);
    }

    /**
     * Creates the exception for a file with more problems than are listed.
     *
     * @param source the file name
     * @param problems the problems listed, at least one
     * @param omitted how many more problems the file has, zero or more
     * @throws IllegalArgumentException if there is no problem
     * @throws IllegalArgumentException if {@code omitted} is negative
     */
    public ConfigException(String source, List<ConfigProblem> problems, int omitted) {
        this(source, problems, omitted, null);
    }

    private ConfigException(String source, List<ConfigProblem> problems, int omitted, @Nullable Throwable cause) {
        super(render(source, problems, omitted), cause);
        this.source = source;
        this.problems = List.copyOf(problems);
        this.omitted = omitted;
    }

    private static String render(String source, List<ConfigProblem> problems, int omitted) {
        Objects.requireNonNull(source, "source");
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("problems must not be empty");
        }
        if (omitted < 0) {
            throw new IllegalArgumentException("omitted must be zero or more, was " + omitted);
        }
        int total = problems.size() + omitted;
        StringBuilder sb = new StringBuilder("invalid balance config ")
                .append(source)
                .append(", ")
                .append(total)
                .append(total == 1 ? " problem:" : " problems:");
        for (String line : lines(problems, omitted)) {
            sb.append("\n  ").append(line);
        }
        return sb.toString();
    }

    private static List<String> lines(List<ConfigProblem> problems, int omitted) {
        List<String> out = new ArrayList<>(problems.size() + 1);
        for (ConfigProblem p : problems) {
            out.add(p.toString());
        }
        if (omitted > 0) {
            out.add(omittedLine(omitted));
        }
        return List.copyOf(out);
    }

    /**
     * The line that ends a cut-off list.
     *
     * @param omitted how many problems are not listed, above zero
     * @return {@code and 1900 more problems}
     */
    private static String omittedLine(int omitted) {
        return "and " + omitted + (omitted == 1 ? " more problem" : " more problems");
    }

    /** @return the name of the file that was read */
    public String source() {
        return source;
    }

    /** @return every problem listed, in the order of the file: all of them unless {@link #omitted()} is above zero */
    public List<ConfigProblem> problems() {
        return problems;
    }

    /** @return how many problems the file has beyond those in {@link #problems()}; usually zero */
    public int omitted() {
        return omitted;
    }

    /**
     * The problems as text, as users see them.
     *
     * @return each problem as one line of text with its position, as {@link ConfigProblem#toString()}
     *     renders it, and when problems were left out, a last line {@code and 1900 more problems}
     */
    public List<String> messages() {
        return lines(problems, omitted);
    }
}
