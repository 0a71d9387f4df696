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
import org.jipsec.testkit.RequiresRoot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * (f) of issue #14's interop proof: {@code jipsec iked} against {@code jipsec iked}, each keying its own
 * {@code jipsec gateway} in its namespace; left initiates at load. Both data planes hold the same two SPIs
 * (each one's inbound is the other's outbound), ping and TCP cross as ESP in UDP 4500 only. Root only.
 */
@RequiresRoot
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class IkedPairTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void tools() throws Exception {
        IkeLab.need("ping", "tshark");
    }

    @Test
    void jipsecToJipsec() throws Exception {
        try (IkeLab lab = IkeLab.direct(dir)) {
            lab.run(() -> {
                SwanctlConf c = SwanctlConf.of(
                                "pair", lab.leftAddr, lab.rightAddr, lab.leftInner + "/32", lab.rightInner + "/32")
                        .withProposals("aes128gcm16-prfsha256-x25519", "aes128gcm16");
                JipsecIked right = JipsecIked.startGateway(lab, lab.right, "right", lab.rightInner, lab.leftInner);
                right.startIked(c.mirror("none"));
                JipsecIked left = JipsecIked.startGateway(lab, lab.left, "left", lab.leftInner, lab.rightInner);
                left.startIked(c.withStart("start"));
                Set<String> l =
                        left.awaitSpis(s -> s.size() == 2, "a CHILD_SA in left's jipsecd", Duration.ofSeconds(30));
                Set<String> r = right.awaitSpis(
                        s -> s.equals(l), "the same CHILD_SA in right's jipsecd", Duration.ofSeconds(15));
                try (WireCapture cap = WireCapture.start(
                        lab.right,
                        lab.rightDev,
                        dir.resolve("wire.pcapng"),
                        dir.resolve("tshark.log"),
                        Duration.ofSeconds(90))) {
                    Traffic.PingCount p = Traffic.ping(lab, lab.left, lab.leftInner, lab.rightInner, 5, 0.2);
                    assertEquals(5, p.received(), p.toString());
                    TcpTransfer.Result t = Traffic.tcp(lab.left, lab.leftInner, lab.right, lab.rightInner, 1 << 20);
                    assertTrue(t.intact(), t.toString());
                    TcpTransfer.Result u = Traffic.tcp(lab.right, lab.rightInner, lab.left, lab.leftInner, 1 << 20);
                    assertTrue(u.intact(), u.toString());
                    WireCapture.Outcome o = cap.stop();
                    assertEquals(0, o.summary().cleartext(), o.summary().toString());
                    assertFalse(o.markerSeen());
                    assertEquals(
                            r.stream().map(x -> "0x" + x).collect(java.util.stream.Collectors.toSet()),
                            o.summary().espBySpi().keySet(),
                            o.summary().toString());
                    System.out.println(
                            "jipsec<->jipsec: SPIs " + r + ", wire " + o.summary() + ", TCP " + t + " / " + u);
                }
                assertTrue(left.statusLine().contains("IKE SAs=1 CHILD_SAs=1"), left.statusLine());
                assertTrue(right.statusLine().contains("IKE SAs=1 CHILD_SAs=1"), right.statusLine());
            });
        }
    }
}
