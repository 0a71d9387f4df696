package org.jipsec.cli.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code scripts/bench-startup}'s table ({@code command ms ratio}), read for the bench report. Pure. */
public final class StartupRatios {
    private StartupRatios() {}

    /** Each command's ratio to {@code java -version}, in table order (the header and the closing note skipped). */
    public static Map<String, Double> parse(String output) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String line : output.lines().toList()) {
            String[] f = line.strip().split("\\s+", -1);
            if (f.length != 3) continue;
            try {
                Double.parseDouble(f[1]);
                m.put(f[0], Double.valueOf(f[2]));
            } catch (NumberFormatException e) {
                // the header line
            }
        }
        return m;
    }
}
