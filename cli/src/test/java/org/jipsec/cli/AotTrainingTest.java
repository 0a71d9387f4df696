package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jipsec.testkit.E2e;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jipsec aot-train}, the AOT cache's training run (issue #17 item 4), as the launcher runs it: a child JVM
 * that runs setkey and sysctl as clients of a gateway of its own and exits 0, leaving nothing behind in its temporary
 * directory; and the tools it trains never initialise the server classes (whose java.util.logging start-up scans the
 * class path).
 */
@E2e
class AotTrainingTest {

    @Test
    void trainsAsClientsOfItsOwnGatewayAndCleansUp(@TempDir Path tmp) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path out = tmp.resolve("out.txt");
        Process p = new ProcessBuilder(
                        java.toString(),
                        "--enable-native-access=ALL-UNNAMED",
                        "-Djava.io.tmpdir=" + tmp,
                        "-cp",
                        System.getProperty("java.class.path"),
                        "org.jipsec.cli.Main",
                        "aot-train")
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "aot-train did not finish within 60 s");
        } finally {
            p.destroyForcibly();
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        // the client runs did their work through the gateway: the SAs it added were dumped back
        assertTrue(text.contains("esp mode=tunnel spi=4097(0x00001001)"), text);
        assertTrue(text.contains("net.inet.ipsec.def_policy = 1"), text);
        try (Stream<Path> left = Files.list(tmp)) {
            List<Path> dirs = left.filter(f -> f.getFileName().toString().startsWith("jipsec-aot-"))
                    .toList();
            assertEquals(List.of(), dirs, "the training's temporary directory was left behind");
        }
    }

    @Test
    void setkeyNamesTheDefaultSocketWithoutLoadingTheServer() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        // -verbose:class lists every class loaded; the client path must not initialise PfkeyServer (its logger)
        Process p = new ProcessBuilder(
                        java.toString(),
                        "--enable-native-access=ALL-UNNAMED",
                        "-Xlog:class+init=info",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "org.jipsec.cli.Main",
                        "setkey",
                        "--pfkey",
                        "/nonexistent/jipsec/pfkey",
                        "-D")
                .redirectErrorStream(true)
                .start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertTrue(text.contains("Initializing 'org/jipsec/cli/SetkeyCommand'"), "class+init log missing");
        assertTrue(
                !text.contains("Initializing 'org/jipsec/io/pfkey/PfkeyServer'"), "setkey -D initialised PfkeyServer");
        assertTrue(
                !text.contains("Initializing 'java/util/logging/LogManager'"), "setkey -D started java.util.logging");
    }
}
