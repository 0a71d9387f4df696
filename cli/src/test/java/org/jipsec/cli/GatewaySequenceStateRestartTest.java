package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jipsec.io.netns.CommandResult;
import org.jipsec.io.netns.Commands;
import org.jipsec.io.netns.NetnsLab;
import org.jipsec.io.netns.VethPair;
import org.jipsec.testkit.RequiresRoot;
import org.jipsec.testkit.RequiresTool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #12, restart safety, from the outside: two real {@code jipsec gateway} processes in namespaces with tunnel
 * SAs, a capture of every protected packet on the link between them, and the sender restarted with SIGTERM and with
 * SIGKILL (kill -9) while traffic flows. No (SPI, sequence number) pair — for AES-GCM and ChaCha20-Poly1305 the nonce —
 * may appear twice in the whole capture, and traffic must flow after each restart. Then the receiver restarts and a
 * packet it accepted before is replayed to it (scapy): it must reach the receiver, be counted as a replay and not be
 * delivered. Run for every {@link WireVariant}: raw ESP and ESP in UDP over IPv4 and IPv6 outer addresses (AES-GCM),
 * ESP in UDP over IPv6 with ChaCha20-Poly1305, and AH; one pair of namespaces serves them all.
 */
@RequiresRoot
@RequiresTool({"dumpcap", "tshark", "scapy"})
class GatewaySequenceStateRestartTest {

    static final String OA = "10.86.0.1", OB = "10.86.0.2", IA = "10.86.1.1", IB = "10.86.2.1";
    static final String OA6 = "fd86::1", OB6 = "fd86::2";
    static final String TUN = "jipseq0";

    @TempDir
    Path dir;

    @BeforeAll
    static void needRootAndTools() throws Exception {
        boolean ci = "true".equals(System.getenv("CI"));
        boolean ok = NetnsLab.available()
                && tool("dumpcap", "--version")
                && tool("tshark", "--version")
                && tool("python3", "--version")
                && GatewayEndToEndTest.scapyPresent();
        if (!ok && ci)
            throw new AssertionError("root, iproute2, dumpcap, tshark, python3 and scapy are required under CI");
        org.junit.jupiter.api.Assumptions.assumeTrue(ok, "needs root, iproute2, dumpcap, tshark, python3, scapy");
        buildLab();
    }

    static boolean tool(String... cmd) {
        try {
            return Commands.run(List.of(cmd), Duration.ofSeconds(10)).ok();
        } catch (Exception e) {
            return false;
        }
    }

    /** One gateway child process. */
    final class Gw {
        final String ns, name;
        final Path conf, state, pfkey;
        Process p;
        int starts;

        Gw(String ns, String name, String config) throws Exception {
            this.ns = ns;
            this.name = name;
            this.conf = dir.resolve(name + ".conf");
            this.state = dir.resolve(name + "-state");
            this.pfkey = dir.resolve(name + "/pfkey");
            Files.writeString(conf, config);
        }

        Path out() {
            return dir.resolve(name + "-" + starts + ".out");
        }

        Path err() {
            return dir.resolve(name + "-" + starts + ".err");
        }

        void start() throws Exception {
            starts++;
            String java = ProcessHandle.current().info().command().orElse("java");
            p = new ProcessBuilder(
                            "ip",
                            "netns",
                            "exec",
                            ns,
                            java,
                            "--enable-native-access=ALL-UNNAMED",
                            "-cp",
                            System.getProperty("java.class.path"),
                            "org.jipsec.cli.Main",
                            "gateway",
                            "--config",
                            conf.toString(),
                            "--pfkey",
                            pfkey.toString(),
                            "--tun",
                            TUN,
                            "--no-policy-guard",
                            "--state-dir",
                            state.toString())
                    .redirectOutput(out().toFile())
                    .redirectError(err().toFile())
                    .start();
            for (int i = 0; i < 600; i++) {
                if (read(out()).contains("running on " + TUN)) return;
                if (!p.isAlive()) break;
                Thread.sleep(50);
            }
            throw new AssertionError(name + " did not start: " + read(err()));
        }

