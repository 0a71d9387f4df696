package org.jipsec.core.ike.config;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** An in-memory file system for the parser: path → text; globs with '*' and '?' within one directory. */
record MemorySource(Map<String, String> files) implements ConfigSource {

    @Override
    public String read(String path) {
        return files.get(path);
    }

    @Override
    public List<String> glob(String pattern, String directory) {
        String full = pattern.startsWith("/") ? pattern : directory + "/" + pattern;
        Pattern re =
                Pattern.compile(Pattern.quote(full).replace("*", "\\E[^/]*\\Q").replace("?", "\\E[^/]\\Q"));
        return files.keySet().stream()
                .filter(f -> re.matcher(f).matches())
                .sorted()
                .toList();
    }
}
