package org.jipsec.core.net;

/**
 * A one-line, tcpdump-like description of an IP packet for logs, the pcap viewer and tests, e.g.
 * {@code 10.1.0.1 > 10.2.0.1: ICMP echo request id 0x4a50 seq 1, length 56} or
 * {@code 10.1.0.1 > 10.2.0.1: ESP spi 0x00001000 seq 1, length 104}. Never throws: a packet that does not
 * parse is described as {@code malformed: <reason>}.
 */
public final class PacketDescription {
    private PacketDescription() {}

    public static String describe(byte[] b, int off, int len) {
        try {
            return describeChecked(b, off, len);
        } catch (MalformedPacketException e) {
            return "malformed: " + e.getMessage();
        }
    }

    public static String describe(PacketBuffer p) {
        return describe(p.array(), p.start(), p.length());
    }

    private static String describeChecked(byte[] b, int off, int len) throws MalformedPacketException {
        int version = IpPacket.version(b, off, len);
        StringBuilder sb = new StringBuilder(96);
        int end;
        UpperLayer u;
        if (version == 4) {
            Ipv4Header.check(b, off, len);
            end = off + Ipv4Header.totalLength(b, off);
            sb.append(Ipv4Header.srcAddress(b, off).getHostAddress())
                    .append(" > ")
                    .append(Ipv4Header.dstAddress(b, off).getHostAddress())
                    .append(": ");
            if (Ipv4Header.isFragment(b, off)) {
                sb.append("frag id ")
                        .append(Ipv4Header.identification(b, off))
                        .append(" offset ")
                        .append(Ipv4Header.fragmentOffset(b, off))
                        .append(Ipv4Header.moreFragments(b, off) ? "+" : "")
                        .append(", ");
                if (Ipv4Header.fragmentOffset(b, off) != 0) {
                    return sb.append(IpProtocols.name(Ipv4Header.protocol(b, off)))
                            .append(", length ")
                            .append(end - off - Ipv4Header.headerLength(b, off))
                            .toString();
                }
            }
            u = IpPacket.upperLayer(b, off, len);
        } else {
            Ipv6HeaderChain c = Ipv6HeaderChain.scratch().parse(b, off, len);
            end = c.packetEnd();
            sb.append(compact(Ipv6Header.srcAddress(b, off).getHostAddress()))
                    .append(" > ")
                    .append(compact(Ipv6Header.dstAddress(b, off).getHostAddress()))
                    .append(": ");
            for (int i = 0; i < c.count(); i++)
                sb.append(IpProtocols.name(c.type(i))).append(' ');
            if (c.isLaterFragment()) {
                int fh = c.offset(c.fragmentIndex());
                return sb.append("offset ")
                        .append(Ipv6FragmentHeader.fragmentOffset(b, fh))
                        .append(Ipv6FragmentHeader.moreFragments(b, fh) ? "+" : "")
                        .append(", length ")
                        .append(end - c.upperOffset())
                        .toString();
            }
            u = new UpperLayer(c.upperProtocol(), c.upperOffset(), false);
        }
        int p = u.offset();
        int n = end - p;
        switch (u.protocol()) {
            case IpProtocols.TCP -> {
                if (n < 20) return sb.append("TCP truncated").toString();
                int flags = b[p + 13] & 0x3f;
                int dataOff = (b[p + 12] & 0xf0) >>> 2;
                sb.append("TCP ")
                        .append(Bytes.u16(b, p))
                        .append(" > ")
                        .append(Bytes.u16(b, p + 2))
                        .append(" [")
                        .append(tcpFlags(flags))
                        .append("] seq ")
                        .append(Bytes.u32(b, p + 4));
                if ((flags & 0x10) != 0) sb.append(" ack ").append(Bytes.u32(b, p + 8));
                sb.append(", length ").append(Math.max(0, n - dataOff));
            }
            case IpProtocols.UDP -> {
                if (n < 8) return sb.append("UDP truncated").toString();
                int sport = Bytes.u16(b, p), dport = Bytes.u16(b, p + 2);
                if ((sport == 4500 || dport == 4500) && n >= 16 && Bytes.i32(b, p + 8) != 0) {
                    // RFC 3948 §2.2: a non-zero first word after the UDP header is an ESP SPI
                    sb.append("UDP-encap ");
                    esp(sb, b, p + 8, n - 8);
                } else {
                    sb.append("UDP ")
                            .append(sport)
                            .append(" > ")
                            .append(dport)
                            .append(", length ")
                            .append(n - 8);
                }
            }
            case IpProtocols.ICMP, IpProtocols.ICMPV6 -> {
                if (n < 4) return sb.append("ICMP truncated").toString();
                int type = b[p] & 0xff, code = b[p + 1] & 0xff;
                sb.append(u.protocol() == IpProtocols.ICMP ? "ICMP " : "ICMP6 ")
                        .append(icmpName(u.protocol(), type, code));
                boolean echo =
                        u.protocol() == IpProtocols.ICMP ? (type == 0 || type == 8) : (type == 128 || type == 129);
                if (echo && n >= 8)
                    sb.append(String.format(" id 0x%04x seq %d", Bytes.u16(b, p + 4), Bytes.u16(b, p + 6)));
                sb.append(", length ").append(n - (echo ? 8 : 4));
            }
            case IpProtocols.ESP -> esp(sb, b, p, n);
            case IpProtocols.IPV4, IpProtocols.IPV6 ->
                sb.append("IP-in-IP, length ").append(n);
            case IpProtocols.IPCOMP ->
                sb.append(n >= 4 ? String.format("IPComp cpi 0x%04x", Bytes.u16(b, p + 2)) : "IPComp truncated");
            default ->
                sb.append(IpProtocols.name(u.protocol())).append(", length ").append(n);
        }
        if (version == 4 ? Bytes.u8(b, off + Ipv4Header.OFF_PROTOCOL) == IpProtocols.AH : containsAh(b, off, len)) {
            sb.insert(sb.indexOf(": ") + 2, "AH ");
        }
        return sb.toString();
    }

