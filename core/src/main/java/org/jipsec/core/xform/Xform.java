package org.jipsec.core.xform;

import java.util.List;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.net.Bytes;
import org.jipsec.core.net.IpProtocols;
import org.jipsec.core.net.IpView;
import org.jipsec.core.net.PacketBuffer;
import org.jipsec.core.net.TransportChecksum;

/**
 * The transforms' entry point: protect an IP packet with an SA or an SA bundle, and verify/decapsulate a
 * received packet. Pure: no I/O, no clock; randomness only from the SA's injected source.
 *
 * <p>Output for one SA, as NetBSD's ipsec4_process_packet/ipsec_process_done: tunnel-mode SAs first wrap the
 * packet in an outer header (IP-in-IP), then the transform inserts its header, then an ESP SA with NAT-T puts a
 * UDP header in front of ESP. A bundle is applied in the order given, innermost first — KAME order is IPComp,
 * ESP, AH ({@link #output(List, PacketBuffer)}).
 *
 * <p>Input: the IPsec headers of a packet are removed one after another (AH, then ESP, then IPComp, whatever
 * order they arrive in), each with the SA found by (protocol, SPI, destination); a tunnel header found after a
 * transform is removed (RFC 4301 §5.2). Every refusal is a counted {@link DropReason}.
 */
public final class Xform {

    /** Headroom a buffer should have for one protection: outer IPv6 + UDP + ESP + IV. */
    public static final int HEADROOM = 96;
    /** Tailroom for the trailer (padding up to 255 bytes, pad length, next header) and the ICV. */
    public static final int TAILROOM = 320;

    /** A copy of {@code packet} in a buffer with {@link #HEADROOM} and {@link #TAILROOM}. */
    public static PacketBuffer buffer(byte[] packet) {
        return PacketBuffer.copyOf(packet, HEADROOM, TAILROOM);
    }

    /** Most IPsec/IP-in-IP layers removed from one packet (bounds the work an attacker can cause). */
    static final int MAX_LAYERS = 8;

    private final XformSettings settings;
    private final XformStats stats;
    private final ThreadLocal<IpView> views = ThreadLocal.withInitial(IpView::new);
    private final int[] natPorts;

    /**
     * @param natPorts UDP destination ports on which received datagrams are ESP-in-UDP (RFC 3948; 4500)
     */
    public Xform(XformSettings settings, XformStats stats, int... natPorts) {
        this.settings = settings;
        this.stats = stats;
        this.natPorts = natPorts.length == 0 ? new int[] {NatTraversal.DEFAULT_PORT} : natPorts.clone();
    }

    public XformSettings settings() {
        return settings;
    }

    public XformStats stats() {
        return stats;
    }

    /**
     * Protects the IP packet in {@code f} with one SA, in place.
     *
     * @return null when the buffer holds the protected packet, else the (counted) reason it was dropped
     */
    public DropReason output(SaContext sa, PacketBuffer f) {
        SaParameters p = sa.parameters();
        DropReason r = output0(sa, p, f);
        if (r != null) stats.drop(p.protocol(), r);
        return r;
    }

    private DropReason output0(SaContext sa, SaParameters p, PacketBuffer f) {
        if (!enabled(p.protocol())) return DropReason.DISABLED;
        long[] c = stats.local(); // NetBSD's counters of this packet: one thread-local lookup
        DropReason r;
        if (p.isTunnel()) {
            int inner = f.length();
            r = IpTunnel.encapsulate(sa, f, settings);
            if (r != null) {
                stats.ipipOutputDropped(p.protocol(), r);
                return r;
            }
            XformStats.ipipOutput(c, inner);
        } else if (f.length() > 0
                && ((f.array()[f.start()] & 0xf0) == 0x60) != p.dst().isIpv6()) {
            return DropReason.INVALID; // a transport-mode SA protects packets of its own family only
        }
        XformStats.outputSeen(c, p.protocol());
        r = switch (p.protocol()) {
            case ESP -> Esp.output(sa, f, stats);
            case AH -> Ah.output(sa, f, settings, stats);
            case IPCOMP -> IpComp.output(sa, f, stats);
        };
        if (r != null) return r;
        if (p.protocol() != IpsecProtocol.IPCOMP)
            XformStats.histogram(c, p); // IpComp counts its own (not when sent as is)
        if (p.natT() != null) return UdpEncap.encapsulate(f, p.natT(), views.get());
        return null;
    }

