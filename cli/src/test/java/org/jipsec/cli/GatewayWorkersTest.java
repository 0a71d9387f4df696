package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jipsec.io.netns.CommandResult;
import org.jipsec.io.netns.Commands;
import org.jipsec.io.netns.VethPair;
import org.jipsec.testkit.RequiresRoot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #17 item 2, from the outside: two {@code jipsec gateway --workers N} processes (N = 1 and 2) with a tunnel
 * between them, for raw ESP and ESP in UDP over IPv4 and IPv6. Through it: pings, and TCP transfers (each
 * checked end to end with SHA-256; six at a time), before and after a reload (SIGHUP); then SIGTERM. A capture of every protected
 * packet on the link must hold no (SPI, sequence number) pair twice — with several workers sending on one SA, the
 * counter must stay unique — and with two workers the status report (SIGUSR1) must show both workers at work and
 * the per-worker counters adding up to the totals.
 */
@RequiresRoot
class GatewayWorkersTest {

    static final String OA = "10.87.0.1", OB = "10.87.0.2", IA = "10.87.1.1", IB = "10.87.2.1";
    static final String OA6 = "fd87::1", OB6 = "fd87::2";
    static final String TUN = "jipwk0";

    static GatewayLab lab;
    static String nsA, nsB;
    static VethPair veth;

    @TempDir
    static Path labDir;

    @TempDir
    Path dir;

    @BeforeAll
    static void need() throws Exception {
        DaemonProcess.need("dumpcap", "tshark");
        lab = new GatewayLab(labDir);
        nsA = lab.lab.namespace();
        nsB = lab.lab.namespace();
        veth = lab.lab.veth(nsA, nsB);
        lab.lab.address(nsA, veth.a(), OA + "/24");
        lab.lab.address(nsB, veth.b(), OB + "/24");
        lab.lab.address(nsA, veth.a(), OA6 + "/64");
        lab.lab.address(nsB, veth.b(), OB6 + "/64");
        WireVariant.oneDatagramPerFrame(lab.lab, veth);
        lab.lab.address(nsA, "lo", IA + "/32");
        lab.lab.address(nsB, "lo", IB + "/32");
    }

    @AfterAll
    static void closeLab() throws Exception {
        if (lab != null) lab.close();
    }

    static Stream<Arguments> cases() {
        return WireVariant.matrix().flatMap(w -> Stream.of(Arguments.of(w, 2), Arguments.of(w, 1)));
    }

