package org.jipsec.io.pfkey;

import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.jipsec.core.pfkey.Delivery;
import org.jipsec.core.pfkey.Errno;
import org.jipsec.core.pfkey.KeyEngine;
import org.jipsec.core.pfkey.Outcome;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;
import org.jipsec.io.unix.PrivateSocketListener;

/**
 * jipsecd's PF_KEY endpoint: serves the {@link KeyEngine} on a Unix domain stream socket (default
 * {@code /run/jipsec/pfkey}), messages framed by {@code sadb_msg_len × 8}. The io layer only moves bytes: every
 * request, timer tick and dump step runs in the engine under one lock.
 *
 * <ul>
 *   <li>The socket file is created mode 0600 (permissions set right after bind; the peer check below closes the
 *       window); a client is accepted only when its {@code SO_PEERCRED} uid is 0 or the daemon's own.</li>
 *   <li>Each client has a reader thread and a writer thread (virtual) and a bounded output queue
 *       ({@link #maxQueuedBytes}); when it is full, further messages for that client are dropped and counted — as
 *       PF_KEY drops with ENOBUFS — so a slow or vanished client never stalls the engine or the others. All
 *       clients' queues together are bounded too ({@link #MAX_TOTAL_QUEUED_BYTES}), except that a client whose queue
 *       is empty always gets one item, so clients that never read cannot starve one that does. A queued message is
 *       charged its length plus {@link #MESSAGE_OVERHEAD} (the queue node and array header it costs).</li>
 *   <li>Dumps are streamed with backpressure: the writer pulls the next batch (at most {@link #DUMP_BATCH} messages
 *       or {@link #DUMP_BATCH_BYTES}) from the engine's {@code DumpStream} only when the previous one has been
 *       written, so a dump of a million SAs is neither built in memory nor truncated. A pending dump holds a
 *       snapshot of references and is charged {@link #DUMP_ENTRY_BYTES} per entry against both bounds, released as
 *       it is sent. A SADB_DUMP or X_SPDDUMP that arrives while the client's queue (or the total) is full is refused
 *       with ENOBUFS, as NetBSD's key_dump refuses when the socket's receive buffer has no space (spec §1.10), so a
 *       client that asks for dumps and never reads holds at most its bound plus one snapshot.</li>
 *   <li>Requests are framed with their length checked first: a message longer than {@code Sadb.MAX_REQUEST_BYTES}
 *       is skipped without being buffered and answered with ENOBUFS ({@link FrameReader}).</li>
 *   <li>A timer thread calls {@link KeyEngine#tick()} once a second.</li>
 * </ul>
 */
public final class PfkeyServer implements Closeable {

    private static final Logger LOG = System.getLogger(PfkeyServer.class.getName());
    /**
     * The default socket path as a compile-time constant: clients ({@code setkey}, {@code pfkey-monitor}) name it
     * without initialising this class, whose logger would start the logging facade (a service-loader scan of the class
     * path that opens the whole jar: about 40 ms of every setkey call, issue #17 item 4).
     */
    public static final String DEFAULT_PATH_NAME = "/run/jipsec/pfkey";

    public static final Path DEFAULT_PATH = Path.of(DEFAULT_PATH_NAME);
    private static final int DUMP_BATCH = 256;
    /** A dump batch stops growing at this many encoded bytes. */
    static final int DUMP_BATCH_BYTES = 8 << 10;
    /** The charge of one entry of a pending dump's snapshot (a reference, and the entry it keeps alive). */
    static final long DUMP_ENTRY_BYTES = 16;
    /** The charge of one queued item on top of its bytes (queue node, array header). */
    static final long MESSAGE_OVERHEAD = 64;
    /** Bound of all clients' output queues together. */
    static final long MAX_TOTAL_QUEUED_BYTES = 32L << 20;

    private final KeyEngine engine;
    /** Answers one request: the bare key engine, or the IPsec engine (which also sweeps dead SAs' keys). */
    private final java.util.function.BiFunction<Long, byte[], Outcome> handler;

    private final Path path;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Long, ClientConnection> clients = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private final long maxQueuedBytes;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong totalQueued = new AtomicLong();
    private final AtomicLong oversized = new AtomicLong();
    private final AtomicLong refusedDumps = new AtomicLong();
    private final PrivateSocketListener listener;
    private volatile boolean closed;

    /** Starts serving {@code engine} on {@code path} (parent directories created 0700 if missing). */
    public static PfkeyServer start(KeyEngine engine, Path path) throws IOException {
        return start(engine, path, 4 << 20, true);
    }

