package org.jipsec.core.ike.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A section of a strongSwan settings file: ordered key/value settings and ordered subsections, each remembering
 * where it was (last) defined. As in strongSwan's settings parser, a key defined twice keeps the later value
 * and a section defined twice is merged.
 */
public final class Settings {

    /** One {@code key = value}, with its origin. */
    public record Value(String text, String file, int line) {}

    private final String name;
    private final String file;
    private final int line;
    private final Map<String, Value> values = new LinkedHashMap<>();
    private final Map<String, Settings> sections = new LinkedHashMap<>();

    Settings(String name, String file, int line) {
        this.name = name;
        this.file = file;
        this.line = line;
    }

    public String name() {
        return name;
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public Map<String, Value> values() {
        return java.util.Collections.unmodifiableMap(values);
    }

    public Map<String, Settings> sections() {
        return java.util.Collections.unmodifiableMap(sections);
    }

    void put(String key, Value v) {
        values.remove(key); // the later definition also moves to the end, as the file reads
        values.put(key, v);
    }

    Settings section(String n, String f, int l) {
        return sections.computeIfAbsent(n, k -> new Settings(k, f, l));
    }
}
