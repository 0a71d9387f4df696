package org.jipsec.cli.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The raw outputs a run of {@code scripts/bench-tunnel --out DIR} left in DIR, read into the report: per case
 * {@code CASE.tcp1.json}, {@code CASE.tcp4.json} (iperf3 -J), {@code CASE.tcp1.cpu}, {@code CASE.tcp4.cpu}
 * ({@link CpuShares}), {@code CASE.pps64.txt}, {@code CASE.imix.txt} ({@link PacketRate}), {@code CASE.ping.txt}
 * (ping's output); {@code meta.txt} ({@code key=value}) and {@code startup.txt} (bench-startup's table). A missing or
 * unreadable file leaves its cells empty and adds a note.
 *
 * @param meta    date, commit, machine and method
 * @param cases   what each case measured
 * @param startup start-up ratios (empty when not measured)
 * @param notes   what could not be read, and why
 */
public record BenchResults(
        Map<String, String> meta, Map<String, CaseResult> cases, Map<String, Double> startup, List<String> notes) {

    public String render() {
        return BenchReport.render(meta, cases, startup, notes);
    }

    public static BenchResults load(Path dir) throws IOException {
        List<String> notes = new ArrayList<>();
        Map<String, String> meta = new LinkedHashMap<>();
        String m = read(dir.resolve("meta.txt"));
        if (m != null) {
            for (String line : m.lines().toList()) {
                int eq = line.indexOf('=');
                if (eq > 0)
                    meta.put(
                            line.substring(0, eq).strip(),
                            line.substring(eq + 1).strip());
            }
        }
        Map<String, CaseResult> cases = new LinkedHashMap<>();
        for (String c : BenchTable.CASES) {
            Reader r = new Reader(dir, c, notes);
            if (!r.any()) continue;
            cases.put(
                    c,
                    new CaseResult(
                            r.get("tcp1.json", Iperf3::receivedMbps, Double.NaN),
                            r.get("tcp4.json", Iperf3::receivedMbps, Double.NaN),
                            r.get("tcp1.cpu", CpuShares::parse, Map.of()),
                            r.get("tcp4.cpu", CpuShares::parse, Map.of()),
                            r.get("pps64.txt", PacketRate::parse, null),
                            r.get("imix.txt", PacketRate::parse, null),
                            r.get("ping.txt", PingStats::parse, null)));
        }
        String s = read(dir.resolve("startup.txt"));
        Map<String, Double> startup = s == null ? Map.of() : StartupRatios.parse(s);
        return new BenchResults(meta, cases, startup, notes);
    }

    private static String read(Path p) throws IOException {
        return Files.isRegularFile(p) ? Files.readString(p, StandardCharsets.UTF_8) : null;
    }

    private record Reader(Path dir, String name, List<String> notes) {
        boolean any() throws IOException {
            try (var s = Files.list(dir)) {
                return s.anyMatch(p -> p.getFileName().toString().startsWith(name + "."));
            }
        }

        <T> T get(String what, Function<String, T> parse, T none) throws IOException {
            String text = read(dir.resolve(name + "." + what));
            if (text == null) {
                notes.add(name + ": no " + what + " (not measured)");
                return none;
            }
            try {
                return parse.apply(text);
            } catch (IllegalArgumentException e) {
                notes.add(name + ": " + what + ": " + e.getMessage());
                return none;
            }
        }
    }
}
