package org.jipsec.io.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.jipsec.testkit.RequiresTool;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sd_notify(3) datagrams as a service manager receives them: a python3 AF_UNIX datagram socket stands in for it. */
class SdNotifyTest {

    @TempDir
    Path dir;

    /** Starts a receiver of one datagram on {@code address} (a path or "\0name"); its output is the datagram. */
    private static Process receiver(String address, Path ready) throws IOException {
        String py = "import socket,sys,pathlib\n"
                + "s=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\n"
                + "s.bind(sys.argv[1].replace('@','\\0',1) if sys.argv[1].startswith('@') else sys.argv[1])\n"
                + "pathlib.Path(sys.argv[2]).write_text('ok')\n"
                + "s.settimeout(20)\n"
                + "sys.stdout.write(s.recv(4096).decode()); sys.stdout.flush()\n";
        return new ProcessBuilder("python3", "-c", py, address, ready.toString())
                .redirectErrorStream(true)
                .start();
    }

    private static void awaitFile(Path p) throws InterruptedException {
        for (int i = 0; i < 200 && !Files.exists(p); i++) Thread.sleep(50);
        assertTrue(Files.exists(p), "receiver did not bind");
    }

    private static boolean python() {
        try {
            return new ProcessBuilder("python3", "-c", "pass").start().waitFor(20, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Test
    @RequiresTool("python3")
    void readyReachesAPathSocket() throws Exception {
        Assumptions.assumeTrue(python(), "python3 not installed");
        Path sock = dir.resolve("notify");
        Process p = receiver(sock.toString(), dir.resolve("ready"));
        try {
            awaitFile(dir.resolve("ready"));
            SdNotify n = SdNotify.of(sock.toString()).orElseThrow();
            n.send("READY=1\nSTATUS=serving PF_KEY");
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            assertEquals(
                    "READY=1\nSTATUS=serving PF_KEY",
                    new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    @RequiresTool("python3")
    void abstractNamespaceSocket() throws Exception {
        Assumptions.assumeTrue(python(), "python3 not installed");
        String name = "@jipsec-sdnotify-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        Process p = receiver(name, dir.resolve("ready"));
        try {
            awaitFile(dir.resolve("ready"));
            SdNotify.of(name).orElseThrow().send("STOPPING=1");
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            assertEquals("STOPPING=1", new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void noSocketNoNotifier() {
        assertTrue(SdNotify.of(null).isEmpty());
        assertTrue(SdNotify.of("").isEmpty());
        assertTrue(SdNotify.of("relative/path").isEmpty(), "systemd only sets absolute or abstract addresses");
        assertTrue(SdNotify.of("/" + "x".repeat(200)).isEmpty(), "longer than sun_path");
    }

    @Test
    void aMissingSocketIsAnIoErrorNotACrash() {
        SdNotify n = SdNotify.of(dir.resolve("absent").toString()).orElseThrow();
        StringBuilder log = new StringBuilder();
        n.sendQuietly("READY=1", log::append);
        assertTrue(log.toString().contains("sd_notify to "), log.toString());
    }
}
