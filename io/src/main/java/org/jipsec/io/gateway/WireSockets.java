package org.jipsec.io.gateway;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.jipsec.core.engine.Encapsulation;
import org.jipsec.core.engine.WirePacket;
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
    private final Arena arena = Arena.ofShared();
    private final MemorySegment out = arena.allocate(65536, 16);
    private final byte[] dst4 = new byte[4];
    private final byte[] dst16 = new byte[16];
    /** Packets the kernel refused (no route, buffer full…). */
    long sendErrors;
    String lastSendError;

    WireSockets(GatewayOptions o) throws IOException {
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            RawIpSocket.Options raw = new RawIpSocket.Options(false, o.bufferBytes());
            send4 = mark(RawIpSocket.open(false, LibC.IPPROTO_RAW, raw), o.mark(), opened);
            send6 = mark(RawIpSocket.open(true, LibC.IPPROTO_RAW, raw), o.mark(), opened);
            for (boolean v6 : new boolean[] {false, true}) {
                for (int p : RECEIVE_PROTOCOLS) {
                    RawIpSocket s = mark(RawIpSocket.open(v6, p, raw), o.mark(), opened);
                    if (v6) s.socket().enableReceiveInfo();
                    receive.add(s);
                }
            }
            natTPort = o.natTPort();
            if (natTPort != 0) {
                UdpEncapSocket.Options uo = new UdpEncapSocket.Options(o.bufferBytes(), false);
                udp4 = UdpEncapSocket.open(new InetSocketAddress(Inet4Address.getByAddress(new byte[4]), natTPort), uo);
                opened.add(udp4);
                setMark(udp4.socket(), o.mark());
                udp4.socket().enableReceiveInfo();
                udp6 = UdpEncapSocket.open(new InetSocketAddress(Inet6Address.getByAddress(new byte[16]), natTPort), uo);
                opened.add(udp6);
                setMark(udp6.socket(), o.mark());
                udp6.socket().enableReceiveInfo();
            } else {
                udp4 = null;
                udp6 = null;
            }
        } catch (IOException | RuntimeException e) {
            for (AutoCloseable c : opened) {
                try { c.close(); } catch (Exception ignored) { }
            }
            arena.close();
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

    /** The receive socket for slot {@code i}: IPv6 for the second half. */
    boolean receiveIsIpv6(int i) { return i >= RECEIVE_PROTOCOLS.length; }

    /** Sends one engine output. Called from the data-plane thread only (one reusable output buffer). */
    void send(WirePacket w) {
        byte[] p = w.packet();
        try {
            int version = p.length > 0 ? (p[0] & 0xf0) >>> 4 : 0;
            if (version == 4 && p.length >= 20) {
                System.arraycopy(p, 16, dst4, 0, 4);
                if (w.encapsulation() instanceof Encapsulation.Udp u && udp4 != null) {
                    int off = w.ipHeaderLength() + 8;
                    MemorySegment.copy(p, off, out, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, p.length - off);
                    udp4.send(out, p.length - off, dst4, u.destinationPort());
                } else {
                    MemorySegment.copy(p, 0, out, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, p.length);
                    send4.send(out, p.length, dst4);
                }
            } else if (version == 6 && p.length >= 40) {
                System.arraycopy(p, 24, dst16, 0, 16);
                if (w.encapsulation() instanceof Encapsulation.Udp u && udp6 != null) {
                    int off = 40 + 8;
                    MemorySegment.copy(p, off, out, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, p.length - off);
                    udp6.send(out, p.length - off, dst16, u.destinationPort());
                } else {
                    MemorySegment.copy(p, 0, out, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, p.length);
                    send6.send(out, p.length, dst16);
                }
            } else {
                sendErrors++;
                lastSendError = "not an IP packet";
            }
        } catch (IOException e) {
            sendErrors++;
            lastSendError = e.getMessage();
        }
    }

    @Override
    public void close() {
        List<AutoCloseable> all = new ArrayList<>(receive);
        all.add(send4);
        all.add(send6);
        if (udp4 != null) all.add(udp4);
        if (udp6 != null) all.add(udp6);
        for (AutoCloseable c : all) {
            try { c.close(); } catch (Exception ignored) { }
        }
        arena.close();
    }
}
