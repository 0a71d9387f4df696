package org.jipsec.cli.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Round-trip times from iputils {@code ping}'s output: one {@code time=…ms} per reply, the summary line for the
 * transmitted count. Pure.
 *
 * @param transmitted echo requests sent
 * @param received    replies read (one per {@code time=} line)
 * @param minMs       the smallest RTT
 * @param avgMs       the mean RTT
 * @param p99Ms       the 99th percentile (nearest rank: the ⌈0.99·n⌉-th smallest)
 */
public record PingStats(int transmitted, int received, double minMs, double avgMs, double p99Ms) {
    private static final Pattern TIME = Pattern.compile("\\btime[=<]([0-9]+(?:\\.[0-9]+)?) ms\\b");
    private static final Pattern SUMMARY = Pattern.compile("^([0-9]+) packets transmitted, ([0-9]+) received");

    /**
     * Parses {@code ping} output: the summary line and each reply's {@code time=}.
     *
     * @throws IllegalArgumentException when the output holds no reply
     */
    public static PingStats parse(String output) {
        List<Double> times = new ArrayList<>();
        int transmitted = -1;
        for (String line : output.lines().toList()) {
            Matcher s = SUMMARY.matcher(line.strip());
            if (s.find()) transmitted = Integer.parseInt(s.group(1));
            if (line.contains("bytes from")) {
                Matcher t = TIME.matcher(line);
                if (t.find()) times.add(Double.valueOf(t.group(1)));
            }
        }
        if (times.isEmpty()) throw new IllegalArgumentException("ping: no reply in the output");
        double[] a = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double sum = Arrays.stream(a).sum();
        int rank = (int) Math.ceil(0.99 * a.length);
        return new PingStats(
                transmitted < 0 ? a.length : transmitted, a.length, a[0], sum / a.length, a[Math.max(rank, 1) - 1]);
    }
}
