package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.jipsec.io.netns.CommandResult;
import org.jipsec.io.netns.VethPair;
import org.jipsec.testkit.RequiresRoot;
import org.jipsec.testkit.RequiresTool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fail closed (issue #12, item 2), from the outside: host A runs the built gateway as a child process with an
 * outbound {@code require} policy for A → B (transport ESP, the {@code not fwmark} routing into the TUN); B answers
 * cleartext. Stopped with SIGTERM, and separately killed with SIGKILL, the gateway leaves its TUN and routes gone — and
 * A's packets for B then take the main table to the veth. The policy guard's table must stay and drop them: a capture
 * on B's side sees no cleartext of the flow; the next start takes the table over (after SIGKILL too, with the stale
 * socket file). {@code jipsec gateway --cleanup} is refused while the gateway runs, and
 * once it is stopped removes the table and the stale socket, after which the same flow passes in clear. Run for raw
 * ESP and ESP in UDP (NAT-T port 4500) over IPv4 and IPv6, and for AH (whose packets show the flow in clear: they
 * are not counted as cleartext leaving, the flow's own packets outside AH are).
 */
@RequiresRoot
@RequiresTool({"nft", "dumpcap", "tshark"})
class GatewayFailClosedTest {

    static final String A = "10.93.0.1", B = "10.93.0.2";
    static final String A6 = "fd93::1", B6 = "fd93::2";
    static final String TUN = "jipfc0";
    static final String TABLE = "jipsec_" + TUN;

    /** Two namespaces for every variant (each ends with --cleanup: no table is carried into the next). */
    static GatewayLab lab;

    static String nsA, nsB;
    static VethPair veth;

    @TempDir
    static Path labDir;

    @TempDir
    Path dir;

    @BeforeAll
    static void need() throws Exception {
        DaemonProcess.need("nft", "dumpcap", "tshark");
        lab = new GatewayLab(labDir);
        nsA = lab.lab.namespace();
        nsB = lab.lab.namespace();
        veth = lab.lab.veth(nsA, nsB);
        lab.lab.address(nsA, veth.a(), A + "/24");
        lab.lab.address(nsB, veth.b(), B + "/24");
        lab.lab.address(nsA, veth.a(), A6 + "/64");
        lab.lab.address(nsB, veth.b(), B6 + "/64");
        WireVariant.oneDatagramPerFrame(lab.lab, veth);
        lab.udpEcho(nsB, B, 7000);
        lab.udpEcho(nsB, B6, 7000);
        for (String family : List.of("-4", "-6")) {
            lab.lab.ip(nsA, family, "rule", "add", "not", "fwmark", "0x99", "table", "99", "pref", "100");
        }
    }

    @AfterAll
    static void closeLab() throws Exception {
        if (lab != null) lab.close();
    }

    static Stream<WireVariant> variants() {
        return Stream.concat(WireVariant.matrix(), Stream.of(WireVariant.AH4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void noCleartextOfAProtectedFlowLeavesAStoppedOrKilledGatewayUntilCleanup(WireVariant w) throws Exception {
        GatewayLab g = lab;
        String a = nsA, b = nsB;
        VethPair v = veth;
        String ha = w.pick(A, A6), hb = w.pick(B, B6);
        {
            Path conf = dir.resolve("a.conf");
            Files.writeString(
                    conf,
                    w.sa(ha, hb, 0x1001, "transport", 0, 0) + "spdadd " + ha + " " + hb + " any -P out ipsec "
                            + w.proto() + "/transport//require ;\n");
            Path pfkey = dir.resolve("run/pfkey");
            // two data-plane workers (issue #17): a stop must leave nothing of either
            String[] args = {"--config", conf.toString(), "--pfkey", pfkey.toString(), "--workers", "2"};

            // running: A's packets for B leave protected only (B has no gateway: no answers)
            try (DaemonProcess gw = DaemonProcess.start(dir, "gw1", a, TUN, args)) {
                g.lab.ip(a, "route", "add", hb, "dev", TUN, "src", ha, "table", "99");
                assertTrue(tables(g, a).contains(TABLE), gw.stderr());
                assertEquals(6, assertNoCleartextLeaves(g, w, a, b, v, "while running"), "ESP while running");

                // SIGTERM: the TUN and its route go, the table stays
                gw.terminate();
                assertFalse(g.exec(a, 10, "ip", "link", "show", TUN).ok(), "TUN left after SIGTERM");
                assertEquals(0, assertNoCleartextLeaves(g, w, a, b, v, "after SIGTERM"));
                assertTrue(tables(g, a).contains(TABLE), "guard table removed by SIGTERM\n" + gw.stderr());
                assertTrue(gw.stderr().contains("policy guard: table inet " + TABLE + " kept"), gw.stderr());
            }

            // the next start takes the kept table over (one transaction), and cleanup is refused while it runs
            try (DaemonProcess gw = DaemonProcess.start(dir, "gw2", a, TUN, args)) {
                assertTrue(
                        gw.stderr().contains("policy guard: nftables table inet " + TABLE + " enforces"), gw.stderr());
                assertFalse(gw.stderr().contains("nft failed"), gw.stderr());
                g.lab.ip(a, "route", "add", hb, "dev", TUN, "src", ha, "table", "99");
                CommandResult refused =
                        DaemonProcess.run(a, "gateway", "--cleanup", "--tun", TUN, "--pfkey", pfkey.toString());
                assertEquals(1, refused.exitCode(), refused.stdout() + refused.stderr());
                assertTrue(refused.stderr().contains("stop it first"), refused.stderr());
                assertTrue(tables(g, a).contains(TABLE));
                assertTrue(Files.exists(pfkey));

                // kill -9: nothing runs at all, the table stays, the socket file is left behind
                gw.kill();
                assertTrue(tables(g, a).contains(TABLE));
                assertTrue(Files.exists(pfkey), "a killed gateway leaves its socket file");
                assertEquals(0, assertNoCleartextLeaves(g, w, a, b, v, "after kill -9"));
            }

            // a start after kill -9 takes over the table and the stale socket; killed again, it leaves both
            try (DaemonProcess gw = DaemonProcess.start(dir, "gw3", a, TUN, args)) {
                assertTrue(
                        gw.stderr().contains("policy guard: nftables table inet " + TABLE + " enforces"), gw.stderr());
                g.lab.ip(a, "route", "add", hb, "dev", TUN, "src", ha, "table", "99");
                assertEquals(6, assertNoCleartextLeaves(g, w, a, b, v, "after a restart"), "ESP after a restart");
                gw.kill();
            }

            // --cleanup: table and stale socket removed; the flow now passes in clear
            CommandResult clean =
                    DaemonProcess.run(a, "gateway", "--cleanup", "--tun", TUN, "--pfkey", pfkey.toString());
            assertEquals(0, clean.exitCode(), clean.stdout() + clean.stderr());
            assertTrue(clean.stdout().contains("policy guard table inet " + TABLE + " removed"), clean.stdout());
            assertTrue(clean.stdout().contains("stale socket " + pfkey + " removed"), clean.stdout());
            assertFalse(tables(g, a).contains(TABLE));
            assertFalse(Files.exists(pfkey));
            CommandResult ping = g.exec(a, 20, "ping", "-c", "2", "-i", "0.2", "-W", "2", hb);
            assertTrue(ping.ok(), "cleartext after --cleanup\n" + ping.stdout());
            assertEquals(2, g.udpRoundTrips(a, hb, 7000, 2, 100));
            // a second cleanup finds nothing and succeeds
            CommandResult again =
                    DaemonProcess.run(a, "gateway", "--cleanup", "--tun", TUN, "--pfkey", pfkey.toString());
            assertEquals(0, again.exitCode(), again.stderr());
            assertTrue(again.stdout().contains("no policy guard table"), again.stdout());
        }
    }

    static String tables(GatewayLab g, String ns) throws Exception {
        return g.exec(ns, 10, "nft", "list", "tables").stdout();
    }

    /**
     * Pings and UDP from A to B, captured on B's veth: none of it may be cleartext (ICMP, UDP port 7000). Returns the
     * number of ESP packets seen.
     */
    private static int assertNoCleartextLeaves(GatewayLab g, WireVariant w, String a, String b, VethPair v, String when)
            throws Exception {
        String ha = w.pick(A, A6), hb = w.pick(B, B6);
        Path pcap = g.capture(b, v.b());
        CommandResult ping = g.exec(a, 20, "ping", "-c", "3", "-i", "0.2", "-W", "1", hb);
        int udp = PolicyGuardEndToEndTest.udpAnswers(g, a, hb, 7000, 3, 0); // a send the guard refuses: EPERM
        g.stopCaptures();
        // echo requests and datagrams to port 7000 as packets of their own (not quoted in B's ICMP errors for ESP;
        // not inside AH, which authenticates but does not hide them)
        String clear = GatewayLab.tshark(
                pcap,
                "-Y",
                w.pick(
                        "ip.src == " + ha + " && !esp && !ah && (icmp.type == 8 || "
                                + "(udp.dstport == 7000 && !icmp))",
                        "ipv6.src == " + ha + " && !esp && !ah && (icmpv6.type == 128 || "
                                + "(udp.dstport == 7000 && !icmpv6))"),
                "-T",
                "fields",
                "-e",
                "frame.number");
        int esp = w.packets(pcap).size();
        if (esp != 0 && esp != 6) {
            // what the capture holds, for the failure message
            when += ": " + esp + " protected packets of 6 in\n" + GatewayLab.tshark(pcap) + "\n"
                    + GatewayLab.tshark(
                            pcap, "-Y", w.proto(), "-T", "fields", "-e", "frame.len", "-e", w.proto() + ".sequence");
        }
        assertEquals("", clear.strip(), "cleartext of the protected flow left A " + when);
        assertFalse(ping.ok(), when + ": ping answered\n" + ping.stdout());
        assertEquals(0, udp, when + ": UDP answered");
        Files.delete(pcap);
        assertTrue(esp == 0 || esp == 6, when);
        return esp;
    }
}
