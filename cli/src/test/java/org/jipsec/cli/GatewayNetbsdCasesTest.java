package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.jipsec.io.gateway.GatewayDaemon;
import org.jipsec.io.netns.CommandResult;
import org.jipsec.io.netns.VethPair;
import org.jipsec.testkit.RequiresRoot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * More of NetBSD's tests/net/ipsec cases between two jipsec gateways in namespaces (issue #13, docs/netbsd-compat.md),
 * in the pattern of {@link GatewayNetbsdParityTest}: the script's setkey input, its traffic, its checks on the wire
 * (a dumpcap capture in place of the shmif bus). Root and nft only (the guard is on).
 */
@RequiresRoot
class GatewayNetbsdCasesTest {

    static final String SHA1_AB = "0x" + "41".repeat(20), SHA1_BA = "0x" + "42".repeat(20);
    static final String ESP_AB = "-E rijndael-cbc 0x" + "51".repeat(16),
            ESP_BA = "-E rijndael-cbc 0x" + "52".repeat(16);

    @TempDir
    Path dir;

    @BeforeAll
    static void needRootAndNft() throws Exception {
        GatewayNetbsdParityTest.needRootAndNft();
    }

    /** Packets of the capture between {@code x} and {@code y} (either way), link noise left out. */
    static List<byte[]> between(Path pcap, String x, String y) throws Exception {
        byte[] a = java.net.InetAddress.ofLiteral(x).getAddress(),
                b = java.net.InetAddress.ofLiteral(y).getAddress();
        return GatewayNetbsdParityTest.packets(pcap).stream()
                .filter(p -> !GatewayNetbsdParityTest.linkNoise(p))
                .filter(p -> {
                    boolean v6 = (p[0] & 0xf0) == 0x60;
                    if (v6 != (a.length == 16)) return false;
                    int at = v6 ? 8 : 12, len = a.length;
                    byte[] s = Arrays.copyOfRange(p, at, at + len), d = Arrays.copyOfRange(p, at + len, at + 2 * len);
                    return Arrays.equals(s, a) && Arrays.equals(d, b) || Arrays.equals(s, b) && Arrays.equals(d, a);
                })
                .toList();
    }

    /** How many packets of {@code ps} go from {@code src} with protocol {@code proto}. */
    static long count(List<byte[]> ps, String src, int proto) {
        byte[] s = java.net.InetAddress.ofLiteral(src).getAddress();
        return ps.stream()
                .filter(p -> GatewayNetbsdParityTest.protocol(p) == proto)
                .filter(p -> {
                    int at = (p[0] & 0xf0) == 0x60 ? 8 : 12;
                    return Arrays.equals(Arrays.copyOfRange(p, at, at + s.length), s);
                })
                .count();
    }

