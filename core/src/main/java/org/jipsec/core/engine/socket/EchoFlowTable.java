package org.jipsec.core.engine.socket;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jipsec.core.engine.SocketPolicy;
import org.jipsec.core.guard.BypassFlow;
import org.jipsec.core.ipsec.PolicyType;
import org.jipsec.core.net.IpView;

/**
 * The per-socket policies of ICMP echo sockets that live outside the engine's process ({@code jipsec ping -P}):
 * NetBSD keeps a socket's policy in its PCB and {@code ipsec_getpolicybysock} consults it before the SPD (spec §4.2);
 * a Linux raw socket has no such slot, so the socket's owner registers its policy with jipsecd, keyed by the flow
 * the socket uses — address family, peer address and ICMP echo identifier (RFC 792 / RFC 4443 §4.1: the identifier
 * pairs requests with replies) — for as long as its registration lasts. The data plane then recognises the flow:
 * an echo request to the peer with that identifier leaving through the TUN is output with the socket's policy
 * ({@link org.jipsec.core.engine.IpsecEngine#output}), an echo reply from the peer with that identifier the engine
 * delivers is checked with it ({@link org.jipsec.core.engine.IpsecEngine#checkSocketInbound}). One engine decides;
 * this table only names the socket a packet belongs to.
 *
 * <p>Thread-safe (registrations come from control connections, lookups from the data plane). Packets are read
 * only as far as the fixed headers: an IPv6 packet with extension headers before the ICMPv6 header is not matched.
 */
public final class EchoFlowTable {

    /** Most registrations at once (each is a control connection of jipsecd). */
    public static final int MAX_FLOWS = 1024;

