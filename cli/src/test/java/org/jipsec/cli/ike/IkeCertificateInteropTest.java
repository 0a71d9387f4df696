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
import org.jipsec.testkit.RequiresRoot;
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
@RequiresRoot
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
        return jipsec(lab, own, keyFile, auth, start, t -> t, iked);
    }

    /** As above, with {@code edit} applied to jipsec's swanctl.conf text. */
    static JipsecIked jipsec(
            IkeLab lab,
            Issued own,
            KeyFile keyFile,
            CertConf auth,
            String start,
            java.util.function.UnaryOperator<String> edit,
            String... iked)
            throws Exception {
        JipsecIked left = JipsecIked.startGateway(lab, lab.left, "left", lab.leftInner, lab.rightInner);
        pki.write(left.dir, "left", own, keyFile);
        Files.writeString(left.config, edit.apply(auth.text(conn(lab).withStart(start), false)));
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

    /**
     * The PKI, the swanctl layout and the harness, proven with strongSwan on both sides: the large chain (root,
     * intermediate, RSA 3072 end entities; DN identities) over the MTU-1280 path that drops IP fragments, so IKE_AUTH
     * crosses only in RFC 7383 fragments — the setting of {@link #aCertificateChainLargerThanThePathMtuCrossesInFragments}.
     */
    @Test
    void strongSwanToStrongSwanWithTheLabPki() throws Exception {
        try (IkeLab lab = IkeLab.direct(dir)) {
            lab.run(() -> {
                smallMtuNoFragments(lab);
                Charon left = Charon.start(lab, lab.left, "left");
                Charon right = charon(lab, pki.rightBig(), rightAuth("right.pem", pki.rsaRoot));
                pki.write(left.dir, "left", pki.leftBig(), KeyFile.CLASSIC);
                left.load(leftAuth("left.pem", pki.rsaRoot).text(conn(lab), true));
                CommandResult certs = right.swanctl(20, "--list-certs");
                assertTrue(certs.stdout().contains("CN=jipsec lab big intermediate"), certs.stdout());
                CommandResult r = left.initiate("cert", 20);
                assertTrue(r.ok(), r.stdout() + r.stderr());
                right.awaitEstablished("cert", Duration.ofSeconds(10));
                assertFalse(right.logLines("received fragment #").isEmpty(), "IKE_AUTH came in fragments");
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

    /** jipsec initiates, ECDSA certificates (P-256 left, P-384 right), IP address identities (subjectAltName). */
    @Test
    void jipsecInitiatesWithEcdsaCertificatesAndAddressIds() throws Exception {
        try (IkeLab lab = IkeLab.direct(dir)) {
            lab.run(() -> {
                Charon right = charon(
                        lab, pki.rightEc, CertConf.of("right.pem", lab.rightAddr, caFile(pki.ecRoot), lab.leftAddr));
                JipsecIked left = jipsec(
                        lab,
                        pki.leftEc,
                        KeyFile.PKCS8,
                        CertConf.of("left.pem", lab.leftAddr, caFile(pki.ecRoot), lab.rightAddr),
                        "start");
                SaList.IkeSa sa = right.awaitEstablished("cert", Duration.ofSeconds(30));
                StrongSwanInteropTest.awaitChildInJipsec(left, sa.children().getFirst());
                pingBothWays(lab);
                System.out.println("jipsec -> strongSwan, ECDSA: " + charonAuthLine(right, lab.leftAddr));
            });
        }
    }

    /**
     * jipsec initiates and signs with RSA-PSS ({@code local.auth = rsa/pss}: RFC 7427 method 14 with RSASSA-PSS,
     * RFC 8247 §3.2); strongSwan verifies it and logs the scheme.
     */
    @Test
    void jipsecInitiatesWithRsaPssSignatures() throws Exception {
        try (IkeLab lab = IkeLab.direct(dir)) {
            lab.run(() -> {
                Charon right = charon(lab, pki.rightRsa, rightAuth("right.pem", pki.rsaRoot));
                JipsecIked left = jipsec(
                        lab,
                        pki.leftRsa,
                        KeyFile.PKCS8,
                        leftAuth("left.pem", pki.rsaRoot),
                        "start",
                        t -> t.replaceFirst("auth = pubkey", "auth = rsa/pss"));
                assertTrue(Files.readString(left.config).contains("auth = rsa/pss"), "jipsec's local.auth");
                SaList.IkeSa sa = right.awaitEstablished("cert", Duration.ofSeconds(30));
                StrongSwanInteropTest.awaitChildInJipsec(left, sa.children().getFirst());
                pingBothWays(lab);
                String line = charonAuthLine(right, LEFT_DN);
                assertTrue(line.contains("RSA_EMSA_PSS"), "charon verified a PSS signature: " + line);
                System.out.println("jipsec -> strongSwan, RSA-PSS: " + line);
            });
        }
    }

    /**
     * strongSwan initiates with RSA-PSS signatures ({@code charon.rsa_pss = yes}, RFC 7427 with RSASSA-PSS): jipsec
     * verifies them; RSA (PKCS#1 key in rsa/) at jipsec, DN identities.
     */
    @Test
    void strongSwanInitiatesWithRsaPssSignatures() throws Exception {
        try (IkeLab lab = IkeLab.direct(dir)) {
            lab.run(() -> {
                Charon right = charon(lab, pki.rightRsa, rightAuth("right.pem", pki.rsaRoot), "rsa_pss = yes");
                JipsecIked left = jipsec(lab, pki.leftRsa, KeyFile.CLASSIC, leftAuth("left.pem", pki.rsaRoot), "none");
                CommandResult r = right.initiate("cert", 30);
                assertTrue(r.ok(), "swanctl --initiate: " + r.stdout() + r.stderr());
                SaList.IkeSa sa = right.awaitEstablished("cert", Duration.ofSeconds(5));
                StrongSwanInteropTest.awaitChildInJipsec(left, sa.children().getFirst());
                pingBothWays(lab);
                List<String> own = right.logLines("authentication of '" + RIGHT_DN + "' (myself) with");
                assertFalse(own.isEmpty(), "charon signed");
                assertTrue(own.getLast().contains("RSA_EMSA_PSS"), "charon signed with PSS: " + own.getLast());
                System.out.println("strongSwan -> jipsec, RSA-PSS: "
                        + own.getLast().replaceAll(".*(authentication of .*)", "$1") + "; "
                        + charonAuthLine(right, LEFT_DN));
            });
        }
    }

    /**
     * strongSwan initiates with {@code rightCert} to jipsec, which must refuse it: swanctl's initiation fails, no
     * CHILD_SA reaches jipsecd, and jipsec's log has a line naming right's certificate (its DN) and matching
     * {@code reason} (case-insensitive regex). Returns that line.
     */
    String refusedByJipsec(IkeLab lab, Issued rightCert, CertConf jipsecAuth, String reason) throws Exception {
        Charon right = charon(
                lab, rightCert, rightAuth("right.pem", pki.rsaRoot), "retransmit_timeout = 1", "retransmit_tries = 1");
        JipsecIked left = jipsec(lab, pki.leftRsa, KeyFile.PKCS8, jipsecAuth, "none");
        CommandResult r = right.initiate("cert", 10);
        assertFalse(r.ok(), "strongSwan established with a certificate jipsec must refuse: " + r.stdout());
        java.util.regex.Pattern p = java.util.regex.Pattern.compile(reason, java.util.regex.Pattern.CASE_INSENSITIVE);
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            List<String> lines = left.ikedLogLines(RIGHT_FQDN).stream()
                    .filter(l -> p.matcher(l).find())
                    .toList();
            if (!lines.isEmpty()) {
                assertEquals(0, left.spis().size(), "jipsecd holds no SA:\n" + left.sad());
                System.out.println("jipsec refused: " + lines.getFirst());
                return lines.getFirst();
            }
            if (System.nanoTime() > end) {
                throw new AssertionError(
                        "no line in jipsec's log naming " + RIGHT_DN + " and /" + reason + "/:\n" + left.ikedLog());
            }
            Thread.sleep(200);
        }
    }

    @Test
    void jipsecRefusesACertificateFromAnotherCa() throws Exception {
        try (IkeLab lab = IkeLab.direct(dir)) {
            lab.run(() -> refusedByJipsec(
                    lab,
                    pki.rightRogue,
                    leftAuth("left.pem", pki.rsaRoot),
                    "unknown CA|untrusted|not trusted|no trusted|issuer"));
        }
    }

    @Test
    void jipsecRefusesAPeerWhoseIdIsNotTheConfiguredOne() throws Exception {
        try (IkeLab lab = IkeLab.direct(dir)) {
            lab.run(() -> refusedByJipsec(
                    lab,
                    pki.rightRsa,
                    CertConf.of(
                            "left.pem", dn(LEFT_DN), caFile(pki.rsaRoot), dn("C=CH, O=jipsec lab, CN=other.ike.test")),
                    "ID mismatch|identity|no (matching )?(connection|config)"));
        }
    }

    @Test
    void jipsecRefusesAnExpiredCertificate() throws Exception {
        try (IkeLab lab = IkeLab.direct(dir)) {
            lab.run(() -> refusedByJipsec(lab, pki.rightExpired, leftAuth("left.pem", pki.rsaRoot), "expired"));
        }
    }

    @Test
    void jipsecRefusesARevokedCertificate() throws Exception {
        try (IkeLab lab = IkeLab.direct(dir)) {
            lab.run(() -> refusedByJipsec(lab, pki.rightRevoked, leftAuth("left.pem", pki.rsaRoot), "revoked"));
        }
    }

    /** The other way: jipsec initiates with an expired certificate and strongSwan refuses it. */
    @Test
    void strongSwanRefusesJipsecsExpiredCertificate() throws Exception {
        try (IkeLab lab = IkeLab.direct(dir)) {
            lab.run(() -> {
                Charon right = charon(lab, pki.rightRsa, rightAuth("right.pem", pki.rsaRoot));
                JipsecIked left =
                        jipsec(lab, pki.leftExpired, KeyFile.PKCS8, leftAuth("left.pem", pki.rsaRoot), "start");
                long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (right.logLines("N(AUTH_FAILED)").isEmpty()) {
                    if (System.nanoTime() > end) throw new AssertionError("charon sent no AUTHENTICATION_FAILED");
                    Thread.sleep(200);
                }
                List<String> why = right.logLines("certificate invalid");
                why = why.isEmpty() ? right.logLines("expired") : why;
                assertFalse(why.isEmpty(), "charon says the certificate is invalid");
                assertTrue(right.sas().stream().noneMatch(s -> s.state().equals("ESTABLISHED")));
                assertFalse(
                        left.ikedLogLines("refused our authentication").isEmpty(),
                        "jipsec says it was refused:\n" + left.ikedLog());
                assertEquals(0, left.spis().size(), left.sad());
                System.out.println("strongSwan refused jipsec's expired certificate: " + why.getFirst());
            });
        }
    }

    /** MTU 1280 on the veth, and both namespaces drop IPv4 fragments. */
    static void smallMtuNoFragments(IkeLab lab) throws Exception {
        mtu(lab, lab.left, 1280);
        mtu(lab, lab.right, 1280);
        IkeFragmentationInteropTest.dropFragments(lab, lab.left);
        IkeFragmentationInteropTest.dropFragments(lab, lab.right);
    }

    /** Sets the MTU of the veth in {@code ns} (the one device besides lo). */
    static void mtu(IkeLab lab, String ns, int mtu) throws Exception {
        String links =
                IkeLab.check(lab.exec(ns, 10, "ip", "-o", "link", "show")).stdout();
        for (String l : links.lines().toList()) {
            String dev = l.replaceAll("^\\d+: ([^:@]+).*", "$1");
            if (!dev.equals("lo")) IkeLab.check(lab.exec(ns, 10, "ip", "link", "set", "dev", dev, "mtu", "" + mtu));
        }
    }

    /**
     * A path of MTU 1280 that drops IP fragments (as {@link IkeFragmentationInteropTest}), both sides with an RSA 3072
     * end-entity certificate (and an 800-octet extension) under an RSA 3072 intermediate: each IKE_AUTH carries two
     * certificates and a 384-octet signature, well above 1280 octets. With {@code fragmentation} jipsec's default (yes) the exchange is split
     * (RFC 7383) both ways and succeeds; with {@code fragmentation = no} at jipsec it cannot.
     */
    void bigChainOverSmallMtu(IkeLab lab, boolean fragmentation) throws Exception {
        smallMtuNoFragments(lab);
        Charon right = charon(
                lab,
                pki.rightBig(),
                rightAuth("right.pem", pki.rsaRoot),
                "retransmit_timeout = 1",
                "retransmit_tries = 2");
        CertConf auth = leftAuth("left.pem", pki.rsaRoot);
        JipsecIked left = jipsec(
                lab, pki.leftBig(), KeyFile.PKCS8, fragmentation ? auth : auth.with("fragmentation = no"), "none");
        CommandResult r = right.initiate("cert", fragmentation ? 30 : 10);
        String log = JipsecIked.read(right.dir.resolve("charon.log"));
        int sent = right.logLines("sending packet").size();
        if (fragmentation) {
            assertTrue(r.ok(), "swanctl --initiate: " + r.stdout() + r.stderr());
            SaList.IkeSa sa = right.awaitEstablished("cert", Duration.ofSeconds(5));
            StrongSwanInteropTest.awaitChildInJipsec(left, sa.children().getFirst());
            assertTrue(log.contains("fragments"), "charon split its IKE_AUTH:\n" + log);
            assertTrue(log.contains("received fragment #"), "charon reassembled jipsec's IKE_AUTH:\n" + log);
            pingBothWays(lab);
            List<String> split = right.logLines("fragments");
            System.out.println(
                    "large chain over MTU 1280: " + split.getLast().replaceAll(".*(generating|splitting)", "$1") + "; "
                            + charonAuthLine(right, LEFT_DN));
        } else {
            assertFalse(r.ok(), "established although the IKE_AUTH could only cross in IP fragments: " + r.stdout());
            assertFalse(log.contains("received fragment #"), log);
            assertEquals(0, left.spis().size(), left.sad());
            System.out.println("large chain over MTU 1280 without fragmentation: refused after " + sent + " packets");
        }
    }

    @Test
    void aCertificateChainLargerThanThePathMtuCrossesInFragments() throws Exception {
        try (IkeLab lab = IkeLab.direct(dir)) {
            lab.run(() -> bigChainOverSmallMtu(lab, true));
        }
    }

    @Test
    void withoutFragmentationTheLargeChainNeverArrives() throws Exception {
        try (IkeLab lab = IkeLab.direct(dir)) {
            lab.run(() -> bigChainOverSmallMtu(lab, false));
        }
    }

    /**
     * Issue #15 item 4 with certificates: jipsec runs with {@code --keylog DIR}; tshark, with DIR as its profile,
     * decrypts the captured IKE_AUTH (both CERT payloads, X.509 signature encoding 4, and the AUTH method) and the
     * ESP of the pings (ICMP inside, for AES-GCM the decryption checks the ICV).
     */
    @Test
    void tsharkDecryptsTheCertificateExchangeWithJipsecsKeyLog() throws Exception {
        try (IkeLab lab = IkeLab.direct(dir)) {
            lab.run(() -> {
                Path pcap = dir.resolve("keylog.pcapng");
                Path keys = dir.resolve("keys");
                try (org.jipsec.cli.lab.WireCapture cap = org.jipsec.cli.lab.WireCapture.start(
                        lab.right, lab.rightDev, pcap, dir.resolve("tshark-keylog.log"), Duration.ofSeconds(90))) {
                    Charon right = charon(
                            lab, pki.rightEc, CertConf.of("right.pem", RIGHT_FQDN, caFile(pki.ecRoot), LEFT_FQDN));
                    JipsecIked left = jipsec(
                            lab,
                            pki.leftEc,
                            KeyFile.PKCS8,
                            CertConf.of("left.pem", LEFT_FQDN, caFile(pki.ecRoot), RIGHT_FQDN),
                            "start",
                            "--keylog",
                            keys.toString());
                    SaList.IkeSa sa = right.awaitEstablished("cert", Duration.ofSeconds(30));
                    StrongSwanInteropTest.awaitChildInJipsec(left, sa.children().getFirst());
                    Traffic.PingCount p = Traffic.ping(lab, lab.left, lab.leftInner, lab.rightInner, 3, 0.2);
                    assertEquals(3, p.received(), p.toString());
                    Thread.sleep(500);
                    cap.stop();
                }
                CommandResult r = org.jipsec.io.netns.Commands.run(
                        List.of(
                                "env",
                                "WIRESHARK_CONFIG_DIR=" + keys,
                                "HOME=" + dir,
                                "tshark",
                                "-n",
                                "-r",
                                pcap.toString(),
                                "-o",
                                "esp.enable_encryption_decode:TRUE",
                                "-o",
                                "esp.enable_authentication_check:TRUE",
                                "-T",
                                "fields",
                                "-E",
                                "separator=|",
                                "-e",
                                "frame.number",
                                "-e",
                                "isakmp.exchangetype",
                                "-e",
                                "isakmp.id.data.fqdn",
                                "-e",
                                "isakmp.cert.encoding",
                                "-e",
                                "isakmp.auth.method",
                                "-e",
                                "icmp.type",
                                "-e",
                                "esp.icv_bad"),
                        Duration.ofSeconds(60));
                assertTrue(r.ok(), r.stdout() + r.stderr());
                List<String> rows = r.stdout().lines().toList();
                List<String> auth =
                        rows.stream().filter(l -> l.matches("\\d+\\|35\\|.*")).toList();
                List<String> withCert = auth.stream()
                        .filter(l -> l.split("\\|", -1)[3].contains("4"))
                        .toList();
                assertEquals(
                        2, withCert.size(), "IKE_AUTH request and response decrypted, each with CERT:\n" + r.stdout());
                assertTrue(withCert.getFirst().contains(LEFT_FQDN), withCert.getFirst());
                assertTrue(withCert.getLast().contains(RIGHT_FQDN), withCert.getLast());
                for (String l : withCert) assertFalse(l.split("\\|", -1)[4].isEmpty(), "AUTH method shown: " + l);
                long requests = rows.stream()
                        .filter(l -> l.split("\\|", -1)[5].equals("8"))
                        .count();
                long replies = rows.stream()
                        .filter(l -> l.split("\\|", -1)[5].equals("0"))
                        .count();
                assertTrue(requests >= 3 && replies >= 3, "ICMP decrypted from ESP:\n" + r.stdout());
                assertTrue(rows.stream().noneMatch(l -> l.endsWith("|1")), "an ICV was bad:\n" + r.stdout());
                System.out.println("tshark with jipsec's key log: " + String.join(" / ", withCert) + "; ICMP echo "
                        + requests + " requests, " + replies + " replies decrypted");
            });
        }
    }
}
