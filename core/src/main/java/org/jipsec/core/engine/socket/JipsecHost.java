package org.jipsec.core.engine.socket;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jipsec.core.engine.Encapsulation;
import org.jipsec.core.engine.InputDecision;
import org.jipsec.core.engine.InputResult;
import org.jipsec.core.engine.IpsecEngine;
import org.jipsec.core.engine.OutputDecision;
import org.jipsec.core.engine.WirePacket;
import org.jipsec.core.net.PacketBuffer;
import org.jipsec.core.xform.Xform;

/**
 * A small host on top of an {@link IpsecEngine}: local addresses, UDP sockets with per-socket policies
 * ({@link JipsecDatagramSocket}), and a {@link Link} to the network. Packets from the network go in through
 * {@link #receive}; the engine's decisions go out through the link. Not thread-safe: one caller at a time, like
 * the engine.
 */
public final class JipsecHost {

    static final int EPHEMERAL_FIRST = 49152;

    private final IpsecEngine engine;
    private final Link link;
    private final List<InetAddress> addresses;
    private final List<JipsecDatagramSocket> sockets = new ArrayList<>();
    /** Most unclaimed deliveries kept (the oldest are forgotten first). */
    public static final int UNCLAIMED_KEPT = 256;

    private final java.util.ArrayDeque<InputDecision.Deliver> unclaimed = new java.util.ArrayDeque<>();
    private int nextEphemeral = EPHEMERAL_FIRST;
    private int ipId = 1;

    /** @param addresses the host's own addresses (a socket bound to the wildcard sends from the first of its family) */
    public JipsecHost(IpsecEngine engine, Link link, List<InetAddress> addresses) {
        this.engine = Objects.requireNonNull(engine);
        this.link = Objects.requireNonNull(link);
        this.addresses = List.copyOf(addresses);
    }

    public IpsecEngine engine() {
        return engine;
    }

    public List<InetAddress> addresses() {
        return addresses;
    }

    /**
     * A new UDP socket; {@code privileged} is fixed now (NetBSD: the creating credential's kauth check), as
     * {@code socket(2)} by root vs. a user.
     */
    public JipsecDatagramSocket openDatagramSocket(boolean privileged) {
        JipsecDatagramSocket s = new JipsecDatagramSocket(this, privileged);
        sockets.add(s);
        return s;
    }

    /**
     * A packet from the network: the engine's input path, then — for a UDP datagram to a bound port — the socket's
     * inbound policy check (needport = 1) and the socket's receive queue. Returns the decision (a {@code Deliver} no
     * socket took is kept in {@link #unclaimed()}).
     */
    public InputDecision receive(byte[] packet, Encapsulation how) {
        InputResult r = new InputResult();
        engine.input(PacketBuffer.copyOf(packet, Xform.HEADROOM, 0), how, r);
        InputDecision d = r.toDecision();
        if (!(d instanceof InputDecision.Deliver del)) return d;
        Optional<UdpPackets.Parsed> udp = UdpPackets.parse(del.packet());
        if (udp.isEmpty()) {
            keepUnclaimed(del);
            return d;
        }
        UdpPackets.Parsed p = udp.get();
        JipsecDatagramSocket s = find(p.destination());
        if (s == null) {
            keepUnclaimed(del);
            return d;
        }
        Optional<InputDecision.Drop> refused = engine.checkSocketInbound(del, s.policy());
        if (refused.isPresent()) return refused.get();
        s.enqueue(new Datagram(p.source(), p.destination(), p.data(), del.history()));
        return d;
    }

    private void keepUnclaimed(InputDecision.Deliver d) {
        if (unclaimed.size() >= UNCLAIMED_KEPT) unclaimed.pollFirst();
        unclaimed.addLast(d);
    }

    /** The latest packets the engine delivered that no socket took (not UDP, or no socket bound to the port). */
    public List<InputDecision.Deliver> unclaimed() {
        return List.copyOf(unclaimed);
    }

    /** Releases packets held for SAs that arrived since, and sends them. */
    public List<OutputDecision> drainReady() {
        List<OutputDecision> out = engine.drainReady();
        for (OutputDecision d : out) transmit(d);
        return out;
    }

    void transmit(OutputDecision d) {
        switch (d) {
            case OutputDecision.Send s -> {
                for (WirePacket w : s.packets()) link.transmit(w);
            }
            case OutputDecision.SendClear c -> link.transmit(c.packet());
            case OutputDecision.Drop x -> {}
            case OutputDecision.Queued q -> {}
        }
    }

    int nextIpId() {
        ipId = ipId == 0xffff ? 1 : ipId + 1;
        return ipId;
    }

    /** Automatic reqids come from the key engine's counter, shared with the SPD (key_newreqid). */
    int newReqid() {
        return engine.keyEngine().reqids().next();
    }

    InetAddress sourceFor(InetAddress remote) throws JipsecSocketException {
        boolean v6 = remote instanceof Inet6Address;
        for (InetAddress a : addresses) if ((a instanceof Inet6Address) == v6) return a;
        throw new JipsecSocketException("EADDRNOTAVAIL", "no local " + (v6 ? "IPv6" : "IPv4") + " address");
    }

    void bind(JipsecDatagramSocket s, InetSocketAddress local) throws JipsecSocketException {
        InetAddress a = local.getAddress();
        if (!a.isAnyLocalAddress() && !addresses.contains(a))
            throw new JipsecSocketException("EADDRNOTAVAIL", a.getHostAddress() + " is not a local address");
        int port = local.getPort();
        if (port == 0) {
            for (int i = 0; i < 16384 && port == 0; i++) {
                int candidate = nextEphemeral;
                nextEphemeral = nextEphemeral == 65535 ? EPHEMERAL_FIRST : nextEphemeral + 1;
                if (!inUse(a, candidate)) port = candidate;
            }
            if (port == 0) throw new JipsecSocketException("EADDRINUSE", "no free port");
        } else if (inUse(a, port)) {
            throw new JipsecSocketException("EADDRINUSE", "port " + port + " in use");
        }
        s.bound(new InetSocketAddress(a, port));
    }

    private boolean inUse(InetAddress a, int port) {
        for (JipsecDatagramSocket o : sockets) {
            InetSocketAddress l = o.localAddress();
            if (l == null || l.getPort() != port) continue;
            if (l.getAddress().isAnyLocalAddress()
                    || a.isAnyLocalAddress()
                    || l.getAddress().equals(a)) return true;
        }
        return false;
    }

    private JipsecDatagramSocket find(InetSocketAddress dst) {
        JipsecDatagramSocket wildcard = null;
        for (JipsecDatagramSocket s : sockets) {
            InetSocketAddress l = s.localAddress();
            if (l == null || l.getPort() != dst.getPort()) continue;
            if (l.getAddress().equals(dst.getAddress())) return s;
            if (l.getAddress().isAnyLocalAddress()
                    && (l.getAddress() instanceof Inet6Address) == (dst.getAddress() instanceof Inet6Address))
                wildcard = s;
        }
        return wildcard;
    }

    void closed(JipsecDatagramSocket s) {
        sockets.remove(s);
    }
}
