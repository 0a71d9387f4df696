package org.jipsec.cli.ike;

import static org.jipsec.cli.ike.CertConf.dn;
import static org.jipsec.cli.ike.InteropPki.caFile;
import static org.jipsec.cli.ike.LabCerts.LEFT_DN;
import static org.jipsec.cli.ike.LabCerts.LEFT_FQDN;
import static org.jipsec.cli.ike.LabCerts.RIGHT_DN;
import static org.jipsec.cli.ike.LabCerts.RIGHT_FQDN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jipsec.cli.ike.InteropPki.Issued;
import org.jipsec.cli.ike.InteropPki.KeyFile;
import org.jipsec.io.netns.CommandResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #15 items 1 and 5 from the outside: {@code jipsec iked} authenticating with X.509 certificates (swanctl.conf
 * {@code auth = pubkey}, {@code local.certs}, {@code remote.cacerts}, {@code remote.id}; the swanctl directory layout
 * next to the config) against strongSwan 5.9.8 in network namespaces ({@link IkeLab}, {@link Charon},
 * {@link JipsecIked}), with a throw-away PKI made in the test ({@link LabCerts}). jipsec is "left", charon "right".
 * Established tunnels are proven by ping between the inner addresses; refusals by strongSwan's failed initiation and
 * a line in jipsec's log that names the certificate and the reason. The PKI and the harness are proven first with
 * strongSwan against strongSwan, so that a failure of the jipsec cases is jipsec's.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IkeCertificateInteropTest {

    @TempDir
    Path dir;

    static LabCerts pki;

    @BeforeAll
    static void setUp() throws Exception {
        IkeLab.needStrongSwan();
        pki = LabCerts.get();
    }

    static SwanctlConf conn(IkeLab lab) {
        return SwanctlConf.of("cert", lab.leftAddr, lab.rightAddr, lab.leftInner + "/32", lab.rightInner + "/32");
    }

    /** Left's view: its certificate and DN, trusting {@code ca} for right's DN. */
    static CertConf leftAuth(String certFile, Issued ca) {
        return CertConf.of(certFile, dn(LEFT_DN), caFile(ca), dn(RIGHT_DN));
    }

    static CertConf rightAuth(String certFile, Issued ca) {
        return CertConf.of(certFile, dn(RIGHT_DN), caFile(ca), dn(LEFT_DN));
    }

    /** jipsec on left: gateway + iked with {@code auth} and its certificate {@code own} in its directory. */
    static JipsecIked jipsec(IkeLab lab, Issued own, KeyFile keyFile, CertConf auth, String start, String... iked)
            throws Exception {
        JipsecIked left = JipsecIked.startGateway(lab, lab.left, "left", lab.leftInner, lab.rightInner);
        pki.write(left.dir, "left", own, keyFile);
        Files.writeString(left.config, auth.text(conn(lab).withStart(start), false));
        left.startIked(iked);
        return left;
    }

    /** charon on right, loaded with its certificate {@code own} and {@code auth}. */
    static Charon charon(IkeLab lab, Issued own, CertConf auth, String... settings) throws Exception {
        Charon right = Charon.start(lab, lab.right, "right", settings);
        pki.write(right.dir, "right", own);
        right.load(auth.text(conn(lab).mirror("none"), true));
        return right;
    }

    /** The charon log line saying how the peer {@code who} authenticated (method and key), asserted present. */
    static String charonAuthLine(Charon c, String who) throws Exception {
        List<String> l = c.logLines("authentication of '" + who + "' with");
        assertFalse(l.isEmpty(), "charon authenticated " + who);
        assertTrue(l.getLast().contains("successful"), l.getLast());
        return l.getLast().replaceAll(".*(authentication of .*)", "$1");
    }

    static void pingBothWays(IkeLab lab) throws Exception {
        Traffic.PingCount p = Traffic.ping(lab, lab.left, lab.leftInner, lab.rightInner, 5, 0.2);
        assertEquals(5, p.received(), "ping left->right " + p);
        p = Traffic.ping(lab, lab.right, lab.rightInner, lab.leftInner, 5, 0.2);
        assertEquals(5, p.received(), "ping right->left " + p);
    }

    /** The PKI, the swanctl layout and the harness, proven with strongSwan on both sides (RSA, DN identities). */
    @Test
    void strongSwanToStrongSwanWithTheLabPki() throws Exception {
        try (IkeLab lab = IkeLab.direct(dir)) {
            lab.run(() -> {
                Charon left = Charon.start(lab, lab.left, "left");
                Charon right = charon(lab, pki.rightRsa, rightAuth("right.pem", pki.rsaRoot));
                pki.write(left.dir, "left", pki.leftRsa, KeyFile.CLASSIC);
                left.load(leftAuth("left.pem", pki.rsaRoot).text(conn(lab), true));
                CommandResult certs = right.swanctl(20, "--list-certs");
                assertTrue(certs.stdout().contains("CN=jipsec lab RSA root"), certs.stdout());
                CommandResult r = left.initiate("cert", 20);
                assertTrue(r.ok(), r.stdout() + r.stderr());
                right.awaitEstablished("cert", Duration.ofSeconds(10));
                pingBothWays(lab);
                System.out.println(
                        "charon<->charon: " + charonAuthLine(right, LEFT_DN) + "; " + charonAuthLine(left, RIGHT_DN));
            });
        }
    }

    /** jipsec initiates to strongSwan, RSA certificates (PKCS#8 key), DN identities. */
    @Test
    void jipsecInitiatesWithRsaCertificates() throws Exception {
        try (IkeLab lab = IkeLab.direct(dir)) {
            lab.run(() -> {
                Charon right = charon(lab, pki.rightRsa, rightAuth("right.pem", pki.rsaRoot));
                JipsecIked left = jipsec(lab, pki.leftRsa, KeyFile.PKCS8, leftAuth("left.pem", pki.rsaRoot), "start");
                SaList.IkeSa sa = right.awaitEstablished("cert", Duration.ofSeconds(30));
                assertFalse(sa.initiator(), "charon is the responder");
                StrongSwanInteropTest.awaitChildInJipsec(left, sa.children().getFirst());
                pingBothWays(lab);
                System.out.println("jipsec -> strongSwan, RSA: " + charonAuthLine(right, LEFT_DN));
            });
        }
    }

    /** strongSwan initiates to jipsec, ECDSA certificates (P-256 left, P-384 right; SEC 1 key), FQDN identities. */
    @Test
    void strongSwanInitiatesWithEcdsaCertificates() throws Exception {
        try (IkeLab lab = IkeLab.direct(dir)) {
            lab.run(() -> {
                Charon right =
                        charon(lab, pki.rightEc, CertConf.of("right.pem", RIGHT_FQDN, caFile(pki.ecRoot), LEFT_FQDN));
                JipsecIked left = jipsec(
                        lab,
                        pki.leftEc,
                        KeyFile.CLASSIC,
                        CertConf.of("left.pem", LEFT_FQDN, caFile(pki.ecRoot), RIGHT_FQDN),
                        "none");
                CommandResult r = right.initiate("cert", 30);
                assertTrue(r.ok(), "swanctl --initiate: " + r.stdout() + r.stderr());
                SaList.IkeSa sa = right.awaitEstablished("cert", Duration.ofSeconds(5));
                assertTrue(sa.initiator());
                StrongSwanInteropTest.awaitChildInJipsec(left, sa.children().getFirst());
                pingBothWays(lab);
                System.out.println("strongSwan -> jipsec, ECDSA: " + charonAuthLine(right, LEFT_FQDN));
            });
        }
    }
}