    private record Key(byte[] peer, int id) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && id == k.id && Arrays.equals(peer, k.peer);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(peer) * 31 + id;
        }
    }

    private final ConcurrentHashMap<Key, SocketPolicy> flows = new ConcurrentHashMap<>();
    /** The source address of each registration that gave one (the guard's bypass rules need it). */
    private final ConcurrentHashMap<Key, InetAddress> locals = new ConcurrentHashMap<>();
    /** Bumped when a bypass hole appears or goes (guarded by this). */
    private int bypassGeneration;

    /** What {@link #register} did. */
    public enum Registration {
        REGISTERED,
        IN_USE,
        FULL
    }

    /**
     * Registers the socket policy of the echo flow to {@code peer} with identifier {@code id} (0-65535).
     * {@link Registration#IN_USE} when another socket holds that flow.
     */
    public synchronized Registration register(InetAddress peer, int id, SocketPolicy policy) {
        return register(peer, id, null, policy);
    }

    /**
     * {@link #register(InetAddress, int, SocketPolicy)} for a socket bound to {@code local} (null: unknown). Only a
     * registration with its local address can be a {@link #bypassFlows bypass flow} for the policy guard.
     */
    public synchronized Registration register(InetAddress peer, int id, InetAddress local, SocketPolicy policy) {
        Objects.requireNonNull(policy);
        if (id < 0 || id > 0xffff) throw new IllegalArgumentException("ICMP identifier " + id);
        if (local != null && (local.getAddress().length != peer.getAddress().length)) {
            throw new IllegalArgumentException("address families differ");
        }
        if (flows.size() >= MAX_FLOWS) return Registration.FULL;
        Key k = new Key(peer.getAddress(), id);
        if (flows.putIfAbsent(k, policy) != null) return Registration.IN_USE;
        if (local != null) {
            locals.put(k, local);
            if (bypassOf(policy) != null) bypassGeneration++;
        }
        return Registration.REGISTERED;
    }

    /** Ends a registration (the socket is closed). */
    public synchronized void unregister(InetAddress peer, int id, SocketPolicy policy) {
        Key k = new Key(peer.getAddress(), id);
        if (!flows.remove(k, policy)) return;
        if (locals.remove(k) != null && bypassOf(policy) != null) bypassGeneration++;
    }

    /**
     * Changes whenever {@link #bypassFlows} would: the policy guard re-renders its table then (as on an SPD change);
     * registrations without bypass leave it alone.
     */
    public synchronized int bypassGeneration() {
        return bypassGeneration;
    }

    /**
     * The registered sockets whose {@code in} or {@code out} policy is {@code bypass}, privileged ones only (spec
     * §4.2: only a privileged socket may bypass; the registration already refuses others, this is the second
     * check), in a stable order (family, peer, identifier) for the guard's table.
     */
    public synchronized List<BypassFlow> bypassFlows() {
        List<BypassFlow> out = new ArrayList<>();
        for (var e : locals.entrySet()) {
            SocketPolicy p = flows.get(e.getKey());
            boolean[] dirs = p == null ? null : bypassOf(p);
            if (dirs == null) continue;
            out.add(new BypassFlow(
                    e.getValue(), address(e.getKey().peer()), e.getKey().id(), dirs[1], dirs[0]));
        }
        out.sort(Comparator.<BypassFlow>comparingInt(f -> f.peer().getAddress().length)
                .thenComparing(f -> f.peer().getAddress(), Arrays::compareUnsigned)
                .thenComparingInt(BypassFlow::id));
        return out;
    }

    /** {in, out} bypass for a privileged policy with at least one bypass direction; else null. */
    private static boolean[] bypassOf(SocketPolicy p) {
        if (!p.privileged()) return null;
        boolean in = p.inbound().type() == PolicyType.BYPASS, out = p.outbound().type() == PolicyType.BYPASS;
        return in || out ? new boolean[] {in, out} : null;
    }

    private static InetAddress address(byte[] a) {
        try {
            return InetAddress.getByAddress(a);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e); // 4 or 16 bytes
        }
    }

    /** True when no flow is registered: the data plane's fast path. */
    public boolean isEmpty() {
        return flows.isEmpty();
    }

    public int size() {
        return flows.size();
    }

    /** The policy of the socket that sent {@code p[off, off+len)}, an echo request leaving for a registered peer; else null. */
    public SocketPolicy outbound(byte[] p, int off, int len) {
        return lookup(p, off, len, true);
    }

    /** The policy of the socket an echo reply {@code p[off, off+len)} from a registered peer is for; else null. */
    public SocketPolicy inbound(byte[] p, int off, int len) {
        return lookup(p, off, len, false);
    }

    private SocketPolicy lookup(byte[] p, int off, int len, boolean out) {
        if (flows.isEmpty() || len < 20) return null;
        int v = IpView.version(p, off);
        int icmp;
        int peerOff;
        int alen;
        if (v == 4) {
            int hl = IpView.headerLength(p, off, len);
            if (hl < 20 || len < hl + 8 || (p[off + 9] & 0xff) != 1) return null;
            if ((((p[off + 6] & 0x1f) << 8) | (p[off + 7] & 0xff)) != 0) return null; // a later fragment
            icmp = off + hl;
            if ((p[icmp] & 0xff) != (out ? 8 : 0)) return null; // RFC 792: echo 8, reply 0
            peerOff = off + (out ? 16 : 12);
            alen = 4;
        } else if (v == 6) {
            if (len < 48 || (p[off + 6] & 0xff) != 58) return null;
            icmp = off + 40;
            if ((p[icmp] & 0xff) != (out ? 128 : 129)) return null; // RFC 4443 §4.1, §4.2
            peerOff = off + (out ? 24 : 8);
            alen = 16;
        } else {
            return null;
        }
        int id = ((p[icmp + 4] & 0xff) << 8) | (p[icmp + 5] & 0xff);
        return flows.get(new Key(Arrays.copyOfRange(p, peerOff, peerOff + alen), id));
    }

    /**
     * An echo reply from {@code peer} to {@code local} with identifier {@code id} (no payload, checksum left zero):
     * what {@link org.jipsec.core.engine.IpsecEngine#checkSocketInboundClear} is asked about when a socket registers.
     */
    public static byte[] echoReply(InetAddress peer, InetAddress local, int id) {
        boolean v6 = peer instanceof Inet6Address;
        if (v6 != (local instanceof Inet6Address)) throw new IllegalArgumentException("address families differ");
        byte[] b;
        if (!v6) {
            b = new byte[28];
            b[0] = 0x45;
            b[3] = 28;
            b[8] = 64;
            b[9] = 1;
            System.arraycopy(peer.getAddress(), 0, b, 12, 4);
            System.arraycopy(local.getAddress(), 0, b, 16, 4);
            b[20] = 0;
        } else {
            b = new byte[48];
            b[0] = 0x60;
            b[5] = 8;
            b[6] = 58;
            b[7] = 64;
            System.arraycopy(peer.getAddress(), 0, b, 8, 16);
            System.arraycopy(local.getAddress(), 0, b, 24, 16);
            b[40] = (byte) 129;
        }
        int icmp = v6 ? 40 : 20;
        b[icmp + 4] = (byte) (id >>> 8);
        b[icmp + 5] = (byte) id;
        return b;
    }
}
