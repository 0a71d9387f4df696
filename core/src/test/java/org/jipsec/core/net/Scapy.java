package org.jipsec.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs {@code scapy_packets.py} (a test resource) with Debian's python3 and scapy: an independent packet
 * encoder. Missing scapy fails the test under CI=true and skips it elsewhere.
 */
public final class Scapy {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static Boolean available;

    private Scapy() {}

    /** Fails (CI) or skips the calling test when python3 + scapy are missing. */
    public static void require() {
        if (available == null) available = probe();
        if (!available) {
            if ("true".equals(System.getenv("CI"))) fail("scapy (python3-scapy) is required under CI");
            Assumptions.abort("scapy not installed");
        }
    }

    private static boolean probe() {
        if (!Files.isExecutable(PYTHON)) return false;
        try {
            Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import scapy.all")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs the script with {@code args}, feeding {@code stdin}; returns stdout's lines. */
    public static List<String> run(String stdin, String... args) throws IOException, InterruptedException {
        require();
        Path script = Files.createTempFile("scapy_packets", ".py");
        try {
            try (InputStream in = Scapy.class.getResourceAsStream("scapy_packets.py")) {
                Files.write(script, in.readAllBytes());
            }
            List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), script.toString()));
            cmd.addAll(List.of(args));
            Path err = Files.createTempFile("scapy", ".err");
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("scapy script timed out");
            }
            String errText = Files.readString(err);
            Files.deleteIfExists(err);
            assertEquals(0, p.exitValue(), () -> "scapy script failed: " + errText);
            return out.lines().filter(l -> !l.isBlank()).toList();
        } finally {
            Files.deleteIfExists(script);
        }
    }
}
