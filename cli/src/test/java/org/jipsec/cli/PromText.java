package org.jipsec.cli;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4 (the Prometheus Java client has writers only, no
 * parser): every line is a {@code # HELP}, a {@code # TYPE} or a sample; every sample belongs to the family TYPE'd
 * last (counters: {@code NAME_total} or {@code NAME_created}); names, label names and escapes as the format defines;
 * no series twice; values are Go floats. Anything else throws.
 */
final class PromText {
    private PromText() {}

    record Sample(String name, Map<String, String> labels, double value) {}

    record Family(String name, String type, List<Sample> samples) {}

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL =
            Pattern.compile("\\G([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"(,|$)");
    private static final Set<String> TYPES = Set.of(
            "counter", "gauge", "summary", "histogram", "untyped", "info", "stateset", "gaugehistogram", "unknown");

    static Map<String, Family> parse(String text) {
        Map<String, Family> families = new LinkedHashMap<>();
        Set<String> series = new HashSet<>();
        Family current = null;
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (line.isEmpty()) {
                if (n == text.split("\n", -1).length) break; // the final newline
                throw new IllegalArgumentException("line " + n + ": empty line");
            }
            if (line.startsWith("# HELP ")) {
                String name = line.substring(7).split(" ", 2)[0];
                if (!NAME.matcher(name).matches())
                    throw new IllegalArgumentException("line " + n + ": HELP name " + name);
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] p = line.substring(7).split(" ");
                if (p.length != 2 || !NAME.matcher(p[0]).matches() || !TYPES.contains(p[1])) {
                    throw new IllegalArgumentException("line " + n + ": bad TYPE: " + line);
                }
                if (families.containsKey(p[0]))
                    throw new IllegalArgumentException("line " + n + ": TYPE twice: " + p[0]);
                current = new Family(p[0], p[1], new ArrayList<>());
                families.put(p[0], current);
                continue;
            }
            if (line.startsWith("#")) throw new IllegalArgumentException("line " + n + ": unknown comment: " + line);
            Matcher m = NAME.matcher(line);
            if (!m.lookingAt()) throw new IllegalArgumentException("line " + n + ": no metric name: " + line);
            String name = m.group();
            int i = m.end();
            Map<String, String> labels = new LinkedHashMap<>();
            if (i < line.length() && line.charAt(i) == '{') {
                int close = line.indexOf("} ", i);
                if (close < 0) throw new IllegalArgumentException("line " + n + ": unterminated labels: " + line);
                String inner = line.substring(i + 1, close);
                Matcher l = LABEL.matcher(inner);
                int at = 0;
                while (at < inner.length()) {
                    if (!l.find(at) || l.start() != at)
                        throw new IllegalArgumentException("line " + n + ": bad labels: " + line);
                    if (labels.put(l.group(1), unescape(l.group(2))) != null) {
                        throw new IllegalArgumentException("line " + n + ": label twice: " + line);
                    }
                    at = l.end();
                }
                i = close + 1;
            }
            if (i >= line.length() || line.charAt(i) != ' ')
                throw new IllegalArgumentException("line " + n + ": " + line);
            String[] rest = line.substring(i + 1).split(" ");
            if (rest.length > 2) throw new IllegalArgumentException("line " + n + ": trailing text: " + line);
            double value = switch (rest[0]) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                case "NaN" -> Double.NaN;
                default -> Double.parseDouble(rest[0]); // throws on junk
            };
            if (rest.length == 2) Long.parseLong(rest[1]); // a timestamp in ms
            if (current == null || !belongs(name, current)) {
                throw new IllegalArgumentException("line " + n + ": sample " + name + " outside its family");
            }
            if (!series.add(name + labels)) throw new IllegalArgumentException("line " + n + ": series twice: " + line);
            current.samples().add(new Sample(name, labels, value));
        }
        return families;
    }

    private static boolean belongs(String sample, Family f) {
        String b = f.name();
        return switch (f.type()) {
            case "counter" -> sample.equals(b + "_total") || sample.equals(b + "_created") || sample.equals(b);
            case "summary", "histogram" ->
                sample.equals(b)
                        || sample.equals(b + "_sum")
                        || sample.equals(b + "_count")
                        || sample.equals(b + "_bucket")
                        || sample.equals(b + "_created");
            default -> sample.equals(b);
        };
    }

    private static String unescape(String s) {
        return s.replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\");
    }

    /** The value of {@code sample} whose labels include {@code labels} (key, value, ...); fails if not exactly one. */
    static double value(Map<String, Family> f, String family, String sample, String... labels) {
        Family fam = f.get(family);
        if (fam == null) throw new AssertionError("no family " + family + " in " + f.keySet());
        List<Sample> hits = new ArrayList<>();
        outer:
        for (Sample s : fam.samples()) {
            if (!s.name().equals(sample)) continue;
            for (int i = 0; i < labels.length; i += 2)
                if (!labels[i + 1].equals(s.labels().get(labels[i]))) continue outer;
            hits.add(s);
        }
        if (hits.size() != 1)
            throw new AssertionError(hits.size() + " samples " + sample + " " + List.of(labels) + " in " + fam);
        return hits.getFirst().value();
    }
}
