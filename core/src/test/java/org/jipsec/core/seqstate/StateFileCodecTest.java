package org.jipsec.core.seqstate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The state file: round trip, and every damaged file refused with its own exception (never another). */
class StateFileCodecTest {

    static SequenceRecord rec(int spi, int alen, long out, long in) {
        byte[] src = new byte[alen], dst = new byte[alen], fp = new byte[16];
        src[0] = 10;
        dst[0] = 10;
        dst[alen - 1] = 2;
        fp[0] = (byte) spi;
        return new SequenceRecord(new SaIdentity(3, spi, src, dst, fp), out, in, 1_700_000_000L);
    }

    static final List<SequenceRecord> RECORDS =
            List.of(rec(0x1000, 4, 4097, 64), rec(0x1001, 16, -1L, 0x1_0000_0000L), rec(0x1002, 4, 0, 0));

    @Test
    void roundTrip() throws Exception {
        assertEquals(RECORDS, StateFileCodec.decode(StateFileCodec.encode(RECORDS)));
        assertEquals(List.of(), StateFileCodec.decode(StateFileCodec.encode(List.of())));
    }

    @Test
    void aTornOrAlteredFileIsRefused() {
        byte[] f = StateFileCodec.encode(RECORDS);
        byte[] torn = java.util.Arrays.copyOf(f, f.length - 40);
        assertTrue(assertThrows(StateFileException.class, () -> StateFileCodec.decode(torn))
                .getMessage()
                .contains("checksum"));
        byte[] flipped = f.clone();
        flipped[30] ^= 1;
        assertTrue(assertThrows(StateFileException.class, () -> StateFileCodec.decode(flipped))
                .getMessage()
                .contains("checksum"));
        assertThrows(StateFileException.class, () -> StateFileCodec.decode(new byte[0]));
        byte[] magic = f.clone();
        magic[0] = 'X';
        assertTrue(assertThrows(StateFileException.class, () -> StateFileCodec.decode(magic))
                .getMessage()
                .contains("magic"));
        List<SequenceRecord> dup = new ArrayList<>(RECORDS);
        dup.add(RECORDS.getFirst());
        assertTrue(assertThrows(StateFileException.class, () -> StateFileCodec.decode(StateFileCodec.encode(dup)))
                .getMessage()
                .contains("duplicate"));
    }

    /** Seeded mutations (truncation, bit flips, re-checksummed garbage): StateFileException or a valid list only. */
    @Test
    void mutatedFilesThrowOnlyTheDeclaredException() throws Exception {
        SplittableRandom r = new SplittableRandom(12);
        byte[] f = StateFileCodec.encode(RECORDS);
        for (int i = 0; i < 5000; i++) {
            byte[] m = java.util.Arrays.copyOf(f, r.nextInt(f.length + 20));
            int flips = r.nextInt(4);
            for (int k = 0; k < flips && m.length > 0; k++) m[r.nextInt(m.length)] ^= (byte) (1 << r.nextInt(8));
            if (r.nextBoolean() && m.length >= 44) { // a valid checksum over garbage: the parser's turn
                var d = java.security.MessageDigest.getInstance("SHA-256");
                d.update(m, 0, m.length - 32);
                System.arraycopy(d.digest(), 0, m, m.length - 32, 32);
            }
            try {
                StateFileCodec.decode(m);
            } catch (StateFileException expected) {
                // refused
            }
        }
    }
}