    /** A NAT-keepalive packet for a UDP-encapsulated SA (RFC 3948 §2.3): the caller's timer sends it. */
    public byte[] natKeepalive(SaContext sa) {
        return UdpEncap.keepalive(sa, settings.defaultTtl());
    }

    /** Applies a bundle, innermost SA first (KAME: IPComp, then ESP, then AH). Stops at the first drop. */
    public DropReason output(List<SaContext> bundle, PacketBuffer f) {
        for (SaContext sa : bundle) {
            DropReason r = output(sa, f);
            if (r != null) return r;
        }
        return null;
    }

    private boolean enabled(IpsecProtocol p) {
        return switch (p) {
            case ESP -> settings.espEnable();
            case AH -> settings.ahEnable();
            case IPCOMP -> settings.ipcompEnable();
        };
    }

    /**
     * Removes every IPsec layer of the received packet in {@code f}.
     *
     * @param trace filled in with the outermost header's SPI and sequence number
     * @return null when the buffer holds the inner packet (or an unprotected packet: {@code trace.headers() == 0}),
     *         else the reason it was dropped (counted; {@link DropReason#DUMMY} and {@link DropReason#NAT_KEEPALIVE}
     *         are silent drops)
     */
    public DropReason input(PacketBuffer f, SaLookup lookup, InboundTrace trace) {
        return input(f, lookup, trace, false, null);
    }

