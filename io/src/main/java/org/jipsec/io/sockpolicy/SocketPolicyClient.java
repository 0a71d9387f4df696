package org.jipsec.io.sockpolicy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.jipsec.io.unix.PeerCredentials;

/**
 * A registration of one socket's policies with jipsecd ({@link SocketPolicyProtocol}); it lasts until {@link #close}.
 * The server must run as root or this process's user ({@link PeerCredentials}).
 */
public final class SocketPolicyClient implements AutoCloseable {

    /** The server refused the registration: errno name and message as it sent them. */
    public static final class RefusedException extends IOException {
        private final String errno;

        public RefusedException(String errno, String message) {
            super(message);
            this.errno = errno;
        }

        public String errno() {
            return errno;
        }
    }

    private final SocketChannel channel;
    private final boolean clearAccepted;
    private final String tun;

    private final byte[] storedIn, storedOut;

    private SocketPolicyClient(
            SocketChannel channel, boolean clearAccepted, String tun, byte[] storedIn, byte[] storedOut) {
        this.storedIn = storedIn;
        this.storedOut = storedOut;
        this.channel = channel;
        this.clearAccepted = clearAccepted;
        this.tun = tun;
    }

    /**
     * Registers the policies ({@code in …}/{@code out …} strings) of the ICMP echo socket from {@code local} to
     * {@code peer} with identifier {@code id}.
     *
     * @throws RefusedException when jipsecd refuses it (invalid policy, EPERM for bypass, identifier in use)
     * @throws IOException      when jipsecd cannot be reached or answers nonsense
     */
    public static SocketPolicyClient registerEcho(
            Path socket, InetAddress peer, int id, InetAddress local, List<String> policies) throws IOException {
        List<String> lines = new java.util.ArrayList<>();
        for (String p : policies) {
            if (p.indexOf('\n') >= 0) throw new IOException("a policy is one line");
            lines.add("policy " + p);
        }
        return register(socket, peer, id, local, lines);
    }

    /**
     * {@link #registerEcho} with binary policies: each a {@code sadb_x_policy} extension as a program gives
     * setsockopt(IP_IPSEC_POLICY) (NetBSD's t_ipsec_policy.c); {@link #storedPolicy} then is its getsockopt2.
     */
    public static SocketPolicyClient registerEchoBinary(
            Path socket, InetAddress peer, int id, InetAddress local, List<byte[]> policies) throws IOException {
        List<String> lines = new java.util.ArrayList<>();
        for (byte[] p : policies)
            lines.add("xpolicy " + java.util.HexFormat.of().formatHex(p));
        return register(socket, peer, id, local, lines);
    }

    private static SocketPolicyClient register(
            Path socket, InetAddress peer, int id, InetAddress local, List<String> lines) throws IOException {
        SocketChannel ch = PeerCredentials.connectTrusted(socket);
        try {
            StringBuilder req = new StringBuilder("echo ")
                    .append(peer.getHostAddress())
                    .append(' ')
                    .append(id)
                    .append(' ')
                    .append(local.getHostAddress())
                    .append('\n');
            for (String l : lines) req.append(l).append('\n');
            req.append("end\n");
            OutputStream out = Channels.newOutputStream(ch);
            out.write(req.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = Channels.newInputStream(ch);
            String answer = SocketPolicyProtocol.readLine(in, SocketPolicyProtocol.MAX_ANSWER);
            if (answer == null) throw new IOException(socket + ": closed without an answer");
            if (answer.startsWith("error ")) {
                String[] w = answer.split(" ", 3);
                throw new RefusedException(w.length > 1 ? w[1] : "EINVAL", w.length > 2 ? w[2] : "refused");
            }
            String[] w = answer.split(" ", -1);
            if (w.length < 3 || !w[0].equals("ok") || !w[1].startsWith("clear=") || !w[2].startsWith("tun=")) {
                throw new IOException(socket + ": unexpected answer");
            }
            byte[] storedIn = new byte[0], storedOut = new byte[0];
            for (int i = 3; i < w.length; i++) {
                try {
                    if (w[i].startsWith("in="))
                        storedIn = java.util.HexFormat.of().parseHex(w[i].substring(3));
                    if (w[i].startsWith("out="))
                        storedOut = java.util.HexFormat.of().parseHex(w[i].substring(4));
                } catch (IllegalArgumentException e) {
                    throw new IOException(socket + ": unexpected answer");
                }
            }
            return new SocketPolicyClient(ch, w[1].equals("clear=accept"), w[2].substring(4), storedIn, storedOut);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * The socket's policy for a direction as jipsecd stored it, a {@code sadb_x_policy} extension (NetBSD's
     * getsockopt2(IP_IPSEC_POLICY)); empty from a server that does not send it.
     */
    public byte[] storedPolicy(boolean inbound) {
        return (inbound ? storedIn : storedOut).clone();
    }

    /** Whether the engine gives this socket echo replies that arrive in clear. */
    public boolean clearAccepted() {
        return clearAccepted;
    }

    /** The gateway's TUN: where the engine's deliveries come from. */
    public String tun() {
        return tun;
    }

    /** Ends the registration. */
    @Override
    public void close() throws IOException {
        channel.close();
    }
}
