package org.jipsec.io.sysctl;

/**
 * The control protocol of jipsecd's sysctl socket: UTF-8 text lines, one request per line, each answered by a status
 * line, zero or more data lines and an empty line.
 * <pre>
 *  request                 answer
 *  list                    ok / "name = value" per integer variable (sysctl -a order) / ""
 *  get NAME                ok / value / ""
 *  set NAME VALUE          ok / old value / new value / ""
 *  struct NAME             ok / the bytes in hex (may be empty) / ""
 *  (any failure)           err ERRNO-NAME message / ""
 * </pre>
 * A request line is at most {@link #MAX_LINE} characters; a longer one is refused and the connection closed.
 */
public final class SysctlProtocol {
    private SysctlProtocol() {}

    public static final int MAX_LINE = 4096;

    /** Default socket path, next to the PF_KEY socket. */
    public static final java.nio.file.Path DEFAULT_PATH = java.nio.file.Path.of("/run/jipsec/sysctl");
}