    /**
     * t_ipsec_tunnel.sh {@code ipsec_tunnel_{ipv4,ipv6}_ah_<alg>} and t_ipsec_tunnel_odd.sh {@code
     * ipsec_tunnel_{v4v6,v6v4}_ah_<alg>}: {@code ah/tunnel/GA-GB/require} between two gateways fronting their subnets
     * (inner addresses on lo, the outer family may differ); a ping between the subnets passes, and between the gateways
     * there is only AH, carrying IP-in-IP (check_tunnel_packets: "GA > GB: AH", both ways).
     */
    @ParameterizedTest(name = "inner IPv{0} outer IPv{1}")
    @CsvSource({"4,4", "6,6", "4,6", "6,4"})
    void ipsecTunnelAh(int inner, int outer) throws Exception {
        boolean o6 = outer == 6, i6 = inner == 6;
        String ga = o6 ? "fd82::1" : "10.82.0.1", gb = o6 ? "fd82::2" : "10.82.0.2", plen = o6 ? "/64" : "/24";
        String ia = i6 ? "fd10:1::1" : "10.10.1.1", ib = i6 ? "fd10:2::1" : "10.10.2.1";
        String na = i6 ? "fd10:1::/64" : "10.10.1.0/24", nb = i6 ? "fd10:2::/64" : "10.10.2.0/24";
        String sas = "add " + ga + " " + gb + " ah 10000 -m tunnel -A hmac-sha1 " + SHA1_AB + ";\n" + "add " + gb + " "
                + ga + " ah 10001 -m tunnel -A hmac-sha1 " + SHA1_BA + ";\n";
        String ab = "ah/tunnel/" + ga + "-" + gb + "/require", ba = "ah/tunnel/" + gb + "-" + ga + "/require";
        try (GatewayLab g = new GatewayLab(dir)) {
            String a = g.lab.namespace(), b = g.lab.namespace();
            VethPair v = g.lab.veth(a, b);
            g.lab.address(a, v.a(), ga + plen);
            g.lab.address(b, v.b(), gb + plen);
            g.lab.address(a, "lo", ia + (i6 ? "/128" : "/32"));
            g.lab.address(b, "lo", ib + (i6 ? "/128" : "/32"));
            GatewayDaemon da = g.gateway(
                    a,
                    sas + "spdadd " + na + " " + nb + " any -P out ipsec " + ab + ";\n" + "spdadd " + nb + " " + na
                            + " any -P in ipsec " + ba + ";\n");
            GatewayDaemon db = g.gateway(
                    b,
                    sas + "spdadd " + nb + " " + na + " any -P out ipsec " + ba + ";\n" + "spdadd " + na + " " + nb
                            + " any -P in ipsec " + ab + ";\n");
            g.lab.route(a, nb, "dev", "jipsec0", "src", ia);
            g.lab.route(b, na, "dev", "jipsec0", "src", ib);
            Path pcap = g.capture(b, v.b());
            CommandResult ping = g.exec(a, 20, "ping", "-c", "2", "-i", "0.3", "-W", "3", "-I", ia, ib);
            assertTrue(ping.ok(), ping.stdout() + ping.stderr() + g.logs + da.status() + db.status());
            Thread.sleep(300);
            g.stopCaptures();
            List<byte[]> wire = between(pcap, ga, gb);
            String text = GatewayNetbsdParityTest.describe(wire);
            int ipip = i6 ? 41 : 4;
            for (byte[] p : wire) {
                assertEquals(51, GatewayNetbsdParityTest.protocol(p), "only AH between the gateways\n" + text);
                assertEquals(ipip, p[GatewayNetbsdParityTest.headerLength(p)] & 0xff, "AH carries IP-in-IP\n" + text);
            }
            assertTrue(count(wire, ga, 51) >= 2 && count(wire, gb, 51) >= 2, "AH both ways\n" + text);
            for (GatewayDaemon d : List.of(da, db))
                assertTrue(d.status().contains("in_polvio=0 out_polvio=0"), d.status());
        }
    }

    /**
     * t_ipsec_misc.sh {@code ipsec_nosa_ah_<alg>}: transport-mode AH policies required both ways, no SA: the ping
     * fails ("It doesn't work because there is no SA"), and nothing of it leaves in clear.
     */
    @ParameterizedTest(name = "IPv{0}")
    @CsvSource({"4", "6"})
    void ipsecNosaAh(int family) throws Exception {
        boolean v6 = family == 6;
        String local = v6 ? "fd83::1" : "10.83.0.1", peer = v6 ? "fd83::2" : "10.83.0.2", plen = v6 ? "/64" : "/24";
        try (GatewayLab g = new GatewayLab(dir)) {
            String a = g.lab.namespace(), b = g.lab.namespace();
            VethPair v = g.lab.veth(a, b);
            g.lab.address(a, v.a(), local + plen);
            g.lab.address(b, v.b(), peer + plen);
            String sp = "spdadd " + local + " " + peer + " any -P out ipsec ah/transport//require;\n" + "spdadd " + peer
                    + " " + local + " any -P in ipsec ah/transport//require;\n";
            String spB = "spdadd " + peer + " " + local + " any -P out ipsec ah/transport//require;\n" + "spdadd "
                    + local + " " + peer + " any -P in ipsec ah/transport//require;\n";
            g.gateway(a, sp);
            g.gateway(b, spB);
            g.transportRouting(a, local, peer);
            g.transportRouting(b, peer, local);
            Path pcap = g.capture(b, v.b());
            CommandResult ping = g.exec(a, 20, "ping", "-c", "1", "-n", "-w", "3", peer);
            assertFalse(ping.ok(), "no SA: the ping must fail\n" + ping.stdout());
            Thread.sleep(300);
            g.stopCaptures();
            List<byte[]> wire = between(pcap, local, peer);
            assertEquals(0, wire.size(), "nothing between the hosts\n" + GatewayNetbsdParityTest.describe(wire));
        }
    }

