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
 *         policy POLICY               0 to 2 lines (with xpolicy), an ipsec_set_policy(3) string each
 *                                     ("out ipsec esp/transport//require")
 *         xpolicy HEX                 the binary form: a sadb_x_policy extension as setsockopt(IP_IPSEC_POLICY)
 *                                     takes it (Linux sockaddrs, see PfkeyCodec), in hex
 *         end
 * server: ok clear=accept|reject tun=NAME in=HEX out=HEX
 *         error ERRNO MESSAGE          (and the connection is closed)
 * </pre>
 *
 * {@code in=}/{@code out=}: the socket's policies as stored, each a sadb_x_policy extension in hex (ENTRUST for a
 * direction not given) — what NetBSD's getsockopt2(IP_IPSEC_POLICY) returns (key_sp2msg).
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

    private SocketPolicyProtocol() {}

    /** The socket beside a gateway's PF_KEY socket: {@code pfkey} → {@code sockpolicy}, {@code gw1.pfkey} → {@code gw1.sockpolicy}. */
    public static Path besidePfkey(Path pfkey) {
        return org.jipsec.io.unix.SocketPaths.besidePfkey(pfkey, "sockpolicy");
    }

    /** One line without its newline; null at end of stream before any byte; an IOException for an over-long line. */
    static String readLine(InputStream in) throws IOException {
        return readLine(in, MAX_LINE);
    }

    /**
     * The longest answer line: {@code in=}/{@code out=} carry the stored policies in hex, up to four hex digits per
     * character of a request line (an IPv6 tunnel request is 64 bytes for some 34 characters of text).
     */
    static final int MAX_ANSWER = 16 * MAX_LINE;

    /** {@link #readLine(InputStream)} with another limit. */
    static String readLine(InputStream in, int max) throws IOException {
        byte[] buf = new byte[max];
        int n = 0;
        while (true) {
            int c = in.read();
            if (c < 0) {
                if (n == 0) return null;
                throw new IOException("line without a newline");
            }
            if (c == '\n') return new String(buf, 0, n, StandardCharsets.UTF_8);
            if (n == max - 1) throw new IOException("line longer than " + (max - 1) + " bytes");
            buf[n++] = (byte) c;
        }
    }
}
