package org.jipsec.io.gateway;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.jipsec.core.engine.Encapsulation;
import org.jipsec.core.engine.WirePacket;
import org.jipsec.core.net.IpView;
import org.jipsec.io.ffm.LibC;
import org.jipsec.io.ffm.NativeDatagramSocket;
import org.jipsec.io.raw.RawIpSocket;
import org.jipsec.io.udp.UdpEncapSocket;

/**
 * The data plane's network sockets, opened in the calling thread's network namespace:
 * <ul>
 *   <li>send: one {@code IPPROTO_RAW} socket per family — the engine writes the whole outer header
 *       ({@code IP_HDRINCL} implied; for IPv6 {@code IPV6_HDRINCL}, Linux ≥ 4.5), whatever its protocol (ESP,
 *       AH, IPComp, IP-in-IP, or a packet sent in clear);</li>
 *   <li>receive: one raw socket per family and protocol — ESP (50), AH (51), IPComp (108); IPv4 receives the
 *       whole datagram, IPv6 the payload only, with its addresses from {@code IPV6_PKTINFO} (raw(7), ipv6(7));</li>
 *   <li>ESP-in-UDP (RFC 3948): one UDP socket per family bound to the NAT-T port, with {@code IP_PKTINFO} so
 *       the destination address of each datagram is known (the SA lookup needs it).</li>
 * </ul>
 * Every socket carries {@code SO_MARK} (when non-zero), so that policy routing keeps the protected packets off
 * the TUN; buffers are enlarged (forced as root).
 *
 * <p>One set per data-plane worker ({@link Worker}), used by that worker's thread only (the IKE handoff also sends
 * on worker 0's UDP sockets). With several workers the receive sockets take only their worker's share of the SPIs
 * ({@link SpiSteering}): the UDP sockets are one {@code SO_REUSEPORT} group, the raw ones carry a socket filter.
 */
final class WireSockets implements AutoCloseable {

    /** {@code SO_MARK} (socket(7)): needs CAP_NET_ADMIN. */
    static final int SO_MARK = 36;

    static final int IPPROTO_COMP = 108;
    static final int[] RECEIVE_PROTOCOLS = {LibC.IPPROTO_ESP, LibC.IPPROTO_AH, IPPROTO_COMP};

    final RawIpSocket send4;
    final RawIpSocket send6;
    /** Receive sockets, IPv4 then IPv6, in {@link #RECEIVE_PROTOCOLS} order. */
    final List<RawIpSocket> receive = new ArrayList<>();

    final UdpEncapSocket udp4;
    final UdpEncapSocket udp6;
    private final int natTPort;
    private final byte[] dst4 = new byte[4];
    private final byte[] dst16 = new byte[16];
    /** Packets the kernel refused (no route, buffer full…) — ours plus the batches' skipped ones. */
    long sendErrors;
    /** One {@code sendmmsg} queue per sending socket: raw v4, raw v6, UDP v4, UDP v6. */
    private final SendQueue[] queues;

    /**
     * Packets waiting for one {@code sendmmsg(2)} on one socket. A UDP queue ({@code gso}) coalesces consecutive
     * datagrams to the same peer into one slot sent with {@code UDP_SEGMENT} (udp(7), Linux ≥ 4.18): all of the
     * slot's segment size but the last, which may be shorter — what the segments of one TCP super-packet become
     * after ESP. The kernel then walks its stack once per slot instead of once per datagram.
     */
    private static final class SendQueue {
        final NativeDatagramSocket socket;
        final org.jipsec.io.ffm.PacketBatch batch;
        int count;
        /** UDP segmentation offload in use (cleared for good when the kernel refuses it). */
        boolean gso;
        /** The last slot: segment size, bytes used, segments, still open for more segments, its peer. */
        int segSize;

        int used;
        int segs;
        boolean open;
        final byte[] peer = new byte[16];
        int peerLen;
        int peerPort;

        SendQueue(NativeDatagramSocket socket, boolean gso, int slots) {
            this.socket = socket;
            this.gso = gso;
            this.batch = new org.jipsec.io.ffm.PacketBatch(slots, 65536, gso ? 24 : 0);
        }

        boolean samePeer(byte[] dst, int port) {
            return peerPort == port
                    && peerLen == dst.length
                    && java.util.Arrays.equals(peer, 0, peerLen, dst, 0, dst.length);
        }
    }

    /** At most 64 segments per UDP GSO send (UDP_MAX_SEGMENTS) and a total below the 64 KiB datagram limit. */
    static final int GSO_MAX_SEGMENTS = 64;

    static final int GSO_MAX_BYTES = 65000;
    /** Largest segment coalesced: a full 1500-byte Ethernet frame's UDP payload (a bigger one could not go as GSO). */
    static final int GSO_MAX_SEGMENT = 1472;

    static final int SEND_BATCH = 32;
    /**
     * Slots of a raw socket's send queue: a raw IP socket has no segmentation offload, so each ESP packet of a TSO
     * frame from the TUN is a slot of its own; a frame's segments (at most
     * {@link org.jipsec.io.tun.TunWriteBatch#MAX_SEGMENTS}) then go in one {@code sendmmsg(2)}.
     */
    static final int RAW_SEND_BATCH = 64;

