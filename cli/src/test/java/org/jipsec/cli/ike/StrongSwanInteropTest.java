package org.jipsec.cli.ike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jipsec.cli.lab.TcpTransfer;
import org.jipsec.cli.lab.WireCapture;
import org.jipsec.io.netns.CommandResult;
import org.jipsec.testkit.RequiresRoot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #14's interop proof: {@code jipsec iked} keying {@code jipsec gateway} through PF_KEY, against strongSwan
 * 5.9.8 (charon with kernel-libipsec, {@link Charon}) in network namespaces ({@link IkeLab}). jipsec is "left",
 * charon "right"; traffic runs between the inner addresses on {@code lo} through both data planes (jipsecd's TUN,
 * charon's ipsec0), and a capture on right's veth shows it as ESP in UDP 4500 only. What jipsecd holds is read over
 * PF_KEY ({@code jipsec setkey -D}) and compared with charon's {@code swanctl --list-sas}. Every test is bounded and
 * prints both sides' logs when it fails. Root only; the harness itself is proven by {@link CharonHarnessTest}.
 */
@RequiresRoot
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class StrongSwanInteropTest {

    @TempDir
    Path dir;

    static final String GCM = "aes128gcm16-prfsha256-x25519";
    static final String CBC = "aes256-sha256-modp2048";

    @BeforeAll
    static void tools() throws Exception {
        IkeLab.needStrongSwan();
    }

    SwanctlConf conf(IkeLab lab, String name) {
        return SwanctlConf.of(name, lab.leftAddr, lab.rightAddr, lab.leftInner + "/32", lab.rightInner + "/32");
    }

    /** The child's SPIs are in jipsecd's SAD (charon's inbound is jipsec's outbound and vice versa). */
    static Set<String> awaitChildInJipsec(JipsecIked j, SaList.Child c) throws Exception {
        return j.awaitSpis(
                s -> s.contains(c.spiIn()) && s.contains(c.spiOut()),
                "the CHILD_SA " + c.spiIn() + "/" + c.spiOut() + " in jipsecd",
                Duration.ofSeconds(15));
    }

    /** Ping and a TCP transfer both ways through the tunnel, captured on right's veth: ESP of this child only. */
    static void trafficIsEsp(IkeLab lab, SaList.Child c, int tcpBytes) throws Exception {
        try (WireCapture cap = WireCapture.start(
                lab.right,
                lab.rightDev,
                lab.dir.resolve("wire.pcapng"),
                lab.dir.resolve("tshark.log"),
                Duration.ofSeconds(90))) {
            Traffic.PingCount p = Traffic.ping(lab, lab.left, lab.leftInner, lab.rightInner, 5, 0.2);
            assertEquals(5, p.received(), "ping left->right " + p);
            p = Traffic.ping(lab, lab.right, lab.rightInner, lab.leftInner, 5, 0.2);
            assertEquals(5, p.received(), "ping right->left " + p);
            TcpTransfer.Result t = Traffic.tcp(lab.left, lab.leftInner, lab.right, lab.rightInner, tcpBytes);
            assertTrue(t.intact(), "TCP left->right " + t);
            TcpTransfer.Result u = Traffic.tcp(lab.right, lab.rightInner, lab.left, lab.leftInner, tcpBytes);
            assertTrue(u.intact(), "TCP right->left " + u);
            WireCapture.Outcome o = cap.stop();
            assertEquals(0, o.summary().cleartext(), "cleartext on the wire: " + o.summary());
            assertFalse(o.markerSeen(), "the TCP payload crossed the wire in clear");
            assertEquals(
                    Set.of("0x" + c.spiIn(), "0x" + c.spiOut()),
                    o.summary().espBySpi().keySet(),
                    o.summary().toString());
            int udp = Traffic.count(lab.dir.resolve("wire.pcapng"), "esp && udp.port == 4500");
            assertEquals(o.summary().espPackets(), udp, "all ESP in UDP 4500");
            System.out.printf(
                    "traffic: ping 10/10, TCP %d B each way (%.2f s, %.2f s), wire %s%n",
                    tcpBytes, t.seconds(), u.seconds(), o.summary());
        }
    }

    /** (a) jipsec initiates at load (start_action = start), GCM + X25519; ping and TCP through jipsecd. */
    @Test
    void jipsecInitiatesToStrongSwan() throws Exception {
        try (IkeLab lab = IkeLab.direct(dir)) {
            lab.run(() -> {
                SwanctlConf c = conf(lab, "ss").withProposals(GCM, "aes128gcm16");
                lab.captureWhole();
                Charon right = Charon.start(lab, lab.right, "right");
                right.load(c.mirror("none"));
                JipsecIked left = JipsecIked.startGateway(lab, lab.left, "left", lab.leftInner, lab.rightInner);
                left.startIked(c.withStart("start"));
                SaList.IkeSa sa = right.awaitEstablished("ss", Duration.ofSeconds(30));
                assertFalse(sa.initiator(), "charon is the responder");
                assertEquals("AES_GCM_16-128/PRF_HMAC_SHA2_256/CURVE_25519", sa.algorithms());
                SaList.Child ch = sa.children().get(0);
                assertEquals("ESP:AES_GCM_16-128", ch.algorithms());
                assertEquals("TUNNEL-in-UDP", ch.mode());
                awaitChildInJipsec(left, ch);
                trafficIsEsp(lab, ch, 1 << 20);
                String st = left.statusLine();
                assertTrue(st.contains("IKE SAs=1 CHILD_SAs=1"), st);
            });
        }
    }

    /** (b) strongSwan initiates (swanctl --initiate) to jipsec, AES-CBC-256 + HMAC-SHA2-256 + MODP 2048. */
    @Test
    void strongSwanInitiatesToJipsecCbc() throws Exception {
        try (IkeLab lab = IkeLab.direct(dir)) {
            lab.run(() -> {
                SwanctlConf c = conf(lab, "ss").withProposals(CBC, "aes256-sha256");
                lab.captureWhole();
                Charon right = Charon.start(lab, lab.right, "right");
                right.load(c.mirror("none"));
                JipsecIked left = JipsecIked.startGateway(lab, lab.left, "left", lab.leftInner, lab.rightInner);
                left.startIked(c.withStart("none"));
                CommandResult r = right.initiate("ss", 30);
                assertTrue(r.ok(), "swanctl --initiate: " + r.stdout() + r.stderr());
                SaList.IkeSa sa = right.awaitEstablished("ss", Duration.ofSeconds(5));
                assertTrue(sa.initiator());
                assertEquals("AES_CBC-256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048", sa.algorithms());
                SaList.Child ch = sa.children().get(0);
                assertEquals("ESP:AES_CBC-256/HMAC_SHA2_256_128", ch.algorithms());
                awaitChildInJipsec(left, ch);
                trafficIsEsp(lab, ch, 1 << 20);
            });
        }
    }

    /**
     * (c) Rekeys under a ping stream (20 per second): charon rekeys the CHILD_SA and the IKE SA
     * ({@code swanctl --rekey}), then jipsec does both by its own short rekey_time. Counts the pings lost.
     */
    @Test
    void childAndIkeRekeyUnderTraffic() throws Exception {
        try (IkeLab lab = IkeLab.direct(dir)) {
            lab.run(() -> {
                SwanctlConf c = conf(lab, "ss").withProposals(GCM, "aes128gcm16");
                lab.captureWhole();
                Charon right = Charon.start(lab, lab.right, "right");
                right.load(c.mirror("none"));
                JipsecIked left = JipsecIked.startGateway(lab, lab.left, "left", lab.leftInner, lab.rightInner);
                left.startIked(c.withStart("start").withRekey("20s", "12s"));
                SaList.IkeSa sa0 = right.awaitEstablished("ss", Duration.ofSeconds(30));
                SaList.Child c0 = sa0.children().get(0);
                awaitChildInJipsec(left, c0);
                Traffic.awaitPing(lab, lab.left, lab.leftInner, lab.rightInner, Duration.ofSeconds(10));

                // strongSwan-initiated rekeys
                Traffic.PingStream s = new Traffic.PingStream(
                        lab, lab.left, lab.leftInner, lab.rightInner, 0.05, dir.resolve("ping-charon.txt"));
                Thread.sleep(1000);
                CommandResult r = right.swanctl(30, "--rekey", "--child", "ss");
                assertTrue(r.ok(), r.stdout() + r.stderr());
                SaList.Child c1 = awaitNewChild(right, c0, Duration.ofSeconds(15));
                awaitChildInJipsec(left, c1);
                Thread.sleep(1000);
                r = right.swanctl(30, "--rekey", "--ike", "ss");
                assertTrue(r.ok(), r.stdout() + r.stderr());
                SaList.IkeSa sa1 = awaitNewIke(right, sa0, Duration.ofSeconds(15));
                Thread.sleep(2000);
                Traffic.PingCount byCharon = s.stop();
                System.out.println("rekeys by strongSwan (child " + c0.spiIn() + "->" + c1.spiIn() + ", IKE "
                        + sa0.spiI() + "->" + sa1.spiI() + "): pings " + byCharon);

                // jipsec-initiated rekeys (child every ~12 s, IKE every ~20 s)
                s = new Traffic.PingStream(
                        lab, lab.left, lab.leftInner, lab.rightInner, 0.05, dir.resolve("ping-jipsec.txt"));
                SaList.Child c2 = awaitNewChild(right, c1, Duration.ofSeconds(30));
                SaList.IkeSa sa2 = awaitNewIke(right, sa1, Duration.ofSeconds(40));
                awaitChildInJipsec(
                        left,
                        right.awaitEstablished("ss", Duration.ofSeconds(5))
                                .children()
                                .get(0));
                Thread.sleep(2000);
                Traffic.PingCount byJipsec = s.stop();
                System.out.println("rekeys by jipsec (child " + c1.spiIn() + "->" + c2.spiIn() + ", IKE " + sa1.spiI()
                        + "->" + sa2.spiI() + "): pings " + byJipsec);
                long initiatedByJipsec =
                        right.logLines("parsed CREATE_CHILD_SA request").size();
                System.out.println("charon received " + initiatedByJipsec + " CREATE_CHILD_SA requests");
                assertTrue(byCharon.sent() > 50 && byJipsec.sent() > 100, byCharon + " " + byJipsec);
                assertTrue(byCharon.lost() <= 3, "lost during strongSwan's rekeys: " + byCharon);
                assertTrue(byJipsec.lost() <= 3, "lost during jipsec's rekeys: " + byJipsec);
                // the old SAs are gone from jipsecd: it holds exactly the child charon has installed (read again
                // each time: jipsec rekeys every ~12 s)
                long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (true) {
                    Set<String> before = left.spis();
                    Set<String> charonSpis = new java.util.HashSet<>();
                    for (SaList.IkeSa x : right.sas()) {
                        for (SaList.Child y : x.children()) {
                            if (y.state().equals("INSTALLED")) charonSpis.addAll(Set.of(y.spiIn(), y.spiOut()));
                        }
                    }
                    if (before.size() == 2
                            && before.equals(charonSpis)
                            && left.spis().equals(before)) break;
                    if (System.nanoTime() > end) {
                        throw new AssertionError(
                                "jipsecd holds " + before + ", charon " + charonSpis + "\n" + left.sad());
                    }
                    Thread.sleep(300);
                }
            });
        }
    }

    /** The IKE SA's only installed child, once its inbound SPI differs from {@code old}'s. */
    static SaList.Child awaitNewChild(Charon c, SaList.Child old, Duration limit) throws Exception {
        long end = System.nanoTime() + limit.toNanos();
        while (true) {
            for (SaList.IkeSa sa : c.sas()) {
                for (SaList.Child ch : sa.children()) {
                    if (ch.state().equals("INSTALLED") && !ch.spiIn().equals(old.spiIn())) return ch;
                }
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("no new CHILD_SA (old " + old.spiIn() + ") within " + limit + "\n"
                        + c.swanctl(20, "--list-sas").stdout());
            }
            Thread.sleep(200);
        }
    }

    static SaList.IkeSa awaitNewIke(Charon c, SaList.IkeSa old, Duration limit) throws Exception {
        long end = System.nanoTime() + limit.toNanos();
        while (true) {
            for (SaList.IkeSa sa : c.sas()) {
                if (sa.state().equals("ESTABLISHED") && !sa.spiI().equals(old.spiI())) return sa;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("no new IKE SA (old " + old.spiI() + ") within " + limit + "\n"
                        + c.swanctl(20, "--list-sas").stdout());
            }
            Thread.sleep(200);
        }
    }

    /** (d) charon dies (SIGKILL): jipsec's DPD (dpd_delay 2 s) finds out and removes the SAs from jipsecd. */
    @Test
    void jipsecDpdDetectsDeadStrongSwan() throws Exception {
        try (IkeLab lab = IkeLab.direct(dir)) {
            lab.run(() -> {
                SwanctlConf c =
                        conf(lab, "ss").withProposals(GCM, "aes128gcm16").withDpd("2s");
                lab.captureWhole();
                Charon right = Charon.start(lab, lab.right, "right");
                right.load(c.mirror("none"));
                JipsecIked left = JipsecIked.startGateway(lab, lab.left, "left", lab.leftInner, lab.rightInner);
                // strongSwan's retransmission settings, shortened as charon's are in (d'): 1 s × 1.8ⁿ, 2 tries
                java.nio.file.Path settings = left.dir.resolve("iked-settings.conf");
                java.nio.file.Files.writeString(
                        settings, "charon {\n  retransmit_timeout = 1\n  retransmit_tries = 2\n}\n");
                java.nio.file.Files.writeString(
                        left.config, c.withStart("start").text(false));
                left.startIked("--settings", settings.toString());
                SaList.Child ch = right.awaitEstablished("ss", Duration.ofSeconds(30))
                        .children()
                        .get(0);
                awaitChildInJipsec(left, ch);
                right.kill9();
                long t0 = System.nanoTime();
                left.awaitSpis(
                        s -> !s.contains(ch.spiIn()) && !s.contains(ch.spiOut()),
                        "the SAs removed after DPD",
                        Duration.ofSeconds(60));
                double secs = (System.nanoTime() - t0) / 1e9;
                System.out.printf("jipsec DPD: SAs gone %.1f s after charon was killed (dpd_delay 2 s)%n", secs);
                System.out.println(String.join("\n", left.ikedLogLines("DPD")));
                assertFalse(
                        left.ikedLogLines("giving up after 2 retransmits").isEmpty(),
                        "jipsec gave up after the configured 2 retransmissions:\n" + left.ikedLog());
            });
        }
    }

    /** (d') jipsec dies (SIGKILL): charon's DPD (2 s, retransmit 1 s × 1.8ⁿ, 2 tries) clears its SA. */
    @Test
    void strongSwanDpdDetectsDeadJipsec() throws Exception {
        try (IkeLab lab = IkeLab.direct(dir)) {
            lab.run(() -> {
                SwanctlConf c =
                        conf(lab, "ss").withProposals(GCM, "aes128gcm16").withDpd("2s");
                Charon right = Charon.start(lab, lab.right, "right", "retransmit_timeout = 1", "retransmit_tries = 2");
                right.load(c.mirror("none"));
                JipsecIked left = JipsecIked.startGateway(lab, lab.left, "left", lab.leftInner, lab.rightInner);
                left.startIked(c.withStart("start"));
                SaList.Child ch = right.awaitEstablished("ss", Duration.ofSeconds(30))
                        .children()
                        .get(0);
                awaitChildInJipsec(left, ch);
                Thread.sleep(5000); // DPD exchanges both ways while both live
                assertTrue(right.awaitEstablished("ss", Duration.ofSeconds(1)) != null);
                left.kill9();
                Duration d = right.awaitNoSa("ss", Duration.ofSeconds(60));
                System.out.printf("strongSwan DPD: SA gone %.1f s after jipsec was killed%n", d.toMillis() / 1e3);
                assertFalse(right.logLines("giving up after").isEmpty(), "charon gave up retransmitting its DPD");
            });
        }
    }

    /**
     * (e) NAT-T: jipsec behind the masquerading namespace initiates; charon (remote_addrs = %any) sees the NAT's
     * address; ESP is UDP-encapsulated from the NAT's address and jipsec's keepalives cross it.
     */
    @Test
    void natTraversalThroughMasquerade() throws Exception {
        try (IkeLab lab = IkeLab.natted(dir)) {
            lab.run(() -> {
                SwanctlConf c =
                        conf(lab, "nat").withProposals(GCM, "aes128gcm16").withIds("left.ike.test", "right.ike.test");
                lab.captureWhole();
                Charon right = Charon.start(lab, lab.right, "right");
                right.load(c.mirror("none").withRemoteAddr("%any"));
                JipsecIked left = JipsecIked.startGateway(
                        lab, lab.left, "left", lab.leftInner, lab.rightInner, "--nat-keepalive", "2");
                left.startIked(c.withStart("start"));
                SaList.IkeSa sa = right.awaitEstablished("nat", Duration.ofSeconds(30));
                assertTrue(sa.remote().startsWith(lab.leftSeenAs + "["), "charon sees the NAT's address: " + sa);
                assertFalse(right.logLines("remote host is behind NAT").isEmpty(), "charon detected the NAT");
                SaList.Child ch = sa.children().get(0);
                awaitChildInJipsec(left, ch);
                assertTrue(left.sad().contains("esp-udp"), "jipsecd holds UDP-encapsulated SAs:\n" + left.sad());
                trafficIsEsp(lab, ch, 256 << 10);
                try (WireCapture cap = WireCapture.start(
                        lab.right,
                        lab.rightDev,
                        dir.resolve("idle.pcapng"),
                        dir.resolve("tshark-idle.log"),
                        Duration.ofSeconds(30))) {
                    Thread.sleep(7000);
                    cap.stop();
                }
                int keepalives = Traffic.count(
                        dir.resolve("idle.pcapng"),
                        "udp.dstport == 4500 && udp.length == 9 && ip.src == " + lab.leftSeenAs);
                System.out.println("NAT-T: keepalives from behind the NAT in 7 s idle: " + keepalives);
                assertTrue(keepalives >= 1, "NAT keepalives from jipsec through the NAT");
            });
        }
    }
}
