package org.sipanchor.readme;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.sipanchor.config.SipAnchorConfig;
import org.sipanchor.testing.TestKeystore;

/**
 * The README is the users' reference, so what it shows must be real: every Java, XML and YAML block in it is an
 * excerpt of a file that this build compiles or loads (the examples, sipanchor's sources, the shipped and tested
 * configurations), and every YAML file it may be taken from loads as a configuration.
 */
@DisplayName("The README")
class ReadmeSnippetsTest {

    private static final Path README = Path.of("README.md");
    /** Where README code comes from: each file here is compiled by the build or loaded by a test. */
    private static final List<Path> SOURCES = List.of(Path.of("examples"), Path.of("src/main/java"), Path.of("server-config"),
            Path.of("src/test/resources/readme"), Path.of("src/test/java/org/sipanchor/readme"), Path.of("sip.xml"),
            Path.of("webapp"), Path.of("liberty"));
    private static final Pattern BLOCK = Pattern.compile("(?ms)^```(java|xml|yaml)\\n(.*?)^```");

    @TestFactory
    @DisplayName("shows only code that is compiled or loaded: each block is an excerpt of such a file")
    Stream<DynamicTest> everyBlockIsAnExcerpt() throws IOException {
        String readme = Files.readString(README);
        List<String> corpus = sourceTexts();
        List<DynamicTest> tests = new ArrayList<>();
        Matcher block = BLOCK.matcher(readme);
        while (block.find()) {
            String language = block.group(1);
            String code = block.group(2);
            int line = readme.substring(0, block.start()).split("\n", -1).length;
            tests.add(DynamicTest.dynamicTest("README.md:" + line + " (" + language + ")", () -> {
                List<String> wanted = normalizedLines(code);
                assertFalse(wanted.isEmpty(), "an empty block");
                if (corpus.stream().noneMatch(text -> containsInOrder(normalizedLines(text), wanted))) {
                    fail("README.md:" + line + ": this " + language + " block is in no compiled or loaded file:\n" + code);
                }
            }));
        }
        assertTrue(tests.size() >= 10, "the README shows code (found " + tests.size() + " blocks)");
        return tests.stream();
    }

    @TestFactory
    @DisplayName("takes YAML only from configurations that load (key stores they name made for the test)")
    Stream<DynamicTest> yamlSourcesLoad() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> readme = Files.list(Path.of("src/test/resources/readme"));
                Stream<Path> examples = Files.list(Path.of("examples"))) {
            readme.filter(path -> path.toString().endsWith(".yaml")).forEach(files::add);
            examples.map(dir -> dir.resolve("sipanchor.yaml")).filter(Files::exists).forEach(files::add);
        }
        files.add(Path.of("server-config/sipanchor.yaml"));
        assertTrue(files.size() >= 8, "the README's configurations: " + files);
        return files.stream().map(file -> DynamicTest.dynamicTest(file.toString(), () -> load(file)));
    }

    /** Loads a configuration as the launcher does, from a folder where the key store it may name exists. */
    private static void load(Path file) throws IOException {
        Path folder = Files.createTempDirectory("readme-config");
        Path copy = Files.copy(file, folder.resolve("sipanchor.yaml"));
        TestKeystore keys = TestKeystore.create("readme-keystore");
        Files.copy(keys.path(), folder.resolve("gateway.p12"));
        SipAnchorConfig.load(copy, Map.of("SIPANCHOR_KEYSTORE_PASSWORD", keys.password(), "ALICE_PASSWORD", "secret"));
    }

    /** The lines of a text without their common indentation, trailing blanks and empty lines. */
    private static List<String> normalizedLines(String text) {
        List<String> lines = text.lines().map(String::stripTrailing).filter(l -> !l.isEmpty()).toList();
        int indent = lines.stream().mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return lines.stream().map(l -> l.substring(indent)).toList();
    }

    /** Whether {@code wanted} occurs in {@code lines} as a run of consecutive lines, indentation aside. */
    private static boolean containsInOrder(List<String> lines, List<String> wanted) {
        List<String> stripped = lines.stream().map(String::strip).toList();
        List<String> target = wanted.stream().map(String::strip).toList();
        for (int start = 0; start + target.size() <= stripped.size(); start++) {
            if (stripped.subList(start, start + target.size()).equals(target)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> sourceTexts() throws IOException {
        List<String> texts = new ArrayList<>();
        for (Path root : SOURCES) {
            if (!Files.exists(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(Files::isRegularFile).filter(path -> !path.toString().contains("/target/"))
                        .filter(path -> path.toString().matches(".*\\.(java|xml|yaml)$")).forEach(path -> {
                            try {
                                texts.add(Files.readString(path, StandardCharsets.UTF_8));
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        });
            }
        }
        return texts;
    }
}
