package org.jipsec.core.sad;

import java.util.function.Consumer;

/**
 * SPI → first SA of the chain of SAs with that SPI ({@code SecurityAssociation.nextSameSpi}): an open-addressing
 * hash table with linear probing and backward-shift deletion, kept at most half full. Two arrays, no per-entry
 * objects, so a lookup touches the key array, the value array and the SA — the inbound path stays O(1) with few
 * cache misses at a million SAs.
 */
final class SpiIndex {
    private int[] keys = new int[16];
    private SecurityAssociation[] values = new SecurityAssociation[16];
    private int size;

    private static int slot(int spi, int mask) {
        int h = spi * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }

    SecurityAssociation get(int spi) {
        int mask = keys.length - 1;
        for (int i = slot(spi, mask); ; i = (i + 1) & mask) {
            SecurityAssociation v = values[i];
            if (v == null) return null;
            if (keys[i] == spi) return v;
        }
    }

    /** Sets the chain head for {@code spi}; returns the previous head (null if none). */
    SecurityAssociation put(int spi, SecurityAssociation sa) {
        if ((size + 1) * 2 > keys.length) grow();
        int mask = keys.length - 1;
        for (int i = slot(spi, mask); ; i = (i + 1) & mask) {
            SecurityAssociation v = values[i];
            if (v == null) {
                keys[i] = spi;
                values[i] = sa;
                size++;
                return null;
            }
            if (keys[i] == spi) {
                values[i] = sa;
                return v;
            }
        }
    }

    void remove(int spi) {
        int mask = keys.length - 1;
        int i = slot(spi, mask);
        while (true) {
            if (values[i] == null) return;
            if (keys[i] == spi) break;
            i = (i + 1) & mask;
        }
        // backward-shift deletion: move later entries of the probe run into the hole
        int hole = i;
        for (int j = (hole + 1) & mask; values[j] != null; j = (j + 1) & mask) {
            int home = slot(keys[j], mask);
            boolean between = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
            if (!between) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        values[hole] = null;
        keys[hole] = 0;
        size--;
    }

    int size() {
        return size;
    }

    void forEachHead(Consumer<SecurityAssociation> action) {
        for (SecurityAssociation v : values) if (v != null) action.accept(v);
    }

    private void grow() {
        int[] oldKeys = keys;
        SecurityAssociation[] oldValues = values;
        keys = new int[oldKeys.length * 2];
        values = new SecurityAssociation[oldKeys.length * 2];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) if (oldValues[i] != null) put(oldKeys[i], oldValues[i]);
    }
}
