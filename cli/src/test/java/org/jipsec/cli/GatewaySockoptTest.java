package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jipsec.io.gateway.GatewayDaemon;
import org.jipsec.io.netns.CommandResult;
import org.jipsec.io.netns.NetnsThread;
import org.jipsec.io.netns.VethPair;
import org.jipsec.testkit.RequiresRoot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * NetBSD's tests/net/ipsec/t_ipsec_sockopt.sh ({@code ipsec_IP_IPSEC_POLICY_{ipv4,ipv6}_{esp,ah,ipcomp}_<alg>}) in
 * two network namespaces, each host's IPsec a jipsec gateway (transport routing: the host's traffic to the other goes
 * through its TUN), {@code jipsec ping -P} in place of {@code ping -E}/{@code ping6 -P}. The steps and checks are the
 * script's: no SA — a ping with {@code out ipsec PROTO/transport//require} fails; SAs only — it succeeds, the request
 * is PROTO and the reply ICMP on the wire, and with {@code in ipsec …} as well it fails (the clear reply is refused;
 * IPComp: succeeds, NetBSD never enforces IPComp inbound); an SP on the source only — the same; SPs on both — both
 * the out-policy and the in-policy ping succeed with PROTO both ways. The wire is a dumpcap capture on the peer's
 * link per checked ping ({@code extract_new_packets} + {@code check_packets}).
 */