    /**
     * t_ipsec_tcp.sh {@code ipsec_tcp_{ipv4,ipv6,ipv4mappedipv6}_none} and {@code ipsec_tcp_ipv4mappedipv6_{esp,ah}_<alg>}:
     * a TCP transfer from the local host to the peer (setup_sasp: SAs both ways, an {@code out} policy on each node;
     * none: no IPsec), checked byte for byte; with IPsec, "local > peer: PROTO" and "peer > local: PROTO" on the wire,
     * and no TCP between them in clear. ipv4mappedipv6: the peer's server is an IPv6 socket (v6only off) that the
     * IPv4 client reaches as ::ffff:peer.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"ipv4,none", "ipv6,none", "ipv4mappedipv6,none", "ipv4mappedipv6,esp", "ipv4mappedipv6,ah"})
    void ipsecTcp(String family, String proto) throws Exception {
        boolean v6 = family.equals("ipv6");
        String local = v6 ? "fd84::1" : "10.84.0.1", peer = v6 ? "fd84::2" : "10.84.0.2", plen = v6 ? "/64" : "/24";
        try (GatewayLab g = new GatewayLab(dir)) {
            String a = g.lab.namespace(), b = g.lab.namespace();
            VethPair v = g.lab.veth(a, b);
            g.lab.address(a, v.a(), local + plen);
            g.lab.address(b, v.b(), peer + plen);
            String cfgA = "", cfgB = "";
            if (!proto.equals("none")) {
                boolean esp = proto.equals("esp");
                String sas = "add " + local + " " + peer + " " + proto + " 10000 "
                        + (esp ? ESP_AB : "-A hmac-sha1 " + SHA1_AB) + ";\n" + "add " + peer + " " + local + " " + proto
                        + " 10001 " + (esp ? ESP_BA : "-A hmac-sha1 " + SHA1_BA) + ";\n";
                cfgA = sas + "spdadd " + local + " " + peer + " any -P out ipsec " + proto + "/transport//require;\n";
                cfgB = sas + "spdadd " + peer + " " + local + " any -P out ipsec " + proto + "/transport//require;\n";
            }
            GatewayDaemon da = g.gateway(a, cfgA);
            GatewayDaemon db = g.gateway(b, cfgB);
            g.transportRouting(a, local, peer);
            g.transportRouting(b, peer, local);
            Path pcap = g.capture(b, v.b());
            boolean mapped = family.equals("ipv4mappedipv6");
            // 512 lines of "0123456789\n" in NetBSD's prepare_file; here 64 KiB, digest-checked
            g.tcpTransfer(b, mapped ? "::" : peer, mapped ? "::ffff:" + peer : peer, 1234, a, 64 * 1024);
            Thread.sleep(300);
            g.stopCaptures();
            List<byte[]> wire = between(pcap, local, peer);
            String text = GatewayNetbsdParityTest.describe(wire);
            int p = switch (proto) {
                case "esp" -> 50;
                case "ah" -> 51;
                default -> 6;
            };
            assertTrue(
                    count(wire, local, p) > 0 && count(wire, peer, p) > 0,
                    "local > peer and peer > local: " + p + "\n" + text);
            if (p != 6) {
                assertEquals(0, count(wire, local, 6) + count(wire, peer, 6), "no TCP in clear\n" + text);
            }
            for (GatewayDaemon d : List.of(da, db))
                assertTrue(d.status().contains("in_polvio=0 out_polvio=0"), d.status());
        }
    }

    /**
     * t_ipsec_misc.sh {@code ipsec_lifetime_ipv4_ah_<alg>} and {@code ipsec_lifetime_ipv6_{esp,ah}_<alg>}: SAs with
     * {@code -lh 3 -ls 2} and transport policies both ways; a ping passes, the SAs leave the SAD when their hard
     * lifetime ends ({@code setkey -D}: "No SAD entries."), and a ping afterwards fails.
     */
    @ParameterizedTest(name = "IPv{0} {1}")
    @CsvSource({"4,ah", "6,esp", "6,ah"})
    void ipsecLifetime(int family, String proto) throws Exception {
        boolean v6 = family == 6;
        String local = v6 ? "fd85::1" : "10.85.0.1", peer = v6 ? "fd85::2" : "10.85.0.2", plen = v6 ? "/64" : "/24";
        boolean esp = proto.equals("esp");
        String sas = "add " + local + " " + peer + " " + proto + " 10000 -lh 3 -ls 2 "
                + (esp ? ESP_AB : "-A hmac-sha1 " + SHA1_AB) + ";\n" + "add " + peer + " " + local + " " + proto
                + " 10001 -lh 3 -ls 2 " + (esp ? ESP_BA : "-A hmac-sha1 " + SHA1_BA) + ";\n";
        String req = proto + "/transport//require";
        try (GatewayLab g = new GatewayLab(dir)) {
            String a = g.lab.namespace(), b = g.lab.namespace();
            VethPair v = g.lab.veth(a, b);
            g.lab.address(a, v.a(), local + plen);
            g.lab.address(b, v.b(), peer + plen);
            GatewayDaemon da = g.gateway(
                    a,
                    sas + "spdadd " + local + " " + peer + " any -P out ipsec " + req + ";\n" + "spdadd " + peer + " "
                            + local + " any -P in ipsec " + req + ";\n");
            g.gateway(
                    b,
                    sas + "spdadd " + peer + " " + local + " any -P out ipsec " + req + ";\n" + "spdadd " + local + " "
                            + peer + " any -P in ipsec " + req + ";\n");
            g.transportRouting(a, local, peer);
            g.transportRouting(b, peer, local);
            CommandResult ping = g.exec(a, 20, "ping", "-c", "1", "-n", "-w", "3", peer);
            assertTrue(ping.ok(), ping.stdout() + g.logs + da.status());
            String dump = "";
            for (int i = 0; i < 100; i++) { // hard lifetime 3 s: gone within a few ticks
                dump = MainTest.run(
                                "setkey", "--pfkey", dir.resolve(a + ".pfkey").toString(), "-D")
                        .out();
                if (dump.equals("No SAD entries.\n")) break;
                Thread.sleep(100);
            }
            assertEquals("No SAD entries.\n", dump);
            ping = g.exec(a, 20, "ping", "-c", "1", "-n", "-w", "2", peer);
            assertFalse(ping.ok(), "the SAs are gone: no ping\n" + ping.stdout());
        }
    }

