package org.jipsec.core.spd;

import java.util.ArrayList;
import java.util.List;

/**
 * A hash map from a 128-bit key (two longs) to a value, open addressing with linear probing and
 * backward-shift deletion: lookups allocate nothing (the SPD index probes it per packet). Not
 * thread-safe; {@link Spd}'s lock guards it.
 */
final class LongPairMap<V> {

    private long[] his;
    private long[] los;
    private Object[] vals;
    private int size;
    private int mask;

    LongPairMap() {
        alloc(8);
    }

    private void alloc(int cap) {
        his = new long[cap];
        los = new long[cap];
        vals = new Object[cap];
        mask = cap - 1;
    }

    private static int hash(long hi, long lo) {
        long h = hi * 0x9E3779B97F4A7C15L + lo;
        h *= 0xC2B2AE3D27D4EB4FL;
        return (int) (h ^ (h >>> 31) ^ (h >>> 47));
    }

    int size() {
        return size;
    }

    @SuppressWarnings("unchecked")
    V get(long hi, long lo) {
        int i = hash(hi, lo) & mask;
        while (true) {
            Object v = vals[i];
            if (v == null) return null;
            if (his[i] == hi && los[i] == lo) return (V) v;
            i = (i + 1) & mask;
        }
    }

    /** Puts a non-null value; returns the previous one or null. */
    @SuppressWarnings("unchecked")
    V put(long hi, long lo, V value) {
        if ((size + 1) * 4 > vals.length * 3) grow();
        int i = hash(hi, lo) & mask;
        while (vals[i] != null) {
            if (his[i] == hi && los[i] == lo) {
                V old = (V) vals[i];
                vals[i] = value;
                return old;
            }
            i = (i + 1) & mask;
        }
        his[i] = hi;
        los[i] = lo;
        vals[i] = value;
        size++;
        return null;
    }

    @SuppressWarnings("unchecked")
    V remove(long hi, long lo) {
        int i = hash(hi, lo) & mask;
        while (true) {
            Object v = vals[i];
            if (v == null) return null;
            if (his[i] == hi && los[i] == lo) break;
            i = (i + 1) & mask;
        }
        V old = (V) vals[i];
        // backward-shift deletion: move later entries of the probe run into the hole
        int hole = i;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (vals[j] == null) break;
            int home = hash(his[j], los[j]) & mask;
            // entry j may move to the hole if its home is not in (hole, j] cyclically
            boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                his[hole] = his[j];
                los[hole] = los[j];
                vals[hole] = vals[j];
                hole = j;
            }
        }
        vals[hole] = null;
        size--;
        return old;
    }

    @SuppressWarnings("unchecked")
    List<V> values() {
        List<V> out = new ArrayList<>(size);
        for (Object v : vals) if (v != null) out.add((V) v);
        return out;
    }

    @SuppressWarnings("unchecked")
    private void grow() {
        long[] h = his;
        long[] l = los;
        Object[] v = vals;
        alloc(v.length * 2);
        size = 0;
        for (int i = 0; i < v.length; i++) {
            if (v[i] != null) put(h[i], l[i], (V) v[i]);
        }
    }
}
