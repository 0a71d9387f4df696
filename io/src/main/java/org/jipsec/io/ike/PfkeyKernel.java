package org.jipsec.io.ike;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jipsec.core.ikekernel.ChildSaInstall;
import org.jipsec.core.ikekernel.DeleteSa;
import org.jipsec.core.ikekernel.GetSpi;
import org.jipsec.core.ikekernel.KernelEvent;
import org.jipsec.core.ikekernel.KernelMessages;
import org.jipsec.core.ikekernel.SpdAdd;
import org.jipsec.core.ikekernel.SpdDelete;
import org.jipsec.core.pfkey.Errno;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.PfkeyCodec;
import org.jipsec.core.pfkey.PfkeyException;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;
import org.jipsec.io.pfkey.PfkeyClient;

/**
 * An IKE daemon's kernel over PF_KEY v2, as racoon keeps it with NetBSD's kernel (ikev2-notes §4): SADB_REGISTER for
 * ESP and AH at start (the replies list the kernel's algorithms), then GETSPI → UPDATE for inbound SAs, ADD for
 * outbound ones, DELETE, X_SPDADD/X_SPDDELETE2/X_SPDGET/X_SPDDUMP for policies; and the kernel's own messages —
 * ACQUIRE, EXPIRE, another socket's DELETE or FLUSH — as {@link KernelEvent}s.
 *
 * <p>One reader thread reads the socket. Requests are sent one at a time (an IKE daemon makes a few per
 * negotiation) and matched to their reply by type, {@code sadb_msg_pid} and {@code sadb_msg_seq}; a reply that
 * does not come within the timeout fails the request with {@link KernelException} and is discarded if it comes
 * later. Every other message is read into an event, queued (bounded; overflow is counted, never blocks the
 * reader) and taken with {@link #nextEvent}. Messages the codec refuses are counted and skipped. Works with any
 * PF_KEY v2 server on a Unix socket whose peer is root or this user (jipsecd; {@link PfkeyClient#connect}).
 *
 * <p>Keys: a request's encoded bytes and its KEY extensions are zeroed as soon as it was written.
 */
public final class PfkeyKernel implements Closeable, IkeKernelPort {

    private static final int EVENT_QUEUE = 1024;

    private final PfkeyClient client;
    private final int pid;
    private final Duration timeout;
    private final AtomicInteger seq = new AtomicInteger();
    private final ReentrantLock requests = new ReentrantLock();
    private final BlockingQueue<KernelEvent> events = new ArrayBlockingQueue<>(EVENT_QUEUE);
    private final AtomicLong droppedEvents = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong lateReplies = new AtomicLong();
    private final Thread reader;
    private final List<Extension.Alg> supportedEncryption = new ArrayList<>();
    private final List<Extension.Alg> supportedAuth = new ArrayList<>();
    private volatile Pending pending;
    private volatile boolean closed;
    private volatile String lost;

    /** The request waiting for its reply; a dump collects messages until seq 0. */
    private record Pending(
            int type, int seq, boolean dump, List<PfkeyMessage> parts, CompletableFuture<List<PfkeyMessage>> done) {}

    private PfkeyKernel(PfkeyClient client, Duration timeout) {
        this.client = client;
        this.pid = client.pid();
        this.timeout = timeout;
        this.reader = Thread.ofPlatform().name("jipsec-iked-pfkey").daemon().unstarted(this::readLoop);
    }

    /**
     * Connects to the PF_KEY socket at {@code path}, checks its server's credentials, and registers for ESP and AH.
     *
     * @param timeout how long one request waits for its reply
     */
    public static PfkeyKernel open(Path path, Duration timeout) throws IOException {
        PfkeyClient c = PfkeyClient.connect(path);
        PfkeyKernel k = new PfkeyKernel(c, timeout);
        k.reader.start();
        try {
            k.register(Sadb.SADB_SATYPE_ESP);
            k.register(Sadb.SADB_SATYPE_AH);
            return k;
        } catch (IOException | RuntimeException e) {
            k.close();
            throw e;
        }
    }

    public int pid() {
        return pid;
    }

    /** Encryption algorithms the kernel listed in its REGISTER reply for ESP. */
    public List<Extension.Alg> supportedEncryption() {
        return List.copyOf(supportedEncryption);
    }

    /** Authentication algorithms the kernel listed (ESP and AH). */
    public List<Extension.Alg> supportedAuthentication() {
        return List.copyOf(supportedAuth);
    }

    /** Events dropped because {@link #nextEvent} was not called fast enough. */
    public long droppedEvents() {
        return droppedEvents.get();
    }

    /** Messages from the kernel the codec refused. */
    public long malformedMessages() {
        return malformed.get();
    }

    /** Replies that came after their request had timed out. */
    public long lateReplies() {
        return lateReplies.get();
    }

    /** The next kernel event, waiting at most {@code wait}; empty on timeout. */
    public Optional<KernelEvent> nextEvent(Duration wait) throws InterruptedException {
        return Optional.ofNullable(events.poll(wait.toMillis(), TimeUnit.MILLISECONDS));
    }

