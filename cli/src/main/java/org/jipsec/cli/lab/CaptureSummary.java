package org.jipsec.cli.lab;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a capture of the wire between the gateways shows: ESP packets per SPI (with the highest sequence number
 * seen) and packets that crossed in clear (TCP or ICMP dissected as the outermost protocol).
 *
 * @param frames    all frames read
 * @param espBySpi  ESP packets per SPI (hex text as tshark prints it, e.g. {@code 0x00001001})
 * @param maxSeq    highest ESP sequence number per SPI
 * @param cleartext TCP/ICMP frames that were not inside ESP
 */
public record CaptureSummary(int frames, Map<String, Integer> espBySpi, Map<String, Long> maxSeq, int cleartext) {

    /** The tshark arguments whose output {@link #parse} reads ({@code -r FILE} goes before them). */
    public static final List<String> TSHARK_FIELDS = List.of(
            "-T",
            "fields",
            "-E",
            "separator=/t",
            "-E",
            "occurrence=f",
            "-e",
            "ip.proto",
            "-e",
            "esp.spi",
            "-e",
            "esp.sequence",
            "-e",
            "tcp.srcport",
            "-e",
            "icmp.type");

    /** Reads tab-separated lines of {@link #TSHARK_FIELDS}; malformed lines count as frames and nothing else. */
    public static CaptureSummary parse(String tsharkFields) {
        Map<String, Integer> bySpi = new TreeMap<>();
        Map<String, Long> seq = new TreeMap<>();
        int frames = 0;
        int clear = 0;
        for (String line : tsharkFields.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            frames++;
            String[] f = line.split("\t", -1);
            String spi = f.length > 1 ? f[1].strip() : "";
            if (!spi.isEmpty()) {
                bySpi.merge(spi, 1, Integer::sum);
                if (f.length > 2) {
                    try {
                        long s = Long.parseLong(f[2].strip());
                        seq.merge(spi, s, Math::max);
                    } catch (NumberFormatException e) {
                        // a sequence number tshark could not read: the packet still counts as ESP
                    }
                }
            } else if ((f.length > 3 && !f[3].isBlank()) || (f.length > 4 && !f[4].isBlank())) {
                clear++;
            }
        }
        return new CaptureSummary(frames, Map.copyOf(bySpi), Map.copyOf(seq), clear);
    }

    /** ESP packets in all. */
    public int espPackets() {
        return espBySpi.values().stream().mapToInt(Integer::intValue).sum();
    }
}
