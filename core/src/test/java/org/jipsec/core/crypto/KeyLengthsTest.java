package org.jipsec.core.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Test;

class KeyLengthsTest {

    @Test
    void rangeWithStep() {
        KeyLengths blowfish = KeyLengths.range(40, 448, 8);
        assertTrue(blowfish.allows(40));
        assertTrue(blowfish.allows(448));
        assertFalse(blowfish.allows(41));
        assertFalse(blowfish.allows(456));
        assertEquals("40 to 448", blowfish.describe());
    }

    @Test
    void discrete() {
        KeyLengths aesCtr = KeyLengths.of(160, 224, 288);
        assertTrue(aesCtr.allows(224));
        assertFalse(aesCtr.allows(128));
        assertEquals(160, aesCtr.minBits());
        assertEquals(288, aesCtr.maxBits());
        assertEquals("160/224/288", aesCtr.describe());
    }

    @FuzzTest(maxDuration = "10s")
    void allowsIsConsistentWithBounds(FuzzedDataProvider data) {
        int min = data.consumeInt(0, 4096);
        int max = data.consumeInt(min, 8192);
        int step = data.consumeInt(1, 64);
        int probe = data.consumeInt();
        KeyLengths k = KeyLengths.range(min, max, step);
        if (k.allows(probe)) {
            assertTrue(probe >= k.minBits() && probe <= k.maxBits());
        }
    }
}
