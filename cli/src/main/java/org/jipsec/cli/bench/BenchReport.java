package org.jipsec.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The bench's rows from what each case measured, and the report around the table (machine, commit, method). Pure. */
public final class BenchReport {
    private BenchReport() {}

    private static double[] each(Map<String, CaseResult> r, ToDoubleFunction<CaseResult> f) {
        double[] v = new double[BenchTable.CASES.size()];
        for (int i = 0; i < v.length; i++)
            v[i] = f.applyAsDouble(r.getOrDefault(BenchTable.CASES.get(i), CaseResult.NONE));
        return v;
    }

    private static double rate(PacketRate p, ToDoubleFunction<PacketRate> f) {
        return p == null ? Double.NaN : f.applyAsDouble(p);
    }

    private static double ping(PingStats p, ToDoubleFunction<PingStats> f) {
        return p == null ? Double.NaN : f.applyAsDouble(p);
    }

    private static double cpu(Map<String, Double> m, String name) {
        Double d = m == null ? null : m.get(name);
        return d == null ? Double.NaN : 100 * d;
    }

    /** CPU seconds of the two gateways per Gbit carried (= their summed share of a core per Gbit/s). */
    static double perGbit(Map<String, Double> m, double mbps) {
        double a = cpu(m, "gw-a"), b = cpu(m, "gw-b");
        return Double.isFinite(a) && Double.isFinite(b) && mbps > 0 ? (a + b) / 100 / (mbps / 1000) : Double.NaN;
    }

    /** The rows of the table, in order; {@code startup} maps bench-startup commands to their ratio (may be empty). */
    public static List<BenchTable.Row> rows(Map<String, CaseResult> r, Map<String, Double> startup) {
        List<BenchTable.Row> rows = new ArrayList<>();
        rows.add(new BenchTable.Row("TCP, 1 stream", "Mbit/s", each(r, CaseResult::tcp1), 0, true));
        rows.add(new BenchTable.Row("TCP, 4 streams (-P 4)", "Mbit/s", each(r, CaseResult::tcp4), 0, true));
        rows.add(new BenchTable.Row(
                "UDP 64 B, sent", "kpps", each(r, c -> rate(c.small(), p -> p.sentPps() / 1e3)), 1, true));
        rows.add(new BenchTable.Row(
                "UDP 64 B, received", "kpps", each(r, c -> rate(c.small(), p -> p.receivedPps() / 1e3)), 1, true));
        rows.add(new BenchTable.Row(
                "UDP 64 B, lost", "% of sent", each(r, c -> rate(c.small(), PacketRate::lostPercent)), 1, false));
        rows.add(new BenchTable.Row(
                "IMIX 7:4:1, sent", "kpps", each(r, c -> rate(c.imix(), p -> p.sentPps() / 1e3)), 1, true));
        rows.add(new BenchTable.Row(
                "IMIX 7:4:1, received", "kpps", each(r, c -> rate(c.imix(), p -> p.receivedPps() / 1e3)), 1, true));
        rows.add(new BenchTable.Row(
                "IMIX 7:4:1, received", "Mbit/s", each(r, c -> rate(c.imix(), PacketRate::receivedMbps)), 0, true));
        rows.add(new BenchTable.Row(
                "IMIX 7:4:1, lost", "% of sent", each(r, c -> rate(c.imix(), PacketRate::lostPercent)), 1, false));
        rows.add(new BenchTable.Row("ping RTT, min", "ms", each(r, c -> ping(c.ping(), PingStats::minMs)), 3, true));
        rows.add(new BenchTable.Row("ping RTT, avg", "ms", each(r, c -> ping(c.ping(), PingStats::avgMs)), 3, true));
        rows.add(new BenchTable.Row("ping RTT, p99", "ms", each(r, c -> ping(c.ping(), PingStats::p99Ms)), 3, true));
        double vethAvg = ping(r.getOrDefault("veth", CaseResult.NONE).ping(), PingStats::avgMs);
        double[] added = each(r, c -> ping(c.ping(), PingStats::avgMs) - vethAvg);
        added[0] = Double.NaN;
        rows.add(new BenchTable.Row("ping RTT, avg added to veth", "ms", added, 3, true));
        rows.add(new BenchTable.Row(
                "CPU gateway A, TCP 1", "% of a core", each(r, c -> cpu(c.cpu1(), "gw-a")), 0, true));
        rows.add(new BenchTable.Row(
                "CPU gateway B, TCP 1", "% of a core", each(r, c -> cpu(c.cpu1(), "gw-b")), 0, true));
        rows.add(new BenchTable.Row(
                "CPU A+B per Gbit, TCP 1", "CPU s/Gbit", each(r, c -> perGbit(c.cpu1(), c.tcp1())), 3, true));
        rows.add(new BenchTable.Row(
                "CPU gateway A, TCP 4", "% of a core", each(r, c -> cpu(c.cpu4(), "gw-a")), 0, true));
        rows.add(new BenchTable.Row(
                "CPU gateway B, TCP 4", "% of a core", each(r, c -> cpu(c.cpu4(), "gw-b")), 0, true));
        rows.add(new BenchTable.Row(
                "CPU A+B per Gbit, TCP 4", "CPU s/Gbit", each(r, c -> perGbit(c.cpu4(), c.tcp4())), 3, true));
        for (var e : startup.entrySet()) {
            if (e.getKey().equals("java-version")) continue;
            double[] v = {Double.NaN, Double.NaN, e.getValue(), Double.NaN};
            rows.add(new BenchTable.Row("start-up " + e.getKey(), "× java -version", v, 2, false));
        }
        return rows;
    }

    /**
     * The whole report: a heading with the date, commit and machine ({@code meta}: date, commit, nproc, cpu, kernel,
     * load, method), the table, and any notes (measurements that failed).
     */
    public static String render(
            Map<String, String> meta, Map<String, CaseResult> r, Map<String, Double> startup, List<String> notes) {
        StringBuilder b = new StringBuilder();
        b.append("## ")
                .append(meta.getOrDefault("date", "?"))
                .append(", commit ")
                .append(meta.getOrDefault("commit", "?"))
                .append("\n\n");
        b.append("Machine: ")
                .append(meta.getOrDefault("nproc", "?"))
                .append(" CPUs (")
                .append(meta.getOrDefault("cpu", "?"))
                .append("), kernel ")
                .append(meta.getOrDefault("kernel", "?"))
                .append(", load average at start ")
                .append(meta.getOrDefault("load", "?"))
                .append(".\n");
        if (meta.containsKey("method"))
            b.append("Method: ").append(meta.get("method")).append(".\n");
        b.append('\n').append(BenchTable.format(rows(r, startup)));
        if (!notes.isEmpty()) {
            b.append('\n');
            for (String n : notes) b.append("- ").append(n).append('\n');
        }
        return b.toString();
    }
}
