package org.jipsec.core.ike.config;

import java.util.List;

/**
 * Where the parser reads files from: the core does no I/O, so the daemon passes a file-system implementation
 * and tests an in-memory one.
 */
public interface ConfigSource {

    /** The text of a file, or null if it does not exist. */
    String read(String path);

    /**
     * The files an {@code include} pattern names, sorted (strongSwan expands it with glob(3)); a relative
     * pattern is relative to {@code directory}, the including file's directory.
     */
    List<String> glob(String pattern, String directory);
}
