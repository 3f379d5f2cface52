package dev.balancekit.yaml;

import dev.balancekit.Credits;
import dev.balancekit.pricing.Rate;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * A typed, position-aware reader of one YAML document's node tree, with no knowledge of any schema:
 * it reads mappings (rejecting unknown and repeated keys, with a did-you-mean), lists and scalars
 * (booleans, whole numbers, exact decimals, durations, zones, dates, names), each value from the
 * scalar's text after environment interpolation, never through YAML's own number types. Every
 * problem is collected with its file, line, column and key path instead of stopping at the first;
 * {@link #failIfProblems()} throws them all at once.
 *
 * <p>A rule that {@code balance-core} enforces when a value is built is run through
 * {@link #attempt}: core's message, which starts with the key it names, is prefixed with the
 * section's path and reported at that key's position.
 */
final class YamlNodeReader {

    /** More than this many problems are cut off in the report; the first ones are what to fix. */
    static final int MAX_PROBLEMS = 100;

    /** YAML's plain types; the core schema gives a plain {@code ${VAR}} scalar the env tag, which we interpolate ourselves. */
    private static final Set<Tag> PLAIN_TAGS =
            Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.MAP, Tag.SEQ, Tag.ENV_TAG);

    private static final Pattern WHOLE = Pattern.compile("[+-]?[0-9][0-9_]*");

    private final String source;
    private final Map<String, String> environment;
    private final Problems problems = new Problems();
    /** The value node of every key path read so far, to place core's messages at the key they name. */
    private final Map<String, Node> nodesByPath = new HashMap<>();

    /**
     * A reader of one file.
     *
     * @param source the file's name, for positions
     * @param environment the variables {@code ${VAR}} references are replaced with
     */
    YamlNodeReader(String source, Map<String, String> environment) {
        this.source = source;
        this.environment = environment;
    }

    /**
     * The problems found: every one is counted, the first {@link #MAX_PROBLEMS} in file order are
     * kept, each cut to {@link Texts#MAX_MESSAGE} characters. A file with a million problems costs
     * no more memory than one with a hundred.
     */
    private static final class Problems {
        private static final Comparator<ConfigProblem> FILE_ORDER =
                Comparator.comparingInt(ConfigProblem::line).thenComparingInt(ConfigProblem::column);
        private final List<ConfigProblem> kept = new ArrayList<>();
        private int count;

        void add(ConfigProblem p) {
            count++;
            kept.add(new ConfigProblem(
                    p.file(),
                    p.line(),
                    p.column(),
                    Texts.abbreviate(p.keyPath(), Texts.MAX_MESSAGE),
                    Texts.abbreviate(p.message(), Texts.MAX_MESSAGE)));
            if (kept.size() >= 2 * MAX_PROBLEMS) {
                trim();
            }
        }

        /** @return how many problems were found, kept or not; it only grows */
        int size() {
            return count;
        }

        boolean isEmpty() {
            return count == 0;
        }

        /** @return the first problems in file order, at most {@link #MAX_PROBLEMS} */
        List<ConfigProblem> first() {
            trim();
            return List.copyOf(kept);
        }

        private void trim() {
            // a stable sort: problems at one position keep the order they were found in
            kept.sort(FILE_ORDER);
            if (kept.size() > MAX_PROBLEMS) {
                kept.subList(MAX_PROBLEMS, kept.size()).clear();
            }
        }
    }

    /** A mapping that was read: its values by key, in file order, without unknown or repeated keys. */
    static final class Section {
        final String path;
        final Node node;
        final Map<String, Node> values = new LinkedHashMap<>();
        final Map<String, Node> keyNodes = new HashMap<>();

        Section(String path, Node node) {
            this.path = path;
            this.node = node;
        }

        @Nullable
        Node value(String key) {
            return values.get(key);
        }

        boolean has(String key) {
            return values.containsKey(key);
        }

        String path(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }
    }

    /**
     * Parses the text into its node tree, safely (see {@link SafeYaml}).
     *
     * @return the root node, or empty for an empty document
     * @throws ConfigException with the position of a syntax error, or of what the safe loader refuses
     */
    Optional<Node> compose(String yaml) {
        try {
            return SafeYaml.compose(yaml, source);
        } catch (SafeYaml.Failure f) {
            throw new ConfigException(
                    source, List.of(new ConfigProblem(source, f.line + 1, f.column + 1, "", f.getMessage())));
        }
    }

    /**
     * Reads the root of a document as the top mapping of a file that other applications share (see
     * {@link #section}).
     *
     * @param root the root node
     * @param ownedKey the one top-level key the schema owns, the only one checked for repeats
     * @return the top section, or null (with a problem) when the root is not a mapping
     */
    @Nullable
    Section top(Node root, String ownedKey) {
        if (!(root instanceof MappingNode)) {
            problem(
                    root,
                    "",
                    "the file must be a mapping of sections such as " + ownedKey + ":, was " + describe(root));
            return null;
        }
        return document(root, ownedKey);
    }

    /** @return how many problems were found so far, kept or not; it only grows */
    int problemCount() {
        return problems.size();
    }

    /**
     * Adds a problem found outside the file (an environment variable).
     *
     * @param problem the problem
     */
    void report(ConfigProblem problem) {
        problems.add(problem);
    }

    // ---------------------------------------------------------------- values

    @Nullable
    Boolean bool(Section s, String key) {
        String text = scalar(s.value(key), s.path(key), "true or false");
        if (text == null) {
            return null;
        }
        switch (text) {
            case "true", "True", "TRUE":
                return true;
            case "false", "False", "FALSE":
                return false;
            default:
                problem(s.value(key), s.path(key), s.path(key) + " must be true or false, was " + Texts.quote(text));
                return null;
        }
    }

    @Nullable
    String text(Section s, String key, String expected) {
        String text = scalar(s.value(key), s.path(key), expected);
        if (text != null && text.isBlank()) {
            problem(s.value(key), s.path(key), s.path(key) + " must not be blank, was " + Texts.quote(text));
            return null;
        }
        return text;
    }

    @Nullable
    Long whole(Section s, String key) {
        return whole(s.value(key), s.path(key));
    }

    @Nullable
    Long whole(@Nullable Node node, String path) {
        String text = scalar(node, path, "a whole number");
        if (text == null) {
            return null;
        }
        if (!WHOLE.matcher(text.strip()).matches()) {
            problem(node, path, path + " must be a whole number, was " + Texts.quote(text));
            return null;
        }
        try {
            return Credits.parseScaled(text, 0, path);
        } catch (IllegalArgumentException e) {
            problem(node, path, Texts.quoting(e.getMessage(), text));
            return null;
        }
    }

    /** An amount of credits of any sign: what range a setting allows is core's rule. */
    @Nullable
    Credits credits(Section s, String key) {
        return credits(s.value(key), s.path(key));
    }

    @Nullable
    Credits credits(@Nullable Node node, String path) {
        String text = scalar(node, path, "a plain decimal number");
        if (text == null) {
            return null;
        }
        try {
            return Credits.ofMicros(Credits.parseScaled(text, 6, path));
        } catch (IllegalArgumentException e) {
            problem(node, path, Texts.quoting(e.getMessage(), text));
            return null;
        }
    }

    @Nullable
    Rate rate(Section s, String key, boolean perThousand) {
        Node node = s.value(key);
        String path = s.path(key);
        String text = scalar(node, path, "a plain decimal number");
        if (text == null) {
            return null;
        }
        try {
            // micro-credits per 1,000 tokens are exactly nano-credits per token, as Rate.perThousandTokens reads them
            long nanos = Credits.parseScaled(text, perThousand ? 6 : 9, path);
            if (nanos < 0) {
                problem(node, path, path + " must be zero or more, was " + Texts.abbreviate(text.strip()));
                return null;
            }
            return Rate.ofNanos(nanos);
        } catch (IllegalArgumentException e) {
            problem(node, path, Texts.quoting(e.getMessage(), text));
            return null;
        }
    }

    @Nullable
    Duration duration(Section s, String key) {
        Node node = s.value(key);
        String path = s.path(key);
        String text = scalar(node, path, "milliseconds or an ISO-8601 duration such as PT30M");
        if (text == null) {
            return null;
        }
        Duration d;
        if (WHOLE.matcher(text.strip()).matches()) {
            Long ms = whole(node, path);
            if (ms == null) {
                return null;
            }
            d = Duration.ofMillis(ms);
        } else {
            try {
                d = Duration.parse(text.strip());
            } catch (DateTimeParseException e) {
                problem(
                        node,
                        path,
                        path + " must be milliseconds or an ISO-8601 duration such as PT30M, was " + Texts.quote(text));
                return null;
            }
        }
        return d;
    }

    @Nullable
    ZoneId zone(Section s, String key) {
        String text = scalar(s.value(key), s.path(key), "a time zone such as UTC or Europe/Berlin");
        if (text == null) {
            return null;
        }
        try {
            return ZoneId.of(text.strip());
        } catch (DateTimeException e) {
            problem(
                    s.value(key),
                    s.path(key),
                    s.path(key) + " must be a time zone such as UTC or Europe/Berlin, was " + Texts.quote(text));
            return null;
        }
    }

    @Nullable
    String oneOf(Section s, String key, List<String> allowed) {
        String text = scalar(s.value(key), s.path(key), "one of " + String.join(", ", allowed));
        if (text != null && !allowed.contains(text)) {
            problem(
                    s.value(key),
                    s.path(key),
                    s.path(key) + " must be one of " + String.join(", ", allowed) + ", was " + Texts.quote(text));
            return null;
        }
        return text;
    }

    /** A name that core turns into an enum; its message lists the allowed names. */
    <T> @Nullable T named(Section s, String key, Function<String, T> byName) {
        String text = scalar(s.value(key), s.path(key), "a name");
        if (text == null) {
            return null;
        }
        return attempt(s.path, s.value(key), () -> byName.apply(text));
    }

    boolean required(Section s, String key) {
        if (!s.has(key)) {
            problem(s.node, s.path(key), s.path(key) + " is required");
            return false;
        }
        return true;
    }

    @Nullable
    LocalDate date(Section s, String key) {
        String text = scalar(s.value(key), s.path(key), "a date such as 2026-08-31");
        if (text == null) {
            return null;
        }
        try {
            return LocalDate.parse(text.strip());
        } catch (DateTimeParseException e) {
            problem(s.value(key), s.path(key), s.path(key) + " must be a date such as 2026-08-31, was '" + text + "'");
            return null;
        }
    }

    // ---------------------------------------------------------------- nodes

    /**
     * Reads a mapping. A key without a value ({@code usageLimits:}) is an empty mapping.
     *
     * @param known the keys allowed, or null when any key is allowed (model names, tier names)
     * @return the section, or null when the node is absent or not a mapping
     */
    @Nullable
    Section section(@Nullable Node node, String path, @Nullable List<String> known) {
        return mapping(node, path, known, null);
    }

    /**
     * Reads the top mapping of a file that other applications share: only {@code ownedKey} is
     * checked for repeats, and keys that are not plain scalars are skipped, since the other sections
     * may use any YAML.
     *
     * @param root the document's root mapping
     * @param ownedKey the one top-level key this reader's schema owns
     * @return the top section, with the first value of each key
     */
    private @Nullable Section document(Node root, String ownedKey) {
        return mapping(root, "", null, ownedKey);
    }

    private @Nullable Section mapping(
            @Nullable Node node, String path, @Nullable List<String> known, @Nullable String ownedKey) {
        if (node == null) {
            return null;
        }
        Section s = new Section(path, node);
        if (isNull(node)) {
            return s;
        }
        if (!(node instanceof MappingNode)) {
            problem(node, path, path + " must be a mapping, was " + describe(node));
            return null;
        }
        if (!tagAllowed(node, path)) {
            return null;
        }
        // in a shared file only the owned key is ours; the other sections may use any YAML
        boolean shared = ownedKey != null;
        for (NodeTuple tuple : ((MappingNode) node).getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode)) {
                if (shared) {
                    continue;
                }
                problem(
                        keyNode,
                        path,
                        path + " has a key that is " + describe(keyNode) + "; keys must be plain scalars");
                continue;
            }
            String key = ((ScalarNode) keyNode).getValue();
            String keyPath = s.path(key);
            if (known != null && !known.contains(key)) {
                String suggestion = Suggestions.closest(key, known);
                problem(
                        keyNode,
                        keyPath,
                        keyPath + " is not a known key; "
                                + (suggestion != null
                                        ? "did you mean " + suggestion + "?"
                                        : "known keys: " + String.join(", ", known)));
                continue;
            }
            Node first = s.keyNodes.get(key);
            if (first != null && (!shared || key.equals(ownedKey))) {
                problem(keyNode, keyPath, keyPath + " appears more than once; first at line " + line(first));
                continue;
            }
            if (first != null) {
                continue;
            }
            s.keyNodes.put(key, keyNode);
            s.values.put(key, tuple.getValueNode());
            nodesByPath.putIfAbsent(keyPath, tuple.getValueNode());
        }
        return s;
    }

    /** @return the items, an empty list for a key without a value, or null when absent or not a list */
    @Nullable
    List<Node> list(@Nullable Node node, String path) {
        if (node == null) {
            return null;
        }
        if (isNull(node)) {
            return List.of();
        }
        if (!(node instanceof SequenceNode)) {
            problem(node, path, path + " must be a list, was " + describe(node));
            return null;
        }
        if (!tagAllowed(node, path)) {
            return null;
        }
        List<Node> items = ((SequenceNode) node).getValue();
        for (int i = 0; i < items.size(); i++) {
            nodesByPath.putIfAbsent(path + "[" + i + "]", items.get(i));
        }
        return items;
    }

    /**
     * The text of a scalar, with environment references replaced.
     *
     * @param expected what the value should be, for the message when it is not a scalar
     * @return the text, or null when the node is absent or not a usable scalar
     */
    @Nullable
    String scalar(@Nullable Node node, String path, String expected) {
        if (node == null) {
            return null;
        }
        if (!(node instanceof ScalarNode) || isNull(node)) {
            problem(node, path, path + " must be " + expected + ", was " + describe(node));
            return null;
        }
        if (!tagAllowed(node, path)) {
            return null;
        }
        try {
            return Interpolation.apply(((ScalarNode) node).getValue(), environment);
        } catch (Interpolation.Unresolved e) {
            problem(node, path, path + " " + e.getMessage());
            return null;
        }
    }

    /** Rejects explicit tags other than YAML's plain types, such as {@code !!java.lang.Runtime}. */
    private boolean tagAllowed(Node node, String path) {
        if (PLAIN_TAGS.contains(node.getTag())) {
            return true;
        }
        String tag = node.getTag().getValue();
        String shown = tag.startsWith(Tag.PREFIX) ? "!!" + tag.substring(Tag.PREFIX.length()) : tag;
        problem(node, path, path + " has the tag " + shown + "; tags are not allowed here");
        return false;
    }

    static boolean isNull(Node node) {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    private static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        String text = ((ScalarNode) node).getValue();
        return text.isEmpty() ? "empty" : Texts.quote(text);
    }

    private static int line(Node node) {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }

    /** The value of a plain-text key of a mapping that is not ours, or null; read without judging the rest. */
    static @Nullable Node child(MappingNode node, String key) {
        for (NodeTuple t : node.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                return t.getValueNode();
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- problems

    void problem(@Nullable Node at, String keyPath, String message) {
        Mark mark = at == null ? null : at.getStartMark().orElse(null);
        problems.add(
                mark == null
                        ? new ConfigProblem(source, 0, 0, keyPath, message)
                        : new ConfigProblem(source, mark.getLine() + 1, mark.getColumn() + 1, keyPath, message));
    }

    /**
     * Runs a core constructor or setter; its {@link IllegalArgumentException} becomes a problem.
     * Core's message starts with the key it names relative to {@code parentPath}; the problem is
     * placed at that key's value when it was read, else at {@code fallback}.
     */
    <T> @Nullable T attempt(String parentPath, @Nullable Node fallback, Supplier<T> action) {
        try {
            return action.get();
        } catch (IllegalArgumentException e) {
            coreProblem(parentPath, fallback, e);
            return null;
        }
    }

    /**
     * Runs a core setter that names its setting as code does ({@code holdTtl}) where the file has
     * another key ({@code reservationTtlMs}): core's rule, reported at the file's key.
     */
    void attemptAs(Section s, String key, String coreName, Runnable action) {
        try {
            action.run();
        } catch (IllegalArgumentException e) {
            String message = String.valueOf(e.getMessage());
            problem(
                    s.value(key),
                    s.path(key),
                    s.path(key)
                            + (message.startsWith(coreName + " ")
                                    ? message.substring(coreName.length())
                                    : ": " + message));
        }
    }

    void coreProblem(String parentPath, @Nullable Node fallback, IllegalArgumentException e) {
        String message = parentPath + "." + e.getMessage();
        int space = message.indexOf(' ');
        String subject = space < 0 ? message : message.substring(0, space);
        Node at = nodesByPath.get(subject);
        problem(at != null ? at : fallback, at != null ? subject : parentPath, message);
    }

    void failIfProblems() {
        if (problems.isEmpty()) {
            return;
        }
        List<ConfigProblem> first = problems.first();
        throw new ConfigException(source, first, problems.size() - first.size());
    }
}
