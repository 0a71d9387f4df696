package org.jipsec.core.crypto;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the known-answer files under {@code src/test/resources/vectors/}: {@code # comment} lines, a
 * {@code [name]} line opening each vector, then {@code field = hex} lines (an empty value is an empty byte
 * string; a value in double quotes is ASCII). The name cites the RFC section the vector was copied from.
 */
public final class VectorFile {

    /** One vector: its name and fields. */
    public record Vector(String file, String name, Map<String, String> fields) {
        public String text(String field) {
            String v = fields.get(field);
            if (v == null) throw new IllegalArgumentException(this + ": no field " + field);
            return v;
        }

        public byte[] bytes(String field) {
            String v = fields.getOrDefault(field, "");
            if (v.startsWith("\"") && v.endsWith("\"") && v.length() >= 2) {
                return v.substring(1, v.length() - 1).getBytes(StandardCharsets.US_ASCII);
            }
            return HexFormat.of().parseHex(v.replace(" ", ""));
        }

        public boolean flag(String field) {
            return "true".equals(fields.get(field));
        }

        @Override
        public String toString() {
            return file + " [" + name + "]";
        }
    }

    private VectorFile() {}

    public static List<Vector> load(String resource) {
        InputStream in = VectorFile.class.getResourceAsStream("/vectors/" + resource);
        if (in == null) throw new IllegalArgumentException("no vector file " + resource);
        List<Vector> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String name = null;
            Map<String, String> fields = null;
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) continue;
                if (t.startsWith("[") && t.endsWith("]")) {
                    if (name != null) out.add(new Vector(resource, name, fields));
                    name = t.substring(1, t.length() - 1);
                    fields = new LinkedHashMap<>();
                    continue;
                }
                int eq = t.indexOf('=');
                if (eq < 0 || fields == null) throw new IllegalArgumentException(resource + ":" + n + ": bad line");
                fields.merge(t.substring(0, eq).strip(), t.substring(eq + 1).strip(), String::concat);
            }
            if (name != null) out.add(new Vector(resource, name, fields));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
