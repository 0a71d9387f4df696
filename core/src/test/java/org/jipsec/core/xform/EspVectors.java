package org.jipsec.core.xform;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads {@code [name]} + {@code key = value} blocks from a vector file next to the test classes. */
final class EspVectors {
    private EspVectors() {}

    record Vector(String name, Map<String, String> fields) {
        String get(String k) {
            String v = fields.get(k);
            if (v == null) throw new IllegalArgumentException(name + ": no " + k);
            return v;
        }

        boolean has(String k) {
            return fields.containsKey(k);
        }

        byte[] hex(String k) {
            return HexFormat.of().parseHex(get(k).replaceAll("\\s+", ""));
        }

        long hexLong(String k) {
            return Long.parseUnsignedLong(get(k).replaceAll("\\s+", ""), 16);
        }
    }

    static List<Vector> load(String resource) throws IOException {
        List<Vector> out = new ArrayList<>();
        try (InputStream in = EspVectors.class.getResourceAsStream(resource)) {
            if (in == null) throw new IOException("missing " + resource);
            String name = null;
            Map<String, String> fields = null;
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) continue;
                if (t.startsWith("[") && t.endsWith("]")) {
                    if (name != null) out.add(new Vector(name, fields));
                    name = t.substring(1, t.length() - 1);
                    fields = new LinkedHashMap<>();
                    continue;
                }
                int eq = t.indexOf('=');
                if (eq < 0 || fields == null) throw new IOException("bad line: " + t);
                fields.put(t.substring(0, eq).strip(), t.substring(eq + 1).strip());
            }
            if (name != null) out.add(new Vector(name, fields));
        }
        return out;
    }
}