@RequiresRoot
class GatewaySockoptTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void needRootAndNft() throws Exception {
        GatewayNetbsdParityTest.needRootAndNft();
    }

    record Ping(int status, String out, String err) {}

    private Ping ping(GatewayLab g, String ns, String... args) throws Exception {
        List<String> argv = new ArrayList<>(
                List.of("ping", "--pfkey", dir.resolve(ns + ".pfkey").toString()));
        argv.addAll(Arrays.asList(args));
        MainTest.Result r = NetnsThread.call(ns, () -> MainTest.run(argv.toArray(String[]::new)));
        return new Ping(r.status(), r.out(), r.err());
    }

    private void setkey(String ns, String text) throws Exception {
        Path f = dir.resolve(ns + "-" + System.nanoTime() + ".setkey");
        Files.writeString(f, text);
        MainTest.Result r =
                MainTest.run("setkey", "--pfkey", dir.resolve(ns + ".pfkey").toString(), "-f", f.toString());
        assertEquals(0, r.status(), r.out() + r.err());
        assertEquals("", r.out() + r.err(), "setkey -c prints nothing");
    }

    /**
     * check_packets: a {@code src > dst} packet of {@code outProto} and a {@code dst > src} one of {@code inProto}; with
     * {@code all}, every packet between the two is of those protocols (not for IPComp: a request the engine held for
     * want of an SA, released when the SAs came, is under deflate's minimum and legitimately leaves uncompressed).
     */
    private static void checkPackets(Path pcap, String src, String dst, int outProto, int inProto) throws Exception {
        checkPackets(pcap, src, dst, outProto, inProto, outProto != 108 && inProto != 108);
    }

    private static void checkPackets(Path pcap, String src, String dst, int outProto, int inProto, boolean all)
            throws Exception {
        byte[] s = java.net.InetAddress.ofLiteral(src).getAddress(),
                d = java.net.InetAddress.ofLiteral(dst).getAddress();
        int out = 0, in = 0;
        List<byte[]> wire = GatewayNetbsdParityTest.packets(pcap).stream()
                .filter(x -> !GatewayNetbsdParityTest.linkNoise(x))
                .toList();
        String text = GatewayNetbsdParityTest.describe(wire);
        for (byte[] p : wire) {
            boolean v6 = (p[0] & 0xf0) == 0x60;
            int a = v6 ? 8 : 12, len = v6 ? 16 : 4;
            byte[] ps = Arrays.copyOfRange(p, a, a + len), pd = Arrays.copyOfRange(p, a + len, a + 2 * len);
            int proto = GatewayNetbsdParityTest.protocol(p);
            if (Arrays.equals(ps, s) && Arrays.equals(pd, d)) {
                if (all) assertEquals(outProto, proto, src + " > " + dst + "\n" + text);
                if (proto == outProto) out++;
            } else if (Arrays.equals(ps, d) && Arrays.equals(pd, s)) {
                if (all) assertEquals(inProto, proto, dst + " > " + src + "\n" + text);
                if (proto == inProto) in++;
            }
        }
        assertTrue(out > 0, "a packet " + src + " > " + dst + ": " + outProto + "\n" + text);
        assertTrue(in > 0, "a packet " + dst + " > " + src + ": " + inProto + "\n" + text);
    }

    private Ping checkedPing(GatewayLab g, String a, String b, String dev, String[] args) throws Exception {
        Path pcap = g.capture(b, dev);
        Ping p = ping(g, a, args);
        Thread.sleep(300); // the reply reaches the capture file before dumpcap stops
        g.stopCaptures();
        lastCapture = pcap;
        return p;
    }

    private Path lastCapture;

    private static String[] args(String[] sizes, String... rest) {
        List<String> l = new ArrayList<>(List.of("-c", "1", "-n", "-w", "3"));
        l.addAll(Arrays.asList(sizes));
        l.addAll(Arrays.asList(rest));
        return l.toArray(String[]::new);
    }

    @ParameterizedTest(name = "ipsec_IP_IPSEC_POLICY_ipv{0}_{1}")
    @CsvSource({"4,esp", "4,ah", "4,ipcomp", "6,esp", "6,ah", "6,ipcomp"})
    void ipsecIpIpsecPolicy(int family, String proto) throws Exception {
        boolean v6 = family == 6;
        String local = v6 ? "fd00::1" : "10.0.0.1", peer = v6 ? "fd00::2" : "10.0.0.2", plen = v6 ? "/64" : "/24";
        String algo = switch (proto) {
            case "esp" -> "-E rijndael-cbc 0x" + "11".repeat(16) + " -A hmac-sha1 0x" + "22".repeat(20);
            case "ah" -> "-A hmac-sha1 0x" + "33".repeat(20);
            default -> "-C deflate";
        };
        int wireProto = switch (proto) {
            case "esp" -> 50;
            case "ah" -> 51;
            default -> 108;
        };
        int icmp = v6 ? 58 : 1;
        boolean ipcomp = proto.equals("ipcomp");
        // ipcomp: "-s $(($(get_minlen $algo) - 8)) -p ff" — deflate's minimum (90) is the echo's whole length
        String[] size = ipcomp ? new String[] {"-s", "82", "-p", "ff"} : new String[0];
        String out = "out ipsec " + proto + "/transport//require", in = "in ipsec " + proto + "/transport//require";
        try (GatewayLab g = new GatewayLab(dir)) {
            String a = g.lab.namespace(), b = g.lab.namespace();
            VethPair v = g.lab.veth(a, b);
            g.lab.address(a, v.a(), local + plen);
            g.lab.address(b, v.b(), peer + plen);
            GatewayDaemon ga = g.gateway(a, "");
            GatewayDaemon gb = g.gateway(b, "");
            g.transportRouting(a, local, peer);
            g.transportRouting(b, peer, local);
            String why = "\n" + g.logs;

            Ping p = checkedPing(g, a, b, v.b(), args(new String[0], peer));
            assertEquals(0, p.status(), "no IPsec at all" + p + why);
            checkPackets(lastCapture, local, peer, icmp, icmp);

            p = ping(g, a, args(new String[0], "-P", out, peer));
            assertEquals(2, p.status(), "no SA: the out policy's request cannot leave " + p + why);

            // Setup only SAs
            String sas = "add " + local + " " + peer + " " + proto + " 10000 " + algo + ";\n" + "add " + peer + " "
                    + local + " " + proto + " 10001 " + algo + ";\n";
            setkey(a, sas);
            setkey(b, sas);

            // the outgoing packet is matched and IPsec is applied; the reply is not
            p = checkedPing(g, a, b, v.b(), args(size, "-P", out, peer));
            assertEquals(0, p.status(), "SAs only, out policy " + p + why + ga.status() + gb.status());
            checkPackets(lastCapture, local, peer, wireProto, icmp);
            outAndIn(g, a, b, v.b(), size, out, in, peer, local, ipcomp, wireProto, icmp, why);

            // Setup an SP only on the source node
            setkey(a, "spdadd " + local + " " + peer + " any -P " + out + ";\n");
            p = checkedPing(g, a, b, v.b(), args(size, "-P", out, peer));
            assertEquals(0, p.status(), "SP on the source, out policy " + p + why);
            checkPackets(lastCapture, local, peer, wireProto, icmp);
            outAndIn(g, a, b, v.b(), size, out, in, peer, local, ipcomp, wireProto, icmp, why);

            // Setup SPs on the both nodes: the reply is matched and IPsec is applied
            setkey(b, "spdadd " + peer + " " + local + " any -P " + out + ";\n");
            p = checkedPing(g, a, b, v.b(), args(size, "-P", out, peer));
            assertEquals(0, p.status(), "SPs on both, out policy " + p + why);
            checkPackets(lastCapture, local, peer, wireProto, wireProto);
            p = checkedPing(g, a, b, v.b(), args(size, "-P", in, peer));
            assertEquals(0, p.status(), "SPs on both, in policy " + p + why + ga.status() + gb.status());
            checkPackets(lastCapture, local, peer, wireProto, wireProto);
            assertFalse(p.out().isEmpty());
        }
    }

    /** The out and in policies together: the clear reply is refused (a failed ping), except for IPComp. */
    private void outAndIn(
            GatewayLab g,
            String a,
            String b,
            String dev,
            String[] size,
            String out,
            String in,
            String peer,
            String local,
            boolean ipcomp,
            int wireProto,
            int icmp,
            String why)
            throws Exception {
        if (ipcomp) {
            Ping p = checkedPing(g, a, b, dev, args(size, "-P", out, "-P", in, peer));
            assertEquals(0, p.status(), "IPComp does not care about the clear reply " + p + why);
            checkPackets(lastCapture, local, peer, wireProto, icmp);
        } else {
            Ping p = ping(g, a, args(size, "-P", out, "-P", in, peer));
            assertEquals(2, p.status(), "the reply is not protected but the in policy requires it " + p + why);
        }
    }

    /**
     * {@code out bypass} (root's socket skips the SPD, spec §4.2): with ESP SAs and {@code out ipsec esp} policies on
     * both nodes, the request leaves in clear and the reply comes back as ESP; {@code out entrust} is the SPD's ESP.
     * With the policy guard on (the default): the registration adds an accept rule for exactly the ping's echo
     * requests (addresses + identifier) before the SPD's drop, so the bypassed request passes, while another clear
     * ping to the same host at the same time (iputils ping with the gateway's mark 0x99, so it is routed past the TUN) is
     * still dropped and counted in out_polvio; once the ping exits, the rule is gone.
     */
    @org.junit.jupiter.api.Test
    void outBypassSkipsTheSpdAndEntrustUsesIt() throws Exception {
        String local = "10.0.5.1", peer = "10.0.5.2";
        String algo = "-E rijndael-cbc 0x" + "11".repeat(16) + " -A hmac-sha1 0x" + "22".repeat(20);
        String sas = "add " + local + " " + peer + " esp 10000 " + algo + ";\n" + "add " + peer + " " + local
                + " esp 10001 " + algo + ";\n";
        try (GatewayLab g = new GatewayLab(dir)) {
            String a = g.lab.namespace(), b = g.lab.namespace();
            VethPair v = g.lab.veth(a, b);
            g.lab.address(a, v.a(), local + "/24");
            g.lab.address(b, v.b(), peer + "/24");
            GatewayDaemon ga =
                    g.gateway(a, sas + "spdadd " + local + " " + peer + " any -P out ipsec esp/transport//require;\n");
            g.gateway(b, sas + "spdadd " + peer + " " + local + " any -P out ipsec esp/transport//require;\n");
            g.transportRouting(a, local, peer);
            g.transportRouting(b, peer, local);
            assertTrue(ga.policyGuard() != null && ga.policyGuard().installed(), g.logs.toString());
            String table = ga.policyGuard().table();
            java.util.function.Supplier<String> rules = () -> {
                try {
                    return g.exec(a, 10, "nft", "list", "table", table.split(" ")[0], table.split(" ")[1])
                            .stdout();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            };
            assertFalse(rules.get().contains("socket bypass"), rules.get());
            long dropped0 = ga.policyGuard().counters()[1];

            Path pcap = g.capture(b, v.b());
            java.util.concurrent.CompletableFuture<Ping> bypass =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                        try {
                            return ping(g, a, "-c", "3", "-i", "1", "-n", "-w", "8", "-P", "out bypass", peer);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
            String during = "";
            for (int i = 0; i < 50 && !during.contains("socket bypass"); i++) { // at most 5 s
                during = rules.get();
                if (!during.contains("socket bypass")) Thread.sleep(100);
            }
            // the same host in clear, not registered: still dropped by the guard while the hole is open
            CommandResult clear = g.exec(a, 10, "ping", "-m", "153", "-c", "1", "-W", "1", "-n", peer);
            Ping p = bypass.get(20, java.util.concurrent.TimeUnit.SECONDS);
            Thread.sleep(300);
            g.stopCaptures();
            assertEquals(0, p.status(), p + "\n" + g.logs);
            checkPackets(pcap, local, peer, 1, 50);
            assertTrue(
                    during.matches(
                            "(?s).*ip saddr " + local.replace(".", "\\.") + " ip daddr " + peer.replace(".", "\\.")
                                    + " icmp type echo-request icmp id \\d+ accept comment \"socket bypass\".*"),
                    during);
            assertFalse(clear.ok(), "an unregistered clear ping must be dropped: " + clear.stdout());
            assertEquals(
                    dropped0 + 1,
                    ga.policyGuard().counters()[1],
                    "out_polvio counts the unregistered ping, not the bypassed ones: " + clear + "\n" + rules.get());

            String after = rules.get();
            for (int i = 0; i < 50 && after.contains("socket bypass"); i++) { // the guard period is 200 ms
                Thread.sleep(100);
                after = rules.get();
            }
            assertFalse(after.contains("socket bypass"), "the hole outlives the ping:\n" + after);

            p = checkedPing(g, a, b, v.b(), args(new String[0], "-P", "out entrust", peer));
            assertEquals(0, p.status(), p + "\n" + g.logs);
            checkPackets(lastCapture, local, peer, 50, 50);
        }
    }
}
