package org.jipsec.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jipsec.io.netns.CommandResult;
import org.jipsec.io.netns.Commands;
import org.jipsec.testkit.Requirements;
import org.junit.jupiter.api.Assertions;

/** Runs a Python script with Debian's python3 + scapy (skipped outside CI when scapy is missing). */
public final class Scapy {
    private static final String PYTHON = "/usr/bin/python3";

    private Scapy() {}

    /** Ensures scapy is importable: fails in CI (CI=true), skips otherwise. */
    public static void require() {
        Requirements.requireTools("scapy");
    }

    /** Runs {@code script}; returns stdout; fails the test with stderr if it exits non-zero. */
    public static String run(String script) throws IOException {
        Path f = Files.createTempFile("jipsec-scapy", ".py");
        try {
            Files.writeString(f, script);
            CommandResult r = Commands.run(List.of(PYTHON, f.toString()), Duration.ofSeconds(60));
            Assertions.assertTrue(r.ok(), "scapy script failed: " + r.stderr());
            return r.stdout();
        } finally {
            Files.deleteIfExists(f);
        }
    }
}
