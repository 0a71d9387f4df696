package org.jipsec.io.ike;

/** Where iked's log lines go (stderr in the daemon, a list in tests). A line never contains key material. */
@FunctionalInterface
public interface IkeLog {
    void line(String line);
}