    private void register(int satype) throws IOException {
        PfkeyMessage r = request(
                PfkeyMessage.of(Sadb.SADB_REGISTER, satype, nextSeq(), pid, List.of()),
                "SADB_REGISTER for satype " + satype);
        r.ext(Sadb.SADB_EXT_SUPPORTED_ENCRYPT, Extension.Supported.class)
                .ifPresent(s -> addAll(supportedEncryption, s.algs()));
        r.ext(Sadb.SADB_EXT_SUPPORTED_AUTH, Extension.Supported.class).ifPresent(s -> addAll(supportedAuth, s.algs()));
    }

    private static void addAll(List<Extension.Alg> to, List<Extension.Alg> from) {
        for (Extension.Alg a : from) if (to.stream().noneMatch(b -> b.id() == a.id())) to.add(a);
    }

    private int nextSeq() {
        int s;
        do {
            s = seq.incrementAndGet();
        } while (s == 0);
        return s;
    }

    /**
     * SADB_GETSPI: a larval SA and its SPI. {@code acquireSeq} is the ACQUIRE's seq (NetBSD then resets that
     * ACQUIRE's timer, racoon {@code pk_sendgetspi}), or 0 for a responder without ACQUIRE. Returns the SPI; the
     * UPDATE must carry the returned {@link Allocated#seq()}.
     */
    @Override
    public Allocated getSpi(GetSpi req, int acquireSeq) throws IOException {
        int s = acquireSeq != 0 ? acquireSeq : nextSeq();
        PfkeyMessage r = request(req.toMessage(s, pid), "SADB_GETSPI " + req.source() + "->" + req.destination());
        int spi = r.sa().orElseThrow(() -> new KernelException("SADB_GETSPI reply without an SA extension", 0))
                .spi();
        return new Allocated(spi, r.seq());
    }

    /** A larval SA's SPI and the seq its UPDATE carries. */
    public record Allocated(int spi, int seq) {
        @Override
        public String toString() {
            return "SPI 0x" + Integer.toHexString(spi) + " seq " + Integer.toUnsignedString(seq);
        }
    }

    /** SADB_UPDATE of the larval SA from {@link #getSpi} (same pid; NetBSD key_update). */
    @Override
    public void update(ChildSaInstall sa, Allocated larval) throws IOException {
        if (sa.sa().spi() != larval.spi()) throw new IllegalArgumentException("UPDATE of another SPI than GETSPI gave");
        request(sa.toUpdate(larval.seq(), pid), "SADB_UPDATE of " + sa.sa());
    }

    /** SADB_ADD (the outbound SA, or an inbound SA without GETSPI). */
    @Override
    public void add(ChildSaInstall sa) throws IOException {
        request(sa.toAdd(nextSeq(), pid), "SADB_ADD of " + sa.sa());
    }

    /** SADB_DELETE; ENOENT (already gone: expired, or deleted by someone else) is reported as false. */
    @Override
    public boolean delete(DeleteSa d) throws IOException {
        try {
            request(d.toMessage(nextSeq(), pid), "SADB_DELETE of " + d.sa());
            return true;
        } catch (KernelException e) {
            if (e.errno() == Errno.ENOENT.number()) return false;
            throw e;
        }
    }

    /** SADB_GET: the SA's current lifetime (bytes, packets, use time); empty if it is gone (ENOENT). */
    @Override
    public Optional<org.jipsec.core.ikekernel.GetSa.Usage> usage(org.jipsec.core.ikekernel.SaId sa) throws IOException {
        try {
            PfkeyMessage r =
                    request(new org.jipsec.core.ikekernel.GetSa(sa).toMessage(nextSeq(), pid), "SADB_GET of " + sa);
            KernelMessages.wipeKeys(r);
            return org.jipsec.core.ikekernel.GetSa.usage(r);
        } catch (KernelException e) {
            if (e.errno() == Errno.ENOENT.number()) return Optional.empty();
            throw e;
        }
    }

    /** X_SPDADD / X_SPDUPDATE; returns the policy id the kernel gave. */
    @Override
    public int spdAdd(SpdAdd p) throws IOException {
        PfkeyMessage r = request(
                p.toMessage(nextSeq(), pid), (p.update() ? "SADB_X_SPDUPDATE " : "SADB_X_SPDADD ") + p.selector());
        return r.policy()
                .map(x -> x.policy().id())
                .orElseThrow(() -> new KernelException("X_SPDADD reply without a policy extension", 0));
    }

    /** X_SPDDELETE2 by id. */
    @Override
    public void spdDelete(int id) throws IOException {
        request(new SpdDelete(id).toMessage(nextSeq(), pid), "SADB_X_SPDDELETE2 of policy " + id);
    }

