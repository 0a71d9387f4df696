package org.jipsec.core.spd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The index's open-addressing map against java.util.HashMap on seeded random puts/removes/gets. */
class LongPairMapTest {

    record Key(long hi, long lo) {}

    @ParameterizedTest
    @ValueSource(ints = {8, 64, 5000})
    void agreesWithHashMap(int universe) {
        SplittableRandom r = new SplittableRandom(universe);
        LongPairMap<Integer> m = new LongPairMap<>();
        Map<Key, Integer> ref = new HashMap<>();
        for (int step = 0; step < 50_000; step++) {
            Key k = new Key(r.nextInt(3), r.nextInt(universe));
            switch (r.nextInt(3)) {
                case 0 -> assertEquals(ref.put(k, step), m.put(k.hi(), k.lo(), step));
                case 1 -> assertEquals(ref.remove(k), m.remove(k.hi(), k.lo()));
                default -> assertEquals(ref.get(k), m.get(k.hi(), k.lo()));
            }
            assertEquals(ref.size(), m.size());
        }
        for (Map.Entry<Key, Integer> e : ref.entrySet())
            assertEquals(e.getValue(), m.get(e.getKey().hi(), e.getKey().lo()));
        assertEquals(ref.size(), m.values().size());
    }
}
