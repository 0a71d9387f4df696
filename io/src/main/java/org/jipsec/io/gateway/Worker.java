package org.jipsec.io.gateway;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.jipsec.core.engine.DropCause;
import org.jipsec.core.engine.Encapsulation;
import org.jipsec.core.engine.InPlaceOutput;
import org.jipsec.core.engine.InputDecision;
import org.jipsec.core.engine.InputResult;
import org.jipsec.core.engine.OutputDecision;
import org.jipsec.core.engine.WirePacket;
import org.jipsec.core.engine.socket.EchoFlowTable;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.net.HopLimit;
import org.jipsec.core.net.IpView;
import org.jipsec.core.net.PacketBuffer;
import org.jipsec.core.xform.Xform;
import org.jipsec.io.ffm.LibC;
import org.jipsec.io.ffm.NativeDatagramSocket;
import org.jipsec.io.ffm.NativeFd;
import org.jipsec.io.ffm.PacketBatch;
import org.jipsec.io.ffm.Poller;
import org.jipsec.io.raw.RawIpSocket;
import org.jipsec.io.tun.GsoSplitter;
import org.jipsec.io.tun.TunPacketException;
import org.jipsec.io.tun.TunQueue;
import org.jipsec.io.tun.TunWriteBatch;
import org.jipsec.io.udp.UdpEncapSocket;

/**
 * One data-plane worker (see {@link DataPlane}): one thread, one {@link Poller} over its own TUN queue, its own raw
 * ESP/AH/IPComp receive sockets (each with a filter that passes only the SPIs steered to this worker) and its own
 * ESP-in-UDP sockets (members of one {@code SO_REUSEPORT} group steered by SPI), and its own send sockets, batches,
 * buffers and counters. Engine calls go through the {@link EnginePort}, under its lock; sends and TUN writes happen
 * after the lock is released.
 *
 * <ul>
 *   <li>TUN → {@link EnginePort#output} (as a locally sent packet: needport = 1, so port selectors match for
 *       forwarded traffic too) → raw IP or UDP 4500;</li>
 *   <li>raw/UDP → {@link EnginePort#input} → {@code Deliver} written to the TUN, where the kernel delivers it
 *       locally or forwards it;</li>
 *   <li>worker 0 only, every second: the {@link DataPlane#timer timer step} (tick, ACQUIRE releases, NAT-T
 *       keepalives), whose packets go out through worker 0's sockets.</li>
 * </ul>
 */
final class Worker implements Runnable {

    private static final int BATCH = 32;
    private static final int MAX_PACKET = 65536;
    /** Packets taken from one ready descriptor before the others get a turn. */
    private static final int FAIRNESS = 64;

    /** This worker's number: its TUN queue, its share of the SPIs; 0 also runs the timer. */
    final int index;

    private final DataPlane plane;
    private final EnginePort engine;
    private final TunQueue tun;
    final WireSockets sockets;
    private final GatewayDaemon.Log log;
    final GatewayCounters counters = new GatewayCounters();
    private final Arena arena = Arena.ofShared();
    private final MemorySegment tunBuf = arena.allocate(MAX_PACKET, 16);
    private final MemorySegment tunOut = arena.allocate(MAX_PACKET, 16);
    private final PacketBatch batch = new PacketBatch(BATCH, MAX_PACKET, NativeDatagramSocket.RECEIVE_INFO_CONTROL);
    /**
     * The raw IPv6 sockets' receive batch: its control area per slot also holds the extension header cmsgs
     * (RFC 3542 §4, up to 8 KB a slot); a batch of its own so the IPv4 and UDP paths keep their small control stride.
     */
    private final PacketBatch batch6 =
            new PacketBatch(BATCH, MAX_PACKET, NativeDatagramSocket.EXTENSION_HEADERS_CONTROL);
    /** Raw packets on their way into the engine, lent to it (one copy from the receive slot). */
    private final RawReceive raw = new RawReceive();

    private static final int DATAGRAM_HEADROOM = 64;
    /** A NAT-T datagram lent to the engine ({@link EnginePort#inputDatagram}); headroom for the IP header it reads. */
    private final byte[] datagram = new byte[DATAGRAM_HEADROOM + MAX_PACKET];
    /**
     * Packets from the TUN on their way through {@link EnginePort#output}, each at {@link Xform#HEADROOM}: the engine
     * adds headers and trailer in the same array (no copy). One per TSO segment (offload queue), else one.
     */
    private final byte[][] segments;

    private final int[] segmentLengths;
    /** Per segment: the engine's answer, and the buffer it left the packet in (null: ignored, FAILED: engine failure). */
    private final InPlaceOutput[] outResults;

