package org.jipsec.core.ike.config;

/**
 * A swanctl.conf file jipsec cannot use, with the file and line that says so ("iked.conf:12: unsupported key
 * 'connections.gw.aggressive'"). The only exception the parser and the config builder throw.
 */
public final class ConfigException extends Exception {
    private final String file;
    private final int line;

    public ConfigException(String file, int line, String message) {
        super(file + ":" + line + ": " + message, null, false, false);
        this.file = file;
        this.line = line;
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }
}
