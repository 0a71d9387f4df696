package org.jipsec.core.ikekernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The handoff frame codec: a fixed vector, round trips of random frames, and random/mutated input. */
class HandoffFrameTest {

    @Test
    void vector() throws Exception {
        HandoffFrame f = new HandoffFrame(
                InetAddress.getByName("10.0.0.1"), 4500, InetAddress.getByName("10.0.0.2"), 40000, new byte[] {
                    0, 0, 0, 0, 0x21
                });
        assertEquals(
                "0101040000051194" + "9c40" + "0000" + "0a000001" + "0a000002" + "0000000021",
                HexFormat.of().formatHex(f.encode()));
        assertTrue(f.isIkeOrKeepalive());
        assertFalse(new HandoffFrame(f.localAddress(), 4500, f.remoteAddress(), 1, new byte[] {1, 2, 3, 4, 5, 6, 7, 8})
                .isIkeOrKeepalive());
        assertTrue(new HandoffFrame(f.localAddress(), 4500, f.remoteAddress(), 1, new byte[] {(byte) 0xff})
                .isIkeOrKeepalive());
    }

    static HandoffFrame random(SplittableRandom r) throws Exception {
        boolean v6 = r.nextBoolean();
        byte[] l = new byte[v6 ? 16 : 4];
        byte[] rr = new byte[v6 ? 16 : 4];
        r.nextBytes(l);
        r.nextBytes(rr);
        if (v6) {
            l[10] = 1;
            rr[10] = 1;
        } // not IPv4-mapped
        int len = r.nextInt(10) == 0 ? HandoffFrame.MAX_PAYLOAD - r.nextInt(3) : 1 + r.nextInt(1500);
        byte[] p = new byte[len];
        r.nextBytes(p);
        return new HandoffFrame(
                InetAddress.getByAddress(l),
                1 + r.nextInt(65535),
                InetAddress.getByAddress(rr),
                1 + r.nextInt(65535),
                p);
    }

    @Test
    void roundTrip() throws Exception {
        SplittableRandom r = new SplittableRandom(14);
        for (int i = 0; i < 2000; i++) {
            HandoffFrame f = random(r);
            byte[] w = f.encode();
            assertEquals(w.length, HandoffFrame.frameLength(w, 0));
            assertEquals(f, HandoffFrame.decode(w, 0, w.length));
        }
    }

    @Test
    void mutatedAndRandomInputOnlyFrameException() throws Exception {
        SplittableRandom r = new SplittableRandom(4500);
        for (int i = 0; i < 20000; i++) {
            byte[] w;
            if (r.nextBoolean()) {
                w = random(r).encode();
                int flips = 1 + r.nextInt(4);
                for (int k = 0; k < flips; k++) w[r.nextInt(Math.min(w.length, 64))] ^= (byte) (1 << r.nextInt(8));
                if (r.nextInt(4) == 0) w = java.util.Arrays.copyOf(w, r.nextInt(w.length + 8));
            } else {
                w = new byte[r.nextInt(80)];
                r.nextBytes(w);
            }
            try {
                int total = HandoffFrame.frameLength(w, 0);
                assertTrue(total <= HandoffFrame.MAX_FRAME);
                HandoffFrame f = HandoffFrame.decode(w, 0, w.length);
                assertArrayEquals(w, f.encode());
            } catch (HandoffFrame.FrameException expected) {
                // refused with a reason
                assertFalse(expected.getMessage().isEmpty());
            }
        }
        assertThrows(HandoffFrame.FrameException.class, () -> HandoffFrame.decode(null, 0, 0));
        assertThrows(HandoffFrame.FrameException.class, () -> HandoffFrame.decode(new byte[4], 2, 4));
    }
}
