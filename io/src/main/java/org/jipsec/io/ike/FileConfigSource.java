package org.jipsec.io.ike;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jipsec.core.ike.config.ConfigException;
import org.jipsec.core.ike.config.ConfigSource;
import org.jipsec.core.ike.config.IkeConfig;
import org.jipsec.core.ike.config.SwanctlConfig;

/**
 * swanctl.conf files from the file system for {@link SwanctlConfig} ({@code include} globs expanded per directory
 * level with the file name pattern, sorted, as glob(3)). Files over 1 MiB are refused.
 */
public final class FileConfigSource implements ConfigSource {

    private static final long MAX_BYTES = 1 << 20;

    /** Loads and validates {@code file}; a missing or unreadable file is a ConfigException naming it. */
    public static IkeConfig load(Path file) throws ConfigException {
        if (!Files.isReadable(file)) throw new ConfigException(file.toString(), 0, "cannot read the file");
        try {
            return SwanctlConfig.load(file.toString(), new FileConfigSource());
        } catch (UncheckedIOException e) {
            throw new ConfigException(file.toString(), 0, e.getCause().getMessage());
        }
    }

    /** Loads {@code jipsec iked --settings FILE} (strongswan.conf syntax, charon's DoS keys). */
    public static org.jipsec.core.ike.admission.DaemonLimits loadSettings(Path file) throws ConfigException {
        if (!Files.isReadable(file)) throw new ConfigException(file.toString(), 0, "cannot read the file");
        try {
            return org.jipsec.core.ike.config.DaemonSettings.load(file.toString(), new FileConfigSource());
        } catch (UncheckedIOException e) {
            throw new ConfigException(file.toString(), 0, e.getCause().getMessage());
        }
    }

    @Override
    public String read(String path) {
        Path p = Path.of(path);
        try {
            if (Files.size(p) > MAX_BYTES)
                throw new UncheckedIOException(new IOException(path + ": larger than 1 MiB"));
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException(path + ": " + e.getMessage(), e));
        }
    }

    @Override
    public List<String> glob(String pattern, String directory) {
        Path full = Path.of(pattern).isAbsolute()
                ? Path.of(pattern)
                : Path.of(directory).resolve(pattern);
        Path dir = full.getParent();
        String name = full.getFileName().toString();
        List<String> out = new ArrayList<>();
        if (dir == null || !Files.isDirectory(dir)) return out;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, name)) {
            for (Path p : ds) if (Files.isRegularFile(p)) out.add(p.toString());
        } catch (IOException e) {
            return out;
        }
        out.sort(null);
        return out;
    }
}
