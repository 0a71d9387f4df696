package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jipsec.core.ikekernel.HandoffFrame;
import org.jipsec.io.ike.IkeHandoffClient;
import org.jipsec.io.netns.CommandResult;
import org.jipsec.io.netns.NetnsLab;
import org.jipsec.io.netns.VethPair;
import org.jipsec.testkit.RequiresRoot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The UDP 4500 split seen from outside (docs/ike-udp-split.md): the gateway as a child process with a TUN in one
 * namespace, a peer in another sending with a plain Python UDP socket bound to its port 4500, and a fake iked on the
 * handoff socket. A non-ESP-marker datagram reaches the client with the right addresses; the client's reply leaves
 * from the gateway's port 4500 to the peer; ESP-in-UDP is not handed over; with no client attached IKE datagrams are
 * counted as dropped; hostile clients (another uid, garbage, oversized frames, a second client) change nothing for
 * the data plane. Root only (fails instead of skipping under CI=true).
 */
@RequiresRoot
class GatewayIkeHandoffTest {

    @TempDir
    Path dir;
    /** Own threads: the common pool may have one thread on a small machine, and the client blocks in receive. */
    final java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r);
        t.setDaemon(true);
        return t;
    });

    @BeforeAll
    static void needRoot() {
        if (!NetnsLab.available() && "true".equals(System.getenv("CI")))
            throw new AssertionError("CI needs root and iproute2");
        org.junit.jupiter.api.Assumptions.assumeTrue(
                NetnsLab.available(), "needs root and iproute2 (network namespaces)");
    }

    /** A UDP peer at 10.87.0.2:4500 in {@code ns}: sends hex payloads, prints what it receives as "host port hex". */
    static final String PEER = String.join(
            "\n",
            "import socket, sys",
            "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "s.bind(('10.87.0.2', 4500))",
            "s.settimeout(float(sys.argv[2]))",
            "for h in sys.argv[3:]:",
            "    s.sendto(bytes.fromhex(h), (sys.argv[1], 4500))",
            "try:",
            "    data, src = s.recvfrom(65535)",
            "    print(src[0], src[1], data.hex(), flush=True)",
            "except socket.timeout:",
            "    print('timeout', flush=True)",
            "");

    @Test
    void ikeDatagramsGoToTheClientAndItsRepliesLeaveFromPort4500() throws Exception {
        try (GatewayLab g = new GatewayLab(dir)) {
            String a = g.lab.namespace(), b = g.lab.namespace();
            VethPair v = g.lab.veth(a, b);
            g.lab.address(a, v.a(), "10.87.0.1/24");
            g.lab.address(b, v.b(), "10.87.0.2/24");
            Path peer = dir.resolve("peer.py");
            Files.writeString(peer, PEER);
            Path pfkey = dir.resolve("run/pfkey");
            Path ike = dir.resolve("run/ike");
            Path err = dir.resolve("gw.err");
            String javaBin = ProcessHandle.current().info().command().orElse("java");
            Process p = new ProcessBuilder(
                            "ip",
                            "netns",
                            "exec",
                            a,
                            javaBin,
                            "--enable-native-access=ALL-UNNAMED",
                            "-cp",
                            System.getProperty("java.class.path"),
                            "org.jipsec.cli.Main",
                            "gateway",
                            "--pfkey",
                            pfkey.toString(),
                            "--tun",
                            "jiptest14",
                            "--state-dir",
                            dir.resolve("state").toString())
                    .redirectOutput(dir.resolve("gw.out").toFile())
                    .redirectError(err.toFile())
                    .start();
            try {
                waitFor(
                        () -> read(dir.resolve("gw.out")).contains("running on jiptest14") && Files.exists(ike),
                        p,
                        err);
                String ikeMsg =
                        "00000000" + "0102030405060708" + "0000000000000000" + "2e202308" + "00000001" + "0000001c";
                String esp = "00001234" + "00000001" + "deadbeefdeadbeef";

                // 1. no client attached: the IKE datagram is counted as dropped
                assertEquals("timeout", peer(g, b, peer, 1, ikeMsg).strip());
                waitForStatus(p, err, "ike_drop_nodaemon=1");

                // 2. a fake iked: the datagram arrives with the right addresses; its reply leaves from 10.87.0.1:4500
                try (IkeHandoffClient c = IkeHandoffClient.connect(ike)) {
                    CompletableFuture<HandoffFrame> got = CompletableFuture.supplyAsync(
                            () -> {
                                try {
                                    return c.receive();
                                } catch (Exception e) {
                                    throw new RuntimeException(e);
                                }
                            },
                            pool);
                    Thread.sleep(300); // the server attaches the client on its accept thread
                    CompletableFuture<String> answer =
                            CompletableFuture.supplyAsync(() -> peer(g, b, peer, 10, esp, ikeMsg), pool);
                    HandoffFrame f;
                    try {
                        f = got.get(15, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.TimeoutException e) {
                        signal(p);
                        Thread.sleep(500);
                        throw new AssertionError("no frame; peer said " + answer.getNow("?") + "\n" + read(err));
                    }
                    assertEquals(InetAddress.getByName("10.87.0.1"), f.localAddress());
                    assertEquals(4500, f.localPort());
                    assertEquals(InetAddress.getByName("10.87.0.2"), f.remoteAddress());
                    assertEquals(4500, f.remotePort());
                    assertEquals(ikeMsg, HexFormat.of().formatHex(f.payload()), "marker and message as on the wire");
                    byte[] reply =
                            HexFormat.of().parseHex("00000000" + "0102030405060708" + "a1a2a3a4a5a6a7a8" + "2e202320");
                    c.send(new HandoffFrame(f.localAddress(), 4500, f.remoteAddress(), f.remotePort(), reply));
                    assertEquals(
                            "10.87.0.1 4500 " + HexFormat.of().formatHex(reply),
                            answer.get(20, TimeUnit.SECONDS).strip(),
                            "the reply leaves from the gateway's port 4500");
                    // the ESP-in-UDP datagram sent just before was not handed over (the engine dropped it: no SA)
                    waitForStatus(p, err, "ike_handoff=1 ");
                    assertTrue(lastStatus(err).contains("ike_sent=1 "), lastStatus(err));

                    // 3. hostile clients while iked is attached: a second one is refused; another uid cannot connect
                    try (SocketChannel second = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                        second.connect(UnixDomainSocketAddress.of(ike));
                        assertTrue(closedByServer(second), "second client closed");
                    }
                    CommandResult other = g.exec(
                            a,
                            20,
                            "setpriv",
                            "--reuid=65534",
                            "--regid=65534",
                            "--clear-groups",
                            "python3",
                            "-c",
                            "import socket; s=socket.socket(socket.AF_UNIX); s.connect('" + ike
                                    + "'); print('connected')");
                    // the 0700 directory already stops it (EACCES); were it reachable, SO_PEERCRED would refuse it
                    if (other.stdout().contains("connected")) waitForStatus(p, err, "ike_clients_refused=2");
                    else assertTrue(other.stderr().contains("Permission denied"), other.toString());
                }

                // 4. garbage and an oversized frame from root clients: counted, connection dropped, data plane running
                waitForStatus(p, err, "ike_bad_frames=0");
                try (SocketChannel bad = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    bad.connect(UnixDomainSocketAddress.of(ike));
                    Thread.sleep(300);
                    bad.write(ByteBuffer.wrap("GET / HTTP/1.0\r\n\r\n".getBytes()));
                    assertTrue(closedByServer(bad));
                }
                try (SocketChannel big = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    big.connect(UnixDomainSocketAddress.of(ike));
                    Thread.sleep(300);
                    byte[] hdr = HexFormat.of().parseHex("01010400ffff119411940000");
                    big.write(ByteBuffer.wrap(hdr));
                    assertTrue(closedByServer(big));
                }
                waitForStatus(p, err, "ike_bad_frames=2");
                // and a good client works again afterwards
                try (IkeHandoffClient c = IkeHandoffClient.connect(ike)) {
                    Thread.sleep(300);
                    CompletableFuture<String> answer =
                            CompletableFuture.supplyAsync(() -> peer(g, b, peer, 10, ikeMsg), pool);
                    HandoffFrame f = c.receive();
                    c.send(new HandoffFrame(
                            f.localAddress(), 4500, f.remoteAddress(), f.remotePort(), new byte[] {0, 0, 0, 0, 7}));
                    assertEquals(
                            "10.87.0.1 4500 0000000007",
                            answer.get(20, TimeUnit.SECONDS).strip());
                }
                assertTrue(p.isAlive(), read(err));
                assertFalse(read(err).contains("Exception"), read(err));
                p.destroy();
                assertTrue(p.waitFor(20, TimeUnit.SECONDS));
                assertFalse(Files.exists(ike), "handoff socket removed on SIGTERM");
            } finally {
                p.destroyForcibly();
            }
        }
    }

    /** The server closed the connection: EOF, or a reset when it closed with our bytes unread. */
    static boolean closedByServer(SocketChannel ch) {
        try {
            return ch.read(ByteBuffer.allocate(1)) == -1;
        } catch (java.io.IOException e) {
            return true;
        }
    }

    static String peer(GatewayLab g, String ns, Path script, int timeout, String... hex) {
        try {
            String[] cmd = new String[4 + hex.length];
            cmd[0] = "python3";
            cmd[1] = script.toString();
            cmd[2] = "10.87.0.1";
            cmd[3] = Integer.toString(timeout);
            System.arraycopy(hex, 0, cmd, 4, hex.length);
            return g.exec(ns, timeout + 10, cmd).stdout();
        } catch (java.io.IOException e) {
            throw new RuntimeException(e);
        }
    }

    static void signal(Process p) throws Exception {
        // the JVM under `ip netns exec` is the child of ip (exec'd): the same pid
        new ProcessBuilder("kill", "-USR1", Long.toString(p.pid())).start().waitFor(10, TimeUnit.SECONDS);
    }

    static String lastStatus(Path err) {
        String s = read(err);
        int i = s.lastIndexOf("ike handoff ");
        return i < 0 ? "" : s.substring(i, s.indexOf('\n', i) < 0 ? s.length() : s.indexOf('\n', i));
    }

    static void waitForStatus(Process p, Path err, String text) throws Exception {
        for (int i = 0; i < 40; i++) {
            signal(p);
            Thread.sleep(250);
            if (lastStatus(err).contains(text)) return;
        }
        throw new AssertionError("status never showed " + text + ":\n" + read(err));
    }

    static void waitFor(BooleanSupplier c, Process p, Path err) throws Exception {
        for (int i = 0; i < 600 && !c.getAsBoolean(); i++) {
            if (!p.isAlive()) break;
            Thread.sleep(50);
        }
        if (!c.getAsBoolean()) throw new AssertionError("gateway did not start:\n" + read(err));
    }

    static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