    @ParameterizedTest(name = "{0}, {1} workers")
    @MethodSource("cases")
    void workersCarryPingAndTcpWithoutRepeatingASequenceNumber(WireVariant w, int workers) throws Exception {
        String oa = w.pick(OA, OA6), ob = w.pick(OB, OB6);
        String sas = w.sa(oa, ob, 0x4001, "tunnel", 64, 0) + w.sa(ob, oa, 0x4002, "tunnel", 64, 1);
        String netA = IA + "/32", netB = IB + "/32";
        Path confA = dir.resolve("a.conf"), confB = dir.resolve("b.conf");
        Files.writeString(
                confA,
                sas + "spdadd " + netA + " " + netB + " any -P out ipsec " + w.tunnel(oa, ob) + " ;\n" + "spdadd "
                        + netB + " " + netA + " any -P in ipsec " + w.tunnel(ob, oa) + " ;\n");
        Files.writeString(
                confB,
                sas + "spdadd " + netB + " " + netA + " any -P out ipsec " + w.tunnel(ob, oa) + " ;\n" + "spdadd "
                        + netA + " " + netB + " any -P in ipsec " + w.tunnel(oa, ob) + " ;\n");
        String n = Integer.toString(workers);
        Path pcap = lab.capture(nsA, veth.a());
        try (DaemonProcess gb = DaemonProcess.start(
                        dir,
                        "b",
                        nsB,
                        TUN,
                        "--config",
                        confB.toString(),
                        "--pfkey",
                        dir.resolve("b/pfkey").toString(),
                        "--no-policy-guard",
                        "--no-state",
                        "--workers",
                        n);
                DaemonProcess ga = DaemonProcess.start(
                        dir,
                        "a",
                        nsA,
                        TUN,
                        "--config",
                        confA.toString(),
                        "--pfkey",
                        dir.resolve("a/pfkey").toString(),
                        "--no-policy-guard",
                        "--no-state",
                        "--workers",
                        n)) {
            lab.lab.route(nsB, netA, "dev", TUN, "src", IB);
            lab.lab.route(nsA, netB, "dev", TUN, "src", IA);
            String logs = "";
            assertTrue(ga.stderr().contains("(" + n + (workers == 1 ? " worker" : " workers")), ga.stderr());
            // the first answer (JVMs just started on a loaded machine), at most 30 tries a second apart
            for (int i = 0; i < 30 && ping(1) == 0; i++) Thread.sleep(1000);
            int replies = ping(20);
            transfers(6, nextPorts(), 3 << 20);

            // SIGHUP: an unchanged file, applied as no change; traffic goes on, on every worker
            Commands.check(List.of("kill", "-HUP", Long.toString(ga.process.pid())), Duration.ofSeconds(10));
            for (int i = 0; i < 200 && !ga.stderr().contains("reload"); i++) Thread.sleep(50);
            replies += ping(10);
            transfers(6, nextPorts(), 2 << 20);

            Map<String, Long> total = ga.counters();
            List<Map<String, Long>> per = perWorker(ga.stderr(), workers);
            logs = ga.stderr() + gb.stderr();
            System.out.println(w + ", " + workers + " workers: A's workers " + per + "; total " + total);
            // replies later than ping's -W count as lost: on a loaded 2-core machine a few may be
            assertTrue(replies >= 20, "ping replies " + replies + " of 30\n" + logs);
            assertEquals(0, total.get("engine_failures"), logs);
            if (workers > 1) {
                for (String k : List.of("tun_in", "tun_out", "wire_in", "wire_out")) {
                    long sum = 0;
                    for (Map<String, Long> m : per) sum += m.get(k);
                    // read a moment apart on an idle tunnel: equal, or a few packets apart
                    assertTrue(
                            sum > 0 && Math.abs(sum - total.get(k)) <= 10, k + ": workers " + per + " total " + total);
                }
                // the twelve TCP flows spread over the TUN queues by their hash (TunSteering): every worker protects
                // a share (all twelve on one of two queues: 1 in 2048)
                for (int i = 0; i < workers; i++)
                    assertTrue(
                            per.get(i).get("wire_out") > total.get("wire_out") / 20,
                            "worker " + i + " sent (almost) nothing: " + per + "\n" + logs);
            }
            ga.terminate();
            gb.terminate();
            assertTrue(ga.stderr().contains("jipsec gateway: stopped"), ga.stderr());
            lab.stopCaptures();

            Map<String, Integer> seen = new HashMap<>();
            List<String> repeated = new ArrayList<>();
            int count = 0;
            for (WireVariant.Packet x : w.packets(pcap)) {
                count++;
                if (seen.merge(x.src() + "/" + x.pair(), 1, Integer::sum) == 2) repeated.add(x.pair());
            }
            assertTrue(count > 2000, "protected packets captured: " + count);
            assertEquals(List.of(), repeated, "(SPI, sequence number) sent twice, of " + count + "\n" + logs);
        } finally {
            lab.stopCaptures();
        }
    }

    /** The lab's TCP servers stay bound until it closes: every transfer its own ports. */
    private static final java.util.concurrent.atomic.AtomicInteger PORTS =
            new java.util.concurrent.atomic.AtomicInteger(20100);

    private static int nextPorts() {
        return PORTS.getAndAdd(10);
    }

    /** {@code count} pings from A's inner address to B's; the replies. */
    private static int ping(int count) throws Exception {
        CommandResult r =
                lab.exec(nsA, 60, "ping", "-c", Integer.toString(count), "-i", "0.05", "-W", "5", "-I", IA, IB);
        Matcher m = Pattern.compile("(\\d+) received").matcher(r.stdout());
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** {@code flows} TCP transfers A → B at once, each of {@code bytes} checked with SHA-256 by the receiver. */
    private static void transfers(int flows, int port, int bytes) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(flows);
        try {
            List<Future<Long>> f = new ArrayList<>();
            for (int i = 0; i < flows; i++) {
                int p = port + i;
                f.add(pool.submit(() -> lab.tcpTransfer(nsB, IB, p, nsA, bytes)));
            }
            for (Future<Long> x : f) x.get();
        } finally {
            pool.shutdownNow();
        }
    }

    private static final Pattern WORKER = Pattern.compile("^\\s+worker (\\d+): (.*)$");
    private static final Pattern COUNTER = Pattern.compile("\\b([a-z_]+)=(\\d+)");

    /** The per-worker lines of the last status report in {@code stderr}. */
    static List<Map<String, Long>> perWorker(String stderr, int workers) {
        List<Map<String, Long>> out = new ArrayList<>();
        for (int i = 0; i < workers; i++) out.add(new HashMap<>());
        for (String line : stderr.lines().toList()) {
            Matcher m = WORKER.matcher(line);
            if (!m.matches()) continue;
            Map<String, Long> c = out.get(Integer.parseInt(m.group(1)));
            Matcher x = COUNTER.matcher(m.group(2));
            while (x.find()) c.put(x.group(1), Long.parseLong(x.group(2)));
        }
        return out;
    }
}
