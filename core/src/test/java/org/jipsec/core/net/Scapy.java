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
import org.jipsec.testkit.Requirements;

/**
 * Runs {@code scapy_packets.py} (a test resource) with Debian's python3 and scapy: an independent packet
 * encoder. Missing scapy fails the test under CI=true and skips it elsewhere.
 */
public final class Scapy {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    private Scapy() {}

    /** Fails (CI) or skips the calling test when python3 + scapy are missing. */
    public static void require() {
        Requirements.requireTools("scapy");
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
