package org.jipsec.io.ike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import org.jipsec.core.ike.config.ConfigException;
import org.jipsec.core.ike.config.IkeConfig;
import org.jipsec.core.ike.config.IkeConfigDiff;
import org.jipsec.core.ike.engine.IkeEndpoint;
import org.jipsec.testkit.TestPki;
import org.jipsec.testkit.TestPki.Issued;
import org.jipsec.testkit.TestPki.KeyType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #15: two iked runtimes back to back (as {@link IkeRuntimeBackToBackTest}) whose certificates, keys, CAs and
 * CRLs are files in swanctl's layout beside each one's iked.conf, loaded by {@link IkeCredentials}: certificate
 * authentication end to end, a revoked peer refused with one line naming it, a reload after a certificate file
 * changed counting the connection as changed, and clear errors for missing and mismatched files.
 */
class IkeRuntimeCertTest {
    static final String A = "10.0.0.1";
    static final String B = "10.0.0.2";
    static final Issued CA = TestPki.rootCa("C=CH, O=jipsec, CN=Runtime Root", KeyType.EC_P256);

    @TempDir
    Path tmp;

    final Deque<Object[]> wire = new ArrayDeque<>();
    long now = Instant.now().toEpochMilli();
    final List<String> aLog = new ArrayList<>();
    final List<String> bLog = new ArrayList<>();
    IkeRuntime a;
    IkeRuntime b;

    static String conf(String local, String remote, String certs, String remoteId, String start) {
        return """
                connections {
                    ab {
                        local_addrs = %s
                        remote_addrs = %s
                        proposals = aes128gcm16-prfsha256-x25519
                        local {
                            auth = pubkey
                            certs = %s
                        }
                        remote {
                            auth = pubkey
                            cacerts = Runtime_Root.pem
                            id = "%s"
                        }
                        children {
                            net {
                                local_ts = %s/32
                                remote_ts = %s/32
                                esp_proposals = aes128gcm16
                                start_action = %s
                            }
                        }
                    }
                }
                """.formatted(local, remote, certs, remoteId, local, remote, start);
    }

