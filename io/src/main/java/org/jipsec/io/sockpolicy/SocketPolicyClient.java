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

        public String errno() { return errno; }
    }

    private final SocketChannel channel;
    private final boolean clearAccepted;
    private final String tun;

    private SocketPolicyClient(SocketChannel channel, boolean clearAccepted, String tun) {
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
    public static SocketPolicyClient registerEcho(Path socket, InetAddress peer, int id, InetAddress local,
                                                  List<String> policies) throws IOException {
        SocketChannel ch = PeerCredentials.connectTrusted(socket);
        try {
            StringBuilder req = new StringBuilder("echo ").append(peer.getHostAddress()).append(' ').append(id)
                    .append(' ').append(local.getHostAddress()).append('\n');
            for (String p : policies) {
                if (p.indexOf('\n') >= 0) throw new IOException("a policy is one line");
                req.append("policy ").append(p).append('\n');
            }
            req.append("end\n");
            OutputStream out = Channels.newOutputStream(ch);
            out.write(req.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = Channels.newInputStream(ch);
            String answer = SocketPolicyProtocol.readLine(in);
            if (answer == null) throw new IOException(socket + ": closed without an answer");
            if (answer.startsWith("error ")) {
                String[] w = answer.split(" ", 3);
                throw new RefusedException(w.length > 1 ? w[1] : "EINVAL", w.length > 2 ? w[2] : "refused");
            }
            String[] w = answer.split(" ");
            if (w.length != 3 || !w[0].equals("ok") || !w[1].startsWith("clear=") || !w[2].startsWith("tun=")) {
                throw new IOException(socket + ": unexpected answer");
            }
            return new SocketPolicyClient(ch, w[1].equals("clear=accept"), w[2].substring(4));
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Whether the engine gives this socket echo replies that arrive in clear. */
    public boolean clearAccepted() { return clearAccepted; }

    /** The gateway's TUN: where the engine's deliveries come from. */
    public String tun() { return tun; }

    /** Ends the registration. */
    @Override
    public void close() throws IOException {
        channel.close();
    }
}
