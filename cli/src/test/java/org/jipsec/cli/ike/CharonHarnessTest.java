package org.jipsec.cli.ike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jipsec.cli.lab.TcpTransfer;
import org.jipsec.cli.lab.WireCapture;
import org.jipsec.testkit.RequiresRoot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The interop harness proven with a known-good pair, strongSwan against strongSwan, so that a failure of the
 * jipsec tests ({@link StrongSwanInteropTest}) is jipsec's: the namespaces, charon's start-up, swanctl.conf,
 * {@code swanctl --initiate}/{@code --list-sas}, ping and TCP through the tunnel and the capture that proves ESP
 * (and nothing in clear) on the wire, directly and through the masquerading middle namespace (NAT-T: UDP 4500 and
 * keepalives). Root only.
 */
@RequiresRoot
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CharonHarnessTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void tools() throws Exception {
        IkeLab.needStrongSwan();
    }

    @Test
    void charonToCharonDirect() throws Exception {
        try (IkeLab lab = IkeLab.direct(dir)) {
            lab.run(() -> {
                SwanctlConf l = SwanctlConf.of(
                                "lab", lab.leftAddr, lab.rightAddr, lab.leftInner + "/32", lab.rightInner + "/32")
                        .withProposals("aes256-sha256-modp2048", "aes256-sha256");
                Charon left = Charon.start(lab, lab.left, "left");
                Charon right = Charon.start(lab, lab.right, "right");
                right.load(l.mirror("none"));
                left.load(l);
                try (WireCapture cap = WireCapture.start(
                        lab.right,
                        lab.rightDev,
                        dir.resolve("wire.pcapng"),
                        dir.resolve("tshark.log"),
                        Duration.ofSeconds(60))) {
                    var r = left.initiate("lab", 20);
                    assertTrue(r.ok(), r.stdout() + r.stderr());
                    SaList.IkeSa ls = left.awaitEstablished("lab", Duration.ofSeconds(10));
                    SaList.IkeSa rs = right.awaitEstablished("lab", Duration.ofSeconds(10));
                    assertTrue(ls.initiator() && !rs.initiator());
                    assertEquals(ls.spiI(), rs.spiI());
                    assertEquals("AES_CBC-256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048", ls.algorithms());
                    assertEquals(
                            ls.children().get(0).spiIn(), rs.children().get(0).spiOut());
                    assertEquals("TUNNEL-in-UDP", rs.children().get(0).mode());
                    assertEquals(
                            5,
                            Traffic.ping(lab, lab.left, lab.leftInner, lab.rightInner, 5, 0.2)
                                    .received());
                    TcpTransfer.Result t = Traffic.tcp(lab.left, lab.leftInner, lab.right, lab.rightInner, 1 << 20);
                    assertTrue(t.intact(), t.toString());
                    WireCapture.Outcome o = cap.stop();
                    assertTrue(o.summary().espPackets() > 100, o.summary().toString());
                    assertEquals(0, o.summary().cleartext(), o.summary().toString());
                    assertFalse(o.markerSeen(), "the TCP payload crossed the wire in clear");
                    System.out.println("charon<->charon direct: " + o.summary() + ", TCP " + t);
                }
            });
        }
    }

    @Test
    void charonToCharonThroughMasquerade() throws Exception {
        try (IkeLab lab = IkeLab.natted(dir)) {
            lab.run(() -> {
                SwanctlConf l = SwanctlConf.of(
                                "nat", lab.leftAddr, lab.rightAddr, lab.leftInner + "/32", lab.rightInner + "/32")
                        .withIds("left.ike.test", "right.ike.test");
                Charon left = Charon.start(lab, lab.left, "left", "keep_alive = 2s");
                Charon right = Charon.start(lab, lab.right, "right");
                right.load(l.mirror("none").withRemoteAddr("%any"));
                left.load(l);
                try (WireCapture cap = WireCapture.start(
                        lab.right,
                        lab.rightDev,
                        dir.resolve("wire.pcapng"),
                        dir.resolve("tshark.log"),
                        Duration.ofSeconds(60))) {
                    var r = left.initiate("nat", 20);
                    assertTrue(r.ok(), r.stdout() + r.stderr());
                    left.awaitEstablished("nat", Duration.ofSeconds(10));
                    SaList.IkeSa rs = right.awaitEstablished("nat", Duration.ofSeconds(10));
                    assertTrue(rs.remote().startsWith(lab.leftSeenAs + "["), rs.toString());
                    assertFalse(right.logLines("remote host is behind NAT").isEmpty(), "right saw the NAT");
                    assertFalse(left.logLines("local host is behind NAT").isEmpty(), "left saw the NAT");
                    assertEquals(
                            5,
                            Traffic.ping(lab, lab.left, lab.leftInner, lab.rightInner, 5, 0.2)
                                    .received());
                    TcpTransfer.Result t = Traffic.tcp(lab.left, lab.leftInner, lab.right, lab.rightInner, 256 << 10);
                    assertTrue(t.intact(), t.toString());
                    Thread.sleep(5000); // NAT keepalives every 2 s while idle (RFC 3948 §2.3)
                    WireCapture.Outcome o = cap.stop();
                    Path pcap = dir.resolve("wire.pcapng");
                    assertTrue(o.summary().espPackets() > 20, o.summary().toString());
                    assertEquals(0, o.summary().cleartext(), o.summary().toString());
                    assertFalse(o.markerSeen());
                    int espInUdp = Traffic.count(pcap, "esp && udp.port == 4500 && ip.src == " + lab.leftSeenAs);
                    int keepalives = Traffic.count(
                            pcap, "udp.dstport == 4500 && udp.length == 9 && ip.src == " + lab.leftSeenAs);
                    assertTrue(espInUdp > 10, "ESP in UDP 4500 from the NAT: " + espInUdp);
                    assertTrue(keepalives >= 1, "NAT keepalives: " + keepalives);
                    System.out.println("charon<->charon NAT: " + o.summary() + ", ESP-in-UDP from NAT " + espInUdp
                            + ", keepalives " + keepalives);
                }
            });
        }
    }
}