    /**
     * t_ipsec_forwarding.sh {@code ipsec_sp_port_{ipv4,ipv6}_<alg>}: local host L (inner address LI), forwarding
     * router F, remote host R (inner address RI). The policies select TCP to port 1234 only
     * ({@code LI-subnet[any] RI-subnet[1234] tcp}, an ESP tunnel from LI to F's far address FR), on L and F. A ping
     * LI → RI stays ICMP on both links; a TCP transfer to RI:1234 arrives intact, as ESP (LI ↔ FR) on the L–F link
     * and as TCP on the F–R link; no TCP of the flow is in clear between L and F.
     */
    @ParameterizedTest(name = "IPv{0}")
    @CsvSource({"4", "6"})
    void ipsecSpPort(int family) throws Exception {
        boolean v6 = family == 6;
        String li = v6 ? "fc00:1111::1" : "192.168.11.1", liNet = v6 ? "fc00:1111::/64" : "192.168.11.0/24";
        String lf = v6 ? "fc00:2222::2" : "10.22.22.2", fl = v6 ? "fc00:2222::1" : "10.22.22.1";
        String fr = v6 ? "fc00:3333::1" : "10.33.33.1", rf = v6 ? "fc00:3333::2" : "10.33.33.2";
        String ri = v6 ? "fc00:4444::1" : "192.168.44.1", riNet = v6 ? "fc00:4444::/64" : "192.168.44.0/24";
        String plen = v6 ? "/64" : "/24", host = v6 ? "/128" : "/32", ipv = v6 ? "-6" : "-4";
        try (GatewayLab g = new GatewayLab(dir)) {
            String l = g.lab.namespace(), f = g.lab.namespace(), r = g.lab.namespace();
            VethPair lfv = g.lab.veth(l, f), frv = g.lab.veth(f, r);
            g.lab.address(l, lfv.a(), lf + plen);
            g.lab.address(l, "lo", li + host);
            g.lab.address(f, lfv.b(), fl + plen);
            g.lab.address(f, frv.a(), fr + plen);
            g.lab.address(r, frv.b(), rf + plen);
            g.lab.address(r, "lo", ri + host);
            g.exec(f, 10, "sysctl", "-q", "-w", v6 ? "net.ipv6.conf.all.forwarding=1" : "net.ipv4.ip_forward=1");
            g.lab.ip(l, ipv, "route", "add", "default", "via", fl);
            g.lab.ip(r, ipv, "route", "add", "default", "via", fr);
            g.lab.route(f, liNet, "via", lf);
            g.lab.route(f, riNet, "via", rf);
            String sas = "add " + li + " " + fr + " esp 10000 " + ESP_AB + " -A hmac-sha1 " + SHA1_AB + ";\n" + "add "
                    + fr + " " + li + " esp 10001 " + ESP_BA + " -A hmac-sha1 " + SHA1_BA + ";\n";
            String out = "ipsec esp/tunnel/" + li + "-" + fr + "/require",
                    back = "ipsec esp/tunnel/" + fr + "-" + li + "/require";
            GatewayDaemon dl = g.gateway(
                    l,
                    sas + "spdadd " + liNet + "[any] " + riNet + "[1234] tcp -P out " + out + ";\n" + "spdadd " + riNet
                            + "[1234] " + liNet + "[any] tcp -P in " + back + ";\n");
            GatewayDaemon df = g.gateway(
                    f,
                    sas + "spdadd " + riNet + "[1234] " + liNet + "[any] tcp -P out " + back + ";\n" + "spdadd " + liNet
                            + "[any] " + riNet + "[1234] tcp -P in " + out + ";\n");
            // each gateway's traffic towards the other side's subnet through its TUN; the daemons' own packets
            // (marked) and everything else by the main table
            g.lab.ip(l, ipv, "rule", "add", "not", "fwmark", "0x99", "table", "99", "pref", "100");
            g.lab.ip(l, "route", "add", riNet, "dev", "jipsec0", "src", li, "table", "99");
            g.lab.ip(f, ipv, "rule", "add", "not", "fwmark", "0x99", "table", "99", "pref", "100");
            g.lab.ip(f, "route", "add", liNet, "dev", "jipsec0", "table", "99");
            Path local = g.capture(f, lfv.b()), remote = g.capture(r, frv.b());
            CommandResult ping = g.exec(l, 20, "ping", "-c", "1", "-n", "-w", "3", "-I", li, ri);
            assertTrue(ping.ok(), ping.stdout() + ping.stderr() + g.logs + dl.status() + df.status());
            g.tcpTransfer(r, ri, ri, 1234, l, 16 * 1024);
            Thread.sleep(300);
            g.stopCaptures();
            int icmp = v6 ? 58 : 1;
            List<byte[]> lw = between(local, li, ri), rw = between(remote, li, ri), tunnel = between(local, li, fr);
            String text = "L-F:\n" + GatewayNetbsdParityTest.describe(GatewayNetbsdParityTest.packets(local)) + "F-R:\n"
                    + GatewayNetbsdParityTest.describe(GatewayNetbsdParityTest.packets(remote));
            assertTrue(count(lw, li, icmp) > 0 && count(lw, ri, icmp) > 0, "ICMP both ways between L and F\n" + text);
            assertTrue(count(rw, li, icmp) > 0 && count(rw, ri, icmp) > 0, "ICMP both ways between F and R\n" + text);
            assertEquals(
                    0, count(lw, li, 6) + count(lw, ri, 6), "no TCP to port 1234 in clear between L and F\n" + text);
            assertTrue(
                    count(tunnel, li, 50) > 0 && count(tunnel, fr, 50) > 0, "LI > FR: ESP and FR > LI: ESP\n" + text);
            assertTrue(count(rw, li, 6) > 0 && count(rw, ri, 6) > 0, "TCP both ways between F and R\n" + text);
        }
    }

