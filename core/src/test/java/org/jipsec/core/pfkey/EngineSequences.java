package org.jipsec.core.pfkey;

import static org.jipsec.core.pfkey.Fixture.addEsp;
import static org.jipsec.core.pfkey.Fixture.bare;
import static org.jipsec.core.pfkey.Fixture.dst;
import static org.jipsec.core.pfkey.Fixture.msg;
import static org.jipsec.core.pfkey.Fixture.src;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.jipsec.core.ipsec.IpsecLevel;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.ipsec.IpsecRequest;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.ipsec.PolicyType;
import org.jipsec.core.ipsec.XPolicy;
import org.junit.jupiter.api.Test;

/**
 * Seed requests for fuzzing the engine, and a property test: random sequences (seeded) of valid, mutated and
 * garbage requests with clock ticks, checking after every step that the SAD, SPD and ACQUIRE tables are consistent
 * and no exception escapes.
 */
class EngineSequences {

    static final List<byte[]> SEEDS = seeds();

    private static List<byte[]> seeds() {
        List<PfkeyMessage> m = new ArrayList<>();
        for (int spi = 0x1000; spi < 0x1003; spi++) {
            m.add(addEsp(Sadb.SADB_ADD, spi, "10.0.0.1", "10.0.0.2", 7));
            m.add(addEsp(Sadb.SADB_UPDATE, spi, "10.0.0.1", "10.0.0.2", 7));
            m.add(msg(
                    Sadb.SADB_DELETE,
                    Sadb.SADB_SATYPE_ESP,
                    new Extension.Sa(spi, 0, 0, 0, 0, 0),
                    src("10.0.0.1"),
                    dst("10.0.0.2")));
            m.add(msg(
                    Sadb.SADB_GET,
                    Sadb.SADB_SATYPE_ESP,
                    new Extension.Sa(spi, 0, 0, 0, 0, 0),
                    src("10.0.0.1"),
                    dst("10.0.0.2")));
        }
        m.add(addEsp(
                Sadb.SADB_ADD,
                0x2000,
                "10.0.0.1",
                "10.0.0.2",
                7,
                new Extension.Lifetime(Sadb.SADB_EXT_LIFETIME_HARD, 0, 100, 20, 0),
                new Extension.Lifetime(Sadb.SADB_EXT_LIFETIME_SOFT, 0, 50, 10, 0)));
        m.add(PfkeyMessage.of(
                Sadb.SADB_GETSPI,
                Sadb.SADB_SATYPE_ESP,
                1,
                7,
                List.of(src("10.0.0.1"), dst("10.0.0.2"), new Extension.SpiRange(0x1000, 0x1004))));
        m.add(msg(Sadb.SADB_DELETE, Sadb.SADB_SATYPE_ESP, src("10.0.0.1"), dst("10.0.0.2")));
        m.add(bare(Sadb.SADB_FLUSH, 0));
        m.add(bare(Sadb.SADB_REGISTER, Sadb.SADB_SATYPE_ESP));
        m.add(bare(Sadb.SADB_X_PROMISC, 1));
        m.add(msg(
                Sadb.SADB_ACQUIRE,
                Sadb.SADB_SATYPE_ESP,
                src("10.0.0.1"),
                dst("10.0.0.3"),
                new Extension.Proposal(32, List.of())));
        IpsecRequest r = new IpsecRequest(IpsecProtocol.ESP, IpsecMode.TRANSPORT, IpsecLevel.UNIQUE, 0);
        for (int type : new int[] {Sadb.SADB_X_SPDADD, Sadb.SADB_X_SPDUPDATE, Sadb.SADB_X_SPDDELETE}) {
            m.add(msg(
                    type,
                    0,
                    new Extension.Policy(new XPolicy(PolicyType.IPSEC, PolicyDirection.OUTBOUND, 0, 0, List.of(r))),
                    src("10.0.1.0"),
                    dst("10.0.2.0"),
                    new Extension.Lifetime(Sadb.SADB_EXT_LIFETIME_HARD, 0, 0, 15, 0)));
        }
        m.add(msg(
                Sadb.SADB_X_SPDDELETE2,
                0,
                new Extension.Policy(new XPolicy(PolicyType.NONE, PolicyDirection.ANY, 1, 0, List.of()))));
        m.add(msg(
                Sadb.SADB_X_SPDGET,
                0,
                new Extension.Policy(new XPolicy(PolicyType.NONE, PolicyDirection.ANY, 1, 0, List.of()))));
        m.add(bare(Sadb.SADB_X_SPDFLUSH, 0));
        m.add(bare(Sadb.SADB_X_SPDDUMP, 0));
        List<byte[]> out = new ArrayList<>();
        for (PfkeyMessage x : m) out.add(PfkeyCodec.encode(x));
        out.add(PfkeyCodecTest.ADD_ESP);
        out.add(PfkeyCodecTest.SPDADD);
        return List.copyOf(out);
    }

    /** {@code seed} with up to {@code flips} bytes changed. */
    static byte[] mutate(byte[] seed, int r, int flips) {
        byte[] b = seed.clone();
        SplittableRandom rnd = new SplittableRandom(r);
        for (int i = 0; i < flips; i++) b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
        return b;
    }

    @Test
    void randomSequencesKeepTheDatabasesConsistent() {
        SplittableRandom rnd = new SplittableRandom(2367);
        for (int run = 0; run < 200; run++) {
            Fixture f = new Fixture(rnd.nextLong(), run % 2 == 1);
            KeyEngine e = f.engine;
            long[] sockets = {e.openSocket(), e.openSocket()};
            for (int step = 0; step < 60; step++) {
                long s = sockets[rnd.nextInt(2)];
                int what = rnd.nextInt(10);
                if (what < 5) {
                    e.handle(s, SEEDS.get(rnd.nextInt(SEEDS.size())));
                } else if (what < 8) {
                    e.handle(s, mutate(SEEDS.get(rnd.nextInt(SEEDS.size())), rnd.nextInt(), 1 + rnd.nextInt(3)));
                } else if (what < 9) {
                    byte[] junk = new byte[rnd.nextInt(64)];
                    rnd.nextBytes(junk);
                    e.handle(s, junk);
                } else {
                    f.clock.addAndGet(rnd.nextInt(25));
                    e.tick();
                }
                assertEquals(List.of(), e.checkInvariants(), "run " + run + " step " + step);
            }
        }
    }
}
