package org.jipsec.core.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ZeroizableKeyTest {

    @Test
    void destroyZeroesTheOnlyCopyAndToStringHidesTheKey() {
        byte[] raw = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
        ZeroizableKey k = new ZeroizableKey("AES", raw);
        byte[] copy = k.getEncoded();
        copy[0] = 99; // a copy: changing it does not touch the key
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, k.getEncoded());
        assertFalse(k.toString().contains("01"), k.toString());
        k.destroy();
        assertTrue(k.isDestroyed());
        assertArrayEquals(new byte[16], raw);
        assertThrows(IllegalStateException.class, k::getEncoded);
    }

    @Test
    void transformsDoNotPrintKeys() throws Exception {
        for (Algorithm a : AlgorithmTable.all()) {
            assertFalse(a.toString().matches(".*[0-9a-f]{16}.*"), a.toString());
        }
    }
}
