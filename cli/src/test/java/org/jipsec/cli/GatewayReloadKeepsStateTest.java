package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jipsec.cli.lab.GatewayProcess;
import org.jipsec.cli.lab.TwoHosts;
import org.jipsec.core.pfkey.PfkeyCodec;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.io.netns.CommandResult;
import org.jipsec.io.netns.Commands;
import org.jipsec.io.netns.NetnsLab;
import org.jipsec.io.netns.NetnsThread;
import org.jipsec.io.pfkey.PfkeyClient;
import org.jipsec.testkit.RequiresRoot;
import org.jipsec.testkit.RequiresTool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SIGHUP from the outside, on two real gateways (the command as child processes in two namespaces, tunnel mode with
 * manual keys, UDP and ping flowing through the tunnel, the protected packets captured on the veth with a capture
 * filter for the variant), for every {@link WireVariant}: raw ESP and ESP in UDP (NAT-T port 4500) over IPv4 and IPv6
 * outer addresses with AES-GCM, ESP in UDP over IPv6 with ChaCha20-Poly1305, and AH:
 * <ul>
 *   <li>reloads of an unchanged file on both sides, and a one-sided reload that adds an unrelated SA of the same kind
 *       and a policy, keep the SAs: no (SPI, sequence number) pair — no AES-GCM/ChaCha20 nonce, RFC 4106 §3.1, §8.1,
 *       RFC 7634 §2 — appears twice on the wire, and the tunnel keeps passing every datagram and ping;</li>
 *   <li>packets captured before the reloads, replayed into the receiver after a reload (scapy, the frames unchanged
 *       but for a UDP checksum the sender's offload left partial), are dropped as replays (RFC 4303 §3.4.3, RFC 4302
 *       §3.4.3; its counter rises by their number) and none reaches the application;</li>
 *   <li>(once: it is about the file, not the wire) a reload with a syntax error, a bad key length or a missing file
 *       changes nothing ({@code setkey -DP} output byte-identical; {@code setkey -D} too except the two fields it
 *       computes from the clock at print time; the raw SADB_DUMP / SADB_X_SPDDUMP messages byte-identical) and says
 *       so in one log line.</li>
 * </ul>
 * Before the reload diff, each SIGHUP deleted and re-added the SAs: sequence numbers restarted at 1 and the replay
 * window started empty, and a broken file wiped SAs and policies. One pair of namespaces serves every variant.
 */
@RequiresRoot
@RequiresTool({"dumpcap", "tshark", "scapy"})
class GatewayReloadKeepsStateTest {

    static final String K_AB = GatewayEndToEndTest.K_AB;
    static final String K_BA = GatewayEndToEndTest.K_BA;
    static final String TUN = "jiprl0";
    static final int PHASE = 20;
    /** The outer IPv6 addresses beside TwoHosts' IPv4 ones on the same veth (the inner traffic stays IPv4). */
    static final String OUTER_A6 = "fd00:2::1", OUTER_B6 = "fd00:2::2";

    /** One pair of namespaces for every variant; each variant starts its own gateways (and state) in it. */
    static GatewayLab lab;

    static TwoHosts hosts;

    @TempDir
    static Path labDir;

    @TempDir
    Path dir;

    @BeforeAll
    static void needRootAndTools() throws Exception {
        require(NetnsLab.available(), "root and iproute2 (network namespaces)");
        for (String tool : List.of("dumpcap", "tshark")) {
            require(Commands.run(List.of("which", tool), Duration.ofSeconds(10)).ok(), tool);
        }
        require(GatewayEndToEndTest.scapyPresent(), "scapy");
        lab = new GatewayLab(labDir);
        hosts = TwoHosts.build(lab.lab);
        lab.lab.address(hosts.nsA(), hosts.veth().a(), OUTER_A6 + "/64");
        lab.lab.address(hosts.nsB(), hosts.veth().b(), OUTER_B6 + "/64");
        WireVariant.oneDatagramPerFrame(lab.lab, hosts.veth());
    }

    @AfterAll
    static void closeLab() throws Exception {
        if (lab != null) lab.close();
    }

    /** Skips on a laptop without the tool or privilege; fails under CI, where everything must be there. */
    static void require(boolean present, String what) {
        if (present) return;
        if ("true".equals(System.getenv("CI"))) throw new AssertionError("missing under CI: " + what);
        Assumptions.abort("needs " + what);
    }

    static Stream<WireVariant> variants() {
        return WireVariant.matrixAndMore();
    }