    /**
     * t_ipsec_misc.sh {@code ipsec_update_sa_{esp,ah}_<alg>}, {@code ipsec_update_sp_{esp,ah}_<alg>} and {@code
     * ipsec_getspi_update_sa_{esp,ah}_<alg>}: setup_sasp with its extra statements, sent to the running gateways with
     * setkey (nothing printed) — {@code update} of both SAs, {@code spdupdate} of the out policy, or {@code getspi} for
     * both SPIs filled in by {@code update} — then a ping passes with PROTO both ways, under SPIs 10000 and 10001.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"sa,esp", "sa,ah", "sp,esp", "sp,ah", "getspi,esp", "getspi,ah"})
    void ipsecUpdate(String kind, String proto) throws Exception {
        String local = "10.86.0.1", peer = "10.86.0.2";
        boolean esp = proto.equals("esp");
        String ab = esp ? ESP_AB : "-A hmac-sha1 " + SHA1_AB, ba = esp ? ESP_BA : "-A hmac-sha1 " + SHA1_BA;
        try (GatewayLab g = new GatewayLab(dir)) {
            String a = g.lab.namespace(), b = g.lab.namespace();
            VethPair v = g.lab.veth(a, b);
            g.lab.address(a, v.a(), local + "/24");
            g.lab.address(b, v.b(), peer + "/24");
            GatewayDaemon da = g.gateway(a, "");
            GatewayDaemon db = g.gateway(b, "");
            g.transportRouting(a, local, peer);
            g.transportRouting(b, peer, local);
            for (String[] node : new String[][] {{a, local, peer}, {b, peer, local}}) {
                String sp =
                        "spdadd " + node[1] + " " + node[2] + " any -P out ipsec " + proto + "/transport//require;\n";
                String update = "update " + local + " " + peer + " " + proto + " 10000 " + ab + ";\n" + "update " + peer
                        + " " + local + " " + proto + " 10001 " + ba + ";\n";
                String text = switch (kind) {
                    case "getspi" ->
                        "getspi " + local + " " + peer + " " + proto + " 10000 -lh 100 -ls 100;\n" + "getspi " + peer
                                + " " + local + " " + proto + " 10001 -lh 100 -ls 100;\n" + sp + update;
                    default ->
                        "add " + local + " " + peer + " " + proto + " 10000 -lh 100 -ls 100 " + ab + ";\n"
                                + "add " + peer + " " + local + " " + proto + " 10001 -lh 100 -ls 100 " + ba + ";\n"
                                + sp
                                + (kind.equals("sa")
                                        ? update
                                        : "spdupdate " + node[1] + " " + node[2] + " any -P out ipsec " + proto
                                                + "/transport//require;\n");
                };
                Path f = dir.resolve(node[0] + ".setup");
                java.nio.file.Files.writeString(f, text);
                MainTest.Result r = MainTest.run(
                        "setkey", "--pfkey", dir.resolve(node[0] + ".pfkey").toString(), "-f", f.toString());
                assertEquals(new MainTest.Result(0, "", ""), r, text);
            }
            Path pcap = g.capture(b, v.b());
            CommandResult ping = g.exec(a, 20, "ping", "-c", "1", "-n", "-w", "3", peer);
            assertTrue(ping.ok(), ping.stdout() + g.logs + da.status() + db.status());
            Thread.sleep(300);
            g.stopCaptures();
            List<byte[]> wire = between(pcap, local, peer);
            String text = GatewayNetbsdParityTest.describe(wire);
            int p = esp ? 50 : 51;
            assertTrue(count(wire, local, p) > 0 && count(wire, peer, p) > 0, "PROTO both ways\n" + text);
            for (byte[] pk : wire) {
                if (GatewayNetbsdParityTest.protocol(pk) != p) continue;
                int at = GatewayNetbsdParityTest.headerLength(pk) + (esp ? 0 : 4);
                long spi = ((pk[at] & 0xffL) << 24)
                        | ((pk[at + 1] & 0xff) << 16)
                        | ((pk[at + 2] & 0xff) << 8)
                        | (pk[at + 3] & 0xff);
                assertEquals((pk[12] & 0xff) == 10 && pk[15] == 1 ? 10000 : 10001, spi, text);
            }
        }
    }

    /**
     * t_ipsec_misc.sh {@code ipsec_multiple_sa_{esp,ah}_<alg>}: policies between the local host and 0.0.0.0/0
     * (setup_sp), a peer with two addresses. No SA: pings to both fail; SAs for the first: it answers, the second does
     * not; SAs for the second too: both answer. {@code setkey -D -P} shows {@code PROTO/transport//require} on both
     * nodes and never a transport request with endpoints (the policy is not changed by the SA lookups).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"esp", "ah"})
    void ipsecMultipleSa(String proto) throws Exception {
        String local = "10.87.0.1", peer = "10.87.0.2", peer2 = "10.87.0.3";
        boolean esp = proto.equals("esp");
        String ab = esp ? ESP_AB : "-A hmac-sha1 " + SHA1_AB, ba = esp ? ESP_BA : "-A hmac-sha1 " + SHA1_BA;
        String req = proto + "/transport//require";
        try (GatewayLab g = new GatewayLab(dir)) {
            String a = g.lab.namespace(), b = g.lab.namespace();
            VethPair v = g.lab.veth(a, b);
            g.lab.address(a, v.a(), local + "/24");
            g.lab.address(b, v.b(), peer + "/24");
            g.lab.address(b, v.b(), peer2 + "/24");
            // setup_sp $proto "$algo_args" $ip_local 0.0.0.0/0, run on each node with its own order of the two
            g.gateway(
                    a,
                    "spdadd " + local + " 0.0.0.0/0 any -P out ipsec " + req + ";\n" + "spdadd 0.0.0.0/0 " + local
                            + " any -P in ipsec " + req + ";\n");
            g.gateway(
                    b,
                    "spdadd 0.0.0.0/0 " + local + " any -P out ipsec " + req + ";\n" + "spdadd " + local
                            + " 0.0.0.0/0 any -P in ipsec " + req + ";\n");
            g.transportRouting(a, local, peer, peer2);
            g.transportRouting(b, peer, local);
            assertFalse(ping(g, a, peer), "no SA: " + peer);
            assertFalse(ping(g, a, peer2), "no SA: " + peer2);
            addSas(a, b, proto, local, peer, 10000, ab, ba);
            assertTrue(ping(g, a, peer), "SAs for " + peer + "\n" + g.logs);
            assertFalse(ping(g, a, peer2), "still no SA for " + peer2);
            addSas(a, b, proto, local, peer2, 10010, ab, ba);
            assertTrue(ping(g, a, peer), peer);
            assertTrue(ping(g, a, peer2), "SAs for " + peer2 + "\n" + g.logs);
            for (String ns : List.of(a, b)) {
                String dp = MainTest.run(
                                "setkey", "--pfkey", dir.resolve(ns + ".pfkey").toString(), "-D", "-P")
                        .out();
                assertTrue(dp.contains(req), dp);
                assertFalse(
                        java.util.regex.Pattern.compile(proto + "/transport/.+-.+/require")
                                .matcher(dp)
                                .find(),
                        dp);
            }
        }
    }

    private static boolean ping(GatewayLab g, String ns, String to) throws Exception {
        return g.exec(ns, 20, "ping", "-c", "1", "-n", "-w", "3", to).ok();
    }

    /** add_sa: both directions between {@code local} and {@code peer}, SPIs {@code spi} and {@code spi + 1}, on both nodes. */
    private void addSas(String a, String b, String proto, String local, String peer, int spi, String ab, String ba)
            throws Exception {
        addSas(a, b, proto, local, peer, spi, ab, ba, 100);
    }

