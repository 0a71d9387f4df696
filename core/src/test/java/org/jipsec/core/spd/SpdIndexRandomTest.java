package org.jipsec.core.spd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.ipsec.PolicyType;
import org.jipsec.core.ipsec.XPolicy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SPD's index against a naive list with NetBSD's linear first match, on seeded random policies
 * and packets: both families, overlapping prefixes (a small address universe), port and protocol
 * wildcards, IPv6 scope ids, interleaved adds, updates and deletes.
 */
class SpdIndexRandomTest {

    private static final int[] PROTOS = {6, 17, 1, 58, 255};

    private static byte[] addr(SplittableRandom r, boolean v6) {
        byte[] b = new byte[v6 ? 16 : 4];
        // a small universe so prefixes overlap: first byte from 2 values, a few bits vary
        b[0] = (byte) (r.nextBoolean() ? 10 : 0xfe);
        b[1] = (byte) r.nextInt(4);
        b[b.length - 2] = (byte) r.nextInt(3);
        b[b.length - 1] = (byte) r.nextInt(8);
        if (v6 && r.nextInt(4) == 0) b[7] = (byte) r.nextInt(2);
        return b;
    }

    private static InetAddress ia(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int prefix(SplittableRandom r, int bits) {
        int[] common =
                bits == 32 ? new int[] {0, 8, 16, 24, 29, 30, 31, 32} : new int[] {0, 8, 16, 64, 120, 126, 127, 128};
        return r.nextInt(3) == 0 ? r.nextInt(bits + 1) : common[r.nextInt(common.length)];
    }

    private static int port(SplittableRandom r) {
        return r.nextInt(3) == 0 ? 0 : 1 + r.nextInt(3);
    }

    private static SelectorSet randomSelector(SplittableRandom r, boolean v6) {
        int bits = v6 ? 128 : 32;
        int scope = v6 && r.nextInt(5) == 0 ? 1 + r.nextInt(2) : 0;
        int proto = PROTOS[r.nextInt(PROTOS.length)];
        return new SelectorSet(
                new Endpoint(ia(addr(r, v6)), port(r), scope),
                prefix(r, bits),
                new Endpoint(ia(addr(r, v6)), port(r), 0),
                prefix(r, bits),
                proto);
    }

    private static FlowKey randomPacket(SplittableRandom r) {
        boolean v6 = r.nextBoolean();
        int proto = PROTOS[r.nextInt(PROTOS.length)];
        int scope = v6 && r.nextInt(3) == 0 ? 1 + r.nextInt(2) : 0;
        return new FlowKey(addr(r, v6), addr(r, v6), proto, port(r), port(r), scope, r.nextInt(4) == 0 ? 1 : 0);
    }

    private static Optional<SecurityPolicy> naive(List<SecurityPolicy> list, PolicyDirection dir, FlowKey k) {
        for (SecurityPolicy sp : list)
            if (sp.direction() == dir && sp.selector().matches(k)) return Optional.of(sp);
        return Optional.empty();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 4711})
    void indexAgreesWithLinearFirstMatch(long seed) throws Exception {
        SplittableRandom r = new SplittableRandom(seed);
        Spd spd = new Spd(() -> Instant.EPOCH, () -> 1000);
        List<SecurityPolicy> naiveList = new ArrayList<>(); // insertion order, as NetBSD's lists
        int checks = 0;
        int hits = 0;
        for (int step = 0; step < 3000; step++) {
            int op = r.nextInt(10);
            PolicyDirection dir = r.nextBoolean() ? PolicyDirection.INBOUND : PolicyDirection.OUTBOUND;
            if (op < 5) {
                SelectorSet s = randomSelector(r, r.nextBoolean());
                XPolicy x = new XPolicy(r.nextBoolean() ? PolicyType.NONE : PolicyType.DISCARD, dir, 0, 0, List.of());
                boolean update = r.nextInt(4) == 0;
                try {
                    SecurityPolicy sp = update
                            ? spd.update(s, x, PolicyOrigin.USER, PolicyLifetime.NONE)
                            : spd.add(s, x, PolicyOrigin.USER, PolicyLifetime.NONE);
                    if (update)
                        naiveList.removeIf(
                                o -> o.direction() == dir && o.selector().sameAs(s));
                    naiveList.add(sp);
                } catch (SpdException e) {
                    assertEquals(SpdException.Errno.EEXIST, e.errno());
                    assertEquals(
                            true,
                            naiveList.stream()
                                    .anyMatch(o ->
                                            o.direction() == dir && o.selector().sameAs(s)));
                }
            } else if (op < 7 && !naiveList.isEmpty()) {
                SecurityPolicy victim = naiveList.get(r.nextInt(naiveList.size()));
                if (r.nextBoolean()) {
                    spd.deleteById(victim.id(), PolicyOrigin.USER);
                } else {
                    assertEquals(victim, spd.delete(victim.direction(), victim.selector(), PolicyOrigin.USER));
                }
                naiveList.remove(victim);
            } else {
                for (int i = 0; i < 5; i++) {
                    FlowKey k = randomPacket(r);
                    PolicyDirection d = r.nextBoolean() ? PolicyDirection.INBOUND : PolicyDirection.OUTBOUND;
                    Optional<SecurityPolicy> expected = naive(naiveList, d, k);
                    assertEquals(expected, spd.lookup(d, k), () -> "seed " + seed + " packet " + k);
                    checks++;
                    if (expected.isPresent()) hits++;
                }
            }
            assertEquals(naiveList.size(), spd.size());
        }
        assertEquals(
                naiveList.stream()
                        .filter(p -> p.direction() == PolicyDirection.INBOUND)
                        .toList(),
                spd.dump().stream()
                        .filter(p -> p.direction() == PolicyDirection.INBOUND)
                        .toList());
        org.junit.jupiter.api.Assertions.assertTrue(checks > 1000);
        // the universe is small enough that lookups do find (overlapping) policies
        org.junit.jupiter.api.Assertions.assertTrue(hits > checks / 5, hits + " of " + checks);
    }
}
