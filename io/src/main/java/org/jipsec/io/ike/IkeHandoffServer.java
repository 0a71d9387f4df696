package org.jipsec.io.ike;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jipsec.core.ikekernel.HandoffFrame;
import org.jipsec.io.unix.PrivateSocketListener;

/**
 * jipsecd's side of the UDP 4500 split (docs/ike-udp-split.md): jipsecd owns UDP 4500 for ESP-in-UDP; every
 * datagram received there that carries the non-ESP marker (RFC 3948 §2.2) is IKE and goes to the one attached IKE
 * daemon as a {@link HandoffFrame}; the frames the daemon writes back are sent from jipsecd's 4500 socket to the
 * peer they name — what Linux's {@code UDP_ENCAP_ESPINUDP} socket option does for charon inside one kernel.
 *
 * <ul>
 *   <li>The socket is a {@link PrivateSocketListener} (mode 0600, StrictModes path checks, SO_PEERCRED root or
 *       jipsecd's user), {@link #besidePfkey beside the PF_KEY socket}. One IKE daemon at a time: a second
 *       connection is closed and counted while one is attached.</li>
 *   <li>To the daemon: {@link #offer} never blocks — the data plane calls it. Datagrams wait in a bounded queue
 *       ({@value #QUEUE} frames) for the writer thread; with no daemon attached or the queue full they are dropped
 *       and counted.</li>
 *   <li>From the daemon: a reader thread reads frames into a bounded queue for the sender thread; only IKE
 *       (marker + message) and NAT keepalives (0xFF) are sent — a frame that could pass for ESP, a malformed or
 *       oversized frame ends the connection (counted); the data plane is never involved.</li>
 * </ul>
 */
public final class IkeHandoffServer implements Closeable {

    /** Frames queued in each direction. */
    public static final int QUEUE = 256;

    /** Sends one datagram from jipsecd's UDP 4500 socket of the remote's family. */
    @FunctionalInterface
    public interface Sender {
        void send(byte[] payload, InetSocketAddress remote) throws IOException;
    }

    /** A datagram received on UDP 4500 (payload without the marker, as the engine's IKE decision carries it). */
    public record Received(InetAddress local, int localPort, InetAddress remote, int remotePort, byte[] ikeMessage) {}

    private final PrivateSocketListener listener;
    private final Sender sender;
    private final int localPort;
    private final AtomicReference<Connection> attached = new AtomicReference<>();
    private final BlockingQueue<Received> toDaemon = new ArrayBlockingQueue<>(QUEUE);
    private final BlockingQueue<HandoffFrame> toWire = new ArrayBlockingQueue<>(QUEUE);
    private final Thread senderThread;
    private volatile boolean closed;

    final AtomicLong handedOver = new AtomicLong();
    final AtomicLong droppedNoDaemon = new AtomicLong();
    final AtomicLong droppedQueueFull = new AtomicLong();
    final AtomicLong sent = new AtomicLong();
    final AtomicLong sendErrors = new AtomicLong();
    final AtomicLong droppedOutbound = new AtomicLong();
    final AtomicLong badFrames = new AtomicLong();
    final AtomicLong refusedSecondClient = new AtomicLong();

    private IkeHandoffServer(Path path, Sender sender, int localPort) throws IOException {
        this.sender = sender;
        this.localPort = localPort;
        this.senderThread =
                Thread.ofPlatform().name("jipsec-ike-handoff-send").daemon().unstarted(this::sendLoop);
        this.listener = PrivateSocketListener.open(path, "ike-handoff", this::accepted);
        senderThread.start();
    }

    /**
     * Listens on {@code path}.
     *
     * @param localPort jipsecd's NAT-T port (4500): frames naming another local port are refused
     */
    public static IkeHandoffServer start(Path path, Sender sender, int localPort) throws IOException {
        return new IkeHandoffServer(path, sender, localPort);
    }

    /**
     * The handoff socket of the gateway whose PF_KEY socket is {@code pfkey}, the way
     * {@code SysctlProtocol.besidePfkey} names the sysctl socket: {@code pfkey} → {@code ike}, {@code gw1.pfkey} →
     * {@code gw1.ike}, {@code gw1-pfkey} → {@code gw1-ike}, any other name gets {@code .ike} appended.
     */
    public static Path besidePfkey(Path pfkey) {
        return org.jipsec.io.unix.SocketPaths.besidePfkey(pfkey, "ike");
    }

    public Path path() {
        return listener.path();
    }

    public boolean daemonAttached() {
        return attached.get() != null;
    }

    /**
     * Called by the data plane for an IKE datagram received on UDP 4500: queued for the daemon, or counted as
     * dropped (none attached, queue full). Never blocks, never throws.
     */
    public void offer(Received r) {
        if (attached.get() == null) {
            droppedNoDaemon.incrementAndGet();
            return;
        }
        if (!toDaemon.offer(r)) droppedQueueFull.incrementAndGet();
    }