    /**
     * The ACQUIRE with its policy's selector, mode and reqid (X_SPDGET by the policy id the ACQUIRE names, as
     * iked does); the event unchanged when it names no policy.
     */
    @Override
    public KernelEvent.Acquire resolve(KernelEvent.Acquire a) throws IOException {
        if (a.policyId().isEmpty()) return a;
        int id = a.policyId().get();
        PfkeyMessage r = request(SpdDelete.get(id, nextSeq(), pid), "SADB_X_SPDGET of policy " + id);
        return KernelMessages.resolve(a, r)
                .orElseThrow(() -> new KernelException(
                        "policy " + id + " of the ACQUIRE is not an IPsec policy with a request", 0));
    }

    /** X_SPDDUMP: every policy (racoon reads them at start). */
    public List<PfkeyMessage> spdDump() throws IOException {
        return dump(
                PfkeyMessage.of(Sadb.SADB_X_SPDDUMP, Sadb.SADB_SATYPE_UNSPEC, nextSeq(), pid, List.of()),
                "SADB_X_SPDDUMP");
    }

    /** SADB_DUMP of {@code satype}. */
    public List<PfkeyMessage> dump(int satype) throws IOException {
        return dump(PfkeyMessage.of(Sadb.SADB_DUMP, satype, nextSeq(), pid, List.of()), "SADB_DUMP");
    }

    private List<PfkeyMessage> dump(PfkeyMessage m, String what) throws IOException {
        try {
            return exchange(m, what, true);
        } catch (KernelException e) {
            if (e.errno() == Errno.ENOENT.number()) return List.of();
            throw e;
        }
    }

    private PfkeyMessage request(PfkeyMessage m, String what) throws IOException {
        return exchange(m, what, false).getFirst();
    }

    private List<PfkeyMessage> exchange(PfkeyMessage m, String what, boolean dump) throws IOException {
        requests.lock();
        try {
            if (closed || lost != null) {
                KernelMessages.wipeKeys(m);
                throw new KernelException(what + ": " + (lost != null ? lost : "closed"), 0);
            }
            Pending p = new Pending(m.type(), m.seq(), dump, new ArrayList<>(), new CompletableFuture<>());
            pending = p;
            byte[] wire = PfkeyCodec.encode(m);
            try {
                client.sendRaw(wire);
            } catch (IOException e) {
                pending = null;
                throw new KernelException(what + ": writing to the PF_KEY socket failed: " + e.getMessage(), 0);
            } finally {
                Arrays.fill(wire, (byte) 0);
                KernelMessages.wipeKeys(m);
            }
            try {
                List<PfkeyMessage> replies = p.done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                PfkeyMessage first = replies.getFirst();
                if (first.errno() != 0) throw KernelException.refused(what, first.errno());
                return replies;
            } catch (TimeoutException e) {
                throw new KernelException(what + ": no reply from the kernel within " + timeout.toMillis() + " ms", 0);
            } catch (ExecutionException e) {
                throw new KernelException(what + ": " + e.getCause().getMessage(), 0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KernelException(what + ": interrupted", 0);
            } finally {
                pending = null;
            }
        } finally {
            requests.unlock();
        }
    }

    private void readLoop() {
        try {
            while (!closed) {
                byte[] raw = client.receiveRaw();
                if (raw == null) {
                    connectionLost("the kernel closed the PF_KEY socket");
                    return;
                }
                byte[] inner = PfkeyCodec.unwrapPromisc(raw).orElse(raw);
                PfkeyMessage m;
                try {
                    m = PfkeyCodec.decode(inner, 0, inner.length, Sadb.MAX_MESSAGE_BYTES);
                } catch (PfkeyException e) {
                    malformed.incrementAndGet();
                    continue;
                } finally {
                    if (inner != raw) Arrays.fill(raw, (byte) 0);
                    Arrays.fill(inner, (byte) 0);
                }
                if (!replyTo(m)) {
                    KernelMessages.event(m, pid).ifPresent(ev -> {
                        if (!events.offer(ev)) droppedEvents.incrementAndGet();
                    });
                }
            }
        } catch (IOException e) {
            if (!closed) connectionLost("PF_KEY socket failed: " + e.getMessage());
        }
    }

    /** True when {@code m} is the reply (or a part of the dump) the pending request waits for. */
    private boolean replyTo(PfkeyMessage m) {
        if (m.pid() != pid) return false;
        Pending p = pending;
        boolean ours =
                p != null && m.type() == p.type() && (p.dump() || m.seq() == p.seq() || m.type() == Sadb.SADB_GETSPI);
        if (!ours) {
            // a reply to a request that timed out, or our own request echoed to us: never an event
            if (m.type() != Sadb.SADB_ACQUIRE && m.type() != Sadb.SADB_EXPIRE) {
                lateReplies.incrementAndGet();
                return true;
            }
            return false;
        }
        if (!p.dump() || m.errno() != 0) {
            p.done().complete(List.of(m));
        } else {
            p.parts().add(m);
            if (m.seq() == 0) p.done().complete(List.copyOf(p.parts()));
        }
        return true;
    }

    private void connectionLost(String why) {
        lost = why;
        Pending p = pending;
        if (p != null) p.done().completeExceptionally(new IOException(why));
    }

    @Override
    public void close() throws IOException {
        closed = true;
        client.close();
        reader.interrupt();
    }
}
