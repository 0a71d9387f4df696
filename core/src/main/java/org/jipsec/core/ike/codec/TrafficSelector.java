package org.jipsec.core.ike.codec;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * One traffic selector (RFC 7296 §3.13.1): an address range, a port range and an IP protocol.
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   TS Type     |IP Protocol ID*|       Selector Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Start Port*         |           End Port*           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * ~                         Starting Address*                     ~
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * ~                         Ending Address*                       ~
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Only TS_IPV4_ADDR_RANGE (7, 16 bytes) and TS_IPV6_ADDR_RANGE (8, 40 bytes) are defined by RFC 7296; another
 * type or a length that does not match the type is INVALID_SYNTAX. An inverted range (start above end) is
 * kept as sent: §3.13.1 gives it a meaning for ports (OPAQUE) and narrowing treats it as empty.
 *
 * @param ipProtocol 0 for any (§3.13.1)
 */
public record TrafficSelector(
        int tsType, int ipProtocol, int startPort, int endPort, byte[] startAddress, byte[] endAddress) {

    public static final int TS_IPV4_ADDR_RANGE = 7;
    public static final int TS_IPV6_ADDR_RANGE = 8;

    public TrafficSelector {
        int alen = switch (tsType) {
            case TS_IPV4_ADDR_RANGE -> 4;
            case TS_IPV6_ADDR_RANGE -> 16;
            default -> throw new IllegalArgumentException("TS type " + tsType);
        };
        if (startAddress.length != alen || endAddress.length != alen) {
            throw new IllegalArgumentException("TS addresses of the wrong length for type " + tsType);
        }
        if (ipProtocol < 0 || ipProtocol > 255) throw new IllegalArgumentException("IP protocol " + ipProtocol);
        if (startPort < 0 || startPort > 0xffff || endPort < 0 || endPort > 0xffff) {
            throw new IllegalArgumentException("ports " + startPort + "-" + endPort);
        }
    }

    /** All ports and protocols between two addresses of one family. */
    public static TrafficSelector ofRange(InetAddress start, InetAddress end) {
        byte[] s = start.getAddress();
        return new TrafficSelector(
                s.length == 4 ? TS_IPV4_ADDR_RANGE : TS_IPV6_ADDR_RANGE, 0, 0, 0xffff, s, end.getAddress());
    }

    static TrafficSelector decode(WireReader r) throws InvalidSyntaxException {
        int type = r.u8("TS type");
        int protocol = r.u8("TS IP protocol");
        int length = r.u16("TS selector length");
        int alen = switch (type) {
            case TS_IPV4_ADDR_RANGE -> 4;
            case TS_IPV6_ADDR_RANGE -> 16;
            default -> throw new InvalidSyntaxException("TS type " + type + " (only 7 and 8, RFC 7296 §3.13.1)");
        };
        if (length != 8 + 2 * alen) throw new InvalidSyntaxException("TS type " + type + " of length " + length);
        int startPort = r.u16("TS start port");
        int endPort = r.u16("TS end port");
        return new TrafficSelector(
                type, protocol, startPort, endPort, r.bytes(alen, "TS start address"), r.bytes(alen, "TS end address"));
    }

    void encode(WireWriter w) {
        w.u8(tsType)
                .u8(ipProtocol)
                .u16(8 + 2 * startAddress.length)
                .u16(startPort)
                .u16(endPort)
                .bytes(startAddress)
                .bytes(endAddress);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrafficSelector t
                && t.tsType == tsType
                && t.ipProtocol == ipProtocol
                && t.startPort == startPort
                && t.endPort == endPort
                && Arrays.equals(t.startAddress, startAddress)
                && Arrays.equals(t.endAddress, endAddress);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(startAddress) * 31 + Arrays.hashCode(endAddress) + startPort + endPort + ipProtocol;
    }

    @Override
    public String toString() {
        try {
            String s = InetAddress.getByAddress(startAddress).getHostAddress();
            String e = InetAddress.getByAddress(endAddress).getHostAddress();
            String ports = startPort == 0 && endPort == 0xffff ? "" : "[" + startPort + "-" + endPort + "]";
            return s + ".." + e + (ipProtocol == 0 ? "" : "/proto" + ipProtocol) + ports;
        } catch (UnknownHostException ex) {
            throw new AssertionError(ex);
        }
    }
}