    private final PacketBuffer[] outBuffers;
    private static final PacketBuffer FAILED = PacketBuffer.allocate(0, 0);
    /** Offload queue: TSO frames split into segments ({@link GsoSplitter}), decrypted TCP coalesced ({@link TunWriteBatch}). */
    private final boolean offload;

    private final TunWriteBatch tunWrites;
    /** The data plane's own cleartext re-emissions (shared by the workers: a packet may come back on any queue). */
    private final LoopDetector loops;

    private volatile boolean running = true;

    private Poller poller;
    private final BatchClock clock;
    /** The engine's decisions for one run of received datagrams, acted on after the lock is released. */
    private final InputDecision[] decided = new InputDecision[64];
    /** The engine's answer for one received packet or datagram ({@link EnginePort#input}, {@link EnginePort#inputDatagram}). */
    private final InputResult result = new InputResult();
    /** The last received datagram's encapsulation, reused while source, port and destination stay the same. */
    private Encapsulation.UdpDatagram lastHow;

    private final byte[] srcBytes = new byte[16];
    private final byte[] addr = new byte[16];
    private final byte[] lastSrc = new byte[16];
    private final byte[] lastDst = new byte[16];
    private int lastSrcLen;
    private int lastDstLen;
    private int lastSrcPort;

    Worker(int index, DataPlane plane, TunQueue tun, WireSockets sockets) {
        this.index = index;
        this.plane = plane;
        this.engine = plane.engine;
        this.clock = plane.clock;
        this.log = plane.log;
        this.loops = plane.loops;
        this.tun = tun;
        this.sockets = sockets;
        this.offload = tun.hasVnetHdr();
        segments = new byte[offload ? TunWriteBatch.MAX_SEGMENTS : 1][Xform.HEADROOM + MAX_PACKET + Xform.TAILROOM];
        segmentLengths = new int[segments.length];
        outResults = new InPlaceOutput[segments.length];
        for (int i = 0; i < outResults.length; i++) outResults[i] = new InPlaceOutput();
        outBuffers = new PacketBuffer[segments.length];
        tunWrites = offload ? new TunWriteBatch(BATCH) : null;
    }

    /** Descriptors in poll order: TUN, the raw receive sockets, UDP v4, UDP v6. */
    private NativeFd[] fds() {
        List<NativeFd> l = new java.util.ArrayList<>();
        l.add(tun.fd());
        for (RawIpSocket s : sockets.receive) l.add(s.fd());
        if (sockets.udp4 != null) {
            l.add(sockets.udp4.fd());
            l.add(sockets.udp6.fd());
        }
        return l.toArray(NativeFd[]::new);
    }

    void stop() {
        running = false;
        Poller p = poller;
        if (p != null) {
            try {
                p.wakeup();
            } catch (IOException ignored) { // poller closing; the loop sees running == false within its 1 s poll
            }
        }
    }

    @Override
    public void run() {
        int raws = sockets.receive.size();
        try (Poller p = new Poller(fds(), LibC.POLLIN)) {
            poller = p;
            long nextTick = System.nanoTime() + 1_000_000_000L;
            long ticks = 0;
            boolean timer = index == 0;
            if (timer) plane.refreshLocalAddresses();
            while (running) {
                long waitMs = timer ? Math.max(0, (nextTick - System.nanoTime()) / 1_000_000L) : 1000;
                int ready = p.poll((int) Math.min(waitMs, 1000));
                if (!running) break;
                if (ready > 0) {
                    if (p.isReady(0)) fromTun();
                    for (int i = 0; i < raws; i++) {
                        if (p.isReady(1 + i))
                            fromRaw(
                                    sockets.receive.get(i),
                                    sockets.receiveIsIpv6(i),
                                    WireSockets.RECEIVE_PROTOCOLS[i % WireSockets.RECEIVE_PROTOCOLS.length]);
                    }
                    if (sockets.udp4 != null) {
                        if (p.isReady(1 + raws)) fromUdp(sockets.udp4);
                        if (p.isReady(2 + raws)) fromUdp(sockets.udp6);
                    }
                }
                if (timer && System.nanoTime() - nextTick >= 0) {
                    nextTick += 1_000_000_000L;
                    ticks++;
                    plane.timer(this, ticks % plane.keepaliveSeconds == 0);
                }
            }
        } catch (IOException | RuntimeException e) {
            if (running) log.line("data plane worker " + index + " stopped: " + e);
        } finally {
            poller = null;
            batch.close();
            batch6.close();
            if (tunWrites != null) tunWrites.close();
            arena.close();
        }
    }

