package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;
import org.jipsec.io.netns.Commands;
import org.jipsec.io.pfkey.PfkeyClient;
import org.jipsec.testkit.E2e;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gateway --no-tun} (the key engine alone) handles SIGHUP and SIGUSR1 as the full gateway does: a reload
 * applies only what changed (PF_KEY listeners hear one SADB_ADD and one SADB_X_SPDADD, no delete), a missing file
 * changes nothing, SIGUSR1 prints the counters, and the daemon keeps running. Before, either signal ended the
 * process (the JVM's default action). The real command as a child process; no privileges needed.
 */
@E2e
class GatewayNoTunSignalsTest {

    static final String SA1 = "add 10.86.0.1 10.86.0.2 esp 0x1001 -m transport -r 8 -E aes-gcm-16 "
            + GatewayEndToEndTest.K_AB + " ;\nspdadd 10.86.0.1 10.86.0.2 any -P out ipsec esp/transport//require ;\n";
    static final String SA2 = "add 10.86.0.2 10.86.0.1 esp 0x1002 -m transport -r 8 -E aes-gcm-16 "
            + GatewayEndToEndTest.K_BA + " ;\nspdadd 10.86.0.2 10.86.0.1 any -P in ipsec esp/transport//require ;\n";

    @TempDir
    Path dir;

    @Test
    void sighupReloadsWhatChangedAndSigusr1PrintsCountersWithoutADataPlane() throws Exception {
        Path conf = dir.resolve("keys.conf");
        Files.writeString(conf, SA1);
        Path pfkey = dir.resolve("run/pfkey");
        Path out = dir.resolve("out"), err = dir.resolve("err");
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(
                        javaBin,
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "org.jipsec.cli.Main",
                        "gateway",
                        "--no-tun",
                        "--config",
                        conf.toString(),
                        "--pfkey",
                        pfkey.toString())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        try {
            waitFor(() -> read(out).contains("(no data plane)"), p, err);
            PfkeyClient listener = PfkeyClient.connect(pfkey);
            var heard = GatewayReloadBroadcastTest.collect(listener);

            Files.writeString(conf, SA1 + SA2);
            signal("HUP", p);
            waitFor(() -> read(err).contains("reload: configuration applied"), p, err);
            assertTrue(
                    read(err)
                            .contains("reload: configuration applied: kept 1 SAs and 1 policies, removed 0 SAs and "
                                    + "0 policies, added 1 SAs and 1 policies; now 2 SAs, 2 policies"),
                    read(err));
            List<PfkeyMessage> seen = GatewayReloadBroadcastTest.take(heard, 2, false);
            assertEquals(
                    List.of(Sadb.SADB_ADD, Sadb.SADB_X_SPDADD),
                    seen.stream().map(PfkeyMessage::type).toList());
            assertEquals(0x1002, seen.get(0).sa().orElseThrow().spi());
            MainTest.Result dump = MainTest.run("setkey", "--pfkey", pfkey.toString(), "-D");
            assertTrue(dump.out().contains("(0x00001001)") && dump.out().contains("(0x00001002)"), dump.out());

            var before = GatewayReloadKeepsStateTest.dumps(pfkey);
            Files.delete(conf);
            signal("HUP", p);
            waitFor(
                    () -> read(err)
                            .contains("reload: configuration refused, nothing changed: " + conf
                                    + ": No such file or directory"),
                    p,
                    err);
            var after = GatewayReloadKeepsStateTest.dumps(pfkey);
            assertEquals(before, after);

            signal("USR1", p);
            waitFor(() -> read(err).contains("jipsec gateway (no data plane): SAs=2 policies=2"), p, err);
            assertTrue(p.isAlive(), "still running after SIGHUP and SIGUSR1");
            // issue #18 item 5: one start line says which build and JDK run (what --version prints), not repeated by
            // the reloads
            String start = "jipsec gateway: starting " + String.join(", ", new JipsecCommand.Version().getVersion())
                    + " (no data plane)";
            assertEquals(
                    1,
                    read(err)
                            .lines()
                            .filter(l -> l.contains("jipsec gateway: starting"))
                            .count(),
                    read(err));
            assertEquals(start, read(err).lines().findFirst().orElse(""), read(err));
            assertTrue(
                    start.matches("jipsec gateway: starting jipsec \\S+ \\(commit \\S+\\), JDK "
                            + java.util.regex.Pattern.quote(Runtime.version().toString()) + " .*"),
                    start);
            assertFalse(read(err).contains("0123456789abcdef"), "key material in the log");
            listener.close();
            p.destroy();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "stops on SIGTERM");
            assertFalse(Files.exists(pfkey), "PF_KEY socket file removed");
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * Issue #12: a reload reads its file before taking the engine lock, so a file that blocks (a FIFO with no writer)
     * holds up only the reload: PF_KEY answers meanwhile, and the reload completes once the file arrives.
     */
    @Test
    void aReloadBlockedOnItsFileHoldsNoLock() throws Exception {
        Path fifo = dir.resolve("keys.fifo");
        Commands.check(List.of("mkfifo", fifo.toString()), Duration.ofSeconds(10));
        Path pfkey = dir.resolve("run/pfkey");
        Path out = dir.resolve("out"), err = dir.resolve("err");
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(
                        javaBin,
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "org.jipsec.cli.Main",
                        "gateway",
                        "--no-tun",
                        "--config",
                        fifo.toString(),
                        "--pfkey",
                        pfkey.toString())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        try {
            Thread first = Thread.ofPlatform().daemon().start(() -> write(fifo, SA1));
            waitFor(() -> read(out).contains("(no data plane)"), p, err);
            first.join(10_000);
            signal("HUP", p);
            // the reload waits in open(2) for a writer: some thread of the daemon sleeps in wait_for_partner
            waitFor(() -> blockedOnFifo(p.pid()), p, err);
            var dump = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> MainTest.run("setkey", "--pfkey", pfkey.toString(), "-D"));
            MainTest.Result d = dump.get(30, TimeUnit.SECONDS); // under the old lock-held read: never
            assertEquals(0, d.status(), d.err());
            assertTrue(d.out().contains("(0x00001001)"), d.out());
            assertFalse(read(err).contains("reload:"), "the reload is still waiting for its file");
            Thread second = Thread.ofPlatform().daemon().start(() -> write(fifo, SA1 + SA2));
            waitFor(() -> read(err).contains("reload: configuration applied"), p, err);
            second.join(10_000);
            assertTrue(read(err).contains("added 1 SAs and 1 policies; now 2 SAs, 2 policies"), read(err));
        } finally {
            p.destroyForcibly();
            p.waitFor(20, TimeUnit.SECONDS);
        }
    }

    private static void write(Path fifo, String text) {
        try {
            Files.writeString(fifo, text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Whether a thread of {@code pid} waits in the kernel for the other end of a FIFO. */
    private static boolean blockedOnFifo(long pid) {
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return tasks.anyMatch(t -> read(t.resolve("wchan")).contains("wait_for_partner"));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static void signal(String name, Process p) throws Exception {
        Commands.check(List.of("kill", "-" + name, Long.toString(p.pid())), Duration.ofSeconds(10));
    }

    private static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier cond, Process p, Path err) throws Exception {
        for (int i = 0; i < 600; i++) {
            if (cond.getAsBoolean()) return;
            if (!p.isAlive()) throw new AssertionError("the gateway exited (" + p.exitValue() + "): " + read(err));
            Thread.sleep(50);
        }
        throw new AssertionError("timed out; log: " + read(err));
    }
}