    /**
     * Starts a PF_KEY server on the Unix socket {@code path}.
     *
     * @param maxQueuedBytes per-client output queue bound
     * @param runTimer       whether to tick the engine every second (tests drive the clock themselves)
     */
    public static PfkeyServer start(KeyEngine engine, Path path, long maxQueuedBytes, boolean runTimer)
            throws IOException {
        return new PfkeyServer(engine, engine::handle, engine::tick, path, maxQueuedBytes, runTimer);
    }

    /**
     * Serves an {@link org.jipsec.core.engine.IpsecEngine}'s key engine (jipsecd with a data plane): requests go
     * through {@code IpsecEngine.pfkey} so a deleted SA's transform keys are zeroed at once. No timer runs here: the
     * data plane owns the engine's once-a-second {@code tick()} and drains the engine's outbox (EXPIRE, ACQUIRE) to
     * {@link #deliver}. The data plane takes {@link #lock()}
     * around every engine call, so the engine stays single-threaded.
     */
    public static PfkeyServer start(org.jipsec.core.engine.IpsecEngine engine, Path path) throws IOException {
        return start(engine.keyEngine(), engine::pfkey, path);
    }

    /**
     * As {@link #start(org.jipsec.core.engine.IpsecEngine, Path)}, with the caller's request handler (e.g. one that
     * logs the SA and policy changes, then calls {@code IpsecEngine.pfkey}); it runs under {@link #lock()}.
     */
    public static PfkeyServer start(
            KeyEngine keys, java.util.function.BiFunction<Long, byte[], Outcome> handler, Path path)
            throws IOException {
        return new PfkeyServer(keys, handler, keys::tick, path, 4 << 20, false);
    }

    private PfkeyServer(
            KeyEngine engine,
            java.util.function.BiFunction<Long, byte[], Outcome> handler,
            java.util.function.Supplier<Outcome> ticker,
            Path path,
            long maxQueuedBytes,
            boolean runTimer)
            throws IOException {
        this.engine = engine;
        this.handler = handler;
        this.path = path;
        this.maxQueuedBytes = maxQueuedBytes;
        listener = PrivateSocketListener.open(path, "pfkey", this::accepted);
        if (runTimer) {
            timer = Executors.newSingleThreadScheduledExecutor(
                    r -> Thread.ofPlatform().name("pfkey-timer").daemon().unstarted(r));
            // the once-a-second timer step; it ends with the executor (close)
            var unused = timer.scheduleAtFixedRate(() -> withEngine(e -> ticker.get(), true), 1, 1, TimeUnit.SECONDS);
        } else {
            timer = null;
        }
    }

    public Path path() {
        return path;
    }

    /** Messages dropped because a client's output queue was full. */
    public long droppedMessages() {
        return dropped.get();
    }

    /** Connections refused by the SO_PEERCRED check. */
    public long refusedPeers() {
        return listener.refusedPeers();
    }

    /** Requests longer than the request limit, skipped unread and answered with ENOBUFS. */
    public long oversizedRequests() {
        return oversized.get();
    }

    /** Dump requests refused with ENOBUFS because the client's queue (or all queues) was full. */
    public long refusedDumps() {
        return refusedDumps.get();
    }

    /** Bytes charged to all clients' output queues now (messages and pending dumps). */
    public long queuedBytes() {
        return totalQueued.get();
    }

    public int clientCount() {
        return clients.size();
    }

    /** Runs {@code action} on the engine under the engine lock (the data plane and tools use this). */
    public <T> T withEngine(Function<KeyEngine, T> action) {
        lock.lock();
        try {
            return action.apply(engine);
        } finally {
            lock.unlock();
        }
    }

    /** The engine lock: whoever calls the engine (the data plane) holds it. Reentrant. */
    public ReentrantLock lock() {
        return lock;
    }

    /** Delivers an outcome produced by an engine call made elsewhere (timer tick, ACQUIRE from the data path). */
    public void deliver(Outcome o) {
        lock.lock();
        try {
            dispatch(o);
        } finally {
            lock.unlock();
        }
    }