    private void fromTun() throws IOException {
        if (clock != null) clock.hold(); // one clock read for the frames read now
        try {
            readTun();
        } finally {
            if (clock != null) clock.release();
            sockets.flush();
        }
    }

    private void readTun() throws IOException {
        for (int n = 0; n < FAIRNESS; n++) {
            int len = tun.read(tunBuf);
            if (len == LibC.AGAIN || len <= 0) return;
            int count;
            if (!offload) {
                MemorySegment.copy(tunBuf, ValueLayout.JAVA_BYTE, 0, segments[0], Xform.HEADROOM, len);
                segmentLengths[0] = len;
                count = 1;
            } else {
                try {
                    count = GsoSplitter.split(tunBuf, len, segments, Xform.HEADROOM, segmentLengths);
                } catch (TunPacketException e) {
                    counters.tunIn++;
                    counters.outDrops++;
                    continue;
                }
            }
            outbound(count);
        }
    }

    /**
     * The {@code count} IP packets in {@link #segments} (each at {@link Xform#HEADROOM}, its length in
     * {@link #segmentLengths}) through {@link EnginePort#output} under one hold of the engine lock (a TSO
     * frame's segments: at most {@link TunWriteBatch#MAX_SEGMENTS}), each protected in its own array; then, with the
     * lock released, queued for the network from there.
     */
    private void outbound(int count) {
        engine.lock();
        try {
            for (int i = 0; i < count; i++) {
                InPlaceOutput r = outResults[i];
                int len = segmentLengths[i];
                // the kernel's packets for the link itself (MLD, router solicitations, IPv4 multicast and limited
                // broadcast) have no IPsec peer; sent back out in clear they would be routed into the TUN again
                if (IpView.linkScopedDestination(segments[i], Xform.HEADROOM, len)) {
                    outBuffers[i] = null; // ignored
                    continue;
                }
                PacketBuffer p = PacketBuffer.wrap(segments[i], Xform.HEADROOM, len);
                outBuffers[i] = p;
                try {
                    // a registered socket's echo request goes out with that socket's policy (spec §4.2)
                    engine.output(p, plane.flows.outbound(segments[i], Xform.HEADROOM, len), r);
                } catch (RuntimeException e) {
                    engineFailure(e);
                    outBuffers[i] = FAILED;
                }
            }
        } finally {
            engine.unlock();
        }
        for (int i = 0; i < count; i++) {
            counters.tunIn++;
            PacketBuffer p = outBuffers[i];
            outBuffers[i] = null;
            if (p == null) {
                counters.tunIgnored++;
                continue;
            }
            if (p == FAILED) continue; // counted by engineFailure
            InPlaceOutput r = outResults[i];
            if (!r.sent()) {
                act(r.decision());
                continue;
            }
            if (r.clear() && !reemit(p.array(), p.start(), p.length())) continue;
            sockets.queue(p.array(), p.start(), p.length(), r.encapsulation());
            if (r.clear()) counters.clearOut++;
            else counters.wireOut++;
        }
    }

    /**
     * A packet from the TUN that no policy protects goes back out in clear: the data plane forwards it, as a router
     * does, so its TTL / hop limit is decremented first ({@link HopLimit}: arrived with 1 or 0, it is dropped without
     * an ICMP error and counted, {@link org.jipsec.core.engine.DropCause#HOP_LIMIT}), and a packet that is one of the
     * data plane's own re-emissions coming back — its route with the daemon's mark leads into the TUN — is dropped
     * and counted ({@link org.jipsec.core.engine.DropCause#LOOP}; {@link LoopDetector}). False when dropped; the
     * packet at {@code a[off, off + len)} is changed in place.
     */
    private boolean reemit(byte[] a, int off, int len) {
        DropCause drop = loops.returned(a, off, len)
                ? DropCause.LOOP
                : HopLimit.decrement(a, off, len) == HopLimit.EXPIRED ? DropCause.HOP_LIMIT : null;
        if (drop != null) {
            counters.dropped(drop);
            return false;
        }
        loops.emitted(a, off, len);
        return true;
    }

    void act(OutputDecision d) {
        switch (d) {
            case OutputDecision.Send s -> {
                for (WirePacket w : s.packets()) {
                    sockets.queue(w);
                    counters.wireOut++;
                }
            }
            case OutputDecision.SendClear c -> {
                byte[] b = c.packet().packet();
                if (!reemit(b, 0, b.length)) return;
                sockets.queue(c.packet());
                counters.clearOut++;
            }
            case OutputDecision.Drop x -> counters.outDrops++;
            case OutputDecision.Queued q -> counters.queued++;
        }
    }

