package dev.balancekit.pricing;

import java.io.IOException;
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
import org.jspecify.annotations.Nullable;

/**
 * Turns LibreChat's rate table, as published in {@code librechat-rates.yaml}, into the built-in
 * table's source, the generated class {@code BuiltInPrices} (builder calls, so nothing parses a
 * file at run time): the next price update is one command (docs/guide.md, "Updating the built-in
 * prices").
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

    private static final Pattern ROW =
            Pattern.compile("^  (\"[^\"]+\"|[^\\s\"#:][^\\s\"]*?):\\s*\\{([^}]*)}\\s*(?:#.*)?$");
    private static final Pattern FALLBACK = Pattern.compile("^  - \\{([^}]*)}\\s*(?:#.*)?$");
    private static final Pattern SECTION = Pattern.compile("^([A-Za-z]+):\\s*(?:#.*)?$");
    private static final Pattern HEADER = Pattern.compile("^(source|unit|defaultRate):\\s*(.+?)\\s*$");
    private static final Pattern INTRO = Pattern.compile("through (\\d{4}-\\d{2}-\\d{2}); revert to \\{([^}]*)} after");
    private static final Pattern COUNTS =
            Pattern.compile("^# counts: models (\\d+), cache (\\d+), premium (\\d+), premiumCache (\\d+)\\s*$");
    private static final Pattern SOURCE_DATE = Pattern.compile("\\((\\d{4}-\\d{2}-\\d{2})\\)\\s*$");
    private static final List<String> SECTIONS =
            List.of("models", "cache", "premium", "premiumCache", "legacyFallbacks");

    private PriceTableImporter() {}

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
    record Rates(
            String source,
            LocalDate asOf,
            String defaultRate,
            Map<String, Map<String, String>> models,
            Map<String, Map<String, String>> cache,
            Map<String, Map<String, String>> premium,
            Map<String, Map<String, String>> premiumCache,
            Map<String, String> fallbacks,
            Map<String, Intro> dated) {}

    /**
     * An introductory price: the row's rates hold through {@code through}, then {@code after} replaces them.
     *
     * @param through the last day of the introductory price
     * @param after the rates after it, by name ({@code prompt}, {@code completion}, {@code write}, {@code read})
     */
    record Intro(LocalDate through, Map<String, String> after) {}

    /**
     * Runs the importer: {@code PriceTableImporter REFERENCE OUTPUT}.
     *
     * @param args the reference file and the source file to write
     * @throws IOException if a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: PriceTableImporter REFERENCE.yaml OUTPUT.java");
            System.exit(1);
            return;
        }
        Path in = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Rates rates = read(
                Files.readString(in, StandardCharsets.UTF_8), in.getFileName().toString());
        String source = write(rates, in.getFileName().toString());
        Files.writeString(out, source, StandardCharsets.UTF_8);
        System.out.println("wrote " + out + ": " + table(rates));
    }

    /**
     * Converts a reference file's text into the generated class's source.
     *
     * @param reference the reference file's text
     * @param name the reference file's name, for messages and the class comment
     * @return the Java source
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
                        counts = new int[] {
                            Integer.parseInt(c.group(1)),
                            Integer.parseInt(c.group(2)),
                            Integer.parseInt(c.group(3)),
                            Integer.parseInt(c.group(4))
                        };
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
                        throw new IllegalArgumentException(
                                "section must be one of " + String.join(", ", SECTIONS) + ", was '" + section + "'");
                    }
                    pendingIntro = null;
                    continue;
                }
                if (section == null) {
                    throw new IllegalArgumentException("a row must be inside a section, was '" + line + "'");
                }
                if (section.equals("legacyFallbacks")) {
                    if (!(m = FALLBACK.matcher(line)).matches()) {
                        throw new IllegalArgumentException(
                                "legacy fallback must read '  - {contains: text, key: key}'," + " was '" + line + "'");
                    }
                    Map<String, String> v = values(m.group(1));
                    require(v, List.of("contains", "key"), "legacy fallback");
                    if (fallbacks.put(v.get("contains"), v.get("key")) != null) {
                        throw new IllegalArgumentException(
                                "legacy fallback text must appear once, was '" + v.get("contains") + "' again");
                    }
                    continue;
                }
                if (!(m = ROW.matcher(line)).matches()) {
                    throw new IllegalArgumentException(
                            section + " row must read '  key: {name: value, ...}', was '" + line + "'");
                }
                String key = unquote(m.group(1));
                Map<String, String> v = values(m.group(2));
                require(
                        v,
                        switch (section) {
                            case "models" -> List.of("prompt", "completion");
                            case "cache" -> List.of("write", "read");
                            case "premium" -> List.of("threshold", "prompt", "completion");
                            default -> List.of("threshold", "write", "read");
                        },
                        section + " row '" + key + "'");
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
            throw new IllegalArgumentException(
                    "unit must be usdPer1MTokens, was '" + header.get("unit") + "' (" + name + ")");
        }
        Matcher date = SOURCE_DATE.matcher(header.get("source"));
        if (!date.find()) {
            throw new IllegalArgumentException("source must end with its date in parentheses, like (2026-09-23), was '"
                    + header.get("source") + "' (" + name + ")");
        }
        Rates rates = new Rates(
                header.get("source"),
                date(date.group(1)),
                header.get("defaultRate"),
                sections.get("models"),
                sections.get("cache"),
                sections.get("premium"),
                sections.get("premiumCache"),
                fallbacks,
                dated);
        if (counts != null) {
            int[] found = {
                rates.models().size(),
                rates.cache().size(),
                rates.premium().size(),
                rates.premiumCache().size()
            };
            if (!java.util.Arrays.equals(counts, found)) {
                throw new IllegalArgumentException("counts say models " + counts[0] + ", cache " + counts[1]
                        + ", premium "
                        + counts[2] + ", premiumCache " + counts[3] + ", but the file has " + found[0] + ", " + found[1]
                        + ", " + found[2] + ", " + found[3] + " (" + name + ")");
            }
        }
        return rates;
    }

    /**
     * One row of the built-in table as the importer resolved it: its price now and, for an
     * introductory price, the day it ends and the price after it.
     *
     * @param key the row's key
     * @param price the row's price
     * @param through the last day of an introductory price, or null
     * @param after the price from the day after {@code through}, or null
     */
    record Row(
            String key,
            Price price,
            @Nullable LocalDate through,
            @Nullable Price after) {

        ModelPrice modelPrice() {
            ModelPrice p = price.modelPrice();
            return through == null ? p : p.until(through, after.modelPrice());
        }

        String java() {
            StringBuilder sb = new StringBuilder(price.java());
            if (through != null) {
                sb.append(CONTINUATION)
                        .append(".until(")
                        .append(date(through))
                        .append(", ")
                        .append(after.java().replace(CONTINUATION, ""))
                        .append(')');
            }
            return "        b.model(" + literal(key) + ", " + sb + ");\n";
        }
    }

    /**
     * A price as the decimal texts the generated source passes to {@link Rate#perToken(String)}:
     * prompt and completion, optional cache rates, optional long-context pricing with its
     * threshold and optional cache rates.
     *
     * @param prompt the prompt rate
     * @param completion the completion rate
     * @param write the cache-write rate, or null
     * @param read the cache-read rate, or null
     * @param threshold the long-context threshold, or null
     * @param premiumPrompt the long-context prompt rate, or null
     * @param premiumCompletion the long-context completion rate, or null
     * @param premiumWrite the long-context cache-write rate, or null
     * @param premiumRead the long-context cache-read rate, or null
     */
    record Price(
            String prompt,
            String completion,
            @Nullable String write,
            @Nullable String read,
            @Nullable Long threshold,
            @Nullable String premiumPrompt,
            @Nullable String premiumCompletion,
            @Nullable String premiumWrite,
            @Nullable String premiumRead) {

        ModelPrice modelPrice() {
            ModelPrice p = ModelPrice.perToken(prompt, completion);
            if (write != null) {
                p = p.withCache(Rate.perToken(write), Rate.perToken(read));
            }
            if (threshold != null) {
                Premium premium =
                        new Premium(threshold, Rate.perToken(premiumPrompt), Rate.perToken(premiumCompletion));
                if (premiumWrite != null) {
                    premium = premium.withCache(Rate.perToken(premiumWrite), Rate.perToken(premiumRead));
                }
                p = p.withPremium(premium);
            }
            return p;
        }

        String java() {
            StringBuilder sb = new StringBuilder("price(")
                    .append(literal(prompt))
                    .append(", ")
                    .append(literal(completion))
                    .append(')');
            if (write != null) {
                sb.append(CONTINUATION)
                        .append(".withCache(rate(")
                        .append(literal(write))
                        .append("), rate(")
                        .append(literal(read))
                        .append("))");
            }
            if (threshold != null) {
                sb.append(CONTINUATION)
                        .append(".withPremium(premium(")
                        .append(threshold)
                        .append(", ")
                        .append(literal(premiumPrompt))
                        .append(", ")
                        .append(literal(premiumCompletion))
                        .append(')');
                if (premiumWrite != null) {
                    sb.append(".withCache(rate(")
                            .append(literal(premiumWrite))
                            .append("), rate(")
                            .append(literal(premiumRead))
                            .append("))");
                }
                sb.append(')');
            }
            return sb.toString();
        }
    }

    /** Where the generated source continues a row's expression: a new line, indented twice more. */
    private static final String CONTINUATION = "\n                ";

    /**
     * Resolves a reference into the table's rows, in the reference's order, checking that every
     * cache, long-context and introductory row and every fallback names a model row.
     *
     * @param r the rates
     * @return the rows
     * @throws IllegalArgumentException naming the key, if a row refers to a model row that is not there
     */
    static List<Row> rows(Rates r) {
        Map<String, Map<String, Map<String, String>>> sections = new LinkedHashMap<>();
        sections.put("cache", r.cache());
        sections.put("premium", r.premium());
        sections.put("premiumCache", r.premiumCache());
        sections.forEach((section, rows) -> rows.keySet().forEach(key -> {
            if (!r.models().containsKey(key)) {
                throw new IllegalArgumentException(section + " key must name a model row, was '" + key + "'");
            }
        }));
        r.premiumCache().forEach((key, v) -> {
            Map<String, String> premium = r.premium().get(key);
            long threshold = whole(v.get("threshold"));
            if (premium == null || whole(premium.get("threshold")) != threshold) {
                throw new IllegalArgumentException("premiumCache threshold must be the premium threshold of '" + key
                        + "', was " + threshold + " against "
                        + (premium == null ? "no premium" : Long.toString(whole(premium.get("threshold")))));
            }
        });
        r.fallbacks().forEach((contains, key) -> {
            if (!r.models().containsKey(key)) {
                throw new IllegalArgumentException("fallback key must name a model row, was '" + key + "'");
            }
        });
        r.dated().keySet().forEach(key -> {
            if (!r.models().containsKey(key)) {
                throw new IllegalArgumentException("introductory price of '" + key + "' has no model row");
            }
        });
        List<Row> rows = new ArrayList<>();
        r.models().forEach((key, model) -> {
            Map<String, String> cache = r.cache().get(key);
            Map<String, String> premium = r.premium().get(key);
            Map<String, String> premiumCache = r.premiumCache().get(key);
            String write = cache == null ? null : rate(cache.get("write"));
            String read = cache == null ? null : rate(cache.get("read"));
            Long threshold = premium == null ? null : whole(premium.get("threshold"));
            String premiumPrompt = premium == null ? null : rate(premium.get("prompt"));
            String premiumCompletion = premium == null ? null : rate(premium.get("completion"));
            String premiumWrite = premiumCache == null ? null : rate(premiumCache.get("write"));
            String premiumRead = premiumCache == null ? null : rate(premiumCache.get("read"));
            Price price = new Price(
                    rate(model.get("prompt")),
                    rate(model.get("completion")),
                    write,
                    read,
                    threshold,
                    premiumPrompt,
                    premiumCompletion,
                    premiumWrite,
                    premiumRead);
            Intro intro = r.dated().get(key);
            if (intro == null) {
                rows.add(new Row(key, price, null, null));
                return;
            }
            Map<String, String> a = intro.after();
            boolean newCache = a.containsKey("write") || a.containsKey("read");
            Price after = new Price(
                    rate(a.getOrDefault("prompt", model.get("prompt"))),
                    rate(a.getOrDefault("completion", model.get("completion"))),
                    newCache ? rate(a.getOrDefault("write", cache.get("write"))) : write,
                    newCache ? rate(a.getOrDefault("read", cache.get("read"))) : read,
                    threshold,
                    premiumPrompt,
                    premiumCompletion,
                    premiumWrite,
                    premiumRead);
            rows.add(new Row(key, price, intro.through(), after));
        });
        return rows;
    }

    /**
     * Builds the table a reference describes, with the same builder calls the generated source makes.
     *
     * @param r the rates
     * @return the table
     * @throws IllegalArgumentException if a row refers to a model row that is not there, or a value is out of range
     */
    static PriceTable table(Rates r) {
        PriceTable.Builder b = PriceTable.builder()
                .asOf(r.asOf())
                .source(r.source())
                .defaultPrice(ModelPrice.perToken(rate(r.defaultRate()), rate(r.defaultRate())));
        for (Row row : rows(r)) {
            b.model(row.key(), row.modelPrice());
        }
        r.fallbacks().forEach(b::legacyFallback);
        return b.build();
    }

    /**
     * Writes the source of the generated class {@code BuiltInPrices} for a reference.
     *
     * @param r the rates
     * @param name the reference file's name, for the class comment
     * @return the Java source
     * @throws IllegalArgumentException if a row refers to a model row that is not there, or a value is out of range
     */
    static String write(Rates r, String name) {
        // builds the table first, so that a reference the builder refuses writes nothing
        table(r);
        StringBuilder sb = new StringBuilder();
        sb.append("package dev.balancekit.pricing;\n")
                .append('\n')
                .append("import java.time.LocalDate;\n")
                .append('\n')
                .append("/**\n")
                .append(
                        " * The built-in price table of {@link PriceTable#builtIn()}: LibreChat's token rates as builder calls.\n")
                .append(" *\n")
                .append(" * <p>Generated by PriceTableImporter from ")
                .append(name)
                .append(" (LibreChat's token rate table);\n")
                .append(" * do not edit by hand: update the reference file and run the importer (docs/guide.md). Row\n")
                .append(
                        " * order is kept because it breaks ties between matching keys. Every rate is in credits per token,\n")
                .append(" * which is the same number as USD per 1M tokens.\n")
                .append(" */\n")
                .append("final class BuiltInPrices {\n")
                .append('\n')
                .append("    private BuiltInPrices() {\n")
                .append("    }\n")
                .append('\n')
                .append("    /** @return the built-in table, built anew */\n")
                .append("    static PriceTable table() {\n")
                .append("        PriceTable.Builder b = PriceTable.builder()\n")
                .append("                .asOf(")
                .append(date(r.asOf()))
                .append(")\n")
                .append("                .source(")
                .append(literal(r.source()))
                .append(")\n")
                .append("                .defaultPrice(price(")
                .append(literal(rate(r.defaultRate())))
                .append(", ")
                .append(literal(rate(r.defaultRate())))
                .append("));\n");
        for (Row row : rows(r)) {
            sb.append(row.java());
        }
        r.fallbacks()
                .forEach((contains, key) -> sb.append("        b.legacyFallback(")
                        .append(literal(contains))
                        .append(", ")
                        .append(literal(key))
                        .append(");\n"));
        sb.append("        return b.build();\n")
                .append("    }\n")
                .append('\n')
                .append("    private static ModelPrice price(String prompt, String completion) {\n")
                .append("        return ModelPrice.perToken(prompt, completion);\n")
                .append("    }\n")
                .append('\n')
                .append("    private static Rate rate(String creditsPerToken) {\n")
                .append("        return Rate.perToken(creditsPerToken);\n")
                .append("    }\n")
                .append('\n')
                .append("    private static Premium premium(long threshold, String prompt, String completion) {\n")
                .append("        return new Premium(threshold, Rate.perToken(prompt), Rate.perToken(completion));\n")
                .append("    }\n")
                .append("}\n");
        return sb.toString();
    }

    private static String date(LocalDate day) {
        return "LocalDate.of(" + day.getYear() + ", " + day.getMonthValue() + ", " + day.getDayOfMonth() + ")";
    }

    /**
     * Writes text as a Java string literal: quotes and backslashes escaped, anything outside
     * printable ASCII as a unicode escape.
     *
     * @param text the text
     * @return the literal, quotes included
     */
    static String literal(String text) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    /** A rate's text as the generated source writes it: parsed exactly, written back in its shortest plain form. */
    private static String rate(String text) {
        return Rate.perToken(text).toString();
    }

    private static long whole(String text) {
        return dev.balancekit.Credits.parseScaled(text, 0, "threshold");
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
            throw new IllegalArgumentException(
                    what + " must have exactly " + String.join(", ", names) + ", was " + values.keySet());
        }
    }

    private static String unquote(String text) {
        return text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")
                ? text.substring(1, text.length() - 1)
                : text;
    }
}
