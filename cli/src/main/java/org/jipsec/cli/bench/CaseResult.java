package org.jipsec.cli.bench;

import java.util.Map;

/**
 * What one case of the bench (bare veth, strongSwan, jipsec in UDP, jipsec raw ESP) measured; NaN or null where a
 * measurement is missing.
 *
 * @param tcp1  iperf3 TCP, one stream, Mbit/s
 * @param tcp4  iperf3 TCP, four streams ({@code -P 4}), Mbit/s
 * @param cpu1  CPU share of one core per process during the one-stream run ({@link CpuShares})
 * @param cpu4  the same during the four-stream run
 * @param small 64-byte UDP packets
 * @param imix  the simple IMIX (7:4:1 of 64, 576 and 1500 bytes)
 * @param ping  ping round-trip times at light load
 */
public record CaseResult(
        double tcp1,
        double tcp4,
        Map<String, Double> cpu1,
        Map<String, Double> cpu4,
        PacketRate small,
        PacketRate imix,
        PingStats ping) {

    public static final CaseResult NONE = new CaseResult(Double.NaN, Double.NaN, Map.of(), Map.of(), null, null, null);
}