    /**
     * A batch from a raw receive socket, as {@link #fromUdp} does it: each packet copied once from its slot into
     * {@link #raw}'s array and lent to the engine, the engine lock held once per run of up to 64 packets, a delivered
     * packet written to the TUN batch from the engine's buffer under it.
     */
    private void fromRaw(RawIpSocket s, boolean v6, int protocol) throws IOException {
        for (int round = 0; round < FAIRNESS / BATCH + 1; round++) {
            PacketBatch batch = v6 ? batch6 : this.batch;
            int n = s.receiveBatch(batch, 0);
            if (n <= 0) return;
            if (clock != null) clock.hold(); // one clock read for the batch
            try {
                int i = 0;
                while (i < n) {
                    int k = 0;
                    engine.lock();
                    try {
                        for (; i < n && k < decided.length; i++) {
                            int len = raw.take(batch, i, v6, protocol);
                            if (len < 0) {
                                counters.inDrops++;
                                continue;
                            }
                            counters.wireIn++;
                            InputDecision d;
                            try {
                                engine.input(PacketBuffer.wrap(raw.packet(), Xform.HEADROOM, len), result);
                                d = delivered();
                            } catch (RuntimeException e) {
                                engineFailure(e);
                                d = null;
                            }
                            if (d != null) decided[k++] = d;
                        }
                    } finally {
                        engine.unlock();
                    }
                    for (int j = 0; j < k; j++) {
                        act(decided[j]);
                        decided[j] = null;
                    }
                }
                flushTun();
            } finally {
                if (clock != null) clock.release();
            }
            if (n < BATCH) return;
        }
    }

