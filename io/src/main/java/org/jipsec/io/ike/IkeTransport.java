package org.jipsec.io.ike;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jipsec.core.ikekernel.HandoffFrame;

/**
 * iked's UDP transport (docs/ike-udp-split.md): it binds UDP 500 itself; for the NAT-T port it attaches to jipsecd's
 * handoff socket when one is there, and binds the port itself otherwise (another PF_KEY kernel, which handles
 * ESP-in-UDP itself). Received IKE messages come without the non-ESP marker, sent ones get it on the NAT-T port
 * (RFC 3948 §2.2, RFC 7296 §2.23); keepalives (0xFF) received are dropped here, ours are sent with
 * {@link #sendKeepalive}. Bounded receive queue, overflow
 * counted.
 */
public final class IkeTransport implements Closeable {

    /** One IKE message with its addresses; {@code natT} when it came or goes over the NAT-T port. */
    public record Datagram(InetSocketAddress local, InetSocketAddress remote, boolean natT, byte[] message) {}

    private static final int QUEUE = 256;
    private static final byte[] MARKER = new byte[4];

    private final DatagramChannel udp500;
    private final DatagramChannel udp4500; // null when jipsecd owns the port
    private final IkeHandoffClient handoff; // null when we own it
    private final int natTPort;
    private final BlockingQueue<Datagram> in = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong dropped = new AtomicLong();
    private final List<Thread> readers = new ArrayList<>();
    private volatile boolean closed;

    private IkeTransport(DatagramChannel udp500, DatagramChannel udp4500, IkeHandoffClient handoff, int natTPort) {
        this.udp500 = udp500;
        this.udp4500 = udp4500;
        this.handoff = handoff;
        this.natTPort = natTPort;
    }

    /**
     * Binds {@code ike} (UDP 500) on {@code local}; for {@code natTPort} uses the handoff socket {@code handoffPath}
     * if it exists, else binds the port on {@code local} itself.
     */
    public static IkeTransport open(InetAddress local, int ikePort, int natTPort, Optional<Path> handoffPath)
            throws IOException {
        DatagramChannel d500 = bind(local, ikePort);
        try {
            IkeTransport t;
            if (handoffPath.isPresent() && Files.exists(handoffPath.get())) {
                t = new IkeTransport(d500, null, IkeHandoffClient.connect(handoffPath.get()), natTPort);
            } else {
                t = new IkeTransport(d500, bind(local, natTPort), null, natTPort);
            }
            t.start();
            return t;
        } catch (IOException | RuntimeException e) {
            d500.close();
            throw e;
        }
    }

    private static DatagramChannel bind(InetAddress local, int port) throws IOException {
        DatagramChannel c = DatagramChannel.open(
                local instanceof java.net.Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            c.bind(new InetSocketAddress(local, port));
            return c;
        } catch (IOException e) {
            c.close();
            throw new IOException("cannot bind UDP " + local.getHostAddress() + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** True when the NAT-T port goes through jipsecd. */
    public boolean viaJipsecd() {
        return handoff != null;
    }

    /** The UDP 500 socket's address (tests bind port 0). */
    public InetSocketAddress ikeAddress() throws IOException {
        return (InetSocketAddress) udp500.getLocalAddress();
    }

    /** The own NAT-T socket's address; empty through jipsecd. */
    public Optional<InetSocketAddress> natTAddress() throws IOException {
        return udp4500 == null ? Optional.empty() : Optional.of((InetSocketAddress) udp4500.getLocalAddress());
    }

    public long droppedDatagrams() {
        return dropped.get();
    }

    private void start() {
        readers.add(Thread.ofPlatform().name("iked-udp-ike").daemon().start(() -> readUdp(udp500, false)));
        if (udp4500 != null) {
            readers.add(Thread.ofPlatform().name("iked-udp-natt").daemon().start(() -> readUdp(udp4500, true)));
        } else {
            readers.add(Thread.ofPlatform().name("iked-handoff").daemon().start(this::readHandoff));
        }
    }

    private void readUdp(DatagramChannel c, boolean natT) {
        ByteBuffer b = ByteBuffer.allocate(65535);
        try {
            InetSocketAddress local = (InetSocketAddress) c.getLocalAddress();
            while (!closed) {
                b.clear();
                InetSocketAddress from = (InetSocketAddress) c.receive(b);
                b.flip();
                byte[] d = new byte[b.remaining()];
                b.get(d);
                offer(local, from, natT, d);
            }
        } catch (IOException e) {
            // closed
        }
    }

    private void readHandoff() {
        try {
            while (!closed) {
                HandoffFrame f = handoff.receive();
                offer(
                        new InetSocketAddress(f.localAddress(), f.localPort()),
                        new InetSocketAddress(f.remoteAddress(), f.remotePort()),
                        true,
                        f.payload());
            }
        } catch (IOException e) {
            // jipsecd went away or we closed
        }
    }

    private void offer(InetSocketAddress local, InetSocketAddress remote, boolean natT, byte[] d) {
        byte[] msg = d;
        if (natT) {
            // RFC 3948 §2.2/§2.3: only marker + IKE is ours; keepalives and ESP are not
            if (d.length <= 4 || d[0] != 0 || d[1] != 0 || d[2] != 0 || d[3] != 0) {
                dropped.incrementAndGet();
                return;
            }
            msg = Arrays.copyOfRange(d, 4, d.length);
        }
        if (msg.length == 0 || !in.offer(new Datagram(local, remote, natT, msg))) dropped.incrementAndGet();
    }

    /** The next received IKE message, waiting at most {@code millis}; empty on timeout. */
    public Optional<Datagram> receive(long millis) throws InterruptedException {
        return Optional.ofNullable(in.poll(millis, TimeUnit.MILLISECONDS));
    }

    /** Sends {@code message} to {@code remote}: from UDP 500, or with the marker from the NAT-T port. */
    public void send(InetSocketAddress remote, boolean natT, byte[] message) throws IOException {
        if (!natT) {
            udp500.send(ByteBuffer.wrap(message), remote);
            return;
        }
        byte[] d = new byte[4 + message.length];
        System.arraycopy(MARKER, 0, d, 0, 4);
        System.arraycopy(message, 0, d, 4, message.length);
        if (udp4500 != null) {
            udp4500.send(ByteBuffer.wrap(d), remote);
        } else {
            InetAddress any = remote.getAddress() instanceof java.net.Inet6Address
                    ? InetAddress.getByName("::")
                    : InetAddress.getByName("0.0.0.0");
            handoff.send(new HandoffFrame(any, natTPort, remote.getAddress(), remote.getPort(), d));
        }
    }

    /** A NAT-keepalive (RFC 3948 §2.3: one octet 0xFF, no marker) from the NAT-T port to {@code remote}. */
    public void sendKeepalive(InetSocketAddress remote) throws IOException {
        byte[] d = {(byte) 0xff};
        if (udp4500 != null) {
            udp4500.send(ByteBuffer.wrap(d), remote);
        } else {
            InetAddress any = remote.getAddress() instanceof java.net.Inet6Address
                    ? InetAddress.getByName("::")
                    : InetAddress.getByName("0.0.0.0");
            handoff.send(new HandoffFrame(any, natTPort, remote.getAddress(), remote.getPort(), d));
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        udp500.close();
        if (udp4500 != null) udp4500.close();
        if (handoff != null) handoff.close();
    }
}
