package org.jipsec.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Probes for the programs and privileges tests need; each answer is computed once per JVM. */
public final class Tools {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Map<String, Boolean> PROBED = new ConcurrentHashMap<>();

    private Tools() {}

    /** True when this process runs as root (effective uid 0, from {@code /proc/self/status}) and iproute2 is here. */
    public static boolean root() {
        return PROBED.computeIfAbsent("<root>", k -> effectiveUidZero() && present("ip"));
    }

    /** True when {@code tool} can be run: see {@link RequiresTool}. */
    public static boolean present(String tool) {
        return PROBED.computeIfAbsent(tool, Tools::probe);
    }

    private static boolean probe(String tool) {
        if (tool.equals("scapy")) {
            return Files.isExecutable(PYTHON) && exitsZero(List.of(PYTHON.toString(), "-c", "import scapy.all"));
        }
        if (tool.startsWith("/")) return Files.isExecutable(Path.of(tool));
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) dirs.addAll(List.of(path.split(":")));
        dirs.addAll(List.of("/usr/local/sbin", "/usr/sbin", "/sbin"));
        for (String d : dirs) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) return true;
        }
        return false;
    }

    private static boolean effectiveUidZero() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                // "Uid:\treal\teffective\tsaved\tfs" (proc(5))
                if (line.startsWith("Uid:")) return line.split("\\s+")[2].equals("0");
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc not mounted: not root as far as these tests are concerned
        }
        return false;
    }

    /** True when {@code command} runs and exits 0 within 60 s (its output discarded). */
    public static boolean exitsZero(List<String> command) {
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
