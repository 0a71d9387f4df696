package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package graph of the main sources (imports and fully qualified names, read from the source text) has no path
 * back from {@code cli.lab} to {@code cli} nor from {@code core.setkey.dump} to {@code core.setkey} (issue #16 item 4:
 * the two package cycles are gone). Code only: comments and string literals are left out (a child process's main
 * class name in a string is no compile-time dependency), as in {@code jdeps -verbose:package}.
 */
class PackageCycleTest {

    private static final Pattern PACKAGE = Pattern.compile("^package (org\\.jipsec[\\w.]*);", Pattern.MULTILINE);
    /** A reference to a class: lower-case package segments, then an upper-case class name. */
    /** Comments and string/char literals (text blocks included), removed before looking for references. */
    private static final Pattern NOT_CODE = Pattern.compile(
            "/\\*.*?\\*/|//[^\n]*|\"\"\".*?\"\"\"|\"(?:\\\\.|[^\"\\\\\n])*\"|'(?:\\\\.|[^'\\\\])'", Pattern.DOTALL);

    private static final Pattern REFERENCE = Pattern.compile("\\b(org\\.jipsec(?:\\.[a-z][a-z0-9_]*)+)\\.[A-Z]");

    @Test
    void labDoesNotReachCli() throws IOException {
        Map<String, Set<String>> g = graph(Path.of("src/main/java"));
        assertTrue(g.containsKey("org.jipsec.cli.lab"), "the graph was read");
        assertTrue(g.get("org.jipsec.cli").contains("org.jipsec.cli.lab"), "cli uses cli.lab");
        assertFalse(reaches(g, "org.jipsec.cli.lab", "org.jipsec.cli"), "cli.lab -> ... -> cli");
    }

    @Test
    void setkeyDumpDoesNotReachSetkey() throws IOException {
        Map<String, Set<String>> g = graph(Path.of("../core/src/main/java"));
        assertTrue(g.get("org.jipsec.core.setkey").contains("org.jipsec.core.setkey.dump"), "setkey uses setkey.dump");
        assertFalse(
                reaches(g, "org.jipsec.core.setkey.dump", "org.jipsec.core.setkey"), "setkey.dump -> ... -> setkey");
    }

    @Test
    void theCheckSeesACycle() {
        Map<String, Set<String>> g = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"));
        assertTrue(reaches(g, "b", "a"));
        assertFalse(reaches(Map.of("a", Set.of("b")), "b", "a"));
    }

    private static Map<String, Set<String>> graph(Path root) throws IOException {
        Map<String, Set<String>> g = new HashMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                String text = NOT_CODE.matcher(Files.readString(f)).replaceAll(" ");
                Matcher pm = PACKAGE.matcher(text);
                if (!pm.find()) continue;
                Set<String> out = g.computeIfAbsent(pm.group(1), k -> new HashSet<>());
                Matcher m = REFERENCE.matcher(text.substring(pm.end()));
                while (m.find()) {
                    if (!m.group(1).equals(pm.group(1))) out.add(m.group(1));
                }
            }
        }
        return g;
    }

    private static boolean reaches(Map<String, Set<String>> g, String from, String to) {
        Set<String> seen = new HashSet<>();
        ArrayDeque<String> todo = new ArrayDeque<>(Set.of(from));
        while (!todo.isEmpty()) {
            String p = todo.poll();
            if (p.equals(to)) return true;
            if (seen.add(p)) todo.addAll(g.getOrDefault(p, Set.of()));
        }
        return false;
    }
}