    /** A's (self = A) or B's configuration: the variant's two tunnel SAs (A → B 0x1001, B → A 0x1002) and policies. */
    static String config(WireVariant v, boolean selfIsA, String extra) {
        String oa = v.pick(TwoHosts.OUTER_A, OUTER_A6), ob = v.pick(TwoHosts.OUTER_B, OUTER_B6);
        String self = selfIsA ? oa : ob, peer = selfIsA ? ob : oa;
        String selfNet = selfIsA ? TwoHosts.SUBNET_A : TwoHosts.SUBNET_B,
                peerNet = selfIsA ? TwoHosts.SUBNET_B : TwoHosts.SUBNET_A;
        return v.sa(oa, ob, 0x1001, "tunnel", 8, 0) + v.sa(ob, oa, 0x1002, "tunnel", 8, 1)
                + "spdadd " + selfNet + " " + peerNet + " any -P out ipsec " + v.tunnel(self, peer) + " ;\n"
                + "spdadd " + peerNet + " " + selfNet + " any -P in ipsec " + v.tunnel(peer, self) + " ;\n"
                + extra;
    }

    /** What B's application received: payload → times. */
    final Map<String, Integer> received = new ConcurrentHashMap<>();

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void reloadsKeepSequenceNumbersAndReplayWindowsAndABrokenReloadChangesNothing(WireVariant v) throws Exception {
        GatewayLab g = lab;
        TwoHosts h = hosts;
        String a = h.nsA(), b = h.nsB();
        String oa = v.pick(TwoHosts.OUTER_A, OUTER_A6);
        Path confA = dir.resolve("a.conf"), confB = dir.resolve("b.conf");
        String textA = config(v, true, "");
        Files.writeString(confA, textA);
        Files.writeString(confB, config(v, false, ""));
        Path pfA = dir.resolve("a/pfkey"), pfB = dir.resolve("b/pfkey");
        Path logA = dir.resolve("a.log"), logB = dir.resolve("b.log");
        try (GatewayProcess ga = GatewayProcess.start(a, confA, TUN, pfA, logA);
                GatewayProcess gb = GatewayProcess.start(b, confB, TUN, pfB, logB)) {
            ga.awaitReady(pfA, Duration.ofSeconds(60));
            gb.awaitReady(pfB, Duration.ofSeconds(60));
            waitFor(() -> read(logA).contains("running on") && read(logB).contains("running on"), "both running");
            g.lab.route(a, TwoHosts.SUBNET_B, "dev", TUN, "src", TwoHosts.INNER_A);
            g.lab.route(b, TwoHosts.SUBNET_A, "dev", TUN, "src", TwoHosts.INNER_B);
            DatagramSocket sink = NetnsThread.call(
                    b, () -> new DatagramSocket(new InetSocketAddress(InetAddress.getByName(TwoHosts.INNER_B), 7000)));
            DatagramSocket source = NetnsThread.call(
                    a, () -> new DatagramSocket(new InetSocketAddress(InetAddress.getByName(TwoHosts.INNER_A), 0)));
            try (sink;
                    source) {
                receive(sink);
                Path pcap = capture(b, h.veth().b(), v.captureFilter());

                traffic(g, a, source, "before");
                hup(ga, logA, "reload: configuration applied", 1);
                hup(gb, logB, "reload: configuration applied", 1);
                traffic(g, a, source, "unchanged");
                // one-sided: A's file gains an SA (of the same kind) and a policy B knows nothing of
                String other = v.pick("192.0.2.77", "fd00:2::77");
                Files.writeString(
                        confA,
                        config(
                                v,
                                true,
                                v.sa(oa, other, 0x7001, "tunnel", 0, 0)
                                        + "spdadd 10.1.0.0/24 10.7.0.0/24 any -P out ipsec " + v.tunnel(oa, other)
                                        + " ;\n"));
                hup(ga, logA, "reload: configuration applied", 2);
                hup(gb, logB, "reload: configuration applied", 2);
                int n = v.sasPerDirection();
                assertTrue(
                        read(logA)
                                .contains("reload: configuration applied: kept " + 2 * n
                                        + " SAs and 2 policies, removed 0 SAs " + "and 0 policies, added " + n
                                        + " SAs and 1 policies"),
                        read(logA));
                traffic(g, a, source, "one-sided");
                hup(ga, logA, "reload: configuration applied", 3);
                hup(gb, logB, "reload: configuration applied", 3); // and nothing flows after this one

                // replay the first PHASE packets A sent (seq 1..PHASE, all from before the first reload) into B
                stopCapture();
                long replaysBefore = replayDrops(gb, logB);
                int before = received.size();
                Path script = dir.resolve("esp_replay.py");
                try (var in = GatewayReloadKeepsStateTest.class.getResourceAsStream("esp_replay.py")) {
                    Files.copy(in, script);
                }
                CommandResult r = g.exec(
                        a,
                        60,
                        "/usr/bin/python3",
                        script.toString(),
                        pcap.toString(),
                        h.veth().a(),
                        oa,
                        "0x1001",
                        Integer.toString(PHASE),
                        v.proto());
                assertTrue(r.ok(), r.stdout() + r.stderr());
                assertEquals(PHASE, r.stdout().strip().lines().count(), "replayed packets: " + r.stdout());
                waitFor(() -> replayDrops(gb, logB) >= replaysBefore + PHASE, "B counts the replays: " + tail(logB));
                assertEquals(replaysBefore + PHASE, replayDrops(gb, logB), "every replayed packet dropped as a replay");
                Thread.sleep(500);
                assertEquals(before, received.size());
                for (Map.Entry<String, Integer> e : received.entrySet()) {
                    assertEquals(1, e.getValue(), "delivered more than once: " + e.getKey());
                }

                // no (SPI, sequence) pair twice on the wire, and every packet of the variant's kind
                List<WireVariant.Packet> pairs = v.packets(pcap);
                Set<String> seen = new HashSet<>();
                for (WireVariant.Packet p : pairs)
                    assertTrue(seen.add(p.pair()), "(SPI, sequence) repeated on the wire: " + p);
                long fromA = pairs.stream()
                        .filter(p -> p.src().equals(oa) && p.spi() == 0x1001)
                        .count();
                long fromB = pairs.stream()
                        .filter(p -> !p.src().equals(oa) && p.spi() == 0x1002)
                        .count();
                // every datagram was confirmed received above; a ping may lose one packet on a loaded machine
                // (ping succeeds with any reply), so the capture must show the datagrams and some replies
                assertTrue(fromA >= 3 * PHASE && fromB >= 3, "ESP both ways: " + fromA + " and " + fromB);

                // a refused reload is about the file, not the wire: once
                if (v.equals(WireVariant.ESP4)) brokenReloadsChangeNothing(ga, logA, confA, pfA, textA);
            } finally {
                stopCapture();
                assertFalse(
                        read(logA).contains("0123456789abcdef") || read(logB).contains("0123456789abcdef"),
                        "key material in a log");
            }
        }
    }