        void stop(boolean kill9) throws Exception {
            if (kill9) Commands.check(List.of("kill", "-9", Long.toString(p.pid())), Duration.ofSeconds(10));
            else p.destroy(); // SIGTERM
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), name + " stops");
            // ip netns exec is the parent: make sure the JVM under it is gone too (kill -9 of the JVM's pid above is
            // of ip netns exec's child after exec: the same process)
        }

        String logs() {
            StringBuilder b = new StringBuilder();
            for (int i = 1; i <= starts; i++)
                b.append("--- ")
                        .append(name)
                        .append(" run ")
                        .append(i)
                        .append('\n')
                        .append(read(dir.resolve(name + "-" + i + ".err")));
            return b.toString();
        }
    }

    static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** One pair of namespaces, joined by a veth with IPv4 and IPv6 addresses, for every variant. */
    static NetnsLab lab;

    static String nsA, nsB;
    static VethPair veth;

    static void buildLab() throws Exception {
        lab = new NetnsLab();
        nsA = lab.namespace();
        nsB = lab.namespace();
        veth = lab.veth(nsA, nsB);
        lab.address(nsA, veth.a(), OA + "/24");
        lab.address(nsB, veth.b(), OB + "/24");
        lab.address(nsA, veth.a(), OA6 + "/64");
        lab.address(nsB, veth.b(), OB6 + "/64");
        WireVariant.oneDatagramPerFrame(lab, veth);
        lab.address(nsA, "lo", IA + "/32");
        lab.address(nsB, "lo", IB + "/32");
    }

    @AfterAll
    static void closeLab() throws Exception {
        if (lab != null) lab.close();
    }

    static Stream<WireVariant> variants() {
        return WireVariant.matrixAndMore();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void restartsNeverRepeatASequenceNumberAndTheRestartedReceiverRefusesReplays(WireVariant w) throws Exception {
        String oa = w.pick(OA, OA6), ob = w.pick(OB, OB6);
        String sas = w.sa(oa, ob, 0x3001, "tunnel", 8, 0) + w.sa(ob, oa, 0x3002, "tunnel", 8, 1);
        String netA = "10.86.1.0/24", netB = "10.86.2.0/24";
        String p = w.proto();
        String a = nsA, b = nsB;
        VethPair v = veth;
        {
            Gw ga = new Gw(
                    a,
                    "a",
                    sas
                            + "spdadd " + netA + " " + netB + " any -P out ipsec " + w.tunnel(oa, ob) + " ;\n"
                            + "spdadd " + netB + " " + netA + " any -P in ipsec " + w.tunnel(ob, oa) + " ;\n");
            Gw gb = new Gw(
                    b,
                    "b",
                    sas
                            + "spdadd " + netB + " " + netA + " any -P out ipsec " + w.tunnel(ob, oa) + " ;\n"
                            + "spdadd " + netA + " " + netB + " any -P in ipsec " + w.tunnel(oa, ob) + " ;\n");
            List<Process> captures = new ArrayList<>(), listeners = new ArrayList<>();
            try {
                Path all = capture(captures, a, v.a(), "all.pcap", w.captureFilter());
                gb.start();
                lab.route(b, netA, "dev", TUN, "src", IB);
                ga.start();
                lab.route(a, netB, "dev", TUN, "src", IA);
                int[] replies = new int[4];
                replies[0] = ping(lab, a, 10, "0.1");
                // a reload (SIGHUP) of an unchanged configuration: whatever it does with the SAs, the numbers go on
                Commands.check(List.of("kill", "-HUP", Long.toString(ga.p.pid())), Duration.ofSeconds(10));
                for (int i = 0; i < 200 && !read(ga.err()).contains("reload:"); i++) Thread.sleep(50);
                replies[0] += ping(lab, a, 10, "0.1");

                ga.stop(false); // SIGTERM: exact marks written
                ga.start();
                lab.route(a, netB, "dev", TUN, "src", IA);
                replies[1] = ping(lab, a, 10, "0.1");

                ga.stop(true); // kill -9: the marks written ahead stand
                ga.start();
                lab.route(a, netB, "dev", TUN, "src", IA);
                // A continues above its saved mark; its own window starts above the replies it may have accepted, so
                // B's replies pass once B's counter is beyond that mark (at most one inbound block): enough pings
                replies[2] = ping(lab, a, 120, "0.02");

                // the receiver's restart: a UDP datagram A -> B, captured alone, accepted by B before B restarts
                Path one = capture(captures, a, v.a(), "one.pcap", w.captureFilter());
                Process before = udpListen(b, IB, 7777, dir.resolve("before.out"), "before-restart");
                listeners.add(before);
                awaitListening(before, dir.resolve("before.out"));
                udpSend(lab, a, IA, IB, 7777, "before-restart");
                assertTrue(before.waitFor(40, TimeUnit.SECONDS), "listener ends");
                Thread.sleep(1000); // the packet reaches the capture file before dumpcap stops
                stopCapture(captures.removeLast());
                assertTrue(
                        read(dir.resolve("before.out")).contains("before-restart"),
                        "B accepted the datagram before its restart\n" + ga.logs() + gb.logs());
                gb.stop(false);
                gb.start();
                lab.route(b, netA, "dev", TUN, "src", IB);
                Process listener = udpListen(b, IB, 7777, dir.resolve("listen.out"), "after-restart");
                listeners.add(listener);
                awaitListening(listener, dir.resolve("listen.out"));
                long replaysBefore = replayDrops(gb);
                // the captured frame, unchanged, into B's restarted gateway (scapy, as the reload test does). A frame
                // sent while B's wire sockets were still opening under load is lost before B counts it, so the
                // replay is sent again, at most three times, until B has counted one; each one sent must be counted
                // as a replay, none delivered.
                List<Long> replayed = List.of();
                int sent = 0;
                long drops = replaysBefore;
                while (sent < 3 && drops == replaysBefore) {
                    replayed = replay(a, one, v.a(), oa, 0x3001, p);
                    assertEquals(1, replayed.size(), "the datagram's packet, replayed: " + replayed);
                    sent++;
                    for (int i = 0; i < 30 && (drops = replayDrops(gb)) == replaysBefore; i++) Thread.sleep(100);
                }
                // B got it and refused it as a replay (not, say, lost it to a bad checksum)
                assertTrue(
                        drops > replaysBefore && drops <= replaysBefore + sent,
                        "B drops the replayed packet as a replay: " + (drops - replaysBefore) + " of " + sent
                                + " sent\n" + gb.logs());
                udpSend(lab, a, IA, IB, 7777, "after-restart"); // a fresh datagram is delivered
                replies[3] = ping(lab, a, 10, "0.1");
                assertTrue(listener.waitFor(40, TimeUnit.SECONDS), "listener ends");
                String heard = read(dir.resolve("listen.out"));
                ga.stop(false);
                gb.stop(false);
                stopCapture(captures.removeFirst());

                String logs = ga.logs() + gb.logs();
                assertFalse(
                        heard.contains("before-restart"),
                        "a replayed packet was delivered after the receiver's restart\n" + heard + logs);
                assertTrue(
                        heard.contains("after-restart"), "fresh traffic after the receiver's restart\n" + heard + logs);
                assertTrue(
                        replies[0] >= 16,
                        "pings before the restarts (and across a reload): " + replies[0] + "\n" + logs);
                assertTrue(replies[1] >= 8, "pings after SIGTERM: " + replies[1] + "\n" + logs);
                assertTrue(replies[2] >= 20, "pings after kill -9: " + replies[2] + "\n" + logs);
                assertTrue(replies[3] >= 8, "pings after the receiver's restart: " + replies[3] + "\n" + logs);

                Map<String, Integer> seen = new HashMap<>();
                List<String> repeated = new ArrayList<>();
                seen.put(String.format("0x%x/%d", 0x3001, replayed.getFirst()), -sent); // the replays the test injected
                int n = 0;
                for (WireVariant.Packet x : w.packets(all)) {
                    n++;
                    String key = String.format("0x%x/%d", x.spi(), x.seq());
                    if (seen.merge(key, 1, Integer::sum) == 2) repeated.add(key); // -sent + sent + 1 = 1: allowed
                }
                assertTrue(n >= 150, "ESP packets captured: " + n);
                assertEquals(
                        List.of(),
                        repeated,
                        "(SPI, sequence number) pairs sent twice under one key, of " + n + "\n" + logs);
            } finally {
                for (Process c : captures) c.destroyForcibly();
                for (Process l : listeners)
                    l.destroyForcibly(); // a listener left bound would hold the next variant's port
                for (Gw g : List.of(ga, gb)) if (g.p != null) g.p.destroyForcibly();
            }
        }
    }

    /** Waits until the listener has bound its port; fails if it could not (say, a port still held). */
    static void awaitListening(Process listener, Path out) throws InterruptedException {
        for (int i = 0; i < 200 && !read(out).contains("listening") && listener.isAlive(); i++) Thread.sleep(50);
        assertTrue(read(out).contains("listening"), "the UDP listener is bound: " + read(out));
    }

    private static final java.util.regex.Pattern REPLAYS =
            java.util.regex.Pattern.compile("(\\d+) possibly replayed packets");

    /** SIGUSR1 to {@code g}, then the replay drops its new status report shows (0 when the line is absent). */
    static long replayDrops(Gw g) throws Exception {
        String marker = "jipsec gateway " + TUN + ":";
        int n = read(g.err()).split(java.util.regex.Pattern.quote(marker), -1).length;
        Commands.check(List.of("kill", "-USR1", Long.toString(g.p.pid())), Duration.ofSeconds(10));
        for (int i = 0; i < 200 && read(g.err()).split(java.util.regex.Pattern.quote(marker), -1).length <= n; i++)
            Thread.sleep(50);
        String text = read(g.err());
        java.util.regex.Matcher m = REPLAYS.matcher(text.substring(Math.max(0, text.lastIndexOf(marker))));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /**
     * esp_replay.py: sends again, on {@code dev} of {@code ns}, the captured frames of {@code pcap} from {@code src}
     * with {@code spi}; returns their sequence numbers.
     */
    List<Long> replay(String ns, Path pcap, String dev, String src, int spi, String proto) throws Exception {
        Path script = dir.resolve("esp_replay.py");
        if (!Files.exists(script)) {
            try (var in = GatewaySequenceStateRestartTest.class.getResourceAsStream("esp_replay.py")) {
                Files.copy(in, script);
            }
        }
        CommandResult r = lab.exec(
                ns,
                Duration.ofSeconds(60),
                "/usr/bin/python3",
                script.toString(),
                pcap.toString(),
                dev,
                src,
                "0x" + Integer.toHexString(spi),
                "4294967295",
                proto);
        assertTrue(r.ok(), "replay: " + r.stdout() + r.stderr());
        return r.stdout().lines().filter(l -> !l.isBlank()).map(Long::parseLong).toList();
    }

    /** dumpcap in classic pcap format on {@code dev} of {@code ns}. */
    Path capture(List<Process> captures, String ns, String dev, String file, String filter) throws Exception {
        Path f = dir.resolve(file);
        Process p = new ProcessBuilder(
                        "ip", "netns", "exec", ns, "dumpcap", "-q", "-P", "-i", dev, "-f", filter, "-w", f.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(file + ".log").toFile())
                .start();
        captures.add(p);
        for (int i = 0; i < 100 && !(Files.exists(f) && Files.size(f) > 0); i++) Thread.sleep(50);
        Thread.sleep(300);
        return f;
    }

    static void stopCapture(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly();
    }

    static int ping(NetnsLab lab, String ns, int count, String interval) throws Exception {
        CommandResult r = lab.exec(
                ns,
                Duration.ofSeconds(60),
                "ping",
                "-c",
                Integer.toString(count),
                "-i",
                interval,
                "-W",
                "1",
                "-I",
                IA,
                IB);
        return r.stdout().split("bytes from", -1).length - 1;
    }

    static void udpSend(NetnsLab lab, String ns, String src, String dst, int port, String text) throws Exception {
        lab.exec(
                ns,
                Duration.ofSeconds(10),
                "python3",
                "-c",
                "import socket;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);" + "s.bind(('" + src
                        + "',0));s.sendto(b'" + text + "',('" + dst + "'," + port + "))");
    }

    /**
     * A UDP listener in {@code ns} printing what it gets, for at most 30 s: it ends early once it got {@code until}
     * (and prints "listening" when bound).
     */
    static Process udpListen(String ns, String addr, int port, Path out, String until) throws Exception {
        return new ProcessBuilder(
                        "ip",
                        "netns",
                        "exec",
                        ns,
                        "python3",
                        "-c",
                        "import socket,time,sys\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.bind(('" + addr
                                + "'," + port
                                + "))\nprint('listening',flush=True)\ns.settimeout(0.5)\nend=time.time()+30\nwhile time.time()<end:\n"
                                + "  try:\n    d=s.recv(2000).decode(errors='replace')\n    print(d,flush=True)\n"
                                + "    if d=='" + until + "': break\n  except socket.timeout:\n    pass\n")
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
    }
}