    private static boolean containsAh(byte[] b, int off, int len) throws MalformedPacketException {
        Ipv6HeaderChain c = Ipv6HeaderChain.scratch().parse(b, off, len);
        for (int i = 0; i < c.count(); i++) if (c.type(i) == IpProtocols.AH) return true;
        return false;
    }

    private static void esp(StringBuilder sb, byte[] b, int p, int n) {
        if (n < 8) {
            sb.append("ESP truncated");
            return;
        }
        sb.append(String.format("ESP spi 0x%08x seq %d, length %d", Bytes.i32(b, p), Bytes.u32(b, p + 4), n));
    }

    private static String tcpFlags(int f) {
        StringBuilder s = new StringBuilder();
        if ((f & 0x02) != 0) s.append('S');
        if ((f & 0x01) != 0) s.append('F');
        if ((f & 0x04) != 0) s.append('R');
        if ((f & 0x08) != 0) s.append('P');
        if ((f & 0x10) != 0) s.append('.');
        if ((f & 0x20) != 0) s.append('U');
        return s.toString();
    }

    private static String icmpName(int proto, int type, int code) {
        if (proto == IpProtocols.ICMP) {
            return switch (type) {
                case 0 -> "echo reply";
                case 8 -> "echo request";
                case 3 -> code == 4 ? "unreachable, need to frag" : "unreachable code " + code;
                case 11 -> code == 1 ? "time exceeded in reassembly" : "time exceeded";
                default -> "type " + type + " code " + code;
            };
        }
        return switch (type) {
            case 128 -> "echo request";
            case 129 -> "echo reply";
            case 1 -> "unreachable code " + code;
            case 2 -> "packet too big";
            case 3 -> code == 1 ? "time exceeded in reassembly" : "time exceeded";
            case 135 -> "neighbor solicitation";
            case 136 -> "neighbor advertisement";
            default -> "type " + type + " code " + code;
        };
    }

    /** Inet6Address prints every group; compress the longest run of zero groups as "::" (RFC 5952 §4.2). */
    static String compact(String full) {
        String[] g = full.split(":");
        if (g.length != 8) return full;
        int bestStart = -1, bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (g[i].equals("0")) {
                int j = i;
                while (j < 8 && g[j].equals("0")) j++;
                if (j - i > bestLen && j - i > 1) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestStart < 0) return full;
        String head = String.join(":", java.util.Arrays.copyOfRange(g, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(g, bestStart + bestLen, 8));
        return head + "::" + tail;
    }
}