    private Process capturing;

    /** dumpcap on {@code dev} of {@code ns} with a capture filter; the file is complete after {@link #stopCapture}. */
    private Path capture(String ns, String dev, String filter) throws Exception {
        Path f = dir.resolve("wire.pcapng");
        capturing = new ProcessBuilder(
                        "ip", "netns", "exec", ns, "dumpcap", "-q", "-i", dev, "-f", filter, "-w", f.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("dumpcap.log").toFile())
                .start();
        for (int i = 0; i < 100 && !(Files.exists(f) && Files.size(f) > 0); i++) Thread.sleep(50);
        Thread.sleep(300);
        assertTrue(capturing.isAlive(), "dumpcap -f '" + filter + "': " + read(dir.resolve("dumpcap.log")));
        return f;
    }

    private void stopCapture() throws InterruptedException {
        Process p = capturing;
        capturing = null;
        if (p == null) return;
        p.destroy();
        if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly();
    }

    /** A syntax error, a key of the wrong length, a missing file: each reload refused in one line, nothing changed. */
    private void brokenReloadsChangeNothing(GatewayProcess ga, Path log, Path conf, Path pfkey, String good)
            throws Exception {
        String bad = good.replace(
                " esp 0x1002 -m tunnel -r 8 -E aes-gcm-16 " + K_BA,
                " esp 0x1002 -m tunnel -r 8 -E aes-gcm-16 0xfedcba9876543210fedcba9876543210a1a2a3");
        List<String> files = List.of("add 192.0.2.1 192.0.2.2 esp ;\n" + good, bad, "");
        String[] expect = {
            "line 1: invalid SPI at [;]",
            "line 2: Invalid key length (aes-gcm-16, 152-bit key)",
            "No such file or directory"
        };
        for (int i = 0; i < files.size(); i++) {
            Dumps before = dumps(pfkey);
            if (files.get(i).isEmpty()) Files.delete(conf);
            else Files.writeString(conf, files.get(i));
            hup(ga, log, "reload: configuration refused, nothing changed: ", i + 1);
            String line = read(log)
                    .lines()
                    .filter(l -> l.startsWith("reload: configuration refused"))
                    .toList()
                    .get(i);
            assertTrue(line.contains(expect[i]), line);
            assertTrue(line.contains(conf.toString()), line);
            Dumps after = dumps(pfkey);
            assertEquals(before.spd(), after.spd(), "setkey -DP after: " + line);
            assertEquals(before.sad(), after.sad(), "setkey -D after: " + line);
            assertEquals(before.raw(), after.raw(), "raw PF_KEY dumps after: " + line);
        }
        Files.writeString(conf, good);
    }