    /**
     * t_ipsec_misc.sh {@code ipsec_spi_{esp,ah}_<alg>_preferred_{new,old}_{delete,timeout}}: setup_sasp (SPIs
     * 10000/10001), then SAs 10010/10011 and 10020/10021 for the same addresses; each ping's SPIs on the wire
     * (check_packet_spi): the newest SA unless {@code net.key.prefered_oldsa=1}, and when the newest is deleted (or its
     * lifetime ends: 3 s for 10020, 6 s for 10010) the next newest, down to 10000.
     */
    @ParameterizedTest(name = "{0} preferred {1} {2}")
    @CsvSource({
        "esp,new,delete",
        "esp,old,delete",
        "ah,new,delete",
        "ah,old,delete",
        "esp,new,timeout",
        "esp,old,timeout",
        "ah,new,timeout",
        "ah,old,timeout"
    })
    void ipsecSpi(String proto, String preferred, String method) throws Exception {
        String local = "10.88.0.1", peer = "10.88.0.2";
        boolean esp = proto.equals("esp"), old = preferred.equals("old"), delete = method.equals("delete");
        String ab = esp ? ESP_AB : "-A hmac-sha1 " + SHA1_AB, ba = esp ? ESP_BA : "-A hmac-sha1 " + SHA1_BA;
        try (GatewayLab g = new GatewayLab(dir)) {
            String a = g.lab.namespace(), b = g.lab.namespace();
            VethPair v = g.lab.veth(a, b);
            g.lab.address(a, v.a(), local + "/24");
            g.lab.address(b, v.b(), peer + "/24");
            String sas = "add " + local + " " + peer + " " + proto + " 10000 -lh 100 -ls 100 " + ab + ";\n" + "add "
                    + peer + " " + local + " " + proto + " 10001 -lh 100 -ls 100 " + ba + ";\n";
            GatewayDaemon da = g.gateway(
                    a, sas + "spdadd " + local + " " + peer + " any -P out ipsec " + proto + "/transport//require;\n");
            GatewayDaemon db = g.gateway(
                    b, sas + "spdadd " + peer + " " + local + " any -P out ipsec " + proto + "/transport//require;\n");
            if (old) {
                for (GatewayDaemon d : List.of(da, db)) d.engine().sysctl().write("net.key.prefered_oldsa", 1);
            }
            g.transportRouting(a, local, peer);
            g.transportRouting(b, peer, local);
            int p = esp ? 50 : 51;
            checkPacketSpi(g, a, b, v.b(), local, peer, p, 10000);
            addSas(a, b, proto, local, peer, 10010, ab, ba, delete ? 100 : 6);
            checkPacketSpi(g, a, b, v.b(), local, peer, p, old ? 10000 : 10010);
            addSas(a, b, proto, local, peer, 10020, ab, ba, delete ? 100 : 3);
            checkPacketSpi(g, a, b, v.b(), local, peer, p, old ? 10000 : 10020);
            goneSa(a, b, proto, local, peer, 10020, delete);
            checkPacketSpi(g, a, b, v.b(), local, peer, p, old ? 10000 : 10010);
            goneSa(a, b, proto, local, peer, 10010, delete);
            checkPacketSpi(g, a, b, v.b(), local, peer, p, 10000);
        }
    }

