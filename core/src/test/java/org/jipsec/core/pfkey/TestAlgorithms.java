package org.jipsec.core.pfkey;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.List;
import org.jipsec.core.crypto.Algorithm;
import org.jipsec.core.crypto.AlgorithmKind;
import org.jipsec.core.crypto.KeyLengths;

/**
 * Algorithm rows for tests that need a fixed, small catalog (the fields the key engine reads: kind, number, name,
 * key bits, block size). Built through the record's canonical constructor by component name, so the tests do not
 * depend on the row's other fields, which the crypto issue owns.
 */
final class TestAlgorithms {
    private TestAlgorithms() {}

    static Algorithm row(AlgorithmKind kind, int number, String name, KeyLengths bits, int blockBytes) {
        try {
            RecordComponent[] rc = Algorithm.class.getRecordComponents();
            Class<?>[] types = new Class<?>[rc.length];
            Object[] args = new Object[rc.length];
            for (int i = 0; i < rc.length; i++) {
                types[i] = rc[i].getType();
                args[i] = switch (rc[i].getName()) {
                    case "kind" -> kind;
                    case "number" -> number;
                    case "name", "dumpName" -> name;
                    case "pfkeyName" -> "SADB_" + name;
                    case "keyBits" -> bits;
                    case "blockBytes", "ivBytes" -> blockBytes;
                    case "reference" -> "test";
                    case "factory" -> Algorithm.Factory.NONE;
                    default -> defaultFor(types[i]);
                };
            }
            Constructor<Algorithm> c = Algorithm.class.getDeclaredConstructor(types);
            return c.newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static Object defaultFor(Class<?> t) {
        if (t == int.class) return 0;
        if (t == boolean.class) return true;
        if (t == List.class) return List.of();
        if (t == String.class) return "";
        return null;
    }
}
