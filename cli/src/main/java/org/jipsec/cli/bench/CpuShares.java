package org.jipsec.cli.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU use per process over a timed run, from the bench script's {@code hz}, {@code wall} and {@code NAME TICKS} lines
 * (TICKS: the utime+stime delta of {@code /proc/PID/stat}, in clock ticks). Pure.
 */
public final class CpuShares {
    private CpuShares() {}

    /**
     * Each process's CPU time as a share of one core (1.0 = one core busy the whole run), in file order.
     *
     * @throws IllegalArgumentException without {@code hz} or {@code wall}, or for a line that is not {@code key
     *     number}
     */
    public static Map<String, Double> parse(String text) {
        Map<String, Double> ticks = new LinkedHashMap<>();
        double hz = 0, wall = 0;
        for (String line : text.lines().toList()) {
            String l = line.strip();
            if (l.isEmpty()) continue;
            String[] kv = l.split("\\s+", -1);
            double v;
            try {
                if (kv.length != 2) throw new NumberFormatException();
                v = Double.parseDouble(kv[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("cpu: '" + l + "' is not 'name number'");
            }
            switch (kv[0]) {
                case "hz" -> hz = v;
                case "wall" -> wall = v;
                default -> ticks.put(kv[0], v);
            }
        }
        if (hz <= 0 || wall <= 0) throw new IllegalArgumentException("cpu: want hz and wall (> 0)");
        Map<String, Double> share = new LinkedHashMap<>();
        for (var e : ticks.entrySet()) share.put(e.getKey(), e.getValue() / hz / wall);
        return share;
    }
}
