package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jipsec.core.pfkey.PfkeyCodec;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;
import org.jipsec.io.netns.Commands;
import org.jipsec.testkit.E2e;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jipsecd's control sockets against hostile or unlucky local clients (issue #12 items 4 and 5), proven from the
 * outside: the real {@code jipsec gateway --no-tun} in a child JVM, a real {@code setkey -D} child as the witness.
 * <ul>
 *   <li>descriptors run out (RLIMIT_NOFILE lowered with prlimit, connections opened until accept(2) fails with
 *       EMFILE), then come back: the daemon accepts again and setkey -D works;</li>
 *   <li>a child with a 64 MB heap and -XX:+ExitOnOutOfMemoryError survives 1,000 connections each sending a
 *       header promising 512 KB, plus clients that ask for dumps of 2,000 SAs thousands of times and never read;</li>
 *   <li>two gateways whose PF_KEY sockets share a directory both start, each with its own sysctl socket.</li>
 * </ul>
 */
@E2e
class GatewayControlSocketTest {

    static final String K = GatewayEndToEndTest.K_AB;

    @TempDir
    Path dir;

    final List<Process> processes = new ArrayList<>();
    final List<SocketChannel> channels = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (SocketChannel c : channels) {
            try {
                c.close();
            } catch (IOException ignored) {
            }
        }
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly();
        }
    }

    static String javaBin() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** Starts {@code jipsec gateway --no-tun} in a child JVM and waits (bounded) until it serves. */
    Process gateway(String name, List<String> jvm, Path pfkey, Path conf) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(javaBin()));
        cmd.addAll(jvm);
        cmd.addAll(List.of(
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "org.jipsec.cli.Main",
                "gateway",
                "--no-tun",
                "--pfkey",
                pfkey.toString()));
        if (conf != null) cmd.addAll(List.of("--config", conf.toString()));
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectError(dir.resolve(name + ".err").toFile())
                .start();
        processes.add(p);
        for (int i = 0; i < 1200 && !read(dir.resolve(name + ".out")).contains("PF_KEY on"); i++) {
            if (!p.isAlive()) break;
            Thread.sleep(50);
        }
        assertTrue(
                p.isAlive() && read(dir.resolve(name + ".out")).contains("PF_KEY on"),
                name + " did not start: " + read(dir.resolve(name + ".err")));
        return p;
    }

    /** {@code setkey --pfkey P ARGS} in a child JVM: exit status and output, or a failure after 90 s. */
    MainTest.Result setkey(Path pfkey, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                javaBin(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "org.jipsec.cli.Main",
                "setkey",
                "--pfkey",
                pfkey.toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "setkey", ".out");
        Path err = Files.createTempFile(dir, "setkey", ".err");
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("setkey " + String.join(" ", args) + " did not finish in 90 s: " + read(err));
        }
        return new MainTest.Result(p.exitValue(), read(out), read(err));
    }

    static Path config(Path f, int sas) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < sas; i++)
            b.append("add 10.86.0.1 10.86.0.2 esp ")
                    .append(0x2000 + i)
                    .append(" -E aes-gcm-16 ")
                    .append(K)
                    .append(" ;\n");
        Files.writeString(f, b.toString());
        return f;
    }

    static int openFds(long pid) {
        String[] fds = Path.of("/proc", Long.toString(pid), "fd").toFile().list();
        return fds == null ? -1 : fds.length;
    }

    @Test
    void afterDescriptorsRunOutTheDaemonAcceptsAgain() throws Exception {
        boolean prlimit = Files.isExecutable(Path.of("/usr/bin/prlimit"));
        if (!prlimit && "true".equals(System.getenv("CI")))
            throw new AssertionError("prlimit (util-linux) missing in CI");
        Assumptions.assumeTrue(prlimit, "needs prlimit");
        Path pfkey = dir.resolve("run/pfkey");
        Process gw = gateway("gw", List.of(), pfkey, config(dir.resolve("gw.conf"), 1));
        assertEquals(0, setkey(pfkey, "-D").status()); // warm: the dump path is loaded
        int limit = openFds(gw.pid()) + 12;
        Commands.check(
                List.of("prlimit", "--pid", Long.toString(gw.pid()), "--nofile=" + limit + ":" + limit),
                Duration.ofSeconds(10));

        // open connections until accept(2) fails for want of descriptors (the rest wait in the backlog)
        try (ExecutorService connector = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 200 && !read(dir.resolve("gw.err")).contains("Too many open files"); i++) {
                SocketChannel ch = SocketChannel.open(java.net.StandardProtocolFamily.UNIX);
                channels.add(ch);
                Future<Boolean> f = connector.submit(() -> ch.connect(UnixDomainSocketAddress.of(pfkey)));
                try {
                    f.get(5, TimeUnit.SECONDS);
                } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
                    break; // the backlog is full (EAGAIN or waiting)
                }
            }
            for (int i = 0; i < 200 && !read(dir.resolve("gw.err")).contains("Too many open files"); i++)
                Thread.sleep(50);
            assertTrue(
                    read(dir.resolve("gw.err")).contains("Too many open files"),
                    "accept(2) never hit EMFILE: " + read(dir.resolve("gw.err")));
            Thread.sleep(1500); // a few failed accepts and back-offs
            for (SocketChannel c : channels) c.close(); // descriptors come back
            channels.clear();
        }
        assertTrue(gw.isAlive(), read(dir.resolve("gw.err")));
        MainTest.Result d = setkey(pfkey, "-D");
        assertEquals(0, d.status(), d.err() + "\ngateway:\n" + tail(read(dir.resolve("gw.err"))));
        assertTrue(d.out().contains("esp mode=any spi=8192(0x00002000)"), d.out());
        assertTrue(read(dir.resolve("gw.err")).contains("pfkey: accepting again after"), read(dir.resolve("gw.err")));
    }

    @Test
    void hostileClientsCannotGrowTheHeapPastItsBound() throws Exception {
        Path pfkey = dir.resolve("run/pfkey");
        int sas = 2_000;
        Process gw = gateway(
                "gw", List.of("-Xmx64m", "-XX:+ExitOnOutOfMemoryError"), pfkey, config(dir.resolve("gw.conf"), sas));

        // 1,000 connections, each sending one header promising 512 KB and nothing after it
        byte[] header = new byte[16];
        header[0] = Sadb.PF_KEY_V2;
        header[1] = (byte) Sadb.SADB_ADD;
        header[4] = (byte) 0xff;
        header[5] = (byte) 0xff;
        try {
            for (int i = 0; i < 1_000 && gw.isAlive(); i++) {
                SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(pfkey));
                channels.add(ch);
                ch.write(ByteBuffer.wrap(header));
            }
        } catch (IOException e) {
            gw.waitFor(10, TimeUnit.SECONDS); // the daemon is gone: asserted below
        }
        // 20 clients asking for a dump of the whole SAD 2,000 times each, and never reading
        ByteBuffer dumps = ByteBuffer.allocate(16 * 2_000);
        for (int i = 0; i < 2_000; i++)
            dumps.put(PfkeyCodec.encode(PfkeyMessage.of(Sadb.SADB_DUMP, 0, i + 1, 4242, List.of())));
        try (ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> sent = new ArrayList<>();
            for (int c = 0; c < 20 && gw.isAlive(); c++) {
                SocketChannel ch;
                try {
                    ch = SocketChannel.open(UnixDomainSocketAddress.of(pfkey));
                } catch (IOException e) {
                    break;
                }
                channels.add(ch);
                ByteBuffer mine = dumps.duplicate().flip();
                sent.add(writers.submit(() -> {
                    while (mine.hasRemaining()) ch.write(mine);
                    return null;
                }));
            }
            for (Future<?> f : sent) {
                try {
                    f.get(120, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    break; // the daemon died: asserted below
                }
            }
        }
        Thread.sleep(2000);
        assertTrue(
                gw.isAlive(),
                "the daemon died (exit " + (gw.isAlive() ? "" : gw.exitValue()) + "): "
                        + tail(read(dir.resolve("gw.err"))));
        MainTest.Result d = setkey(pfkey, "-D");
        assertEquals(0, d.status(), d.err() + "\ngateway:\n" + tail(read(dir.resolve("gw.err"))));
        assertEquals(
                sas, d.out().lines().filter(l -> l.startsWith("\tesp mode=")).count(), tail(d.out()));
        String jcmd = Path.of(javaBin()).resolveSibling("jcmd").toString();
        Commands.run(List.of(jcmd, Long.toString(gw.pid()), "GC.run"), Duration.ofSeconds(30)); // live set only
        String heap = Commands.run(List.of(jcmd, Long.toString(gw.pid()), "GC.heap_info"), Duration.ofSeconds(30))
                .stdout();
        System.out.println("GatewayControlSocketTest: heap of the flooded daemon (-Xmx64m):\n" + heap);
        assertTrue(gw.isAlive());
        assertFalse(read(dir.resolve("gw.err")).contains("OutOfMemoryError"), tail(read(dir.resolve("gw.err"))));
    }

    @Test
    void twoGatewaysWithPfkeySocketsInOneDirectoryBothStart() throws Exception {
        Path run = dir.resolve("run");
        Path a = run.resolve("gw1.pfkey");
        Path b = run.resolve("gw2.pfkey");
        gateway("gw1", List.of(), a, null);
        gateway("gw2", List.of(), b, null);
        assertTrue(
                read(dir.resolve("gw1.out")).contains("sysctl on " + run.resolve("gw1.sysctl")),
                read(dir.resolve("gw1.out")));
        assertTrue(
                read(dir.resolve("gw2.out")).contains("sysctl on " + run.resolve("gw2.sysctl")),
                read(dir.resolve("gw2.out")));
        // jipsec sysctl --pfkey finds each gateway's own socket: a write on one is not seen on the other
        assertEquals(
                new MainTest.Result(0, "net.key.debug: 0 -> 1\n", ""),
                MainTest.run("sysctl", "--pfkey", a.toString(), "-w", "net.key.debug=1"));
        assertEquals(
                new MainTest.Result(0, "1\n", ""),
                MainTest.run("sysctl", "--pfkey", a.toString(), "-n", "net.key.debug"));
        MainTest.Result other = MainTest.run("sysctl", "--pfkey", b.toString(), "-n", "net.key.debug");
        assertEquals(new MainTest.Result(0, "0\n", ""), other);
        assertNotEquals(read(dir.resolve("gw1.out")), read(dir.resolve("gw2.out")));
    }

    @Test
    void setkeyAndSysctlRefuseAServerOfAnotherUser() throws Exception {
        boolean ok = "root".equals(System.getProperty("user.name"))
                && Files.isExecutable(Path.of("/usr/bin/setpriv"))
                && Files.isExecutable(Path.of("/usr/bin/python3"));
        if (!ok && "true".equals(System.getenv("CI"))) throw new AssertionError("CI needs root, setpriv and python3");
        Assumptions.assumeTrue(ok, "needs root, setpriv and /usr/bin/python3");
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Path sock = dir.resolve("pfkey");
        String listener = "import socket, sys\ns = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n"
                + "s.bind(sys.argv[1]); s.listen(8); print('ready', flush=True)\n"
                + "while True:\n    c, _ = s.accept(); print('got', len(c.recv(65536)), flush=True); c.close()\n";
        Process p = new ProcessBuilder(
                        "/usr/bin/setpriv",
                        "--reuid=65534",
                        "--regid=65534",
                        "--clear-groups",
                        "/usr/bin/python3",
                        "-c",
                        listener,
                        sock.toString())
                .redirectErrorStream(true)
                .start();
        processes.add(p);
        java.io.BufferedReader out =
                new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("ready", out.readLine());
        Files.writeString(dir.resolve("k.conf"), "add 10.86.0.1 10.86.0.2 esp 0x1001 -E aes-gcm-16 " + K + " ;\n");
        MainTest.Result add = MainTest.run(
                "setkey",
                "--pfkey",
                sock.toString(),
                "-f",
                dir.resolve("k.conf").toString());
        assertEquals(1, add.status());
        assertTrue(add.err().contains("refusing to talk to " + sock + ": its server runs as user nobody"), add.err());
        MainTest.Result ctl = MainTest.run("sysctl", "--socket", sock.toString(), "net.key.debug");
        assertEquals(1, ctl.status());
        assertTrue(ctl.err().startsWith("sysctl: refusing to talk to " + sock), ctl.err());
        assertEquals("got 0", out.readLine(), "the key never reached the listener");
        assertEquals("got 0", out.readLine());
    }

    static String tail(String s) {
        return s.length() <= 4000 ? s : "..." + s.substring(s.length() - 4000);
    }

    static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