    private void fromUdp(UdpEncapSocket s) throws IOException {
        for (int round = 0; round < FAIRNESS / BATCH + 1; round++) {
            int n = s.receiveBatch(batch, 0);
            if (n <= 0) return;
            if (clock != null) clock.hold(); // one clock read for the batch
            try {
                for (int i = 0; i < n; i++) {
                    Encapsulation.UdpDatagram how = datagramOf(i);
                    if (how == null) {
                        counters.inDrops++;
                        continue;
                    }
                    // UDP GRO (udp(7)): the slot may hold several datagrams of one flow, all of the segment size but
                    // the last; each is one ESP-in-UDP packet (RFC 3948 §2.2) with the same endpoints.
                    int len = batch.length(i);
                    int seg = batch.udpGroSegmentSize(i);
                    if (seg <= 0) seg = len;
                    MemorySegment buf = batch.buffer(i);
                    int at = 0;
                    while (at < len) {
                        // the engine lock once per run of datagrams (a lock is a fence); delivered packets go to
                        // the TUN batch from the engine's buffer under it, other decisions are counted after it
                        int k = 0;
                        engine.lock();
                        try {
                            do {
                                int n1 = Math.min(seg, len - at);
                                MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, at, datagram, DATAGRAM_HEADROOM, n1);
                                counters.wireIn++;
                                InputDecision d = decideDatagram(n1, how);
                                if (d != null) decided[k++] = d;
                                at += n1;
                            } while (at < len && k < decided.length);
                        } finally {
                            engine.unlock();
                        }
                        for (int j = 0; j < k; j++) {
                            act(decided[j]);
                            decided[j] = null;
                        }
                    }
                }
                flushTun();
            } finally {
                if (clock != null) clock.release();
            }
            if (n < BATCH) return;
        }
    }

    /**
     * The encapsulation of the datagram in slot {@code i}: its source (address, port) and the address it was sent to
     * ({@code IP_PKTINFO}). The previous slot's object again when all three are the same (no address objects per
     * datagram); a link-local IPv6 source (scope id) is always read afresh. Null when the datagram cannot be
     * attributed (no source or destination, or an IPv6 source on an IPv4 destination).
     */
    private Encapsulation.UdpDatagram datagramOf(int i) throws IOException {
        int slen = batch.copyAddress(i, srcBytes);
        int dlen = batch.destinationAddress(i, addr);
        if (slen == 0 || dlen == 0) return null;
        int sport = batch.port(i);
        boolean linkLocal = slen == 16 && srcBytes[0] == (byte) 0xfe && (srcBytes[1] & 0xc0) == 0x80;
        if (lastHow != null
                && !linkLocal
                && slen == lastSrcLen
                && sport == lastSrcPort
                && dlen == lastDstLen
                && java.util.Arrays.equals(srcBytes, 0, slen, lastSrc, 0, slen)
                && java.util.Arrays.equals(addr, 0, dlen, lastDst, 0, dlen)) {
            return lastHow;
        }
        InetSocketAddress src = batch.address(i);
        if (src == null) return null;
        InetAddress dst = InetAddress.getByAddress(java.util.Arrays.copyOf(addr, dlen));
        InetAddress srcAddr = src.getAddress();
        if (srcAddr instanceof java.net.Inet6Address && dlen == 4) return null;
        Encapsulation.UdpDatagram how = new Encapsulation.UdpDatagram(
                new Endpoint(srcAddr, src.getPort()), new Endpoint(dst, sockets.natTPort()));
        if (!linkLocal) {
            System.arraycopy(srcBytes, 0, lastSrc, 0, slen);
            System.arraycopy(addr, 0, lastDst, 0, dlen);
            lastSrcLen = slen;
            lastDstLen = dlen;
            lastSrcPort = sport;
            lastHow = how;
        }
        return how;
    }

    /**
     * The engine answers every packet with a decision; an exception is a bug. The packet is dropped and counted, the
     * first failure is logged (without the packet), and the data plane goes on with the next packet.
     */
    void engineFailure(RuntimeException e) {
        if (counters.engineFailures++ == 0)
            log.line("engine failure (packet dropped; further ones only counted): " + e);
    }

    private void flushTun() {
        if (tunWrites == null || tunWrites.frames() == 0) return;
        try {
            tunWrites.flush(tun);
        } catch (IOException e) {
            counters.tunWriteErrors++;
        }
    }

    /**
     * The datagram in {@link #datagram} through the engine, which may use the buffer (the caller holds the lock). A
     * delivered packet goes to the TUN batch straight from the engine's buffer (no array made for it); anything else
     * is returned for {@link #act}. Null when delivered or after an engine failure (counted).
     */
    private InputDecision decideDatagram(int len, Encapsulation.UdpDatagram how) {
        try {
            engine.inputDatagram(PacketBuffer.wrap(datagram, DATAGRAM_HEADROOM, len), how, result);
        } catch (RuntimeException e) {
            engineFailure(e);
            return null;
        }
        return delivered();
    }

    /** {@link #result} after an input: a delivery written to the TUN batch (null), else the decision for {@link #act}. */
    private InputDecision delivered() {
        if (!result.delivered()) return result.decision();
        EchoFlowTable flows = plane.flows;
        if (!flows.isEmpty() && flows.inbound(result.array(), result.offset(), result.length()) != null) {
            return socketCheck((InputDecision.Deliver) result.toDecision());
        }
        toTun(result.array(), result.offset(), result.length());
        return null;
    }

    /**
     * A delivered packet that is the echo reply of a registered socket ({@link EchoFlowTable}) is checked with that
     * socket's inbound policy (spec §4.2, §4.5: the socket path, needport = 1) before it reaches the TUN; the caller
     * holds the engine lock. The delivery itself, or the counted drop.
     */
    private InputDecision socketCheck(InputDecision.Deliver del) {
        org.jipsec.core.engine.SocketPolicy sp = plane.flows.inbound(del.packet(), 0, del.packet().length);
        if (sp == null) return del;
        return engine.checkSocketInbound(del, sp).<InputDecision>map(x -> x).orElse(del);
    }

    /** One IP packet to the TUN: into the write batch (offload queue) or written at once. */
    private void toTun(byte[] a, int off, int len) {
        try {
            if (offload) {
                if (!tunWrites.add(a, off, len)) { // the batch copies it into a frame
                    tunWrites.flush(tun);
                    tunWrites.add(a, off, len);
                }
            } else {
                MemorySegment.copy(a, off, tunOut, ValueLayout.JAVA_BYTE, 0, len);
                tun.writePacket(tunOut, len);
            }
            counters.tunOut++;
        } catch (IOException | IllegalArgumentException e) {
            counters.tunWriteErrors++;
        }
    }

    /** What the engine decided for one received packet: delivered to the TUN, or counted. */
    private void act(InputDecision d) {
        if (d == null) return;
        switch (d) {
            case InputDecision.Deliver del -> toTun(del.packet(), 0, del.packet().length);
            case InputDecision.Drop x -> counters.inDrops++;
            case InputDecision.Keepalive k -> counters.keepalivesIn++;
            case InputDecision.Ike ike -> {
                counters.ikeIn++;
                java.util.function.Consumer<InputDecision.Ike> sink = plane.ikeSink;
                if (sink != null) sink.accept(ike); // IKE handoff to iked: never blocks
            }
            case InputDecision.Reassembling r -> {}
        }
    }
}
