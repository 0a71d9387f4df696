package org.jipsec.core.ike.config;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.jipsec.core.spd.AddressText;

/**
 * Which connection an IKE_SA_INIT from a peer belongs to, by addresses as charon's {@code ike_cfg} match does
 * ({@code local_addrs}/{@code remote_addrs}: address, subnet {@code 10.0.0.0/8}, range {@code a-b}, or
 * {@code %any}; an exact address beats a subnet or range, which beats %any). Host names are not resolved here
 * (the core does no I/O): they match nothing.
 */
public final class ConnectionMatch {
    private ConnectionMatch() {}

    private static final int NONE = -1;

    /** The best-matching IKEv2 connection for a datagram {@code remote} → {@code local}, or empty. */
    public static Optional<IkeConfig.Connection> forPeer(
            List<IkeConfig.Connection> connections, InetAddress local, InetAddress remote) {
        IkeConfig.Connection best = null;
        int bestScore = NONE;
        for (IkeConfig.Connection c : connections) {
            if (c.version() != 0 && c.version() != 2) continue;
            int l = score(c.localAddrs(), local);
            int r = score(c.remoteAddrs(), remote);
            if (l == NONE || r == NONE) continue;
            if (l + r > bestScore) {
                best = c;
                bestScore = l + r;
            }
        }
        return Optional.ofNullable(best);
    }

    /** 3 exact, 2 subnet/range, 1 %any (or empty list, strongSwan's default), -1 no match. */
    static int score(List<String> addrs, InetAddress a) {
        if (addrs.isEmpty()) return 1;
        int best = NONE;
        for (String s : addrs) best = Math.max(best, scoreOne(s.trim(), a));
        return best;
    }

    private static int scoreOne(String s, InetAddress a) {
        if (s.equals("%any")
                || (s.equals("%any4") && a.getAddress().length == 4)
                || (s.equals("%any6") && a.getAddress().length == 16)) {
            return 1;
        }
        AddressText.Parsed p = AddressText.parse(s);
        if (p != null) return p.address().equals(a) ? 3 : NONE;
        int slash = s.indexOf('/');
        if (slash > 0) {
            AddressText.Parsed net = AddressText.parse(s.substring(0, slash));
            if (net == null || net.address().getAddress().length != a.getAddress().length) return NONE;
            int bits = a.getAddress().length * 8;
            int prefix;
            try {
                prefix = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                return NONE;
            }
            if (prefix < 0 || prefix > bits) return NONE;
            BigInteger mask = BigInteger.ONE
                    .shiftLeft(bits)
                    .subtract(BigInteger.ONE)
                    .shiftRight(prefix)
                    .not();
            BigInteger x = new BigInteger(1, a.getAddress());
            BigInteger n = new BigInteger(1, net.address().getAddress());
            return x.and(mask).equals(n.and(mask)) ? 2 : NONE;
        }
        int dash = s.indexOf('-');
        if (dash > 0) {
            AddressText.Parsed lo = AddressText.parse(s.substring(0, dash));
            AddressText.Parsed hi = AddressText.parse(s.substring(dash + 1));
            if (lo == null || hi == null || lo.address().getAddress().length != a.getAddress().length) return NONE;
            BigInteger x = new BigInteger(1, a.getAddress());
            return x.compareTo(new BigInteger(1, lo.address().getAddress())) >= 0
                            && x.compareTo(new BigInteger(1, hi.address().getAddress())) <= 0
                    ? 2
                    : NONE;
        }
        return NONE;
    }

    /** The first literal address of a list ({@code remote_addrs} to initiate to, {@code local_addrs} to bind). */
    public static Optional<InetAddress> firstAddress(List<String> addrs) {
        for (String s : addrs) {
            AddressText.Parsed p = AddressText.parse(s.trim());
            if (p != null) return Optional.of(p.address());
        }
        return Optional.empty();
    }
}
