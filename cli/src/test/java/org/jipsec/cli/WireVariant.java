package org.jipsec.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One way the protected packets travel, for the end-to-end tests of issue #12's guarantees (reload, restart, fail
 * closed): raw ESP (IP protocol / IPv6 next header 50), ESP in UDP (RFC 3948, {@code esp-udp}, NAT-T port 4500 with
 * a non-zero first word: not the non-ESP marker of IKE), or AH (51); over IPv4 or IPv6 outer addresses; with AES-GCM
 * (the nonce is the sequence number, RFC 4106 §3.1), ChaCha20-Poly1305 (likewise, RFC 7634 §2) or, for AH,
 * HMAC-SHA-256; or an IPComp-then-ESP bundle ({@code ipcomp/tunnel/A-B/require esp/transport//require}, spec §4.3:
 * the ESP SA applied to the tunnel's outer header; small packets go without an IPComp header, RFC 3173 §2.2, so the
 * wire shows raw ESP). Each variant writes its setkey lines and policy requests, picks its addresses, and tells
 * dumpcap (a BPF capture filter) and tshark how to find its packets on the wire.
 *
 * @param encap "esp", "esp-udp", "ah" or "esp+ipcomp"
 * @param v6    IPv6 outer addresses
 * @param alg   setkey's algorithm name: "aes-gcm-16", "chacha20-poly1305" (ESP) or "hmac-sha256" (AH)
 */
record WireVariant(String encap, boolean v6, String alg) {

    static final int NAT_T_PORT = 4500;

    static final WireVariant ESP4 = new WireVariant("esp", false, "aes-gcm-16");
    static final WireVariant ESP_UDP4 = new WireVariant("esp-udp", false, "aes-gcm-16");
    static final WireVariant ESP6 = new WireVariant("esp", true, "aes-gcm-16");
    static final WireVariant ESP_UDP6 = new WireVariant("esp-udp", true, "aes-gcm-16");
    static final WireVariant ESP_UDP6_CHACHA = new WireVariant("esp-udp", true, "chacha20-poly1305");
    static final WireVariant AH4 = new WireVariant("ah", false, "hmac-sha256");
    static final WireVariant IPCOMP_ESP4 = new WireVariant("esp+ipcomp", false, "aes-gcm-16");

    /** {raw ESP, ESP in UDP} × {IPv4, IPv6} with AES-GCM. */
    static Stream<WireVariant> matrix() {
        return Stream.of(ESP4, ESP_UDP4, ESP6, ESP_UDP6);
    }

    /** The matrix, one ChaCha20-Poly1305 case, AH and an IPComp + ESP bundle (tunnel mode). */
    static Stream<WireVariant> matrixAndMore() {
        return Stream.concat(matrix(), Stream.of(ESP_UDP6_CHACHA, AH4, IPCOMP_ESP4));
    }

    boolean udp() {
        return encap.equals("esp-udp");
    }

    boolean ah() {
        return encap.equals("ah");
    }

    boolean bundle() {
        return encap.equals("esp+ipcomp");
    }

    /** SAs per direction ({@link #sa} writes two for the bundle). */
    int sasPerDirection() {
        return bundle() ? 2 : 1;
    }

    /** The policy's requests for a tunnel from {@code self} to {@code peer}. */
    String tunnel(String self, String peer) {
        return bundle()
                ? "ipcomp/tunnel/" + self + "-" + peer + "/require esp/transport//require"
                : proto() + "/tunnel/" + self + "-" + peer + "/require";
    }

    /** The IPsec protocol of the policies' requests and of tshark's dissector: "esp" or "ah". */
    String proto() {
        return ah() ? "ah" : "esp";
    }

    /** {@code v4} or {@code v6}, as this variant's family says. */
    String pick(String v4, String v6) {
        return this.v6 ? v6 : v4;
    }

    /** An address with its prefix length for {@code ip addr add}: /24 or /64. */
    String cidr(String address) {
        return address + (v6 ? "/64" : "/24");
    }

    /** The AES-GCM keys of the two directions (A → B first); ChaCha20-Poly1305's are 256 bits + 32-bit salt. */
    String key(int direction) {
        return switch (alg) {
            case "chacha20-poly1305" ->
                direction == 0
                        ? "0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f01020304"
                        : "0x1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100a1a2a3a4";
            case "hmac-sha256" -> direction == 0 ? GatewayEndToEndTest.AUTH : GatewayEndToEndTest.AUTH2;
            default -> direction == 0 ? GatewayEndToEndTest.K_AB : GatewayEndToEndTest.K_BA;
        };
    }

    /**
     * {@code add SRC[4500] DST[4500] esp-udp SPI -m MODE [-r WINDOW] -E ALG KEY ;} (ports only for ESP in UDP; AH
     * with {@code -A}); {@code direction} picks the key.
     */
    String sa(String src, String dst, int spi, String mode, int replayWindow, int direction) {
        if (bundle()) {
            // mode "any" (no -m) for both: the bundle decides (ipcomp tunnel, esp transport), as NetBSD's t_ipsec tests
            return "add " + src + " " + dst + " esp 0x" + Integer.toHexString(spi)
                    + (replayWindow > 0 ? " -r " + replayWindow : "")
                    + " -E " + alg + " " + key(direction) + " ;\n"
                    + "add " + src + " " + dst + " ipcomp 0x" + Integer.toHexString(spi & 0xffff) + " -C deflate ;\n";
        }
        String s = udp() ? src + "[" + NAT_T_PORT + "]" : src;
        String d = udp() ? dst + "[" + NAT_T_PORT + "]" : dst;
        return "add " + s + " " + d + " " + encap + " 0x" + Integer.toHexString(spi) + " -m " + mode
                + (replayWindow > 0 ? " -r " + replayWindow : "") + (ah() ? " -A " : " -E ") + alg + " "
                + key(direction)
                + " ;\n";
    }

    /**
     * dumpcap's capture filter for this variant's protected packets and nothing else: IPv4 protocol or IPv6 next
     * header 50 (51 for AH), or UDP to or from 4500 whose first four payload bytes are not the non-ESP marker (RFC
     * 3948 §2.2: zero means IKE). libpcap's {@code udp[]} indexes IPv4 only, so IPv6 reads the word at 40 + 8.
     */
    String captureFilter() {
        if (udp()) {
            return v6
                    ? "ip6 proto 17 and udp port " + NAT_T_PORT + " and ip6[48:4] != 0"
                    : "ip proto 17 and udp port " + NAT_T_PORT + " and udp[8:4] != 0";
        }
        return (v6 ? "ip6 proto " : "ip proto ") + (ah() ? 51 : 50);
    }

    /**
     * Makes each veth end put one datagram in a frame: {@code gso_max_segs 1}, so the kernel segments a UDP GSO
     * super-packet (the gateway coalesces ESP-in-UDP datagrams to one peer with {@code UDP_SEGMENT}) before the
     * device and its capture taps, as a physical NIC's wire shows it. Without it a capture on a veth holds such a
     * train as one frame, and tshark reads only its first ESP header: the other datagrams' sequence numbers would
     * go unchecked. The gateway's behaviour is unchanged.
     */
    static void oneDatagramPerFrame(org.jipsec.io.netns.NetnsLab lab, org.jipsec.io.netns.VethPair v)
            throws IOException {
        lab.ip(v.nsA(), "link", "set", "dev", v.a(), "gso_max_segs", "1");
        lab.ip(v.nsB(), "link", "set", "dev", v.b(), "gso_max_segs", "1");
    }

    /** One protected packet as tshark read it. */
    record Packet(String src, String dst, long spi, long seq, boolean inUdp) {
        /** {@code src/0xSPI/seq}: what must not repeat. */
        String pair() {
            return src + "/0x" + Long.toHexString(spi) + "/" + seq;
        }
    }

    /**
     * The protected packets of {@code pcap} (tshark's ESP/AH dissectors; ESP in UDP through its UDPENCAP dissector,
     * which tshark applies to port 4500), read from the outermost header's fields; ICMP errors quoting one (outer
     * protocol ICMP / ICMPv6) are left out. Every packet must be of this variant's encapsulation and family: a raw
     * ESP packet in an ESP-in-UDP run, or IPv4 in an IPv6 run, fails.
     */
    List<Packet> packets(Path pcap) throws IOException {
        String p = proto();
        String fields = GatewayLab.tshark(
                pcap,
                "-Y",
                p,
                "-T",
                "fields",
                "-E",
                "separator=,",
                "-E",
                "occurrence=f",
                "-e",
                "ip.src",
                "-e",
                "ipv6.src",
                "-e",
                "ip.dst",
                "-e",
                "ipv6.dst",
                "-e",
                "ip.proto",
                "-e",
                "ipv6.nxt",
                "-e",
                p + ".spi",
                "-e",
                p + ".sequence");
        List<Packet> out = new ArrayList<>();
        for (String line : fields.split("\n")) {
            if (line.isBlank()) continue;
            String[] f = line.split(",", -1);
            if (f.length < 8) throw new AssertionError("tshark line: " + line);
            boolean isV6 = f[0].isEmpty();
            int outer = Integer.parseInt(isV6 ? f[5] : f[4]);
            if (outer == 1 || outer == 58) continue; // an ICMP error quoting a packet
            if (isV6 != v6) throw new AssertionError(this + ": packet of the other family on the wire: " + line);
            boolean inUdp = outer == 17;
            if (inUdp != udp() || (!inUdp && outer != (ah() ? 51 : 50)))
                throw new AssertionError(this + ": outer protocol " + outer + " on the wire: " + line);
            out.add(new Packet(isV6 ? f[1] : f[0], isV6 ? f[3] : f[2], Long.decode(f[6]), Long.parseLong(f[7]), inUdp));
        }
        return out;
    }

    @Override
    public String toString() {
        return encap + "/IPv" + (v6 ? 6 : 4) + "/" + alg;
    }
}
