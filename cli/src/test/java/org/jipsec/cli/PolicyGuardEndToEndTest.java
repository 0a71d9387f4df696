package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.jipsec.core.engine.IpsecStatistics;
import org.jipsec.core.sysctl.SysctlNames;
import org.jipsec.io.gateway.GatewayDaemon;
import org.jipsec.io.netns.CommandResult;
import org.jipsec.io.netns.Commands;
import org.jipsec.io.netns.NetnsLab;
import org.jipsec.io.netns.VethPair;
import org.jipsec.testkit.RequiresRoot;
import org.jipsec.testkit.RequiresTool;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policy guard end to end: NetBSD drops a cleartext packet that matches a policy requiring IPsec (in_polvio,
 * out_polvio); jipsec's gateway does the same for packets that never pass through its TUN, with its nftables table.
 * Two namespaces A and B with transport-mode ESP between them; B sends cleartext outside its tunnel by marking its
 * packets with the gateway's mark (the {@code not fwmark} rule then routes them straight to the veth) and runs its
 * gateway without a guard, so the cleartext reaches A. Root and nft only.
 */
@RequiresRoot
@RequiresTool("nft")
class PolicyGuardEndToEndTest {

    static final String K_AB = GatewayEndToEndTest.K_AB;
    static final String K_BA = GatewayEndToEndTest.K_BA;
    static final String A = "10.91.0.1", B = "10.91.0.2";
    static final String A6 = "fd91::1", B6 = "fd91::2";
    static final String TABLE = "jipsec_jipsec0";

    @TempDir
    Path dir;

    @BeforeAll
    static void needRootAndNft() throws Exception {
        Assumptions.assumeTrue(NetnsLab.available(), "needs root and iproute2 (network namespaces)");
        boolean nft = Commands.run(List.of("nft", "--version"), Duration.ofSeconds(10))
                .ok();
        if (!nft && "true".equals(System.getenv("CI"))) throw new AssertionError("nft missing in CI");
        Assumptions.assumeTrue(nft, "nft not installed");
    }

    static String config(String mine, String peer, String inLevel, String outLevel) {
        String a = mine.contains(":") ? A6 : A, b = mine.contains(":") ? B6 : B;
        return "add " + a + " " + b + " esp 0x1001 -E aes-gcm-16 " + K_AB + " ;\n"
                + "add " + b + " " + a + " esp 0x1002 -E aes-gcm-16 " + K_BA + " ;\n"
                + "spdadd " + mine + " " + peer + " any -P out ipsec esp/transport//" + outLevel + " ;\n"
                + "spdadd " + peer + " " + mine + " any -P in ipsec esp/transport//" + inLevel + " ;\n";
    }

    /** A and B with their gateways (B without a guard), addresses and transport routing; returns A's gateway. */
    private GatewayDaemon twoHosts(GatewayLab g, String[] ns, VethPair[] veth, String aInLevel) throws Exception {
        return twoHosts(g, ns, veth, aInLevel, A, B, "/24");
    }

    private GatewayDaemon twoHosts(
            GatewayLab g, String[] ns, VethPair[] veth, String aInLevel, String a, String b, String plen)
            throws Exception {
        ns[0] = g.lab.namespace();
        ns[1] = g.lab.namespace();
        veth[0] = g.lab.veth(ns[0], ns[1]);
        g.lab.address(ns[0], veth[0].a(), a + plen);
        g.lab.address(ns[1], veth[0].b(), b + plen);
        GatewayDaemon ga = g.gateway(ns[0], config(a, b, aInLevel, "require"));
        g.policyGuard = false;
        g.gateway(ns[1], config(b, a, "require", "require"));
        g.policyGuard = true;
        g.transportRouting(ns[0], a, b);
        g.transportRouting(ns[1], b, a);
        return ga;
    }

    /** Cleartext UDP from {@code ns} with SO_MARK 0x99 (outside the tunnel): how many of {@code n} were answered. */
    static int clearUdpAnswers(GatewayLab g, String ns, String to, int port, int n) throws Exception {
        return udpAnswers(g, ns, to, port, n, 0x99);
    }