    /** The counters, for the gateway's status line. */
    public String format() {
        return "ike_handoff=" + handedOver.get() + " ike_drop_nodaemon=" + droppedNoDaemon.get() + " ike_drop_full="
                + droppedQueueFull.get() + " ike_sent=" + sent.get() + " ike_send_errors=" + sendErrors.get()
                + " ike_out_refused=" + droppedOutbound.get() + " ike_bad_frames=" + badFrames.get()
                + " ike_clients_refused=" + (refusedSecondClient.get() + listener.refusedPeers());
    }

    public long handedOver() {
        return handedOver.get();
    }

    public long droppedNoDaemon() {
        return droppedNoDaemon.get();
    }

    public long droppedQueueFull() {
        return droppedQueueFull.get();
    }

    public long sent() {
        return sent.get();
    }

    public long droppedOutbound() {
        return droppedOutbound.get();
    }

    public long badFrames() {
        return badFrames.get();
    }

    public long refusedClients() {
        return refusedSecondClient.get() + listener.refusedPeers();
    }

    private void accepted(SocketChannel ch) throws IOException {
        Connection c = new Connection(ch);
        if (closed || !attached.compareAndSet(null, c)) {
            refusedSecondClient.incrementAndGet();
            ch.close();
            return;
        }
        toDaemon.clear(); // what queued for a previous daemon is stale
        c.start();
    }

    /** One attached IKE daemon: a writer (queue → socket) and a reader (socket → wire queue) thread. */
    private final class Connection {
        final SocketChannel ch;
        final Thread writer;
        final Thread reader;

        Connection(SocketChannel ch) {
            this.ch = ch;
            this.writer =
                    Thread.ofPlatform().name("jipsec-ike-handoff-out").daemon().unstarted(this::writeLoop);
            this.reader =
                    Thread.ofPlatform().name("jipsec-ike-handoff-in").daemon().unstarted(this::readLoop);
        }

        void start() {
            writer.start();
            reader.start();
        }

        void writeLoop() {
            try {
                while (attached.get() == this) {
                    Received r = toDaemon.poll(200, TimeUnit.MILLISECONDS);
                    if (r == null) continue;
                    byte[] p = new byte[4 + r.ikeMessage().length];
                    System.arraycopy(r.ikeMessage(), 0, p, 4, r.ikeMessage().length);
                    ByteBuffer b = ByteBuffer.wrap(
                            new HandoffFrame(r.local(), r.localPort(), r.remote(), r.remotePort(), p).encode());
                    while (b.hasRemaining()) ch.write(b);
                    handedOver.incrementAndGet();
                }
            } catch (IOException | InterruptedException | IllegalArgumentException e) {
                detach();
            }
        }

        void readLoop() {
            byte[] prefix = new byte[HandoffFrame.PREFIX_BYTES];
            try {
                while (attached.get() == this) {
                    if (!readFully(ByteBuffer.wrap(prefix))) break;
                    int total = HandoffFrame.frameLength(prefix, 0);
                    byte[] frame = new byte[total];
                    System.arraycopy(prefix, 0, frame, 0, prefix.length);
                    if (!readFully(ByteBuffer.wrap(frame, prefix.length, total - prefix.length))) break;
                    HandoffFrame f = HandoffFrame.decode(frame, 0, total);
                    if (!f.isIkeOrKeepalive() || f.localPort() != localPort) {
                        droppedOutbound.incrementAndGet();
                        continue;
                    }
                    if (!toWire.offer(f)) droppedOutbound.incrementAndGet();
                }
            } catch (HandoffFrame.FrameException e) {
                badFrames.incrementAndGet();
            } catch (IOException e) {
                // the daemon went away
            }
            detach();
        }

        boolean readFully(ByteBuffer b) throws IOException {
            while (b.hasRemaining()) if (ch.read(b) < 0) return false;
            return true;
        }

        void detach() {
            attached.compareAndSet(this, null);
            try {
                ch.close();
            } catch (IOException ignored) {
                // the peer is gone either way
            }
        }
    }

    private void sendLoop() {
        while (!closed) {
            HandoffFrame f;
            try {
                f = toWire.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (f == null) continue;
            try {
                sender.send(f.payload(), new InetSocketAddress(f.remoteAddress(), f.remotePort()));
                sent.incrementAndGet();
            } catch (IOException | RuntimeException e) {
                sendErrors.incrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        listener.close();
        Connection c = attached.getAndSet(null);
        if (c != null) {
            try {
                c.ch.close();
            } catch (IOException ignored) {
                // the peer is gone either way
            }
        }
        senderThread.interrupt();
    }
}