    record Dumps(String sad, String spd, String raw) {}

    /**
     * {@code setkey -D} (with the clock-derived {@code current:} time and {@code diff:} masked), {@code setkey -DP},
     * and the raw SADB_DUMP and SADB_X_SPDDUMP messages in hex.
     */
    static Dumps dumps(Path pfkey) throws Exception {
        MainTest.Result d = MainTest.run("setkey", "--pfkey", pfkey.toString(), "-D");
        MainTest.Result p = MainTest.run("setkey", "--pfkey", pfkey.toString(), "-DP");
        assertEquals(0, d.status(), d.err());
        assertEquals(0, p.status(), p.err());
        String sad = d.out()
                .replaceAll("\tcurrent: [A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}", "\tcurrent: (now)")
                .replaceAll("\tdiff: \\d+\\(s\\)", "\tdiff: (now)");
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (PfkeyClient c = PfkeyClient.connect(pfkey)) {
            for (Iterator<PfkeyMessage> it = c.dump(0); it.hasNext(); ) raw.writeBytes(PfkeyCodec.encode(it.next()));
            for (Iterator<PfkeyMessage> it = c.spdDump(); it.hasNext(); ) raw.writeBytes(PfkeyCodec.encode(it.next()));
        }
        return new Dumps(sad, p.out(), java.util.HexFormat.of().formatHex(raw.toByteArray()));
    }

    /** PHASE datagrams A → B through the tunnel, each awaited, then three pings both ways. */
    private void traffic(GatewayLab g, String a, DatagramSocket source, String phase) throws Exception {
        InetSocketAddress to = new InetSocketAddress(InetAddress.getByName(TwoHosts.INNER_B), 7000);
        for (int i = 0; i < PHASE; i++) {
            String m = phase + "-" + i;
            byte[] payload = m.getBytes(StandardCharsets.UTF_8);
            source.send(new DatagramPacket(payload, payload.length, to));
            waitFor(() -> received.containsKey(m), "datagram " + m + " through the tunnel");
        }
        CommandResult ping =
                g.exec(a, 20, "ping", "-c", "3", "-i", "0.2", "-W", "2", "-I", TwoHosts.INNER_A, TwoHosts.INNER_B);
        assertTrue(ping.ok(), phase + ": " + ping.stdout() + ping.stderr());
    }

    private void receive(DatagramSocket s) {
        Thread.ofPlatform().daemon().start(() -> {
            byte[] buf = new byte[2048];
            while (!s.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    s.receive(p);
                    received.merge(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8), 1, Integer::sum);
                } catch (java.io.IOException e) {
                    return;
                }
            }
        });
    }

    /** SIGHUP, then waits until {@code marker} has been logged {@code times} times. */
    private static void hup(GatewayProcess gw, Path log, String marker, int times) throws Exception {
        Commands.check(List.of("kill", "-HUP", Long.toString(gw.handle().pid())), Duration.ofSeconds(10));
        waitFor(() -> count(read(log), marker) >= times, marker + " ×" + times + ": " + tail(log));
    }

    private static final Pattern REPLAYS = Pattern.compile("(\\d+) possibly replayed packets");

    /** SIGUSR1, then the ESP replay drops the status reports (0 when the line is absent). */
    private static long replayDrops(GatewayProcess gw, Path log) {
        try {
            int n = count(read(log), "jipsec gateway " + TUN + ":");
            Commands.check(List.of("kill", "-USR1", Long.toString(gw.handle().pid())), Duration.ofSeconds(10));
            waitFor(() -> count(read(log), "jipsec gateway " + TUN + ":") > n, "status");
            String text = read(log);
            String last = text.substring(text.lastIndexOf("jipsec gateway " + TUN + ":"));
            Matcher m = REPLAYS.matcher(last);
            return m.find() ? Long.parseLong(m.group(1)) : 0;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static int count(String text, String marker) {
        int n = 0;
        for (int i = text.indexOf(marker); i >= 0; i = text.indexOf(marker, i + 1)) n++;
        return n;
    }

    private static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static String tail(Path f) {
        List<String> l = read(f).lines().toList();
        return String.join("\n", l.subList(Math.max(0, l.size() - 15), l.size()));
    }

    private static void waitFor(java.util.function.BooleanSupplier cond, String what) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            if (cond.getAsBoolean()) return;
            Thread.sleep(50);
        }
        throw new AssertionError("timed out waiting for " + what);
    }
}
