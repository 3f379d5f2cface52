package dev.balancekit.pricing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns LibreChat's rate table, as published in {@code librechat-rates.yaml}, into the built-in
 * resource {@code builtin-prices.tsv}: the next price update is one command (docs/guide.md,
 * "Updating the built-in prices").
 *
 * <p>It lives with the tests because it is a maintainer's tool, not part of the library: it runs from
 * the reactor with {@code mvn -q -pl balance-core test-compile exec:java@update-prices}, needs nothing beyond the
 * JDK, and is tested like the code it feeds ({@code PriceTableImporterTest}, {@code BuiltInPricesTest}).
 *
 * <p>The reference file is read line by line, keeping every rate's decimal text: a header
 * ({@code source:}, {@code unit: usdPer1MTokens}, {@code defaultRate:}), the sections {@code models},
 * {@code cache}, {@code premium}, {@code premiumCache} with one {@code key: {name: value, ...}} row a
 * line, and {@code legacyFallbacks} with one {@code - {contains: text, key: key}} a line. A comment
 * {@code ... through YYYY-MM-DD; revert to { name: value, ... } after.} is LibreChat's note of an
 * introductory price: it dates the rows after it in its section that carry the same rates as the
 * first of them, which becomes one {@code dated} record per key. A closing {@code # counts: ...}
 * comment is checked against the rows read. Any other line is an error naming its line number.
 */
public final class PriceTableImporter {

    private static final Pattern ROW = Pattern.compile("^  (\"[^\"]+\"|[^\\s\"#:][^\\s\"]*?):\\s*\\{([^}]*)}\\s*(?:#.*)?$");
    private static final Pattern FALLBACK = Pattern.compile("^  - \\{([^}]*)}\\s*(?:#.*)?$");
    private static final Pattern SECTION = Pattern.compile("^([A-Za-z]+):\\s*(?:#.*)?$");
    private static final Pattern HEADER = Pattern.compile("^(source|unit|defaultRate):\\s*(.+?)\\s*$");
    private static final Pattern INTRO = Pattern.compile(
            "through (\\d{4}-\\d{2}-\\d{2}); revert to \\{([^}]*)} after");
    private static final Pattern COUNTS = Pattern.compile(
            "^# counts: models (\\d+), cache (\\d+), premium (\\d+), premiumCache (\\d+)\\s*$");
    private static final Pattern SOURCE_DATE = Pattern.compile("\\((\\d{4}-\\d{2}-\\d{2})\\)\\s*$");
    private static final List<String> SECTIONS = List.of("models", "cache", "premium", "premiumCache", "legacyFallbacks");

    private PriceTableImporter() {
    }

    /**
     * The reference file as read: every section's rows in file order, values as their decimal text.
     *
     * @param source where the prices come from (the {@code source:} line)
     * @param asOf the publication date, taken from the end of the source line
     * @param defaultRate the rate of an unknown model
     * @param models key to {@code prompt}, {@code completion}
     * @param cache key to {@code write}, {@code read}
     * @param premium key to {@code threshold}, {@code prompt}, {@code completion}
     * @param premiumCache key to {@code threshold}, {@code write}, {@code read}
     * @param fallbacks {@code contains} text to key, in order
     * @param dated key to the introductory note: the last day and the rates after it
     */
    record Rates(String source, LocalDate asOf, String defaultRate, Map<String, Map<String, String>> models,
            Map<String, Map<String, String>> cache, Map<String, Map<String, String>> premium,
            Map<String, Map<String, String>> premiumCache, Map<String, String> fallbacks, Map<String, Intro> dated) {
    }

    /**
     * An introductory price: the row's rates hold through {@code through}, then {@code after} replaces them.
     *
     * @param through the last day of the introductory price
     * @param after the rates after it, by name ({@code prompt}, {@code completion}, {@code write}, {@code read})
     */
    record Intro(LocalDate through, Map<String, String> after) {
    }

    /**
     * Runs the importer: {@code PriceTableImporter REFERENCE OUTPUT}.
     *
     * @param args the reference file and the resource to write
     * @throws IOException if a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: PriceTableImporter REFERENCE.yaml OUTPUT.tsv");
            System.exit(1);
            return;
        }
        Path in = Path.of(args[0]);
        Path out = Path.of(args[1]);
        String resource = convert(Files.readString(in, StandardCharsets.UTF_8), in.getFileName().toString());
        PriceTable table = PriceTable.parse(new BufferedReader(new StringReader(resource)), out.getFileName().toString());
        Files.writeString(out, resource, StandardCharsets.UTF_8);
        System.out.println("wrote " + out + ": " + table);
    }

    /**
     * Converts a reference file's text into the resource's text.
     *
     * @param reference the reference file's text
     * @param name the reference file's name, for messages and the resource's header
     * @return the resource's text
     * @throws IllegalArgumentException naming the line, if the reference is malformed
     */
    static String convert(String reference, String name) {
        return write(read(reference, name), name);
    }

    /**
     * Reads a reference file.
     *
     * @param text the file's text
     * @param name the file's name, for messages
     * @return the rates
     * @throws IllegalArgumentException naming the line, if the text is malformed
     */
    static Rates read(String text, String name) {
        Map<String, String> header = new LinkedHashMap<>();
        Map<String, Map<String, Map<String, String>>> sections = new LinkedHashMap<>();
        for (String s : SECTIONS) {
            sections.put(s, new LinkedHashMap<>());
        }
        Map<String, String> fallbacks = new LinkedHashMap<>();
        Map<String, Intro> dated = new LinkedHashMap<>();
        String section = null;
        Intro pendingIntro = null;
        Map<String, String> introRates = null;
        int[] counts = null;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].replace("\r", "");
            int lineNumber = i + 1;
            try {
                if (line.isBlank()) {
                    continue;
                }
                Matcher m;
                if (line.strip().startsWith("#")) {
                    line = line.strip();
                    Matcher c = COUNTS.matcher(line);
                    if (c.matches()) {
                        counts = new int[] {Integer.parseInt(c.group(1)), Integer.parseInt(c.group(2)),
                            Integer.parseInt(c.group(3)), Integer.parseInt(c.group(4))};
                        continue;
                    }
                    Matcher intro = INTRO.matcher(line);
                    if (intro.find()) {
                        pendingIntro = new Intro(date(intro.group(1)), values(intro.group(2)));
                        introRates = null;
                    } else if (line.contains(" through ") || line.contains("revert")) {
                        throw new IllegalArgumentException("introductory-price note must read '... through YYYY-MM-DD;"
                                + " revert to { name: value } after', was '" + line + "'");
                    } else {
                        // any other comment ends the rows an introductory note dates
                        pendingIntro = null;
                    }
                    continue;
                }
                if ((m = HEADER.matcher(line)).matches()) {
                    if (header.put(m.group(1), m.group(2)) != null) {
                        throw new IllegalArgumentException(m.group(1) + " must appear once");
                    }
                    continue;
                }
                if ((m = SECTION.matcher(line)).matches()) {
                    section = m.group(1);
                    if (!SECTIONS.contains(section)) {
                        throw new IllegalArgumentException("section must be one of " + String.join(", ", SECTIONS)
                                + ", was '" + section + "'");
                    }
                    pendingIntro = null;
                    continue;
                }
                if (section == null) {
                    throw new IllegalArgumentException("a row must be inside a section, was '" + line + "'");
                }
                if (section.equals("legacyFallbacks")) {
                    if (!(m = FALLBACK.matcher(line)).matches()) {
                        throw new IllegalArgumentException("legacy fallback must read '  - {contains: text, key: key}',"
                                + " was '" + line + "'");
                    }
                    Map<String, String> v = values(m.group(1));
                    require(v, List.of("contains", "key"), "legacy fallback");
                    if (fallbacks.put(v.get("contains"), v.get("key")) != null) {
                        throw new IllegalArgumentException("legacy fallback text must appear once, was '"
                                + v.get("contains") + "' again");
                    }
                    continue;
                }
                if (!(m = ROW.matcher(line)).matches()) {
                    throw new IllegalArgumentException(section + " row must read '  key: {name: value, ...}', was '"
                            + line + "'");
                }
                String key = unquote(m.group(1));
                Map<String, String> v = values(m.group(2));
                require(v, switch (section) {
                    case "models" -> List.of("prompt", "completion");
                    case "cache" -> List.of("write", "read");
                    case "premium" -> List.of("threshold", "prompt", "completion");
                    default -> List.of("threshold", "write", "read");
                }, section + " row '" + key + "'");
                v.forEach((n, value) -> {
                    if (n.equals("threshold")) {
                        dev.balancekit.Credits.parseScaled(value, 0, n);
                    } else {
                        Rate.parsePerToken(value, n);
                    }
                });
                if (sections.get(section).put(key, v) != null) {
                    throw new IllegalArgumentException(section + " key must appear once, was '" + key + "' again");
                }
                if (pendingIntro != null) {
                    if (introRates == null) {
                        introRates = v;
                    }
                    if (v.equals(introRates)) {
                        Intro before = dated.get(key);
                        if (before != null && !before.through().equals(pendingIntro.through())) {
                            throw new IllegalArgumentException("introductory price of '" + key + "' ends on "
                                    + pendingIntro.through() + " here but on " + before.through() + " before");
                        }
                        Map<String, String> after = new LinkedHashMap<>(before == null ? Map.of() : before.after());
                        for (Map.Entry<String, String> e : pendingIntro.after().entrySet()) {
                            if (!v.containsKey(e.getKey())) {
                                throw new IllegalArgumentException("introductory price of '" + key + "' reverts "
                                        + e.getKey() + ", which its " + section + " row does not have");
                            }
                            after.put(e.getKey(), e.getValue());
                        }
                        dated.put(key, new Intro(pendingIntro.through(), after));
                    } else {
                        pendingIntro = null;
                    }
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage() + " (" + name + ":" + lineNumber + ")", e);
            }
        }
        for (String h : List.of("source", "unit", "defaultRate")) {
            if (!header.containsKey(h)) {
                throw new IllegalArgumentException(h + " is missing (" + name + ")");
            }
        }
        if (!header.get("unit").equals("usdPer1MTokens")) {
            throw new IllegalArgumentException("unit must be usdPer1MTokens, was '" + header.get("unit") + "' (" + name + ")");
        }
        Matcher date = SOURCE_DATE.matcher(header.get("source"));
        if (!date.find()) {
            throw new IllegalArgumentException("source must end with its date in parentheses, like (2026-09-23), was '"
                    + header.get("source") + "' (" + name + ")");
        }
        Rates rates = new Rates(header.get("source"), date(date.group(1)), header.get("defaultRate"),
                sections.get("models"), sections.get("cache"), sections.get("premium"), sections.get("premiumCache"),
                fallbacks, dated);
        if (counts != null) {
            int[] found = {rates.models().size(), rates.cache().size(), rates.premium().size(), rates.premiumCache().size()};
            if (!java.util.Arrays.equals(counts, found)) {
                throw new IllegalArgumentException("counts say models " + counts[0] + ", cache " + counts[1] + ", premium "
                        + counts[2] + ", premiumCache " + counts[3] + ", but the file has " + found[0] + ", " + found[1]
                        + ", " + found[2] + ", " + found[3] + " (" + name + ")");
            }
        }
        return rates;
    }

    /**
     * Writes the resource for a reference.
     *
     * @param r the rates
     * @param name the reference file's name, for the header
     * @return the resource's text
     * @throws IllegalArgumentException if a rate is not a plain decimal
     */
    static String write(Rates r, String name) {
        StringBuilder sb = new StringBuilder();
        sb.append("# BalanceKit built-in price table, read by PriceTable.builtIn().\n")
                .append("#\n")
                .append("# Generated by PriceTableImporter from ").append(name).append(" (LibreChat's token rate table);\n")
                .append("# do not edit by hand: update the reference file and run the importer (docs/guide.md).\n")
                .append("# Row order is kept because it breaks ties between matching keys.\n")
                .append("#\n")
                .append("# Format: one record per line, fields separated by one TAB; blank lines and lines starting with #\n")
                .append("# are ignored. Every rate is in credits per token, which is the same number as USD per 1M tokens.\n")
                .append("#   asOf          <date>\n")
                .append("#   source        <text>\n")
                .append("#   default       <prompt> <completion>\n")
                .append("#   model         <key> <prompt> <completion>\n")
                .append("#   cache         <key> <write> <read>\n")
                .append("#   premium       <key> <threshold> <prompt> <completion>   (above threshold prompt tokens)\n")
                .append("#   premiumCache  <key> <threshold> <write> <read>          (cache rates above the threshold)\n")
                .append("#   dated         <key> <through> <prompt> <completion> [<write> <read>]\n")
                .append("#                 (the row's rates hold through that day; from the next day these replace them)\n")
                .append("#   fallback      <contains> <key>                          (tried in order after key matching)\n")
                .append("# Every record after default refers to a model row above it.\n")
                .append('\n')
                .append("asOf\t").append(r.asOf()).append('\n')
                .append("source\t").append(r.source()).append('\n')
                .append("default\t").append(rate(r.defaultRate())).append('\t').append(rate(r.defaultRate())).append("\n\n");
        r.models().forEach((k, v) -> line(sb, "model", k, rate(v.get("prompt")), rate(v.get("completion"))));
        sb.append('\n');
        r.cache().forEach((k, v) -> line(sb, "cache", k, rate(v.get("write")), rate(v.get("read"))));
        sb.append('\n');
        r.premium().forEach((k, v) -> line(sb, "premium", k, whole(v.get("threshold")), rate(v.get("prompt")),
                rate(v.get("completion"))));
        sb.append('\n');
        r.premiumCache().forEach((k, v) -> line(sb, "premiumCache", k, whole(v.get("threshold")), rate(v.get("write")),
                rate(v.get("read"))));
        sb.append('\n');
        r.dated().forEach((k, intro) -> {
            Map<String, String> model = r.models().get(k);
            if (model == null) {
                throw new IllegalArgumentException("introductory price of '" + k + "' has no model row");
            }
            Map<String, String> a = intro.after();
            List<String> f = new ArrayList<>(List.of(intro.through().toString(),
                    rate(a.getOrDefault("prompt", model.get("prompt"))),
                    rate(a.getOrDefault("completion", model.get("completion")))));
            if (a.containsKey("write") || a.containsKey("read")) {
                Map<String, String> cache = r.cache().get(k);
                f.add(rate(a.getOrDefault("write", cache.get("write"))));
                f.add(rate(a.getOrDefault("read", cache.get("read"))));
            }
            line(sb, "dated", k, f.toArray(String[]::new));
        });
        sb.append('\n');
        r.fallbacks().forEach((contains, key) -> line(sb, "fallback", contains, key));
        return sb.toString();
    }

    private static void line(StringBuilder sb, String type, String key, String... fields) {
        sb.append(type).append('\t').append(key);
        for (String f : fields) {
            sb.append('\t').append(f);
        }
        sb.append('\n');
    }

    /** A rate's text as the resource writes it: parsed exactly, written back in its shortest plain form. */
    private static String rate(String text) {
        return Rate.perToken(text).toString();
    }

    private static String whole(String text) {
        return Long.toString(dev.balancekit.Credits.parseScaled(text, 0, "threshold"));
    }

    private static LocalDate date(String text) {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("date must be like 2026-09-23, was '" + text + "'", e);
        }
    }

    /** Reads {@code name: value, name: "value"} pairs, keeping each value's text. */
    private static Map<String, String> values(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : body.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int colon = pair.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("value must read 'name: value', was '" + pair.strip() + "'");
            }
            String key = pair.substring(0, colon).strip();
            if (out.put(key, unquote(pair.substring(colon + 1).strip())) != null) {
                throw new IllegalArgumentException(key + " must appear once in '{" + body + "}'");
            }
        }
        return out;
    }

    private static void require(Map<String, String> values, List<String> names, String what) {
        if (!values.keySet().equals(new java.util.HashSet<>(names))) {
            throw new IllegalArgumentException(what + " must have exactly " + String.join(", ", names) + ", was "
                    + values.keySet());
        }
    }

    private static String unquote(String text) {
        return text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"") ? text.substring(1, text.length() - 1)
                : text;
    }
}
