package org.jipsec.core.xform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Third-party peers for interop tests (peers.md): Debian's /usr/bin/python3 with scapy, and tshark. Missing
 * outside CI → the test is skipped; missing with CI=true → the test fails.
 */
final class Peers {
    private Peers() {}

    static final String PYTHON = "/usr/bin/python3";

    static void requireScapy() {
        require(
                available(List.of(PYTHON, "-c", "import scapy.layers.ipsec, cryptography")),
                "python3 with scapy and cryptography");
    }

    static void requireTshark() {
        require(available(List.of("tshark", "--version")), "tshark");
    }

    private static void require(boolean ok, String what) {
        if (ok) return;
        if ("true".equals(System.getenv("CI")))
            Assertions.fail(what + " is missing (CI=true): run scripts/install-peers");
        Assumptions.assumeTrue(false, what + " is not installed; interop test skipped");
    }

    private static boolean available(List<String> cmd) {
        return org.jipsec.testkit.Tools.exitsZero(cmd);
    }

    /** Runs a command with a time bound; returns its standard output; fails the test on a non-zero exit. */
    static String run(List<String> cmd, Path dir) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            Assertions.fail("timed out: " + cmd);
        }
        String s = Files.readString(out);
        if (p.exitValue() != 0) Assertions.fail(cmd + " exited " + p.exitValue() + ":\n" + s);
        return s;
    }

    /** Copies a test resource to a file. */
    static Path resource(String name, Path dir) throws IOException {
        Path p = dir.resolve(name.substring(name.lastIndexOf('/') + 1));
        try (var in = Peers.class.getResourceAsStream(name)) {
            if (in == null) throw new IOException("missing resource " + name);
            Files.write(p, in.readAllBytes());
        }
        return p;
    }
}
