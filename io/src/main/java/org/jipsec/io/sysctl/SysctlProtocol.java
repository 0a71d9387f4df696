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

    /**
     * The sysctl socket of the gateway whose PF_KEY socket is {@code pfkey}, when not given explicitly: in the same
     * directory, named after it — {@code pfkey} becomes {@code sysctl}, a name ending in {@code pfkey} gets that
     * ending replaced ({@code gw1.pfkey} → {@code gw1.sysctl}, {@code gw1-pfkey} → {@code gw1-sysctl}), any other
     * name gets {@code .sysctl} appended ({@code gw1} → {@code gw1.sysctl}). Two gateways whose PF_KEY sockets share
     * a directory thus get two sysctl sockets. The gateway and the {@code sysctl --pfkey} client both use this.
     */
    public static java.nio.file.Path besidePfkey(java.nio.file.Path pfkey) {
        return org.jipsec.io.unix.SocketPaths.besidePfkey(pfkey, "sysctl");
    }
}
