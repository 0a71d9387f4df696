package org.jipsec.core.spd;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Numeric host addresses as libipsec reads and prints them: {@code getaddrinfo(AI_NUMERICHOST)} on
 * input (never a name lookup: {@link InetAddress#ofLiteral} does not resolve), {@code getnameinfo(
 * NI_NUMERICHOST)} / BSD {@code inet_ntop} on output (RFC 5952-style compression of the longest run of
 * zero groups of length ≥ 2, lowercase, {@code ::a.b.c.d} / {@code ::ffff:a.b.c.d} for the
 * IPv4-compatible/-mapped forms).
 */
public final class AddressText {

    private AddressText() {}

    /** A parsed numeric address with its IPv6 scope id (0 = none). */
    public record Parsed(InetAddress address, int scopeId) {}

    /**
     * Parses {@code addr} or {@code addr%scope} (numeric scope only: interface names would need a
     * system lookup, which the core does not do).
     *
     * @return null when the text is not a numeric address
     */
    public static Parsed parse(String text) {
        String addr = text;
        int scope = 0;
        int pct = text.indexOf('%');
        if (pct >= 0) {
            addr = text.substring(0, pct);
            String sc = text.substring(pct + 1);
            if (sc.isEmpty() || sc.length() > 9) return null;
            for (int i = 0; i < sc.length(); i++) if (sc.charAt(i) < '0' || sc.charAt(i) > '9') return null;
            scope = Integer.parseInt(sc);
        }
        if (addr.isEmpty() || addr.length() > 45) return null;
        for (int i = 0; i < addr.length(); i++) {
            char c = addr.charAt(i);
            boolean ok =
                    (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
            if (!ok) return null;
        }
        InetAddress a;
        try {
            a = addr.indexOf(':') >= 0 ? Inet6Address.ofLiteral(addr) : strictIpv4(addr);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (a == null) return null;
        if (a instanceof Inet4Address v4 && addr.indexOf(':') >= 0) {
            // Java turns ::ffff:a.b.c.d into an IPv4 address; getaddrinfo keeps it IPv6 (AF_INET6)
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(v4.getAddress(), 0, mapped, 12, 4);
            try {
                a = Inet6Address.getByAddress(null, mapped, -1);
            } catch (java.net.UnknownHostException e) {
                return null;
            }
        }
        if (a instanceof Inet4Address && scope != 0) return null;
        if (a instanceof Inet6Address i6 && i6.getScopeId() != 0) return null;
        return new Parsed(a, scope);
    }

    private static InetAddress strictIpv4(String s) {
        // dotted quad of decimal octets (inet_pton form)
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) return null;
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3) return null;
            int v = 0;
            for (int j = 0; j < p.length(); j++) {
                char c = p.charAt(j);
                if (c < '0' || c > '9') return null;
                v = v * 10 + (c - '0');
            }
            if (v > 255) return null;
            b[i] = (byte) v;
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    /** Numeric text of an address, BSD {@code inet_ntop} style; {@code %scope} appended when non-zero. */
    public static String format(InetAddress address, int scopeId) {
        byte[] b = address.getAddress();
        String s = b.length == 4 ? ipv4(b, 0) : ipv6(b);
        return scopeId != 0 ? s + "%" + scopeId : s;
    }

    private static String ipv4(byte[] b, int off) {
        return (b[off] & 0xff) + "." + (b[off + 1] & 0xff) + "." + (b[off + 2] & 0xff) + "." + (b[off + 3] & 0xff);
    }

    private static String ipv6(byte[] b) {
        int[] w = new int[8];
        for (int i = 0; i < 8; i++) w[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        int bestBase = -1, bestLen = 0, curBase = -1, curLen = 0;
        for (int i = 0; i < 8; i++) {
            if (w[i] == 0) {
                if (curBase < 0) {
                    curBase = i;
                    curLen = 1;
                } else curLen++;
                if (curLen > bestLen) {
                    bestBase = curBase;
                    bestLen = curLen;
                }
            } else {
                curBase = -1;
                curLen = 0;
            }
        }
        if (bestLen < 2) bestBase = -1;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
                if (i == bestBase) sb.append(':');
                continue;
            }
            if (i != 0) sb.append(':');
            // embedded IPv4 (BSD inet_ntop6): ::a.b.c.d and ::ffff:a.b.c.d
            if (i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && w[5] == 0xffff))) {
                sb.append(ipv4(b, 12));
                return sb.toString();
            }
            sb.append(Integer.toHexString(w[i]));
        }
        if (bestBase >= 0 && bestBase + bestLen == 8) sb.append(':');
        return sb.toString();
    }
}
