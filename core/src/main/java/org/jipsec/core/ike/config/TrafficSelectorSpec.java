package org.jipsec.core.ike.config;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import org.jipsec.core.ike.codec.TrafficSelector;
import org.jipsec.core.spd.AddressText;

/**
 * A traffic selector as swanctl.conf writes it ({@code local_ts}/{@code remote_ts}): {@code dynamic} (the
 * IKE address, or a virtual IP), a CIDR subnet {@code 10.1.0.0/16}, a single address, or a range
 * {@code 10.1.0.1-10.1.0.9}; optionally followed by {@code [protocol/port]}, where protocol is a number or
 * tcp, udp, icmp, ipv6-icmp, sctp, and port a number or range {@code 1024-65535} (for ICMP strongSwan's
 * type/code encoding is not supported).
 *
 * @param dynamic true for {@code dynamic}: the addresses come from the SA at run time
 */
public record TrafficSelectorSpec(
        boolean dynamic, InetAddress start, InetAddress end, int protocol, int startPort, int endPort) {

    public static TrafficSelectorSpec parse(String raw) {
        String s = raw.trim();
        int protocol = 0;
        int startPort = 0;
        int endPort = 0xffff;
        int bracket = s.indexOf('[');
        if (bracket >= 0) {
            if (!s.endsWith("]")) return null;
            String inner = s.substring(bracket + 1, s.length() - 1);
            s = s.substring(0, bracket);
            String proto = inner;
            String port = null;
            int slash = inner.indexOf('/');
            if (slash >= 0) {
                proto = inner.substring(0, slash);
                port = inner.substring(slash + 1);
            }
            Integer p = protocol(proto);
            if (p == null) return null;
            protocol = p;
            if (port != null && !port.isEmpty() && !port.equals("%any")) {
                int dash = port.indexOf('-');
                Integer a = number(dash < 0 ? port : port.substring(0, dash), 0xffff);
                Integer b = dash < 0 ? a : number(port.substring(dash + 1), 0xffff);
                if (a == null || b == null || a > b) return null;
                startPort = a;
                endPort = b;
            }
        }
        if (s.equals("dynamic")) return new TrafficSelectorSpec(true, null, null, protocol, startPort, endPort);
        try {
            int slash = s.indexOf('/');
            if (slash >= 0) {
                AddressText.Parsed net = AddressText.parse(s.substring(0, slash));
                if (net == null) return null;
                byte[] a = net.address().getAddress();
                Integer prefix = number(s.substring(slash + 1), a.length * 8);
                if (prefix == null) return null;
                BigInteger v = new BigInteger(1, a);
                BigInteger hostMask =
                        BigInteger.ONE.shiftLeft(a.length * 8 - prefix).subtract(BigInteger.ONE);
                BigInteger lo = v.andNot(hostMask);
                return new TrafficSelectorSpec(
                        false, address(lo, a.length), address(lo.or(hostMask), a.length), protocol, startPort, endPort);
            }
            int dash = s.indexOf('-');
            if (dash > 0) {
                AddressText.Parsed a = AddressText.parse(s.substring(0, dash));
                AddressText.Parsed b = AddressText.parse(s.substring(dash + 1));
                if (a == null
                        || b == null
                        || a.address().getAddress().length != b.address().getAddress().length) {
                    return null;
                }
                if (new BigInteger(1, a.address().getAddress())
                                .compareTo(new BigInteger(1, b.address().getAddress()))
                        > 0) {
                    return null;
                }
                return new TrafficSelectorSpec(false, a.address(), b.address(), protocol, startPort, endPort);
            }
            AddressText.Parsed a = AddressText.parse(s);
            if (a == null) return null;
            return new TrafficSelectorSpec(false, a.address(), a.address(), protocol, startPort, endPort);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static Integer protocol(String p) {
        return switch (p.toLowerCase(Locale.ROOT)) {
            case "", "%any", "any" -> 0;
            case "icmp" -> 1;
            case "tcp" -> 6;
            case "udp" -> 17;
            case "ipv6-icmp", "icmpv6" -> 58;
            case "sctp" -> 132;
            default -> number(p, 255);
        };
    }

    private static Integer number(String s, int max) {
        if (s.isEmpty() || s.length() > 5) return null;
        for (int i = 0; i < s.length(); i++) if (!Character.isDigit(s.charAt(i))) return null;
        int v = Integer.parseInt(s);
        return v > max ? null : v;
    }

    private static InetAddress address(BigInteger v, int len) throws UnknownHostException {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[len];
        int n = Math.min(raw.length, len);
        System.arraycopy(raw, raw.length - n, out, len - n, n);
        return InetAddress.getByAddress(out);
    }

    /** The selector for the wire (§3.13.1); {@code dynamic} needs the address it stands for. */
    public TrafficSelector toSelector(InetAddress dynamicAddress) {
        InetAddress s = dynamic ? dynamicAddress : start;
        InetAddress e = dynamic ? dynamicAddress : end;
        byte[] sb = s.getAddress();
        return new TrafficSelector(
                sb.length == 4 ? TrafficSelector.TS_IPV4_ADDR_RANGE : TrafficSelector.TS_IPV6_ADDR_RANGE,
                protocol,
                startPort,
                endPort,
                sb,
                e.getAddress());
    }
}