    /** delete_sa, or wait_sa_disappeared (at most 10 s) for SPI {@code spi} on both nodes. */
    private void goneSa(String a, String b, String proto, String local, String peer, int spi, boolean delete)
            throws Exception {
        for (String ns : List.of(a, b)) {
            String pfkey = dir.resolve(ns + ".pfkey").toString();
            if (delete) {
                Path f = dir.resolve(ns + "-" + spi + ".del");
                java.nio.file.Files.writeString(
                        f,
                        "delete " + local + " " + peer + " " + proto + " " + spi + ";\n" + "delete " + peer + " "
                                + local + " " + proto + " " + (spi + 1) + ";\n");
                assertEquals(
                        new MainTest.Result(0, "", ""), MainTest.run("setkey", "--pfkey", pfkey, "-f", f.toString()));
            } else {
                String dump = "";
                for (int i = 0; i < 100; i++) {
                    dump = MainTest.run("setkey", "--pfkey", pfkey, "-D").out();
                    if (!dump.contains("spi=" + spi + "(")) break;
                    Thread.sleep(100);
                }
                assertFalse(dump.contains("spi=" + spi + "("), "SA (spi=" + spi + ") didn't disappear in 10s\n" + dump);
            }
        }
    }

    /** A ping, then check_packet_spi: "local > peer: PROTO(spi=SPI" and "peer > local: PROTO(spi=SPI+1". */
    private void checkPacketSpi(
            GatewayLab g, String a, String b, String dev, String local, String peer, int proto, int spi)
            throws Exception {
        Path pcap = g.capture(b, dev);
        boolean ok = ping(g, a, peer);
        Thread.sleep(300);
        g.stopCaptures();
        List<byte[]> wire = between(pcap, local, peer);
        String text = GatewayNetbsdParityTest.describe(wire);
        assertTrue(ok, "ping under SPI " + spi + "\n" + text + g.logs);
        boolean out = false, back = false;
        for (byte[] pk : wire) {
            if (GatewayNetbsdParityTest.protocol(pk) != proto) continue;
            int at = GatewayNetbsdParityTest.headerLength(pk) + (proto == 50 ? 0 : 4);
            long s = ((pk[at] & 0xffL) << 24)
                    | ((pk[at + 1] & 0xff) << 16)
                    | ((pk[at + 2] & 0xff) << 8)
                    | (pk[at + 3] & 0xff);
            boolean fromLocal = (pk[15] & 0xff) == 1;
            if (fromLocal && s == spi) out = true;
            if (!fromLocal && s == spi + 1) back = true;
        }
        assertTrue(out && back, "SPIs " + spi + " and " + (spi + 1) + " on the wire\n" + text);
    }

    private void addSas(
            String a, String b, String proto, String local, String peer, int spi, String ab, String ba, int lifetime)
            throws Exception {
        String text = "add " + local + " " + peer + " " + proto + " " + spi + " -lh " + lifetime + " -ls " + lifetime
                + " " + ab + ";\n" + "add " + peer + " " + local + " " + proto + " " + (spi + 1) + " -lh " + lifetime
                + " -ls " + lifetime + " " + ba + ";\n";
        for (String ns : List.of(a, b)) {
            Path f = dir.resolve(ns + "-" + spi + ".sa");
            java.nio.file.Files.writeString(f, text);
            assertEquals(
                    new MainTest.Result(0, "", ""),
                    MainTest.run("setkey", "--pfkey", dir.resolve(ns + ".pfkey").toString(), "-f", f.toString()));
        }
    }
}
