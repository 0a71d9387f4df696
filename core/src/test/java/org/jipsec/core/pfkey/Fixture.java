package org.jipsec.core.pfkey;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.jipsec.core.crypto.Algorithm;
import org.jipsec.core.crypto.AlgorithmKind;
import org.jipsec.core.crypto.KeyLengths;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.XPolicy;
import org.jipsec.core.spd.PolicyLifetime;
import org.jipsec.core.spd.PolicyOrigin;
import org.jipsec.core.spd.SelectorSet;
import org.jipsec.core.spd.Spd;

/**
 * A key engine on a test clock with a fixed algorithm list (the NetBSD rows of spec §1.13 the tests need), and
 * helpers to build requests as setkey/racoon send them.
 */
final class Fixture {

    static Algorithm alg(AlgorithmKind kind, int number, String name, KeyLengths bits, int block) {
        return TestAlgorithms.row(kind, number, name, bits, block);
    }

    static final List<Algorithm> ALGORITHMS = List.of(
            alg(AlgorithmKind.ENCRYPTION, 2, "des-cbc", KeyLengths.of(64), 8),
            alg(AlgorithmKind.ENCRYPTION, 3, "3des-cbc", KeyLengths.of(192), 8),
            alg(AlgorithmKind.ENCRYPTION, 11, "null", KeyLengths.range(0, 2048, 8), 4),
            alg(AlgorithmKind.ENCRYPTION, 12, "aes-cbc", KeyLengths.of(128, 192, 256), 16),
            alg(AlgorithmKind.AUTHENTICATION, 2, "hmac-md5", KeyLengths.of(128), 0),
            alg(AlgorithmKind.AUTHENTICATION, 3, "hmac-sha1", KeyLengths.of(160), 0),
            alg(AlgorithmKind.AUTHENTICATION, 5, "hmac-sha256", KeyLengths.of(256), 0),
            alg(AlgorithmKind.AUTHENTICATION, 251, "null", KeyLengths.range(0, 2048, 8), 0),
            alg(AlgorithmKind.COMPRESSION, 2, "deflate", KeyLengths.of(0), 0));

    final AtomicLong clock = new AtomicLong(1_700_000_000L);
    final KeySettings settings = new KeySettings();
    final PolicyStore policies;
    final Spd spd;
    final KeyEngine engine;

    Fixture() {
        this(42);
    }

    Fixture(long seed) {
        this(seed, false);
    }

    /** With {@code realSpd}, X_SPD* messages go to jipsec's SPD through {@link SpdPolicyStore}. */
    Fixture(long seed, boolean realSpd) {
        spd = realSpd ? new Spd(() -> java.time.Instant.ofEpochSecond(clock.get()), () -> settings.spiTry) : null;
        policies = realSpd ? new SpdPolicyStore(spd) : new ListPolicyStore(clock::get, () -> settings.spiTry);
        engine = new KeyEngine(
                settings, clock::get, new SplittableRandom(seed), policies, AlgorithmCatalog.of(ALGORITHMS));
    }

    /** A kernel-origin policy (invisible to PF_KEY delete/flush); returns its id. */
    int addKernelPolicy(PolicySelector s, XPolicy p) throws Exception {
        if (spd != null) {
            return spd.add(
                            new SelectorSet(
                                    s.source(),
                                    s.sourcePrefixBits(),
                                    s.destination(),
                                    s.destinationPrefixBits(),
                                    s.upperProtocol()),
                            p,
                            PolicyOrigin.KERNEL,
                            PolicyLifetime.NONE)
                    .id();
        }
        ((ListPolicyStore) policies).insert(new StoredPolicy(s, p.withId(77), 0, 0, 0, 0, true));
        return 77;
    }

    static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static Extension.Address src(String a) {
        return Extension.Address.of(Sadb.SADB_EXT_ADDRESS_SRC, new Endpoint(ip(a)));
    }

    static Extension.Address dst(String a) {
        return Extension.Address.of(Sadb.SADB_EXT_ADDRESS_DST, new Endpoint(ip(a)));
    }

    static Extension.Key key(int type, int bytes) {
        byte[] k = new byte[bytes];
        for (int i = 0; i < bytes; i++) k[i] = (byte) (0x11 * (i + 1));
        return new Extension.Key(type, bytes * 8, k);
    }

    /** add SRC DST esp SPI -E aes-cbc (128) -A hmac-sha1 [-u reqid] [-m mode]. */
    static PfkeyMessage addEsp(int type, int spi, String s, String d, int pid, Extension... more) {
        List<Extension> x = new ArrayList<>(List.of(
                key(Sadb.SADB_EXT_KEY_ENCRYPT, 16),
                key(Sadb.SADB_EXT_KEY_AUTH, 20),
                new Extension.Sa(spi, 4, 0, 3, 12, Sadb.SADB_X_EXT_CYCSEQ),
                new Extension.Sa2(0, 0, 0),
                src(s),
                dst(d)));
        for (Extension e : more) {
            x.removeIf(o -> o.type() == e.type());
            x.add(e);
        }
        return PfkeyMessage.of(type, Sadb.SADB_SATYPE_ESP, 0, pid, x);
    }

    static PfkeyMessage bare(int type, int satype) {
        return PfkeyMessage.of(type, satype, 0, 99, List.of());
    }

    static PfkeyMessage msg(int type, int satype, Extension... x) {
        return PfkeyMessage.of(type, satype, 0, 99, List.of(x));
    }

    /** Messages delivered to {@code socket} (promiscuous copies excluded). */
    static List<PfkeyMessage> to(Outcome o, long socket) {
        return o.deliveries().stream()
                .filter(d -> d.socketId() == socket && !d.promiscCopy())
                .map(Delivery::message)
                .toList();
    }

    static PfkeyMessage only(Outcome o, long socket) {
        List<PfkeyMessage> l = to(o, socket);
        if (l.size() != 1) throw new AssertionError("expected one message for " + socket + ", got " + o.deliveries());
        return l.getFirst();
    }

    static List<PfkeyMessage> drain(Outcome o) {
        List<PfkeyMessage> out = new ArrayList<>();
        DumpStream<?> s = o.dump().orElseThrow().stream();
        while (s.hasNext()) out.add(s.next());
        return out;
    }
}
