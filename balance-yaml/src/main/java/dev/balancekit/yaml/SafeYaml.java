package dev.balancekit.yaml;

import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.Anchor;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;
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
 * level, and a "billion laughs" file is small as text but huge once its aliases are expanded.
 */
final class SafeYaml {

    /** A problem that makes the whole file unreadable, at a position (0-based, as snakeyaml counts) or none. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final int line;
        final int column;

        Failure(String message, @Nullable Mark mark) {
            super(message, null, false, false);
            this.line = mark == null ? -1 : mark.getLine();
            this.column = mark == null ? -1 : mark.getColumn();
        }
    }

    private SafeYaml() {
    }

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
            throw new Failure("the file is not valid YAML: " + message.substring(0, Math.min(1, message.length()))
                    .toLowerCase(Locale.ROOT) + message.substring(Math.min(1, message.length())), null);
        }
    }

    private static void checkLimits(LoadSettings settings, String yaml) throws Failure {
        ParserImpl parser = new ParserImpl(settings, new StreamReader(settings, yaml));
        Set<Anchor> collectionAnchors = new HashSet<>();
        int depth = 0;
        int collectionAliases = 0;
        while (parser.hasNext()) {
            Event event = parser.next();
            switch (event.getEventId()) {
                case MappingStart:
                case SequenceStart:
                    depth++;
                    if (depth > YamlLedgerConfig.MAX_DEPTH) {
                        throw new Failure("the file nests lists and mappings more than " + YamlLedgerConfig.MAX_DEPTH
                                + " levels deep", event.getStartMark().orElse(null));
                    }
                    ((NodeEvent) event).getAnchor().ifPresent(collectionAnchors::add);
                    break;
                case MappingEnd:
                case SequenceEnd:
                    depth--;
                    break;
                case Scalar:
                    // an anchor may be defined again; then it names a scalar from here on
                    ((NodeEvent) event).getAnchor().ifPresent(collectionAnchors::remove);
                    break;
                case Alias:
                    if (collectionAnchors.contains(((AliasEvent) event).getAlias())) {
                        collectionAliases++;
                        if (collectionAliases > YamlLedgerConfig.MAX_COLLECTION_ALIASES) {
                            throw new Failure("the file has more than " + YamlLedgerConfig.MAX_COLLECTION_ALIASES
                                    + " aliases of lists or mappings; alias bombs (\"billion laughs\") are refused",
                                    event.getStartMark().orElse(null));
                        }
                    }
                    break;
                default:
                    break;
            }
        }
    }
}
