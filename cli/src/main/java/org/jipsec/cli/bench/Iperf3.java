package org.jipsec.cli.bench;

import java.util.Map;

/** iperf3's JSON report ({@code iperf3 -J}), read for the bench. Pure. */
public final class Iperf3 {
    private Iperf3() {}

    /**
     * The throughput the receiver saw, in Mbit/s: {@code end.sum_received.bits_per_second} (for {@code -P N} the sum
     * over the streams; the {@code -O} warm-up is left out by iperf3 itself). iperf3's own {@code error} is reported
     * as such.
     *
     * @throws IllegalArgumentException for malformed JSON, an iperf3 error or a report without the figure
     */
    public static double receivedMbps(String json) {
        Object root = Json.parse(json);
        if (root instanceof Map<?, ?> m && m.get("error") instanceof String e) {
            throw new IllegalArgumentException("iperf3: " + e);
        }
        double bps = Json.number(root, "end", "sum_received", "bits_per_second");
        if (Double.isNaN(bps)) throw new IllegalArgumentException("iperf3 report without end.sum_received");
        return bps / 1e6;
    }
}
