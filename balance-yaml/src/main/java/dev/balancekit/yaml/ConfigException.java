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
 */
public final class ConfigException extends BalanceException {
    private static final long serialVersionUID = 1L;

    /** The name of the file the problems are in. */
    private final String source;
    /** What is wrong: at least one problem. */
    @SuppressWarnings("serial") // an immutable List.copyOf of records, serializable in practice
    private final List<ConfigProblem> problems;

    /**
     * Creates the exception.
     *
     * @param source the file name
     * @param problems what is wrong, at least one
     * @throws IllegalArgumentException if there is no problem
     */
    public ConfigException(String source, List<ConfigProblem> problems) {
        this(source, problems, null);
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
        super(render(source, problems), cause);
        this.source = source;
        this.problems = List.copyOf(problems);
    }

    private static String render(String source, List<ConfigProblem> problems) {
        Objects.requireNonNull(source, "source");
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("problems must not be empty");
        }
        StringBuilder sb = new StringBuilder("invalid balance config ").append(source).append(", ")
                .append(problems.size()).append(problems.size() == 1 ? " problem:" : " problems:");
        for (ConfigProblem p : problems) {
            sb.append("\n  ").append(p);
        }
        return sb.toString();
    }

    /** @return the name of the file that was read */
    public String source() {
        return source;
    }

    /** @return every problem, in the order of the file */
    public List<ConfigProblem> problems() {
        return problems;
    }

    /** @return each problem as one line of text with its position, as {@link ConfigProblem#toString()} renders it */
    public List<String> messages() {
        List<String> out = new ArrayList<>(problems.size());
        for (ConfigProblem p : problems) {
            out.add(p.toString());
        }
        return List.copyOf(out);
    }
}
