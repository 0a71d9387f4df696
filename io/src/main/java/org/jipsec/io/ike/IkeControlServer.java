package org.jipsec.io.ike;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.jipsec.core.ike.control.AdminResult;
import org.jipsec.core.ike.control.ControlFrameException;
import org.jipsec.core.ike.control.IkeAdmin;
import org.jipsec.core.ike.control.IkeControlCodec;
import org.jipsec.core.ike.control.IkeControlCodec.Request;
import org.jipsec.core.ike.control.IkeControlCodec.Response;
import org.jipsec.io.unix.PrivateSocketListener;

/**
 * {@code jipsec iked}'s control socket (issue #14 item 5, default {@value #DEFAULT}): serves an {@link IkeAdmin} to
 * {@code jipsec ike status|initiate|terminate|rekey} with the frames of {@link IkeControlCodec}. As jipsecd's PF_KEY
 * and sysctl sockets it listens through {@link PrivateSocketListener}: trusted directories ({@code SocketPaths}),
 * socket file 0600, only clients whose {@code SO_PEERCRED} uid is root's or the daemon's. At most
 * {@link #MAX_CLIENTS} connections are served at once (more are closed and counted); a client may send several
 * requests, one at a time. A malformed or oversized frame is answered with an ERROR frame naming the rule, counted
 * and the connection closed; an exception of the admin implementation is logged and answered as a refusal, never
 * propagated. Each client is served by one virtual thread.
 *
 * <p>Wiring in the daemon: {@code IkeControlServer.start(daemon, control)} once the daemon (the {@link IkeAdmin})
 * runs, {@link #close()} at shutdown. A client holding a half-sent frame keeps its slot until it closes (there is
 * no read deadline); {@link #MAX_CLIENTS} bounds what that costs.
 */
public final class IkeControlServer implements Closeable {
    private static final Logger LOG = System.getLogger(IkeControlServer.class.getName());

    public static final String DEFAULT = "/run/jipsec/iked.ctl";
    public static final Path DEFAULT_PATH = Path.of(DEFAULT);
    public static final int MAX_CLIENTS = 16;

    private final IkeAdmin admin;
    private final PrivateSocketListener listener;
    private final Semaphore slots = new Semaphore(MAX_CLIENTS);
    private final Map<SocketChannel, Boolean> clients = new ConcurrentHashMap<>();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong busyRefused = new AtomicLong();
    private final AtomicLong adminFailures = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private volatile boolean closed;

    private IkeControlServer(IkeAdmin admin, Path path) throws IOException {
        this.admin = admin;
        listener = PrivateSocketListener.open(path, "iked-control", this::accepted);
    }

    /** Binds {@code path} (see {@link PrivateSocketListener}) and starts serving {@code admin}. */
    public static IkeControlServer start(IkeAdmin admin, Path path) throws IOException {
        return new IkeControlServer(admin, path);
    }

    public Path path() {
        return listener.path();
    }

    /** Connections refused by the SO_PEERCRED check. */
    public long refusedPeers() {
        return listener.refusedPeers();
    }

    /** Frames that broke the format (each closed its connection). */
    public long malformedFrames() {
        return malformed.get();
    }

    /** Connections closed at once because {@link #MAX_CLIENTS} were being served. */
    public long busyRefused() {
        return busyRefused.get();
    }

    /** Admin calls that threw (answered as a refusal). */
    public long adminFailures() {
        return adminFailures.get();
    }

    /** Requests answered. */
    public long requests() {
        return requests.get();
    }

    private void accepted(SocketChannel ch) throws IOException {
        if (closed || !slots.tryAcquire()) {
            busyRefused.incrementAndGet();
            LOG.log(Level.WARNING, "iked control: " + MAX_CLIENTS + " clients already connected; refused one");
            ch.close();
            return;
        }
        clients.put(ch, Boolean.TRUE);
        Thread.ofVirtual().name("iked-control-client").start(() -> serve(ch));
    }

    private void serve(SocketChannel ch) {
        try (ch) {
            while (!closed) {
                byte[] header = new byte[IkeControlCodec.HEADER_BYTES];
                if (!readFully(ch, ByteBuffer.wrap(header), true)) return; // clean end between requests
                Request request;
                try {
                    IkeControlCodec.Header h = IkeControlCodec.header(header, 0, true);
                    byte[] frame = new byte[IkeControlCodec.HEADER_BYTES + h.bodyLength()];
                    System.arraycopy(header, 0, frame, 0, header.length);
                    readFully(ch, ByteBuffer.wrap(frame, header.length, h.bodyLength()), false);
                    request = IkeControlCodec.decodeRequest(frame);
                } catch (ControlFrameException e) {
                    malformed.incrementAndGet();
                    LOG.log(
                            Level.WARNING,
                            "iked control: malformed request (" + e.getMessage() + "); connection closed");
                    write(ch, new Response.ProtocolError(e.getMessage()));
                    return;
                }
                Response response = answer(request);
                requests.incrementAndGet(); // before the answer: a client that reads it sees the count
                write(ch, response);
            }
        } catch (IOException e) {
            // the client went away mid-frame: nothing to answer
        } finally {
            clients.remove(ch);
            slots.release();
        }
    }

    /** Carries one request to the admin; its failures become a refusal, its status too large for a frame an ERROR. */
    private Response answer(Request r) {
        try {
            return switch (r.op()) {
                case STATUS -> {
                    Response s = new Response.Status(admin.status());
                    try {
                        IkeControlCodec.encode(s);
                    } catch (IllegalArgumentException e) {
                        yield new Response.ProtocolError("status cannot be sent: " + e.getMessage());
                    }
                    yield s;
                }
                case INITIATE -> new Response.Result(nonNull(admin.initiate(r.name())));
                case TERMINATE -> new Response.Result(nonNull(admin.terminate(r.name())));
                case REKEY -> new Response.Result(nonNull(admin.rekey(r.name())));
            };
        } catch (RuntimeException e) {
            adminFailures.incrementAndGet();
            LOG.log(Level.WARNING, "iked control: " + r.op().name().toLowerCase(java.util.Locale.ROOT) + " failed", e);
            return new Response.Result(AdminResult.refused("iked failed to carry out the request (see its log)"));
        }
    }

    private static AdminResult nonNull(AdminResult a) {
        if (a == null) throw new IllegalStateException("the admin returned no result");
        return a;
    }

    private static void write(SocketChannel ch, Response r) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(IkeControlCodec.encode(r));
        while (b.hasRemaining()) ch.write(b);
    }

    /** False at end of stream before the first byte when {@code eofOk}; EOFException at any other end of stream. */
    static boolean readFully(SocketChannel ch, ByteBuffer b, boolean eofOk) throws IOException {
        boolean first = true;
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                if (eofOk && first && b.position() == 0) return false;
                throw new EOFException("connection closed mid-frame");
            }
            first = false;
        }
        return true;
    }

    /** Stops accepting, removes the socket file, and closes the connections being served. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        listener.close();
        for (SocketChannel c : clients.keySet()) {
            try {
                c.close();
            } catch (IOException ignored) {
                // shutting down: the client is gone either way
            }
        }
    }
}