    /**
     * UDP datagrams from {@code ns} (SO_MARK {@code mark} unless 0); how many of {@code n} were answered. A send
     * refused by the local guard (Linux reports EPERM where NetBSD reports success) counts as unanswered.
     */
    static int udpAnswers(GatewayLab g, String ns, String to, int port, int n, int mark) throws Exception {
        String py = "import socket\n"
                + "s = socket.socket(socket.AF_INET" + (to.contains(":") ? "6" : "") + ", socket.SOCK_DGRAM)\n"
                + (mark != 0 ? "s.setsockopt(socket.SOL_SOCKET, 36, " + mark + ")\n" : "") // SO_MARK
                + "s.settimeout(1.0)\n"
                + "ok = 0\n"
                + "for i in range(" + n + "):\n"
                + "    try:\n"
                + "        s.sendto(b'clear' * 20, ('" + to + "', " + port + "))\n"
                + "    except OSError:\n"
                + "        continue\n"
                + "    try:\n"
                + "        s.recvfrom(2048); ok += 1\n"
                + "    except OSError:\n"
                + "        pass\n"
                + "print(ok)\n";
        CommandResult r = g.exec(ns, 30, "/usr/bin/python3", "-c", py);
        assertTrue(r.ok(), r.stderr());
        return Integer.parseInt(r.stdout().strip());
    }

    static CommandResult clearPing(GatewayLab g, String ns, String to, int n) throws Exception {
        return g.exec(ns, 30, "ping", "-c", Integer.toString(n), "-i", "0.2", "-W", "1", "-m", "153", to); // mark 0x99
    }

    static String table(GatewayLab g, String ns) throws Exception {
        return g.exec(ns, 10, "nft", "list", "table", "inet", TABLE).stdout();
    }

