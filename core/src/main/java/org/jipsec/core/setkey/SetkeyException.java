package org.jipsec.core.setkey;

/** A setkey configuration error, with the line it was found on (setkey(8): {@code line N: msg at [token]}). */
public final class SetkeyException extends Exception {
    private final int line;

    public SetkeyException(int line, String message) {
        super("line " + line + ": " + message, null, false, false);
        this.line = line;
    }

    public int line() {
        return line;
    }
}
