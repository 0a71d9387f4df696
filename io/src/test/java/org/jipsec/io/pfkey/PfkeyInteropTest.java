package org.jipsec.io.pfkey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.jipsec.core.pfkey.AlgorithmCatalog;
import org.jipsec.core.pfkey.KeyEngine;
import org.jipsec.core.pfkey.KeySettings;
import org.jipsec.core.pfkey.ListPolicyStore;
import org.jipsec.testkit.RequiresTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jipsecd's socket against clients that are not ours: a Python PF_KEY client written from RFC 2367 with
 * struct.pack, and a probe run as another user to check the SO_PEERCRED rule.
 */
@RequiresTool("/usr/bin/python3")
class PfkeyInteropTest {

    @TempDir
    Path dir;

    static final Path PYTHON = Path.of("/usr/bin/python3");

    static void requireTool(Path tool) {
        if (Files.isExecutable(tool)) return;
        if ("true".equals(System.getenv("CI"))) throw new AssertionError(tool + " is missing");
        assumeTrue(false, tool + " not installed");
    }

    static Path script(String name) throws Exception {
        return Path.of(PfkeyInteropTest.class.getResource(name).toURI());
    }

    static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }

    PfkeyServer start(Path socket) throws IOException {
        KeyEngine engine = new KeyEngine(
                new KeySettings(),
                () -> 1_700_000_000L,
                new SplittableRandom(1),
                new ListPolicyStore(() -> 1_700_000_000L, () -> 1000),
                AlgorithmCatalog.of(PfkeyServerTest.ALGS));
        return PfkeyServer.start(engine, socket, 1 << 20, false);
    }

    @Test
    void independentPythonClientAddsGetsAndDumps() throws Exception {
        requireTool(PYTHON);
        try (PfkeyServer server = start(dir.resolve("pfkey"))) {
            String out = run(List.of(
                    PYTHON.toString(),
                    script("pfkey_client.py").toString(),
                    server.path().toString()));
            assertEquals("OK", out);
        }
    }

    @Test
    void otherUsersAreRefusedByPeerCredentials() throws Exception {
        requireTool(PYTHON);
        Path runuser = Path.of("/usr/sbin/runuser");
        assumeTrue(
                "root".equals(System.getProperty("user.name")) && Files.isExecutable(runuser),
                "needs root and runuser to act as another user");
        Path open = Files.createDirectories(dir.resolve("open"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path probe = open.resolve("probe.py");
        Files.copy(script("peer_probe.py"), probe);
        Files.setPosixFilePermissions(probe, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (PfkeyServer server = start(open.resolve("pfkey"))) {
            // open the file mode so that only the SO_PEERCRED rule stands between nobody and the engine
            Files.setPosixFilePermissions(server.path(), PosixFilePermissions.fromString("rw-rw-rw-"));
            List<String> asNobody = new ArrayList<>(List.of(
                    runuser.toString(),
                    "-u",
                    "nobody",
                    "--",
                    PYTHON.toString(),
                    probe.toString(),
                    server.path().toString()));
            assertEquals("CLOSED", run(asNobody));
            assertEquals(1, server.refusedPeers());
            assertEquals(
                    "REPLY",
                    run(List.of(
                            PYTHON.toString(), probe.toString(), server.path().toString())));
            assertTrue(server.refusedPeers() == 1);
        }
    }
}