    Path side(String name, Issued own, String local, String remote, String remoteId, String start) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        TestPki.writeSwanctl(dir, name, own, CA);
        Path file = dir.resolve("iked.conf");
        Files.writeString(file, conf(local, remote, name + ".pem", remoteId, start), StandardCharsets.US_ASCII);
        return file;
    }

    IkeRuntime runtime(Path file, String local, List<String> log) throws Exception {
        IkeConfig cfg = FileConfigSource.load(file);
        IkeRuntime rt = new IkeRuntime(
                cfg,
                new FakeIkeKernel(local.equals(A) ? 0x1000 : 0x2000),
                (from, to, m) ->
                        wire.add(new Object[] {to.address().getHostAddress().equals(A), from, to, m}),
                log::add,
                new SecureRandom(),
                new Random(7),
                InetAddress.getByName(local),
                500,
                4500);
        rt.credentials(IkeCredentials.load(file, cfg, now, log::add));
        return rt;
    }

    void pump() {
        for (int i = 0; i < 100 && !wire.isEmpty(); i++) {
            Object[] p = wire.poll();
            ((Boolean) p[0] ? a : b).datagram((IkeEndpoint) p[1], (IkeEndpoint) p[2], (byte[]) p[3], now);
        }
        assertTrue(wire.isEmpty(), "the exchange did not settle");
    }

    static boolean established(List<String> log) {
        return log.stream().anyMatch(l -> l.contains("IKE_SA established"));
    }

    @Test
    void certificatesFromFilesEndToEndAndReload() throws Exception {
        Issued moon = TestPki.endEntity(CA, "C=CH, O=jipsec, CN=moon", KeyType.RSA_2048, "dns:moon.example");
        Issued sun = TestPki.endEntity(CA, "C=CH, O=jipsec, CN=sun", KeyType.EC_P384);
        Path fa = side("moon", moon, A, B, "C=CH, O=jipsec, CN=sun", "start");
        Path fb = side("sun", sun, B, A, "C=CH, O=jipsec, CN=*", "none");
        a = runtime(fa, A, aLog);
        b = runtime(fb, B, bLog);
        b.start(now);
        a.start(now);
        pump();
        assertTrue(established(aLog), aLog::toString);
        assertTrue(established(bLog), bLog::toString);

        // sun's certificate file is replaced by a new one: the reload renegotiates the connection
        Issued sun2 = TestPki.endEntity(CA, "C=CH, O=jipsec, CN=sun", KeyType.EC_P256);
        TestPki.writeSwanctl(fb.getParent(), "sun", sun2, CA);
        IkeConfig next = FileConfigSource.load(fb);
        IkeConfigDiff d = new IkeRuntimeAdmin(b).reload(next, IkeCredentials.load(fb, next, now, bLog::add), now);
        assertEquals(List.of("ab"), d.changed(), d::toString);
        // unchanged files: unchanged connection
        IkeConfigDiff same = new IkeRuntimeAdmin(b).reload(next, IkeCredentials.load(fb, next, now, bLog::add), now);
        assertEquals(List.of("ab"), same.unchanged(), same::toString);
    }

    @Test
    void revokedPeerIsRefusedWithOneLine() throws Exception {
        Issued moon = TestPki.endEntity(CA, "C=CH, O=jipsec, CN=moon", KeyType.EC_P256);
        Issued sun = TestPki.endEntity(CA, "C=CH, O=jipsec, CN=sun", KeyType.EC_P256);
        Path fa = side("moon", moon, A, B, "%any", "start");
        Path fb = side("sun", sun, B, A, "%any", "none");
        TestPki.writeCrl(
                fb.getParent(),
                "root.crl",
                TestPki.crl(
                        CA,
                        TestPki.revoked(moon.cert(), Instant.ofEpochMilli(now).minusSeconds(60), 1)));
        a = runtime(fa, A, aLog);
        b = runtime(fb, B, bLog);
        a.start(now);
        pump();
        List<String> refused =
                bLog.stream().filter(l -> l.contains("AUTHENTICATION_FAILED")).toList();
        assertEquals(1, refused.size(), bLog::toString);
        assertTrue(
                refused.getFirst()
                        .matches("ab\\[\\d+\\]: IKE_SA failed: AUTHENTICATION_FAILED: certificate 'C=CH, O=jipsec,"
                                + " CN=moon' \\(serial 0x[0-9a-f]+\\): revoked on .* \\(key compromise\\)"),
                refused.getFirst());
        assertTrue(aLog.stream().anyMatch(l -> l.contains("AUTHENTICATION_FAILED")), aLog::toString);
    }

    @Test
    void filesThatDoNotFitAreClearErrors() throws Exception {
        Issued moon = TestPki.endEntity(CA, "C=CH, O=jipsec, CN=moon", KeyType.EC_P256);
        Path fa = side("moon", moon, A, B, "%any", "none");
        IkeConfig cfg = FileConfigSource.load(fa);
        // a key that is not the certificate's
        Files.writeString(
                fa.getParent().resolve("private/moon.pem"),
                TestPki.traditionalPem(TestPki.keyPair(KeyType.EC_P256).getPrivate()));
        ConfigException e = assertThrows(ConfigException.class, () -> IkeCredentials.load(fa, cfg, now, aLog::add));
        assertTrue(e.getMessage().contains("no private key in private/, rsa/, ecdsa/, pkcs8/"), e.getMessage());
        assertTrue(e.getMessage().contains("matches certificate 'C=CH, O=jipsec, CN=moon'"), e.getMessage());
        // the traditional PEM of the right key works (and a garbage file beside it is skipped with a warning)
        Files.writeString(fa.getParent().resolve("private/moon.pem"), TestPki.traditionalPem(moon.key()));
        Files.writeString(fa.getParent().resolve("private/junk.pem"), "not a key");
        IkeCredentials.load(fa, cfg, now, aLog::add);
        assertTrue(
                aLog.stream().anyMatch(l -> l.contains("junk.pem: not a usable private key, skipped")), aLog::toString);
        // a missing certificate file
        Files.delete(fa.getParent().resolve("x509/moon.pem"));
        e = assertThrows(ConfigException.class, () -> IkeCredentials.load(fa, cfg, now, aLog::add));
        assertTrue(
                e.getMessage().contains("connections.ab.local.certs: ")
                        && e.getMessage().contains("no such file"),
                e.getMessage());
    }

    @Test
    void ownCertificateNearExpiryIsWarnedAtLoad() throws Exception {
        Instant t = Instant.ofEpochMilli(now);
        Issued moon = TestPki.issue(
                CA,
                "C=CH, O=jipsec, CN=moon",
                KeyType.EC_P256,
                false,
                t.minusSeconds(86_400),
                t.plusSeconds(86_400 * 10));
        Path fa = side("moon", moon, A, B, "%any", "none");
        IkeCredentials.load(fa, FileConfigSource.load(fa), now, aLog::add);
        assertTrue(
                aLog.stream().anyMatch(l -> l.matches("our certificate 'C=CH, O=jipsec, CN=moon' .* in (9|10) days")),
                aLog::toString);
    }
}
