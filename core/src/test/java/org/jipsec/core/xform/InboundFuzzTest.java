package org.jipsec.core.xform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.net.PacketBuffer;
import org.junit.jupiter.api.Test;

/**
 * The inbound path on untrusted bytes: random and mutated packets must only ever give a counted drop (or a
 * packet), never an exception. Jazzer drives {@link #inbound} (regression mode under surefire runs the seeds);
 * {@link #mutatedPacketsOnlyEverDrop} mutates real protected packets with a seeded random source.
 */
class InboundFuzzTest {

    private static final class World {
        final List<SaContext> sas = new ArrayList<>();
        final Xform xform;
        final XformStats stats = new XformStats();
        final SaLookup lookup;

        World() {
            byte[] k20 = TestSas.hex("0123456789abcdef0123456789abcdef01020304");
            byte[] k16 = TestSas.hex("00112233445566778899aabbccddeeff");
            byte[] k32 = TestSas.hex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
            sas.add(TestSas.ctx(TestSas.esp(
                    0x1001, IpsecMode.TUNNEL, "192.0.2.1", "192.0.2.2", TestSas.enc("aes-gcm-16"), k20, null, null)));
            sas.add(TestSas.ctx(TestSas.esp(
                    0x1002,
                    IpsecMode.TRANSPORT,
                    "192.0.2.1",
                    "192.0.2.2",
                    TestSas.enc("aes-cbc"),
                    k16,
                    TestSas.auth("hmac-sha2-256"),
                    k32)));
            sas.add(TestSas.ctx(TestSas.esp(
                    0x1003, IpsecMode.TRANSPORT, "192.0.2.1", "192.0.2.2", TestSas.enc("null"), null, null, null)));
            sas.add(TestSas.ctx(TestSas.ah(
                    0x1004,
                    IpsecMode.TRANSPORT,
                    "192.0.2.1",
                    "192.0.2.2",
                    TestSas.auth("hmac-sha1"),
                    TestSas.hex("00112233445566778899aabbccddeeff00112233"))));
            sas.add(TestSas.ctx(new SaParameters(
                    0x1005,
                    IpsecProtocol.IPCOMP,
                    IpsecMode.TRANSPORT,
                    TestSas.ep("192.0.2.1"),
                    TestSas.ep("192.0.2.2"),
                    TestSas.comp("deflate"),
                    null,
                    null,
                    null,
                    0,
                    0,
                    false,
                    null,
                    0)));
            sas.add(TestSas.ctx(TestSas.esp(
                            0x1006,
                            IpsecMode.TUNNEL,
                            "2001:db8::1",
                            "2001:db8::2",
                            TestSas.enc("aes-gcm-16"),
                            k20,
                            null,
                            null)
                    .withNatT(NatTraversal.of(4500, 4500))));
            sas.add(TestSas.ctx(TestSas.ah(
                    0x1007, IpsecMode.TUNNEL, "2001:db8::1", "2001:db8::2", TestSas.auth("hmac-sha2-256"), k32)));
            xform = new Xform(XformSettings.DEFAULTS, stats);
            lookup = TestSas.lookup(sas.toArray(SaContext[]::new));
        }

        DropReason feed(byte[] b) {
            return xform.input(Xform.buffer(b), lookup, new InboundTrace());
        }

        /** Protected packets of every kind, to mutate. */
        List<byte[]> seeds() {
            List<byte[]> out = new ArrayList<>();
            byte[] big = new byte[300];
            for (int i = 0; i < big.length; i++) big[i] = (byte) (i % 7);
            for (SaContext sa : sas) {
                boolean v6 = sa.parameters().dst().isIpv6();
                String s = v6 ? "2001:db8::1" : "192.0.2.1", d = v6 ? "2001:db8::2" : "192.0.2.2";
                byte[] clear = TestSas.udp(s, d, 1, 2, big);
                PacketBuffer f = Xform.buffer(clear);
                if (xform.output(sa, f) == null) out.add(f.toByteArray());
            }
            return out;
        }
    }

    private static World world;

    private static World world() {
        if (world == null) world = new World();
        return world;
    }

    @FuzzTest(maxDuration = "30s")
    void inbound(FuzzedDataProvider data) {
        World w = world();
        byte[] b = data.consumeRemainingAsBytes();
        w.feed(b); // must not throw: any refusal is a DropReason
    }

    @Test
    void mutatedPacketsOnlyEverDrop() {
        World w = new World();
        List<byte[]> seeds = w.seeds();
        assertEquals(w.sas.size(), seeds.size(), "every SA protected its seed packet");
        SplittableRandom rnd = new SplittableRandom(4303_3948L);
        int dropped = 0;
        for (int i = 0; i < 30000; i++) {
            byte[] b = seeds.get(rnd.nextInt(seeds.size())).clone();
            switch (rnd.nextInt(5)) {
                case 0 -> b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length + 1));
                case 2 -> {
                    for (int j = 0; j < 4; j++) b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                }
                case 3 -> b[rnd.nextInt(Math.min(b.length, 48))] = (byte) rnd.nextInt(256); // headers
                default -> {
                    byte[] r = new byte[rnd.nextInt(200)];
                    rnd.nextBytes(r);
                    b = r;
                }
            }
            DropReason r = w.feed(b);
            if (r != null) dropped++;
        }
        long counted = 0;
        for (IpsecProtocol p : IpsecProtocol.values())
            for (DropReason r : DropReason.values()) counted += w.stats.drops(p, r);
        assertTrue(dropped > 0);
        assertEquals(dropped, counted, "every drop is counted once");
    }

    @Test
    void randomBytesOnlyEverDrop() {
        World w = new World();
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 20000; i++) {
            byte[] b = new byte[rnd.nextInt(120)];
            rnd.nextBytes(b);
            if (b.length > 0) b[0] = (byte) (rnd.nextBoolean() ? 0x45 : 0x60);
            if (b.length > 9 && b[0] == 0x45) b[9] = (byte) new int[] {50, 51, 108, 17, 4, 41}[rnd.nextInt(6)];
            if (b.length > 6 && b[0] == 0x60) b[6] = (byte) new int[] {50, 51, 108, 17, 0, 43, 60, 44}[rnd.nextInt(8)];
            w.feed(b);
        }
    }
}
