package dev.balancekit.yaml;

import dev.balancekit.LedgerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Loads a {@link LedgerConfig} from the {@code balance:} section of a {@code librechat.yaml}-style
 * file; every other section is ignored, so a real LibreChat config file loads as it is. The keys,
 * their defaults and the error format are documented in {@code docs/configuration.md}.
 *
 * <pre>{@code
 * LedgerConfig config = YamlLedgerConfig.load(Path.of("librechat.yaml"));
 * }</pre>
 *
 * <p>LibreChat's keys keep LibreChat's meaning and defaults: without {@code enabled: true} balances
 * are not enforced, and a file without a {@code balance:} section falls back to the legacy
 * environment variables {@code CHECK_BALANCE} and {@code START_BALANCE}. Values may refer to the
 * environment as {@code ${VAR}} or {@code ${VAR:-default}}.
 *
 * <p>The file is read as YAML nodes only: tags never construct objects. It must be at most
 * {@link #MAX_SIZE} bytes, also with every alias replaced by what it names, nest at most
 * {@link #MAX_DEPTH} levels, and have at most {@link #MAX_COLLECTION_ALIASES} aliases of lists or
 * mappings. Every problem is reported at once in one {@link ConfigException}, whose size is bounded
 * whatever the file holds.
 */
public final class YamlLedgerConfig {

    /**
     * The largest file accepted: 1 MiB (in bytes for a file, in characters for a string). It also
     * bounds the file as if every alias were replaced by a copy of what it names, counting the
     * characters of each scalar and one for each list or mapping.
     */
    public static final int MAX_SIZE = 1 << 20;

    /** The deepest nesting of lists and mappings accepted anywhere in the file. */
    public static final int MAX_DEPTH = 64;

    /** The most aliases ({@code *name}) of lists or mappings accepted, which stops alias bombs. */
    public static final int MAX_COLLECTION_ALIASES = 50;

    private YamlLedgerConfig() {}

    /**
     * Loads the config from a file, with the process environment for {@code ${VAR}} and the legacy
     * variables.
     *
     * @param file the {@code librechat.yaml}-style file
     * @return the config
     * @throws ConfigException listing every problem, if the file cannot be read or is invalid
     */
    public static LedgerConfig load(Path file) {
        return load(file, System.getenv());
    }

    /**
     * Loads the config from a file, with the given environment.
     *
     * @param file the {@code librechat.yaml}-style file
     * @param environment the variables for {@code ${VAR}}, {@code CHECK_BALANCE} and {@code START_BALANCE}
     * @return the config
     * @throws ConfigException listing every problem, if the file cannot be read or is invalid
     */
    public static LedgerConfig load(Path file, Map<String, String> environment) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(environment, "environment");
        String source = sourceName(file);
        return BalanceSchema.read(decode(readBytes(file, source), source), source, environment);
    }

    /**
     * Parses the config from text, with the process environment.
     *
     * @param yaml the file's content
     * @param sourceName the name used in problem positions, such as {@code librechat.yaml}
     * @return the config
     * @throws ConfigException listing every problem, if the text is invalid
     */
    public static LedgerConfig parse(String yaml, String sourceName) {
        return parse(yaml, sourceName, System.getenv());
    }

    /**
     * Parses the config from text, with the given environment.
     *
     * @param yaml the file's content
     * @param sourceName the name used in problem positions, such as {@code librechat.yaml}
     * @param environment the variables for {@code ${VAR}}, {@code CHECK_BALANCE} and {@code START_BALANCE}
     * @return the config
     * @throws ConfigException listing every problem, if the text is invalid
     */
    public static LedgerConfig parse(String yaml, String sourceName, Map<String, String> environment) {
        Objects.requireNonNull(yaml, "yaml");
        Objects.requireNonNull(sourceName, "sourceName");
        Objects.requireNonNull(environment, "environment");
        if (yaml.length() > MAX_SIZE) {
            throw fileProblem(sourceName, "the file is larger than the limit of " + MAX_SIZE + " characters", null);
        }
        return BalanceSchema.read(stripByteOrderMark(yaml), sourceName, environment);
    }

    /**
     * Reads the MongoDB collection names a file gives in {@code balance.mongo}
     * ({@code accountsCollection}, {@code entriesCollection}), with the given environment. The
     * whole file is checked as {@link #load(Path, Map)} checks it.
     *
     * @param file the {@code librechat.yaml}-style file
     * @param environment the variables for {@code ${VAR}}
     * @return the names; a name the file does not give is null
     * @throws ConfigException listing every problem, if the file cannot be read or is invalid
     */
    public static CollectionNames collectionNames(Path file, Map<String, String> environment) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(environment, "environment");
        String source = sourceName(file);
        return BalanceSchema.readCollections(decode(readBytes(file, source), source), source, environment);
    }

    /**
     * Reads the MongoDB collection names of a config given as text; see {@link #collectionNames(Path, Map)}.
     *
     * @param yaml the file's content
     * @param sourceName the name used in problem positions
     * @param environment the variables for {@code ${VAR}}
     * @return the names; a name the text does not give is null
     * @throws ConfigException listing every problem, if the text is invalid
     */
    public static CollectionNames parseCollectionNames(
            String yaml, String sourceName, Map<String, String> environment) {
        Objects.requireNonNull(yaml, "yaml");
        Objects.requireNonNull(sourceName, "sourceName");
        Objects.requireNonNull(environment, "environment");
        if (yaml.length() > MAX_SIZE) {
            throw fileProblem(sourceName, "the file is larger than the limit of " + MAX_SIZE + " characters", null);
        }
        return BalanceSchema.readCollections(stripByteOrderMark(yaml), sourceName, environment);
    }

    static String sourceName(Path file) {
        Path name = file.getFileName();
        return name == null ? file.toString() : name.toString();
    }

    /** Reads at most {@link #MAX_SIZE} bytes, so a huge file is refused without being read whole. */
    static byte[] readBytes(Path file, String source) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_SIZE + 1);
            if (bytes.length > MAX_SIZE) {
                throw fileProblem(source, "the file is larger than the limit of " + MAX_SIZE + " bytes", null);
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw fileProblem(source, "the file does not exist: " + file.toAbsolutePath(), e);
        } catch (IOException e) {
            throw fileProblem(source, "the file cannot be read: " + e, e);
        }
    }

    static String decode(byte[] bytes, String source) {
        try {
            String text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            return stripByteOrderMark(text);
        } catch (CharacterCodingException e) {
            throw fileProblem(source, "the file is not valid UTF-8", e);
        }
    }

    private static String stripByteOrderMark(String text) {
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    private static ConfigException fileProblem(String source, String message, @Nullable Throwable cause) {
        return new ConfigException(source, List.of(new ConfigProblem(source, 0, 0, "", message)), cause);
    }
}