    String lastSendError;

    /** The only set (one worker). */
    WireSockets(GatewayOptions o) throws IOException {
        this(o, 0, 1);
    }

    /**
     * The set of worker {@code worker} of {@code workers}; open them in worker order (the UDP sockets' index in their
     * {@code SO_REUSEPORT} group is the order they were bound in, and the last one attaches the group's program).
     */
    WireSockets(GatewayOptions o, int worker, int workers) throws IOException {
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            RawIpSocket.Options raw = new RawIpSocket.Options(false, o.bufferBytes());
            send4 = mark(RawIpSocket.open(false, LibC.IPPROTO_RAW, raw), o.mark(), opened);
            send6 = mark(RawIpSocket.open(true, LibC.IPPROTO_RAW, raw), o.mark(), opened);
            for (boolean v6 : new boolean[] {false, true}) {
                for (int p : RECEIVE_PROTOCOLS) {
                    RawIpSocket s = mark(RawIpSocket.open(v6, p, raw), o.mark(), opened);
                    if (workers > 1) {
                        SpiSteering.attach(
                                s.socket(),
                                SpiSteering.SO_ATTACH_FILTER,
                                SpiSteering.rawFilter(p, !v6, worker, workers),
                                "SO_ATTACH_FILTER");
                    }
                    s.socket().enableReceiveQueueDrops(); // kernel drops into the counters
                    if (v6) {
                        s.socket().enableReceiveInfo();
                        s.socket().enableReceiveExtensionHeaders(); // RFC 3542 §4: AH's ICV covers them
                    }
                    receive.add(s);
                }
            }
            natTPort = o.natTPort();
            if (natTPort != 0) {
                UdpEncapSocket.Options uo = new UdpEncapSocket.Options(o.bufferBytes(), o.offload(), workers > 1);
                udp4 = UdpEncapSocket.open(new InetSocketAddress(Inet4Address.getByAddress(new byte[4]), natTPort), uo);
                opened.add(udp4);
                setMark(udp4.socket(), o.mark());
                udp4.socket().enableReceiveInfo();
                udp4.socket().enableReceiveQueueDrops();
                udp6 = UdpEncapSocket.open(
                        new InetSocketAddress(Inet6Address.getByAddress(new byte[16]), natTPort), uo);
                opened.add(udp6);
                setMark(udp6.socket(), o.mark());
                udp6.socket().enableReceiveInfo();
                udp6.socket().enableReceiveQueueDrops();
                if (workers > 1 && worker == workers - 1) { // the group is complete: steer it by SPI
                    for (UdpEncapSocket u : new UdpEncapSocket[] {udp4, udp6}) {
                        SpiSteering.attach(
                                u.socket(),
                                SpiSteering.SO_ATTACH_REUSEPORT_CBPF,
                                SpiSteering.reusePortProgram(workers),
                                "SO_ATTACH_REUSEPORT_CBPF");
                    }
                }
            } else {
                udp4 = null;
                udp6 = null;
            }
            queues = natTPort != 0
                    ? new SendQueue[] {
                        new SendQueue(send4.socket(), false, RAW_SEND_BATCH),
                        new SendQueue(send6.socket(), false, RAW_SEND_BATCH),
                        new SendQueue(udp4.socket(), o.offload(), SEND_BATCH),
                        new SendQueue(udp6.socket(), o.offload(), SEND_BATCH)
                    }
                    : new SendQueue[] {
                        new SendQueue(send4.socket(), false, RAW_SEND_BATCH),
                        new SendQueue(send6.socket(), false, RAW_SEND_BATCH)
                    };
        } catch (IOException | RuntimeException e) {
            for (AutoCloseable c : opened) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing after a failure: the first error is the one reported
                }
            }
            throw e;
        }
    }

    private static RawIpSocket mark(RawIpSocket s, int mark, List<AutoCloseable> opened) throws IOException {
        opened.add(s);
        setMark(s.socket(), mark);
        return s;
    }

    private static void setMark(NativeDatagramSocket s, int mark) throws IOException {
        if (mark != 0) s.setOption(LibC.SOL_SOCKET, SO_MARK, mark, "SO_MARK");
    }

    /** The UDP encapsulation port (0 = none). */
    int natTPort() {
        return natTPort;
    }

    /**
     * Packets the kernel dropped because a receive socket's queue was full (SO_RXQ_OVFL, summed over the raw and
     * UDP receive sockets): the data plane fell behind the wire.
     */
    long receiveQueueDrops() {
        long n = 0;
        for (RawIpSocket s : receive) n += s.socket().receiveQueueDrops();
        if (udp4 != null) n += udp4.socket().receiveQueueDrops();
        if (udp6 != null) n += udp6.socket().receiveQueueDrops();
        return n;
    }

    /** The receive socket for slot {@code i}: IPv6 for the second half. */
    boolean receiveIsIpv6(int i) {
        return i >= RECEIVE_PROTOCOLS.length;
    }

    /**
     * Queues one engine output for the next {@link #flush()} (a full queue is sent at once): the whole packet on the
     * raw socket of its family, or what follows the UDP header on the UDP socket. Data-plane thread only.
     */
    void queue(WirePacket w) {
        byte[] p = w.packet();
        queue(p, 0, p.length, w.encapsulation());
    }

    /**
     * {@link #queue(WirePacket)} for a packet at {@code p[start, start + length)} (an engine output left in place,
     * {@link org.jipsec.core.engine.IpsecEngine#output}): copied once, straight into the batch slot.
     */
    void queue(byte[] p, int start, int length, Encapsulation how) {
        int version = length > 0 ? (p[start] & 0xf0) >>> 4 : 0;
        boolean udp = how instanceof Encapsulation.Udp && queues.length == 4;
        int off;
        byte[] dst;
        int port = 0;
        SendQueue q;
        if (version == 4 && length >= 20) {
            System.arraycopy(p, start + 16, dst4, 0, 4);
            dst = dst4;
            q = queues[udp ? 2 : 0];
            off = udp ? IpView.headerLength(p, start, length) + 8 : 0; // the payload of the UDP datagram
        } else if (version == 6 && length >= 40) {
            System.arraycopy(p, start + 24, dst16, 0, 16);
            dst = dst16;
            q = queues[udp ? 3 : 1];
            off = udp ? 48 : 0;
        } else {
            sendErrors++;
            lastSendError = "not an IP packet";
            return;
        }
        if (udp) port = ((Encapsulation.Udp) how).destinationPort();
        int len = length - off;
        off += start;
        if (len < 0 || len > q.batch.bufferSize()) {
            sendErrors++;
            lastSendError = "packet of " + length + " bytes";
            return;
        }
        if (q.gso
                && q.count > 0
                && q.open
                && len <= q.segSize
                && q.segs < GSO_MAX_SEGMENTS
                && q.used + len <= GSO_MAX_BYTES
                && q.samePeer(dst, port)) {
            int slot = q.count - 1;
            java.lang.foreign.MemorySegment.copy(
                    p, off, q.batch.buffer(slot), java.lang.foreign.ValueLayout.JAVA_BYTE, q.used, len);
            q.used += len;
            q.segs++;
            q.batch.setLength(slot, q.used);
            if (q.segs == 2) q.batch.setUdpSegmentSize(slot, q.segSize);
            if (len < q.segSize) q.open = false;
            return;
        }
        if (q.count == q.batch.slots()) flush(q);
        q.batch.put(q.count, p, off, len);
        q.batch.setAddress(q.count, dst, port);
        if (q.gso) {
            q.batch.setUdpSegmentSize(q.count, 0);
            q.segSize = len;
            q.used = len;
            q.segs = 1;
            q.open = len <= GSO_MAX_SEGMENT;
            System.arraycopy(dst, 0, q.peer, 0, dst.length);
            q.peerLen = dst.length;
            q.peerPort = port;
        }
        q.count++;
    }

    /** Sends everything queued, one {@code sendmmsg(2)} per socket. */
    void flush() {
        for (SendQueue q : queues) if (q.count > 0) flush(q);
    }

    private void flush(SendQueue q) {
        try {
            int sent = q.socket.sendBatch(q.batch, q.count);
            if (sent < q.count) {
                sendErrors += q.count - sent;
                if (q.socket.lastSendError() != null) {
                    lastSendError = q.socket.lastSendError().getMessage();
                    gsoRefused(q, q.socket.lastSendError());
                }
            }
        } catch (IOException e) {
            sendErrors += q.count;
            lastSendError = e.getMessage();
            gsoRefused(q, e);
        }
        q.count = 0;
        q.open = false;
    }

    /**
     * A kernel or path that refuses {@code UDP_SEGMENT} (EINVAL: segment above the path MTU, too old a kernel; EIO:
     * no checksum offload on the route) fails the whole slot: GSO is then turned off for that socket for good.
     */
    private void gsoRefused(SendQueue q, IOException e) {
        if (!q.gso || !(e instanceof org.jipsec.io.ffm.NativeException n)) return;
        if (n.errno() == org.jipsec.io.ffm.Errno.EINVAL || n.errno() == 5 /* EIO */) {
            q.gso = false;
            gsoDisabled = true;
            for (int i = 0; i < q.batch.slots(); i++) q.batch.setUdpSegmentSize(i, 0);
        }
    }

    /** UDP GSO was turned off on a socket after the kernel refused it. */
    boolean gsoDisabled;

    @Override
    public void close() {
        for (SendQueue q : queues) q.batch.close();
        List<AutoCloseable> all = new ArrayList<>(receive);
        all.add(send4);
        all.add(send6);
        if (udp4 != null) all.add(udp4);
        if (udp6 != null) all.add(udp6);
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing: nothing left to tell
            }
        }
    }
}