    /** Runs an engine action producing messages, and delivers them. */
    public void withEngine(Function<KeyEngine, Outcome> action, boolean deliver) {
        lock.lock();
        try {
            dispatch(action.apply(engine));
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "key engine failure", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Called under the lock: queue every delivery on its client (never blocks). The messages' KEY extensions (a GET
     * reply's) are zeroed once encoded; the encoded bytes are zeroed once written.
     */
    private void dispatch(Outcome o) {
        for (Delivery d : o.deliveries()) {
            ClientConnection c = clients.get(d.socketId());
            if (c != null) c.offer(d.encode(), d.registeredOnly());
        }
        for (Delivery d : o.deliveries()) KeyEngine.wipeKeys(d.message());
        o.dump().ifPresent(d -> {
            ClientConnection c = clients.get(d.socketId());
            if (c != null) c.offerDump(d.stream());
        });
    }

    /** A connection the listener let through: a new PF_KEY socket of the engine. */
    private void accepted(SocketChannel ch) {
        long id = withEngine(KeyEngine::openSocket);
        ClientConnection c = new ClientConnection(id, ch);
        clients.put(id, c);
        c.start();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (timer != null) timer.shutdownNow();
        listener.close();
        for (ClientConnection c : new ArrayList<>(clients.values())) c.close();
    }

    /** One PF_KEY client: reads requests into the engine, writes its queue of messages and dumps. */
    private final class ClientConnection {
        private final long id;
        private final SocketChannel ch;
        private final java.util.concurrent.LinkedBlockingQueue<Object> out =
                new java.util.concurrent.LinkedBlockingQueue<>();
        private final AtomicLong queuedBytes = new AtomicLong();
        private volatile boolean gone;
        private Thread writer;

        ClientConnection(long id, SocketChannel ch) {
            this.id = id;
            this.ch = ch;
        }

        void start() {
            Thread.ofVirtual().name("pfkey-read-" + id).start(this::readLoop);
            writer = Thread.ofVirtual().name("pfkey-write-" + id).start(this::writeLoop);
        }

        /** Non-blocking: queue or drop (counted). Registered-only messages yield at half the bound (keysock.c). */
        void offer(byte[] msg, boolean registeredOnly) {
            if (gone) return;
            long limit = registeredOnly ? maxQueuedBytes / 2 : maxQueuedBytes;
            long charge = msg.length + MESSAGE_OVERHEAD;
            long q = queuedBytes.get();
            // an empty queue always takes one message: clients that never read cannot starve one that does
            if (q + charge > limit || (q > 0 && totalQueued.get() + charge > MAX_TOTAL_QUEUED_BYTES)) {
                java.util.Arrays.fill(msg, (byte) 0);
                dropped.incrementAndGet();
                engine.countDeliveryDropped(); // under the lock (dispatch): net.key.stats IN_NOMEM
                return;
            }
            charge(charge);
            out.add(msg);
        }

        /** Queues a dump (never refused here: {@link #dumpRefused} already let its request through). */
        void offerDump(org.jipsec.core.pfkey.DumpStream<?> stream) {
            if (gone) return;
            PendingDump d = new PendingDump(stream, MESSAGE_OVERHEAD + stream.remaining() * DUMP_ENTRY_BYTES);
            charge(d.charge);
            out.add(d);
        }

        /**
         * True when the client's queue is full, or it holds something and all queues together are full: no room for
         * a dump's snapshot. A client with an empty queue always gets its dump, whatever others hold.
         */
        boolean full() {
            long q = queuedBytes.get();
            return q >= maxQueuedBytes || (q > 0 && totalQueued.get() >= MAX_TOTAL_QUEUED_BYTES);
        }

        /** True (under the lock) when {@code request} asks for a dump and there is no room for one. */
        private boolean dumpRefused(byte[] request) {
            int type = request[1] & 0xff;
            if ((type != Sadb.SADB_DUMP && type != Sadb.SADB_X_SPDDUMP) || !full()) return false;
            refusedDumps.incrementAndGet();
            return true;
        }

        /** {@code request}'s base header echoed to this client with {@code errno} (key_senderror's reply shape). */
        private Outcome refusal(byte[] r, Errno errno) {
            ByteBuffer h = ByteBuffer.wrap(r).order(java.nio.ByteOrder.LITTLE_ENDIAN); // PfkeyCodec's byte order
            PfkeyMessage echo = new PfkeyMessage(
                    r[0] & 0xff,
                    r[1] & 0xff,
                    errno.number(),
                    r[3] & 0xff,
                    h.getShort(6) & 0xffff,
                    h.getInt(8),
                    h.getInt(12),
                    List.of());
            return Outcome.of(List.of(new Delivery(id, echo, false, false)));
        }

        private void charge(long bytes) {
            queuedBytes.addAndGet(bytes);
            totalQueued.addAndGet(bytes);
        }

        private void release(long bytes) {
            queuedBytes.addAndGet(-bytes);
            totalQueued.addAndGet(-bytes);
        }

        private void readLoop() {
            FrameReader frames = new FrameReader(ch, Sadb.MAX_REQUEST_BYTES);
            try {
                byte[] msg;
                while ((msg = frames.next()) != null) {
                    byte[] request = msg;
                    if (FrameReader.oversized(request)) {
                        oversized.incrementAndGet();
                        deliver(refusal(request, Errno.ENOBUFS));
                        java.util.Arrays.fill(request, (byte) 0);
                        continue;
                    }
                    // issue #12: a GETSPI's random candidates are drawn here, without the lock the data plane needs
                    engine.drawSpiCandidates(request);
                    try {
                        withEngine(
                                e -> dumpRefused(request)
                                        ? refusal(request, Errno.ENOBUFS)
                                        : handler.apply(id, request),
                                true);
                    } finally {
                        java.util.Arrays.fill(request, (byte) 0); // an ADD's keys: the SAD has its own copy
                    }
                }
            } catch (IOException e) {
                if (!gone && !closed) {
                    LOG.log(Level.DEBUG, "PF_KEY client " + id + ": " + e.getMessage());
                    withEngine(k -> {
                        k.countSocketError();
                        return null;
                    }); // net.key.stats SOCKERR
                }
            } finally {
                close();
            }
        }

        private void writeLoop() {
            try {
                while (!gone) {
                    Object item = out.take();
                    if (item instanceof byte[] msg) {
                        release(msg.length + MESSAGE_OVERHEAD);
                        try {
                            write(msg);
                        } finally {
                            java.util.Arrays.fill(msg, (byte) 0); // a GET reply carries keys
                        }
                    } else if (item instanceof PendingDump dump) {
                        streamDump(dump);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                if (!gone && !closed) {
                    LOG.log(Level.DEBUG, "PF_KEY client " + id + " write: " + e.getMessage());
                    withEngine(k -> {
                        k.countSocketError();
                        return null;
                    });
                }
            } finally {
                close();
            }
        }

        private void streamDump(PendingDump dump) throws IOException {
            org.jipsec.core.pfkey.DumpStream<?> stream = dump.stream;
            List<byte[]> batch = new ArrayList<>(DUMP_BATCH);
            try {
                while (!gone) {
                    batch.clear();
                    int bytes = 0;
                    lock.lock();
                    try {
                        for (int i = 0; i < DUMP_BATCH && bytes < DUMP_BATCH_BYTES && stream.hasNext(); i++) {
                            org.jipsec.core.pfkey.PfkeyMessage next = stream.next();
                            byte[] m = org.jipsec.core.pfkey.PfkeyCodec.encode(next);
                            KeyEngine.wipeKeys(next);
                            bytes += m.length;
                            batch.add(m);
                        }
                    } finally {
                        lock.unlock();
                    }
                    if (batch.isEmpty()) return;
                    long sent = Math.min(dump.charge, batch.size() * DUMP_ENTRY_BYTES);
                    dump.charge -= sent;
                    release(sent); // those entries left the snapshot
                    try {
                        for (byte[] m : batch) write(m);
                    } finally {
                        for (byte[] m : batch) java.util.Arrays.fill(m, (byte) 0); // SADB_DUMP replies carry keys
                    }
                }
            } finally {
                release(dump.charge);
                dump.charge = 0;
            }
        }

        private void write(byte[] msg) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(msg);
            while (b.hasRemaining()) ch.write(b);
        }

        void close() {
            if (gone) return;
            gone = true;
            clients.remove(id);
            withEngine(e -> {
                e.closeSocket(id);
                return null;
            }); // after this no dispatch offers to us
            try {
                ch.close();
            } catch (IOException ignored) {
                // the client is gone either way
            }
            if (writer != null) writer.interrupt();
            Object item;
            while ((item = out.poll()) != null) {
                if (item instanceof byte[] msg) {
                    release(msg.length + MESSAGE_OVERHEAD);
                    java.util.Arrays.fill(msg, (byte) 0);
                } else if (item instanceof PendingDump d) release(d.charge);
            }
        }
    }

    /** A dump waiting in a client's queue, with what it is still charged. Only the writer thread changes it. */
    private static final class PendingDump {
        final org.jipsec.core.pfkey.DumpStream<?> stream;
        long charge;

        PendingDump(org.jipsec.core.pfkey.DumpStream<?> stream, long charge) {
            this.stream = stream;
            this.charge = charge;
        }
    }
}
