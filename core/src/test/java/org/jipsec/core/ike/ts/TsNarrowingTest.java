package org.jipsec.core.ike.ts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Random;
import org.jipsec.core.ike.codec.TrafficSelector;
import org.jipsec.core.ike.config.TrafficSelectorSpec;
import org.junit.jupiter.api.Test;

class TsNarrowingTest {

    private static TrafficSelector ts(String spec) {
        return TrafficSelectorSpec.parse(spec).toSelector(null);
    }

    private static List<TrafficSelector> tss(String... specs) {
        return java.util.Arrays.stream(specs).map(TsNarrowingTest::ts).toList();
    }

    @Test
    void numberedCases() {
        record Case(String a, String b, String expected) {}
        for (Case c : List.of(
                new Case("10.0.0.0/8", "10.1.0.0/16", "10.1.0.0/16"),
                new Case("10.0.0.0/24", "10.0.1.0/24", null),
                new Case("10.0.0.0-10.0.0.9", "10.0.0.5-10.0.0.20", "10.0.0.5-10.0.0.9"),
                new Case("0.0.0.0/0[tcp]", "10.0.0.1", "10.0.0.1[tcp]"),
                new Case("10.0.0.1[tcp]", "10.0.0.1[udp]", null),
                new Case("10.0.0.1[tcp/80]", "10.0.0.1[tcp/1-1024]", "10.0.0.1[tcp/80]"),
                new Case("10.0.0.1[tcp/80]", "10.0.0.1[tcp/81-90]", null),
                new Case("0.0.0.0/0", "::/0", null),
                new Case("2001:db8::/32", "2001:db8:1::/48", "2001:db8:1::/48"))) {
            TrafficSelector x = TsNarrowing.intersect(ts(c.a), ts(c.b));
            assertEquals(c.expected == null ? null : ts(c.expected), x, c.a + " ∩ " + c.b);
            assertEquals(x, TsNarrowing.intersect(ts(c.b), ts(c.a)), "symmetric: " + c.a + " ∩ " + c.b);
        }
        // OPAQUE ports (start > end, §3.13.1) share nothing with a port range
        TrafficSelector opaque = new TrafficSelector(7, 6, 0xffff, 0, new byte[4], new byte[] {-1, -1, -1, -1});
        assertNull(TsNarrowing.intersect(opaque, ts("10.0.0.1[tcp]")));
    }

    @Test
    void responderNarrowsBothSidesOrSaysWhy() {
        TsNarrowing.Result r = TsNarrowing.respond(
                tss("10.1.0.0/16"), tss("0.0.0.0/0"), tss("10.2.0.0/24", "10.3.0.0/24"), tss("10.1.2.0/24"));
        TsNarrowing.Result.Narrowed n = assertInstanceOf(TsNarrowing.Result.Narrowed.class, r);
        assertEquals(tss("10.1.2.0/24"), n.tsi());
        assertEquals(tss("10.2.0.0/24", "10.3.0.0/24"), n.tsr());
        TsNarrowing.Result bad =
                TsNarrowing.respond(tss("10.9.0.0/16"), tss("0.0.0.0/0"), tss("10.2.0.0/24"), tss("10.1.2.0/24"));
        assertTrue(
                assertInstanceOf(TsNarrowing.Result.Unacceptable.class, bad)
                        .reason()
                        .startsWith("TSi [10.9.0.0.."),
                bad.toString());
        assertTrue(TsNarrowing.isSubset(n.tsi(), tss("10.1.0.0/16")));
        assertFalse(TsNarrowing.isSubset(tss("10.0.0.0/8"), tss("10.1.0.0/16")));
    }

    /** Property over seeded random IPv4 selectors: the intersection is contained in both and is the largest such. */
    @Test
    void intersectionAgreesWithAPointwiseCheck() throws Exception {
        Random rnd = new Random(29);
        for (int i = 0; i < 3_000; i++) {
            TrafficSelector a = random(rnd);
            TrafficSelector b = random(rnd);
            TrafficSelector x = TsNarrowing.intersect(a, b);
            for (int k = 0; k < 20; k++) {
                int addr = rnd.nextInt(16);
                int port = rnd.nextInt(8);
                int proto = rnd.nextInt(3) * 6; // 0, 6, 12
                boolean inBoth = contains(a, addr, port, proto) && contains(b, addr, port, proto);
                boolean inX = x != null && contains(x, addr, port, proto);
                assertEquals(inBoth, inX, a + " ∩ " + b + " = " + x + " at " + addr + "/" + port + "/" + proto);
            }
        }
    }

    private static TrafficSelector random(Random rnd) throws Exception {
        int s = rnd.nextInt(16);
        int e = s + rnd.nextInt(16 - s);
        int ps = rnd.nextInt(8);
        int pe = ps + rnd.nextInt(8 - ps);
        return new TrafficSelector(
                7,
                rnd.nextInt(3) * 6,
                ps,
                pe,
                InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) s}).getAddress(),
                new byte[] {10, 0, 0, (byte) e});
    }

    /** Whether a packet (address 10.0.0.addr, port, protocol — 0 stands for "some protocol not 6 or 12"). */
    private static boolean contains(TrafficSelector t, int addr, int port, int proto) {
        int s = t.startAddress()[3] & 0xff;
        int e = t.endAddress()[3] & 0xff;
        boolean protoOk = t.ipProtocol() == 0 || t.ipProtocol() == proto;
        return addr >= s && addr <= e && port >= t.startPort() && port <= t.endPort() && protoOk;
    }
}
