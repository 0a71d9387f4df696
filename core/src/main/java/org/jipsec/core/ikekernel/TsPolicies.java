package org.jipsec.core.ikekernel;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.jipsec.core.ike.codec.TrafficSelector;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.pfkey.PolicySelector;

/**
 * The SPD selectors for a CHILD_SA's traffic selectors (RFC 7296 §3.13.1 ranges → PF_KEY prefix/port selectors,
 * RFC 4301 §4.4.1): each address range is split into the fewest CIDR blocks that cover it exactly, and every local
 * block is paired with every remote block of the same family. A port range that is neither all ports nor a single
 * port cannot be a PF_KEY selector and widens to any port; {@link #exact} says whether that happened.
 */
public final class TsPolicies {
    private TsPolicies() {}

    /** Any upper-layer protocol in an SPD selector (IPSEC_ULPROTO_ANY). */
    public static final int ANY_PROTOCOL = 255;

    /**
     * Selectors for traffic from {@code source} to {@code destination} (OUTBOUND: local → remote TS; INBOUND: remote
     * → local TS), each with {@code direction}.
     */
    public static List<PolicySelector> selectors(
            PolicyDirection direction, List<TrafficSelector> source, List<TrafficSelector> destination) {
        List<PolicySelector> out = new ArrayList<>();
        for (TrafficSelector s : source) {
            for (TrafficSelector d : destination) {
                if (s.startAddress().length != d.startAddress().length) continue;
                int proto = s.ipProtocol() != 0 ? s.ipProtocol() : d.ipProtocol();
                if (s.ipProtocol() != 0 && d.ipProtocol() != 0 && s.ipProtocol() != d.ipProtocol()) continue;
                for (Block sb : blocks(s.startAddress(), s.endAddress())) {
                    for (Block db : blocks(d.startAddress(), d.endAddress())) {
                        out.add(new PolicySelector(
                                direction,
                                new Endpoint(sb.address, port(s)),
                                sb.prefix,
                                new Endpoint(db.address, port(d)),
                                db.prefix,
                                proto == 0 ? ANY_PROTOCOL : proto));
                    }
                }
            }
        }
        return out;
    }

    /** True if every selector's ports are all ports or a single one (nothing widened). */
    public static boolean exact(List<TrafficSelector> ts) {
        return ts.stream().allMatch(t -> (t.startPort() == 0 && t.endPort() == 0xffff) || t.startPort() == t.endPort());
    }

    private static int port(TrafficSelector t) {
        return t.startPort() == t.endPort() ? t.startPort() : 0;
    }

    private record Block(InetAddress address, int prefix) {}

    /** The CIDR blocks that exactly cover [start, end] (the usual range-to-prefix split). */
    private static List<Block> blocks(byte[] start, byte[] end) {
        int bits = start.length * 8;
        BigInteger lo = new BigInteger(1, start);
        BigInteger hi = new BigInteger(1, end);
        List<Block> out = new ArrayList<>();
        while (lo.compareTo(hi) <= 0) {
            int size = lo.signum() == 0 ? bits : Math.min(lo.getLowestSetBit(), bits);
            while (size > 0
                    && lo.add(BigInteger.ONE.shiftLeft(size))
                                    .subtract(BigInteger.ONE)
                                    .compareTo(hi)
                            > 0) size--;
            out.add(new Block(address(lo, start.length), bits - size));
            lo = lo.add(BigInteger.ONE.shiftLeft(size));
        }
        return out;
    }

    private static InetAddress address(BigInteger v, int len) {
        byte[] raw = v.toByteArray();
        byte[] a = new byte[len];
        int n = Math.min(raw.length, len);
        System.arraycopy(raw, raw.length - n, a, len - n, n);
        try {
            return InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
