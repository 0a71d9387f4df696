package org.jipsec.io.pfkey;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.jipsec.core.pfkey.Errno;
import org.jipsec.core.pfkey.PfkeyCodec;
import org.jipsec.core.pfkey.PfkeyException;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;
import org.jipsec.io.unix.PeerCredentials;

/**
 * A PF_KEY client of jipsecd (what setkey and an IKE daemon use): send messages, receive replies, run a request and
 * wait for its answer, iterate dumps, register, listen. Blocking; one thread at a time.
 *
 * <p>Replies to one's own request are recognised by type, pid and seq; other messages that arrive meanwhile (another
 * client's ADD broadcast, an ACQUIRE) are kept and returned by later {@link #receive()} calls.
 */
public final class PfkeyClient implements Closeable {

    private final SocketChannel ch;
    private final FrameReader frames;
    private final Deque<byte[]> pending = new ArrayDeque<>();
    private final int pid;
    private int seq;

    private PfkeyClient(SocketChannel ch, int pid) {
        this.ch = ch;
        this.frames = new FrameReader(ch, Sadb.MAX_MESSAGE_BYTES);
        this.pid = pid;
    }

    /**
     * Connects to jipsecd's PF_KEY socket. Before anything is sent the server's {@code SO_PEERCRED} is checked: a
     * listener that is neither root nor this process's user is refused ({@link PeerCredentials}), so a key never
     * goes to a socket someone else put at the path.
     */
    public static PfkeyClient connect(Path path) throws IOException {
        return new PfkeyClient(PeerCredentials.connectTrusted(path), (int)
                ProcessHandle.current().pid());
    }

    /** The pid this client puts in requests it builds. */
    public int pid() {
        return pid;
    }

    /** A fresh sequence number for a request. */
    public int nextSeq() {
        return ++seq;
    }

    public void send(PfkeyMessage m) throws IOException {
        byte[] b = PfkeyCodec.encode(m);
        try {
            sendRaw(b);
        } finally {
            java.util.Arrays.fill(b, (byte) 0); // an ADD's keys
        }
    }

    public void sendRaw(byte[] msg) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(msg);
        while (b.hasRemaining()) ch.write(b);
    }

    /** The next message's bytes as the server sent them (promiscuous copies still wrapped); null at end of stream. */
    public byte[] receiveRaw() throws IOException {
        if (!pending.isEmpty()) return pending.removeFirst();
        return frames.next();
    }

    /** The next message, decoded (a promiscuous copy is returned as its inner message). */
    public PfkeyMessage receive() throws IOException, PfkeyException {
        byte[] raw = receiveRaw();
        if (raw == null) throw new java.io.EOFException("server closed the connection");
        byte[] inner = PfkeyCodec.unwrapPromisc(raw).orElse(raw);
        return PfkeyCodec.decode(inner, 0, inner.length, Sadb.MAX_MESSAGE_BYTES);
    }

    /**
     * Sends {@code request} and returns its reply (same type, pid and seq). An error reply throws
     * {@link PfkeyException} with the errno. Requests without a reply (NAT_T_NEW_MAPPING, ACQUIRE error reports)
     * must use {@link #send}.
     */
    public PfkeyMessage request(PfkeyMessage request) throws IOException, PfkeyException {
        send(request);
        PfkeyMessage reply = awaitReply(request);
        if (reply.errno() != 0) throw errnoOf(reply);
        return reply;
    }

    private PfkeyMessage awaitReply(PfkeyMessage request) throws IOException, PfkeyException {
        Deque<byte[]> others = new ArrayDeque<>();
        try {
            while (true) {
                byte[] raw = frames.next();
                if (raw == null) throw new java.io.EOFException("server closed the connection");
                if (PfkeyCodec.unwrapPromisc(raw).isEmpty()) {
                    PfkeyMessage m = PfkeyCodec.decode(raw, 0, raw.length, Sadb.MAX_MESSAGE_BYTES);
                    if (m.type() == request.type()
                            && m.pid() == request.pid()
                            && (m.seq() == request.seq()
                                    || m.type() == Sadb.SADB_GETSPI
                                    || m.type() == Sadb.SADB_DUMP
                                    || m.type() == Sadb.SADB_X_SPDDUMP)) {
                        return m;
                    }
                }
                others.addLast(raw);
            }
        } finally {
            pending.addAll(others);
        }
    }

    private static PfkeyException errnoOf(PfkeyMessage reply) {
        Errno e = Errno.of(reply.errno()).orElse(Errno.EINVAL);
        return new PfkeyException(e, Sadb.messageName(reply.type()) + " failed: " + Errno.describe(reply.errno()));
    }

    /** SADB_REGISTER for {@code satype}; the reply carries the SUPPORTED lists. */
    public PfkeyMessage register(int satype) throws IOException, PfkeyException {
        return request(PfkeyMessage.of(Sadb.SADB_REGISTER, satype, nextSeq(), pid, java.util.List.of()));
    }

    /** SADB_X_PROMISC on or off. */
    public PfkeyMessage promisc(boolean on) throws IOException, PfkeyException {
        return request(PfkeyMessage.of(Sadb.SADB_X_PROMISC, on ? 1 : 0, nextSeq(), pid, java.util.List.of()));
    }

    /** SADB_DUMP for {@code satype}: every SA, streamed; empty when the SAD holds none. */
    public Iterator<PfkeyMessage> dump(int satype) throws IOException, PfkeyException {
        return dumpOf(PfkeyMessage.of(Sadb.SADB_DUMP, satype, 0, pid, java.util.List.of()));
    }

    /** SADB_X_SPDDUMP: every SP, streamed. */
    public Iterator<PfkeyMessage> spdDump() throws IOException, PfkeyException {
        return dumpOf(PfkeyMessage.of(Sadb.SADB_X_SPDDUMP, 0, 0, pid, java.util.List.of()));
    }

    private Iterator<PfkeyMessage> dumpOf(PfkeyMessage request) throws IOException, PfkeyException {
        send(request);
        PfkeyMessage first = awaitReply(request);
        if (first.errno() == Errno.ENOENT.number()) return java.util.Collections.emptyIterator();
        if (first.errno() != 0) throw errnoOf(first);
        return new Iterator<>() {
            PfkeyMessage next = first;

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public PfkeyMessage next() {
                if (next == null) throw new NoSuchElementException();
                PfkeyMessage current = next;
                if (current.seq() == 0) {
                    next = null;
                } else {
                    try {
                        next = awaitReply(request);
                    } catch (IOException | PfkeyException e) {
                        throw new IllegalStateException("dump interrupted: " + e.getMessage(), e);
                    }
                }
                return current;
            }
        };
    }

    /**
     * Delivers every message the server sends to {@code listener} until the connection ends or the listener returns
     * false (an IKE daemon's ACQUIRE/EXPIRE loop).
     */
    public void listen(java.util.function.Predicate<PfkeyMessage> listener) throws IOException, PfkeyException {
        while (true) {
            byte[] raw = receiveRaw();
            if (raw == null) return;
            byte[] inner = PfkeyCodec.unwrapPromisc(raw).orElse(raw);
            if (!listener.test(PfkeyCodec.decode(inner, 0, inner.length, Sadb.MAX_MESSAGE_BYTES))) return;
        }
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
