package org.jipsec.cli.ike;

import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jipsec.cli.ike.InteropPki.Issued;
import org.jipsec.cli.ike.InteropPki.KeyFile;
import org.jipsec.cli.ike.InteropPki.KeyType;

/**
 * The certificates of the interop tests, made once per JVM ({@link #get}): an RSA root and an ECDSA root, each
 * gateway's certificate under both (DN {@code C=CH, O=jipsec lab, CN=<name>.ike.test}, subjectAltNames FQDN and
 * address), a rogue root with a certificate carrying right's name, an expired and a revoked certificate of right's
 * (with the RSA root's CRL revoking the latter), and a large chain (RSA 3072 intermediate, RSA 3072 end entities
 * with a padding extension, made on first use) that makes IKE_AUTH larger than a 1280-octet path MTU.
 */
final class LabCerts {
    static final String LEFT_FQDN = "left.ike.test";
    static final String RIGHT_FQDN = "right.ike.test";
    static final String LEFT_DN = "C=CH, O=jipsec lab, CN=" + LEFT_FQDN;
    static final String RIGHT_DN = "C=CH, O=jipsec lab, CN=" + RIGHT_FQDN;
    /** IkeLab.direct's outer addresses (subjectAltName iPAddress). */
    static final String LEFT_ADDR = "10.197.0.1";

    static final String RIGHT_ADDR = "10.197.0.2";

    final Issued rsaRoot;
    final Issued ecRoot;
    final Issued rogueRoot;
    final Issued leftRsa;
    final Issued rightRsa;
    final Issued leftEc;
    final Issued rightEc;
    final Issued rightRogue;
    final Issued rightExpired;
    final Issued leftExpired;
    final Issued rightRevoked;
    final byte[] rsaCrl;
    private Issued bigIntermediate;
    private Issued leftBig;
    private Issued rightBig;

    private static LabCerts instance;

    static synchronized LabCerts get() throws Exception {
        if (instance == null) {
            long t0 = System.nanoTime();
            instance = new LabCerts();
            System.out.printf("lab PKI made in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        }
        return instance;
    }

    private LabCerts() throws Exception {
        rsaRoot = InteropPki.root("C=CH, O=jipsec lab, CN=jipsec lab RSA root", KeyType.RSA2048);
        ecRoot = InteropPki.root("C=CH, O=jipsec lab, CN=jipsec lab ECDSA root", KeyType.P384);
        rogueRoot = InteropPki.root("C=CH, O=rogue lab, CN=rogue root", KeyType.RSA2048);
        leftRsa = InteropPki.endEntity(rsaRoot, LEFT_DN, KeyType.RSA2048, LEFT_FQDN, LEFT_ADDR);
        rightRsa = InteropPki.endEntity(rsaRoot, RIGHT_DN, KeyType.RSA3072, RIGHT_FQDN, RIGHT_ADDR);
        leftEc = InteropPki.endEntity(ecRoot, LEFT_DN, KeyType.P256, LEFT_FQDN, LEFT_ADDR);
        rightEc = InteropPki.endEntity(ecRoot, RIGHT_DN, KeyType.P384, RIGHT_FQDN, RIGHT_ADDR);
        // the same name re-issued with one spare key: another CA's, expired, revoked (RSA key generation is slow)
        KeyPair spare = KeyType.RSA2048.generate();
        Instant now = Instant.now();
        Instant hourAgo = now.minus(Duration.ofHours(1));
        Instant inAYear = now.plus(Duration.ofDays(365));
        List<String> rightNames = List.of(RIGHT_FQDN, RIGHT_ADDR);
        rightRogue = InteropPki.endEntity(rogueRoot, RIGHT_DN, spare, rightNames, hourAgo, inAYear);
        rightExpired = InteropPki.endEntity(
                rsaRoot, RIGHT_DN, spare, rightNames, now.minus(Duration.ofDays(60)), now.minus(Duration.ofDays(1)));
        leftExpired = InteropPki.endEntity(
                rsaRoot,
                LEFT_DN,
                leftRsa.keys(),
                List.of(LEFT_FQDN, LEFT_ADDR),
                now.minus(Duration.ofDays(60)),
                now.minus(Duration.ofDays(1)));
        rightRevoked = InteropPki.endEntity(rsaRoot, RIGHT_DN, spare, rightNames, hourAgo, inAYear);
        rsaCrl = InteropPki.crl(rsaRoot, List.of(rightRevoked));
    }

    /** The large chain, made on first use (RSA key generation is slow on a loaded machine). */
    private synchronized void makeBig() throws Exception {
        if (bigIntermediate != null) return;
        long t0 = System.nanoTime();
        bigIntermediate =
                InteropPki.intermediate(rsaRoot, "C=CH, O=jipsec lab, CN=jipsec lab big intermediate", KeyType.RSA3072);
        Instant nb = Instant.now().minus(Duration.ofHours(1));
        Instant na = Instant.now().plus(Duration.ofDays(30));
        leftBig = InteropPki.endEntity(
                bigIntermediate, LEFT_DN, KeyType.RSA3072, List.of(LEFT_FQDN, LEFT_ADDR), nb, na, 800);
        rightBig = InteropPki.endEntity(
                bigIntermediate, RIGHT_DN, KeyType.RSA3072, List.of(RIGHT_FQDN, RIGHT_ADDR), nb, na, 800);
        System.out.printf("large chain made in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    /** left's RSA 3072 certificate (with an 800-octet padding extension) under the RSA 3072 intermediate. */
    Issued leftBig() throws Exception {
        makeBig();
        return leftBig;
    }

    Issued rightBig() throws Exception {
        makeBig();
        return rightBig;
    }

    Issued bigIntermediate() throws Exception {
        makeBig();
        return bigIntermediate;
    }

    /**
     * One side's swanctl directory: its own certificate and key (PKCS#8 in private/), the lab's CAs (both roots and
     * the intermediate — which one a connection trusts is its {@code remote.cacerts}; never the rogue root) and the
     * RSA root's CRL.
     */
    String write(Path confDir, String name, Issued own, KeyFile keyFile) throws Exception {
        return InteropPki.writeSwanctl(confDir, name, own, keyFile, cas(), List.of(rsaCrl));
    }

    private synchronized List<Issued> cas() {
        return bigIntermediate == null ? List.of(rsaRoot, ecRoot) : List.of(rsaRoot, ecRoot, bigIntermediate);
    }

    String write(Path confDir, String name, Issued own) throws Exception {
        return write(confDir, name, own, KeyFile.PKCS8);
    }
}