    /**
     * {@link #input(PacketBuffer, SaLookup, InboundTrace)} for a packet whose UDP encapsulation (RFC 3948) the caller
     * has already removed ({@code udpDecapsulated}: the buffer holds the IP header with protocol ESP, as
     * {@link UdpEncap} leaves it), with combined-mode ESP payloads decrypted from one array of {@code bufs} into the
     * other (null: in place; see {@link InputBuffers}). Same checks, counters and result as the whole datagram.
     */
    public DropReason input(
            PacketBuffer f, SaLookup lookup, InboundTrace trace, boolean udpDecapsulated, InputBuffers bufs) {
        trace.reset();
        IpView ip = views.get();
        long[] c = null; // NetBSD's counters of this packet: one thread-local lookup, at the first IPsec header
        boolean natDecapsulated = udpDecapsulated;
        SaContext lastSa = null;
        // the removed UDP header counted as one layer, as in the whole datagram
        for (int layer = udpDecapsulated ? 1 : 0; layer < MAX_LAYERS; layer++) {
            byte[] b = f.array();
            DropReason bad = DropReason.of(ip.parse(b, f.start(), f.end(), true));
            if (bad != null) return fail(trace, bad);
            if (ip.ipEnd < f.end()) f.trimBack(f.end() - ip.ipEnd);
            if (ip.fragment) {
                // a tunnelled fragment is delivered as it is; an IPsec fragment must be reassembled first
                if (trace.headers > 0) return null;
                if (ip.proto == IpProtocols.ESP
                        || ip.proto == IpProtocols.AH
                        || ip.proto == IpProtocols.IPCOMP
                        || ip.proto == IpProtocols.FRAGMENT) return fail(trace, DropReason.FRAGMENT);
                return null;
            }
            int proto = ip.proto;
            if (proto == IpProtocols.UDP && isNatT(b, ip)) {
                DropReason u = UdpEncap.decapsulate(f, ip);
                if (u != null) {
                    if (u != DropReason.NAT_KEEPALIVE && u != DropReason.NON_ESP) return fail(trace, u);
                    stats.drop(IpsecProtocol.ESP, u);
                    return u;
                }
                natDecapsulated = true;
                continue;
            }
            if ((proto == IpProtocols.IPV4 || proto == IpProtocols.IPV6) && lastSa != null) {
                XformStats.ipipInput(c);
                DropReason d = IpTunnel.decapsulate(f, ip.hdrEnd, proto, settings, ip);
                if (d != null) {
                    stats.tunnelDropped(trace.protocol, d);
                    return fail(trace, d);
                }
                XformStats.ipipInputBytes(c, f.length());
                trace.tunnel = true;
                trace.tunnelLayers |= 1L << (trace.headers - 1); // per-layer mode for the engine's history
                lastSa = null;
                continue;
            }
            IpsecProtocol sp = proto == IpProtocols.ESP
                    ? IpsecProtocol.ESP
                    : proto == IpProtocols.AH
                            ? IpsecProtocol.AH
                            : proto == IpProtocols.IPCOMP ? IpsecProtocol.IPCOMP : null;
            if (sp == null) {
                if (natDecapsulated && lastSa != null && !trace.tunnel) {
                    // RFC 3948 §3.1.2: transport mode behind a NAT — the TCP/UDP checksum covered the original
                    // addresses; recompute it over the addresses the packet carries now
                    TransportChecksum.rewrite(b, f.start(), proto, ip.hdrEnd, f.end());
                }
                return null;
            }
            if (c == null) c = stats.local();
            XformStats.inputSeen(c, sp);
            int hdr = ip.hdrEnd;
            int need = sp == IpsecProtocol.AH ? 12 : sp == IpsecProtocol.ESP ? 8 : 4;
            if (hdr + need > f.end()) return drop(DropReason.SHORT, sp);
            long spi = switch (sp) {
                case ESP -> Bytes.i32(b, hdr) & 0xffffffffL;
                case AH -> Bytes.i32(b, hdr + 4) & 0xffffffffL;
                case IPCOMP -> Bytes.u16(b, hdr + 2);
            };
            if (trace.protocol == null) {
                trace.protocol = sp;
                trace.spi = spi;
            }
            if (!enabled(sp)) return drop(DropReason.DISABLED, sp);
            int dstOff = ip.version == 4 ? f.start() + 16 : f.start() + 24;
            SaContext sa = lookup.inbound(sp, spi, b, dstOff, ip.version == 4 ? 4 : 16);
            if (sa == null) return drop(DropReason.NO_SA, sp);
            int before = f.length();
            int nhRel = ip.nhOffset - f.start();
            trace.seqBox[0] = -1;
            DropReason r = switch (sp) {
                case ESP -> Esp.input(sa, f, hdr, ip.nhOffset, stats, trace.seqBox, bufs);
                case AH -> Ah.input(sa, f, ip, settings, stats, trace.seqBox);
                case IPCOMP -> IpComp.input(sa, f, ip, stats);
            };
            if (trace.headers == 0) trace.seq = trace.seqBox[0];
            if (r == null || r == DropReason.BAD_AUTH || r == DropReason.BAD_PADDING || r == DropReason.DUMMY) {
                XformStats.histogram(c, sa.parameters()); // NetBSD: counted in *_input_cb once the crypto has run
            }
            if (r != null) return r;
            stats.input(sp, before);
            trace.headers++;
            lastSa = sa;
            // fast exit: an upper-layer payload in transport mode needs no further parsing
            int next = f.array()[f.start() + nhRel] & 0xff;
            if (!natDecapsulated
                    && next != IpProtocols.IPV4
                    && next != IpProtocols.IPV6
                    && next != IpProtocols.ESP
                    && next != IpProtocols.AH
                    && next != IpProtocols.IPCOMP) return null;
        }
        return fail(trace, DropReason.BAD_HEADER);
    }

    private boolean isNatT(byte[] b, IpView ip) {
        if (ip.hdrEnd + 8 > ip.ipEnd) return false;
        int dport = Bytes.u16(b, ip.hdrEnd + 2);
        for (int p : natPorts) if (p == dport) return true;
        return false;
    }

    private DropReason fail(InboundTrace trace, DropReason r) {
        return drop(r, trace.protocol == null ? IpsecProtocol.ESP : trace.protocol);
    }

    private DropReason drop(DropReason r, IpsecProtocol p) {
        stats.drop(p, r);
        return r;
    }
}
