package dev.balancekit.yaml;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.Anchor;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Turns YAML text into a node tree, and nothing else: no object is ever constructed, so a tag such
 * as {@code !!java.lang.Runtime} is only a label on a node. Before composing, one pass over the
 * parser's events enforces the nesting and alias limits: the composer recurses once per nesting
 * level, and a "billion laughs" file is small as text but huge once its aliases are expanded
 * (the reader visits an aliased node once per alias, and each visit may report a problem).
 */
final class SafeYaml {

    /** A problem that makes the whole file unreadable, at a position (0-based, as snakeyaml counts) or none. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final int line;
        final int column;
        private final String reason;

        Failure(String message, @Nullable Mark mark) {
            super(message, null, false, false);
            this.reason = message;
            this.line = mark == null ? -1 : mark.getLine();
            this.column = mark == null ? -1 : mark.getColumn();
        }

        /** The reason, never null (Throwable's message may be null, a failure's is not). */
        @Override
        public String getMessage() {
            return reason;
        }
    }

    private SafeYaml() {}

    /**
     * Composes the single document of {@code yaml}.
     *
     * @return the root node, or empty for a file without content
     * @throws Failure if the text is not YAML or breaks a limit
     */
    static Optional<Node> compose(String yaml, String source) throws Failure {
        LoadSettings settings = LoadSettings.builder()
                .setLabel(source)
                .setSchema(new CoreSchema())
                .setAllowDuplicateKeys(false)
                .setAllowRecursiveKeys(false)
                // a list or mapping as a key is valid YAML; the reader reports it where it stands
                .setAllowNonScalarKeys(true)
                .setMaxAliasesForCollections(YamlLedgerConfig.MAX_COLLECTION_ALIASES)
                .setCodePointLimit(YamlLedgerConfig.MAX_SIZE)
                .setUseMarks(true)
                .build();
        try {
            checkLimits(settings, yaml);
            return new Composer(settings, new ParserImpl(settings, new StreamReader(settings, yaml))).getSingleNode();
        } catch (MarkedYamlEngineException e) {
            String context = e.getContext();
            String what = (context == null || context.isEmpty() ? "" : context + ": ") + e.getProblem();
            Mark mark = e.getProblemMark().or(e::getContextMark).orElse(null);
            throw new Failure("the file is not valid YAML: " + what.strip(), mark);
        } catch (YamlEngineException e) {
            String message = String.valueOf(e.getMessage());
            throw new Failure(
                    "the file is not valid YAML: "
                            + message.substring(0, Math.min(1, message.length()))
                                    .toLowerCase(Locale.ROOT) + message.substring(Math.min(1, message.length())),
                    null);
        }
    }

    /**
     * Enforces the limits in one pass over the parser's events, before any node is built. Besides
     * nesting and aliases of collections, it keeps the size of the file as if every alias were
     * replaced by a copy of what it names (characters of scalars, one per list or mapping): an
     * alias of a long scalar costs what the scalar costs, so a value of 100,000 characters used
     * 2,000 times is refused like the 200 MB it stands for. Files without aliases never reach
     * the expanded limit: their expanded size is at most their length.
     */
    private static void checkLimits(LoadSettings settings, String yaml) throws Failure {
        ParserImpl parser = new ParserImpl(settings, new StreamReader(settings, yaml));
        Set<Anchor> collectionAnchors = new HashSet<>();
        // the expanded size of what each anchor names; a collection's once it has ended
        Map<Anchor, Long> anchoredSizes = new HashMap<>();
        // the expanded size when each open collection started, and its anchor
        Deque<Long> openStarts = new ArrayDeque<>();
        Deque<Optional<Anchor>> openAnchors = new ArrayDeque<>();
        long expanded = 0;
        int depth = 0;
        int collectionAliases = 0;
        while (parser.hasNext()) {
            Event event = parser.next();
            switch (event.getEventId()) {
                case MappingStart:
                case SequenceStart:
                    depth++;
                    if (depth > YamlLedgerConfig.MAX_DEPTH) {
                        throw new Failure(
                                "the file nests lists and mappings more than " + YamlLedgerConfig.MAX_DEPTH
                                        + " levels deep",
                                event.getStartMark().orElse(null));
                    }
                    Optional<Anchor> anchor = ((NodeEvent) event).getAnchor();
                    anchor.ifPresent(collectionAnchors::add);
                    // defined again: the name means this collection from here on, not what it named before
                    anchor.ifPresent(anchoredSizes::remove);
                    openStarts.push(expanded);
                    openAnchors.push(anchor);
                    expanded++;
                    break;
                case MappingEnd:
                case SequenceEnd:
                    depth--;
                    long start = openStarts.pop();
                    long size = expanded - start;
                    openAnchors.pop().ifPresent(a -> anchoredSizes.put(a, size));
                    break;
                case Scalar:
                    long length = Math.max(1, ((ScalarEvent) event).getValue().length());
                    expanded += length;
                    // an anchor may be defined again; then it names a scalar from here on
                    ((NodeEvent) event).getAnchor().ifPresent(a -> {
                        collectionAnchors.remove(a);
                        anchoredSizes.put(a, length);
                    });
                    break;
                case Alias:
                    Anchor alias = ((AliasEvent) event).getAlias();
                    if (collectionAnchors.contains(alias)) {
                        collectionAliases++;
                        if (collectionAliases > YamlLedgerConfig.MAX_COLLECTION_ALIASES) {
                            throw new Failure(
                                    "the file has more than " + YamlLedgerConfig.MAX_COLLECTION_ALIASES
                                            + " aliases of lists or mappings; alias bombs (\"billion laughs\") are refused",
                                    event.getStartMark().orElse(null));
                        }
                    }
                    // an alias of a collection still open (a recursive one) is composed as one shared node
                    expanded += anchoredSizes.getOrDefault(alias, 1L);
                    if (expanded > YamlLedgerConfig.MAX_SIZE) {
                        throw new Failure(
                                "the file's aliases expand it to more than " + YamlLedgerConfig.MAX_SIZE
                                        + " characters; a value repeated by aliases counts each time it is used",
                                event.getStartMark().orElse(null));
                    }
                    break;
                default:
                    break;
            }
        }
    }
}
