package org.jipsec.io.sockpolicy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The socket-policy socket's line protocol (UTF-8, one request per connection, every line at most
 * {@value #MAX_LINE} bytes with its newline):
 *
 * <pre>
 * client: echo PEER ID LOCAL          an ICMP echo flow: numeric peer and local addresses, identifier 0-65535
 *         policy POLICY               0 to 2 lines, an ipsec_set_policy(3) string each ("out ipsec esp/transport//require")
 *         end
 * server: ok clear=accept|reject tun=NAME
 *         error ERRNO MESSAGE          (and the connection is closed)
 * </pre>
 *
 * After {@code ok} the registration lasts until the client closes the connection (its socket is closed). {@code
 * clear=reject}: the engine would refuse this socket an echo reply that arrives in clear, which never passes through
 * the engine — the client must then take replies only from the TUN {@code NAME} (the engine's deliveries).
 */
public final class SocketPolicyProtocol {

    /** The longest line, newline included. */
    public static final int MAX_LINE = 1024;
    /** Most policy lines in one request (one per direction, as a socket has). */
    public static final int MAX_POLICIES = 2;

    private SocketPolicyProtocol() { }

    /** The socket beside a gateway's PF_KEY socket: {@code pfkey} → {@code sockpolicy}, {@code gw1.pfkey} → {@code gw1.sockpolicy}. */
    public static Path besidePfkey(Path pfkey) {
        return org.jipsec.io.unix.SocketPaths.besidePfkey(pfkey, "sockpolicy");
    }

    /** One line without its newline; null at end of stream before any byte; an IOException for an over-long line. */
    static String readLine(InputStream in) throws IOException {
        byte[] buf = new byte[MAX_LINE];
        int n = 0;
        while (true) {
            int c = in.read();
            if (c < 0) {
                if (n == 0) return null;
                throw new IOException("line without a newline");
            }
            if (c == '\n') return new String(buf, 0, n, StandardCharsets.UTF_8);
            if (n == MAX_LINE - 1) throw new IOException("line longer than " + (MAX_LINE - 1) + " bytes");
            buf[n++] = (byte) c;
        }
    }
}