    /** Waits (at most 10 s) until the guard's table in {@code ns} satisfies {@code p}. */
    static String awaitTable(GatewayLab g, String ns, Predicate<String> p) throws Exception {
        String t = "";
        for (int i = 0; i < 100; i++) {
            t = table(g, ns);
            if (p.test(t)) return t;
            Thread.sleep(100);
        }
        throw new AssertionError("guard table never became as expected:\n" + t);
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "IPv{0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {4, 6})
    void cleartextMatchingARequirePolicyIsDroppedAndCountedWhileTheTunnelWorks(int family) throws Exception {
        boolean v6 = family == 6;
        String A = v6 ? A6 : PolicyGuardEndToEndTest.A, B = v6 ? B6 : PolicyGuardEndToEndTest.B;
        try (GatewayLab g = new GatewayLab(dir)) {
            String[] ns = new String[2];
            VethPair[] v = new VethPair[1];
            GatewayDaemon ga = twoHosts(g, ns, v, "require", A, B, v6 ? "/64" : "/24");
            String a = ns[0], b = ns[1];
            assertTrue(g.exec(a, 10, "nft", "list", "tables").stdout().contains("table inet " + TABLE));
            assertFalse(g.exec(b, 10, "nft", "list", "tables").stdout().contains(TABLE), "B runs without a guard");

            // through the tunnel: ICMP and UDP work
            CommandResult ping = g.exec(b, 20, "ping", "-c", "3", "-i", "0.2", "-W", "2", A);
            assertTrue(ping.ok(), ping.stdout() + ping.stderr() + g.logs);
            g.udpEcho(a, A, 7000);
            assertEquals(5, g.udpRoundTrips(b, A, 7000, 5, 200), "UDP through the tunnel\n" + ga.status());
            assertEquals(0, ga.statistics()[IpsecStatistics.IN_POLVIO], ga.status());

            // the same traffic in clear, outside B's tunnel: dropped by A's guard and counted as in_polvio
            CommandResult clear = clearPing(g, b, A, 3);
            assertFalse(clear.ok(), "cleartext ping answered:\n" + clear.stdout());
            assertEquals(0, clearUdpAnswers(g, b, A, 7000, 3), "cleartext UDP answered");
            long[] s = ga.statistics();
            assertEquals(6, s[IpsecStatistics.IN_POLVIO], ga.status());
            assertEquals(0, s[IpsecStatistics.OUT_POLVIO], ga.status());
            assertTrue(ga.status().contains("policy guard inet " + TABLE + ": in_polvio=6 out_polvio=0"), ga.status());
            assertTrue(table(g, a).contains("counter in_polvio {\n\t\tpackets 6 "), table(g, a));
            // served by the sysctl tree as NetBSD's ipsecstats (uint64 host order, in_polvio first)
            byte[] stats = ga.engine().sysctl().readStruct(SysctlNames.IPSEC_STATS);
            assertEquals(
                    6,
                    java.nio.ByteBuffer.wrap(stats)
                            .order(java.nio.ByteOrder.nativeOrder())
                            .getLong(0));

            // and the tunnel still works
            assertEquals(5, g.udpRoundTrips(b, A, 7000, 5, 200), "UDP through the tunnel after\n" + ga.status());
        }
    }

    @Test
    void useLevelAcceptsCleartextAndTheGuardFollowsSysctlDefaultsAndSpdChanges() throws Exception {
        try (GatewayLab g = new GatewayLab(dir)) {
            String[] ns = new String[2];
            VethPair[] v = new VethPair[1];
            GatewayDaemon ga = twoHosts(g, ns, v, "use");
            String a = ns[0], b = ns[1];
            g.udpEcho(a, A, 7000);
            // use: NetBSD accepts a cleartext packet (ipsec_in_reject enforces only required levels)
            assertTrue(clearPing(g, b, A, 2).ok(), "cleartext ping under a use policy");
            assertEquals(3, clearUdpAnswers(g, b, A, 7000, 3));
            assertEquals(0, ga.statistics()[IpsecStatistics.IN_POLVIO], ga.status());

            // a default level follows net.inet.ipsec.esp_trans_deflev: 1 (use) accepts, 2 (require) drops
            Path pfkey = dir.resolve(a + ".pfkey");
            Path upd = dir.resolve("update.conf");
            Files.writeString(upd, "spdupdate " + B + " " + A + " any -P in ipsec esp/transport//default ;\n");
            MainTest.Result r = MainTest.run("setkey", "--pfkey", pfkey.toString(), "-f", upd.toString());
            assertEquals(0, r.status(), r.err());
            awaitTable(g, a, t -> t.contains("ip saddr " + B + " ip daddr " + A + " accept comment"));
            assertEquals(2, clearUdpAnswers(g, b, A, 7000, 2), "default level, deflev use");
            ga.engine().sysctl().write(SysctlNames.IPSEC_ESP_TRANS_DEFLEV, 2);
            awaitTable(g, a, t -> t.contains("ip saddr " + B + " ip daddr " + A + " counter name \"in_polvio\" drop"));
            assertEquals(0, clearUdpAnswers(g, b, A, 7000, 2), "default level, deflev require");
            assertEquals(2, ga.statistics()[IpsecStatistics.IN_POLVIO], ga.status());
            // through the tunnel it still works
            assertEquals(3, g.udpRoundTrips(b, A, 7000, 3, 200), ga.status());

            // spddelete over PF_KEY: no policy matches any more, the cleartext is accepted again (def_policy none)
            Files.writeString(upd, "spddelete " + B + " " + A + " any -P in ;\n");
            r = MainTest.run("setkey", "--pfkey", pfkey.toString(), "-f", upd.toString());
            assertEquals(0, r.status(), r.err());
            awaitTable(g, a, t -> !t.contains("ip saddr " + B + " ip daddr " + A));
            assertEquals(2, clearUdpAnswers(g, b, A, 7000, 2), "no policy");
            assertEquals(2, ga.statistics()[IpsecStatistics.IN_POLVIO], "counts survive the re-apply\n" + ga.status());
        }
    }

    @Test
    void anOutRequirePolicyKeepsPacketsRoutedPastTheTunFromLeavingInClear() throws Exception {
        GatewayEndToEndTest.needTshark();
        try (GatewayLab g = new GatewayLab(dir)) {
            String[] ns = new String[2];
            VethPair[] v = new VethPair[1];
            GatewayDaemon ga = twoHosts(g, ns, v, "require");
            String a = ns[0], b = ns[1];
            g.udpEcho(b, B, 7000);
            assertEquals(3, g.udpRoundTrips(a, B, 7000, 3, 200), "through the tunnel\n" + ga.status());
            Path pcap = g.capture(b, v[0].b());
            // the route into the TUN is gone: the kernel sends A's packets for B straight to the veth
            g.lab.ip(a, "route", "del", B, "dev", "jipsec0", "table", "99");
            CommandResult ping = g.exec(a, 20, "ping", "-c", "3", "-i", "0.2", "-W", "1", B);
            assertFalse(ping.ok(), ping.stdout());
            assertEquals(0, udpAnswers(g, a, B, 7000, 2, 0));
            g.stopCaptures();
            String clear =
                    GatewayLab.tshark(pcap, "-Y", "icmp || udp.port == 7000", "-T", "fields", "-e", "frame.number");
            assertEquals("", clear.strip(), "cleartext left A");
            assertEquals(5, ga.statistics()[IpsecStatistics.OUT_POLVIO], ga.status());
            assertEquals(0, ga.statistics()[IpsecStatistics.IN_POLVIO], ga.status());
        }
    }

    @Test
    void stoppingTheGatewayKeepsTheTableAndAStaleTableIsReplacedAtStart() throws Exception {
        try (GatewayLab g = new GatewayLab(dir)) {
            String a = g.lab.namespace();
            // a stale table of the same name, as a gateway killed with SIGKILL would leave behind
            CommandResult stale = g.exec(
                    a,
                    10,
                    "nft",
                    "add table inet " + TABLE + "; add chain inet " + TABLE
                            + " stale { type filter hook input priority 0; policy drop; }");
            assertTrue(stale.ok(), stale.stderr());
            GatewayDaemon ga = g.gateway(a, config(A, B, "require", "require"));
            String t = table(g, a);
            assertFalse(t.contains("stale"), t);
            assertTrue(t.contains("chain inbound") && t.contains("chain outbound"), t);
            ga.close();
            // fail closed: the table stays while the gateway is stopped, as it was
            assertEquals(
                    t.replaceAll("packets \\d+ bytes \\d+", ""), table(g, a).replaceAll("packets \\d+ bytes \\d+", ""));
            assertTrue(g.logs.toString().contains("policy guard: table inet " + TABLE + " kept"), g.logs.toString());
            // a start without the guard removes what the earlier run left
            g.policyGuard = false;
            g.gateway(a, config(A, B, "require", "require")).close();
            assertFalse(
                    g.exec(a, 10, "nft", "list", "tables").stdout().contains(TABLE), "table left by --no-policy-guard");
            assertTrue(
                    g.logs.toString().contains("table inet " + TABLE + " left by an earlier run removed"),
                    g.logs.toString());
        }
    }

    /**
     * A tunnel-mode gateway A fronting host H (10.92.1.0/24), router R beyond it holding the remote subnet
     * 10.92.2.0/24 on its {@code lo} — and A's route for that subnet goes to R instead of the TUN. NetBSD would drop
     * H's forwarded packets (out require, out_polvio) and R's cleartext packets for H (in require, in_polvio); the
     * guard's postrouting and prerouting chains do the same, while traffic no policy covers is forwarded as before.
     */
    @Test
    void forwardedCleartextIsCheckedBothWays() throws Exception {
        try (GatewayLab g = new GatewayLab(dir)) {
            String h = g.lab.namespace(), a = g.lab.namespace(), r = g.lab.namespace();
            VethPair ha = g.lab.veth(h, a), ar = g.lab.veth(a, r);
            g.lab.address(h, ha.a(), "10.92.1.10/24");
            g.lab.address(a, ha.b(), "10.92.1.1/24");
            g.lab.address(a, ar.a(), "10.92.9.1/24");
            g.lab.address(r, ar.b(), "10.92.9.254/24");
            g.lab.address(r, "lo", "10.92.2.20/32");
            g.exec(a, 10, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
            g.lab.route(h, "default", "via", "10.92.1.1");
            g.lab.route(r, "10.92.1.0/24", "via", "10.92.9.1");
            g.lab.route(a, "10.92.2.0/24", "via", "10.92.9.254"); // the leak: not into the TUN
            GatewayDaemon ga = g.gateway(
                    a,
                    "add 10.92.9.1 10.92.9.254 esp 0x2001 -m tunnel -E aes-gcm-16 " + K_AB + " ;\n"
                            + "spdadd 10.92.1.0/24 10.92.2.0/24 any -P out ipsec esp/tunnel/10.92.9.1-10.92.9.254/require ;\n"
                            + "spdadd 10.92.2.0/24 10.92.1.0/24 any -P in ipsec esp/tunnel/10.92.9.254-10.92.9.1/require ;\n");

            CommandResult control = g.exec(h, 20, "ping", "-c", "2", "-i", "0.2", "-W", "2", "10.92.9.254");
            assertTrue(control.ok(), "traffic outside every policy is forwarded\n" + control.stdout() + ga.status());
            CommandResult out = g.exec(h, 20, "ping", "-c", "3", "-i", "0.2", "-W", "1", "10.92.2.20");
            assertFalse(out.ok(), "forwarded in clear:\n" + out.stdout());
            assertEquals(3, ga.statistics()[IpsecStatistics.OUT_POLVIO], ga.status());
            CommandResult in =
                    g.exec(r, 20, "ping", "-c", "3", "-i", "0.2", "-W", "1", "-I", "10.92.2.20", "10.92.1.10");
            assertFalse(in.ok(), "cleartext forwarded inward:\n" + in.stdout());
            assertEquals(3, ga.statistics()[IpsecStatistics.IN_POLVIO], ga.status());
            assertEquals(3, ga.statistics()[IpsecStatistics.OUT_POLVIO], ga.status());
        }
    }
}
