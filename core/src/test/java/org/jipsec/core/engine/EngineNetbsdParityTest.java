package org.jipsec.core.engine;

import static org.jipsec.core.engine.EngineNet.A4;
import static org.jipsec.core.engine.EngineNet.A6;
import static org.jipsec.core.engine.EngineNet.B4;
import static org.jipsec.core.engine.EngineNet.B6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.Arrays;
import java.util.List;
import org.jipsec.core.engine.socket.UdpPackets;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.net.PacketBuffer;
import org.jipsec.core.pfkey.Sadb;
import org.jipsec.core.spd.AppliedTransform;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Cases of NetBSD's tests/net/ipsec that jipsec once failed (issue #13): bundles whose first request is a tunnel
 * (t_ipsec_tunnel_ipcomp.sh: {@code ipcomp/tunnel/A-B/require esp/transport//require}) and AH with {@code -A null}.
 */
class EngineNetbsdParityTest {

    final EngineNet net = new EngineNet();

    /** AH null on both nodes ({@code add … ah SPI -A null;}: SADB_X_AALG_NULL, no KEY_AUTH). */
    void ahNullPair(int spi, String src, String dst, IpsecMode mode) {
        for (EngineNet.Node n : List.of(net.a, net.b)) {
            n.add(Sadb.SADB_SATYPE_AH, spi, src, dst, mode, 0, Sadb.SADB_X_AALG_NULL, 0, 0, 4, List.of());
        }
    }

    /**
     * t_ipsec_tunnel_ipcomp.sh: {@code ipcomp/tunnel/GA-GB/require PROTO/transport//require} between subnets, SAs
     * only between the gateways. NetBSD's ipsec_nextisr fills the transport request's missing endpoints from the
     * packet as the tunnel request left it (outer GA → GB), so the transport SA is GA → GB. Small packets (under
     * deflate's 90-byte minimum) leave uncompressed as IP-in-IP inside PROTO; large ones as PROTO | IPComp | IP.
     */
    @ParameterizedTest(name = "{0} over IPv{1}, payload {2}")
    @CsvSource({
        "esp,4,20",
        "esp,4,1000",
        "ah,4,20",
        "ah,4,1000",
        "esp,6,20",
        "esp,6,1000",
        "ah,6,20",
        "ah,6,1000",
        "ahnull,4,20",
        "ahnull,4,1000",
        "ahnull,6,1000"
    })
    void ipcompTunnelFirstThenTransport(String proto, int family, int payload) {
        boolean v6 = family == 6;
        String ga = v6 ? A6 : A4, gb = v6 ? B6 : B4;
        String hs = v6 ? "fd01::5" : "10.1.0.5", hd = v6 ? "fd02::7" : "10.2.0.7";
        int plen = v6 ? 64 : 24;
        String p = proto.startsWith("ah") ? "ah" : "esp";
        String reqs = "ipcomp/tunnel/" + ga + "-" + gb + "/require " + p + "/transport//require";
        net.a.spdadd(hs, plen, hd, plen, 255, "out ipsec " + reqs);
        net.b.spdadd(hs, plen, hd, plen, 255, "in ipsec " + reqs);
        net.ipcompPair(0x4001, ga, gb, IpsecMode.ANY);
        switch (proto) {
            case "esp" -> net.espPair(0x1001, ga, gb, IpsecMode.ANY, List.of());
            case "ah" -> net.ahPair(0x1001, ga, gb, IpsecMode.ANY);
            default -> ahNullPair(0x1001, ga, gb, IpsecMode.ANY);
        }
        byte[] data = new byte[payload];
        Arrays.fill(data, (byte) 0xff);
        byte[] inner = UdpPackets.build(EngineNet.sock(hs, 1234), EngineNet.sock(hd, 53), data, 7, 63);
        OutputDecision d = EngineCalls.forward(net.a.engine, PacketBuffer.wrap(inner.clone()));
        OutputDecision.Send s = assertInstanceOf(OutputDecision.Send.class, d, d::toString);
        byte[] w = s.packets().getFirst().packet();
        int hl = v6 ? 40 : 20;
        assertEquals(p.equals("ah") ? 51 : 50, w[v6 ? 6 : 9] & 0xff, "outer protocol");
        assertArrayEquals(
                EngineNet.ip(ga).getAddress(), Arrays.copyOfRange(w, v6 ? 8 : 12, v6 ? 24 : 16), "outer source");
        assertArrayEquals(
                EngineNet.ip(gb).getAddress(), Arrays.copyOfRange(w, v6 ? 24 : 16, v6 ? 40 : 20), "outer destination");
        boolean compressed = payload >= 90;
        if (p.equals("ah")) {
            // AH's next header: IPComp when compressed, else the IP-in-IP header IPComp left in place (RFC 3173 §2.2)
            assertEquals(compressed ? 108 : (v6 ? 41 : 4), w[hl] & 0xff, "AH next header");
        }
        InputDecision in = EngineCalls.input(
                net.b.engine, PacketBuffer.wrap(w), s.packets().getFirst().encapsulation());
        InputDecision.Deliver del = assertInstanceOf(InputDecision.Deliver.class, in, in::toString);
        assertArrayEquals(inner, del.packet());
        List<IpsecProtocol> removed =
                del.history().stream().map(AppliedTransform::protocol).toList();
        IpsecProtocol outer = p.equals("ah") ? IpsecProtocol.AH : IpsecProtocol.ESP;
        assertEquals(compressed ? List.of(outer, IpsecProtocol.IPCOMP) : List.of(outer), removed);
    }

    /**
     * AH with the null algorithm on the wire, as NetBSD sends it (xform_ah.c ah_output with auth_hash_null: authsize
     * 12, ah_hdrsiz = roundup(12 + 12, 4 or 8) = 24 for IPv4 and IPv6; null_final writes 12 zero bytes): Next
     * Header, Payload Len 4 (24 / 4 - 2), RESERVED 0, SPI, sequence 1, a 12-byte ICV of zeros. The receiver computes
     * the same zeros and compares (ah_input_cb), so a non-zero ICV is a bad-auth drop.
     */
    @ParameterizedTest(name = "{0} IPv{1}")
    @CsvSource({"transport,4", "transport,6", "tunnel,4", "tunnel,6"})
    void ahNullOnTheWire(String mode, int family) {
        boolean v6 = family == 6, tunnel = mode.equals("tunnel");
        String ga = v6 ? A6 : A4, gb = v6 ? B6 : B4;
        String hs = tunnel ? (v6 ? "fd01::5" : "10.1.0.5") : ga, hd = tunnel ? (v6 ? "fd02::7" : "10.2.0.7") : gb;
        int plen = tunnel ? (v6 ? 64 : 24) : (v6 ? 128 : 32);
        String req = tunnel ? "ah/tunnel/" + ga + "-" + gb + "/require" : "ah/transport//require";
        net.a.spdadd(hs, plen, hd, plen, 255, "out ipsec " + req);
        net.b.spdadd(hs, plen, hd, plen, 255, "in ipsec " + req);
        ahNullPair(0x2710, ga, gb, tunnel ? IpsecMode.TUNNEL : IpsecMode.TRANSPORT);
        byte[] inner =
                UdpPackets.build(EngineNet.sock(hs, 1234), EngineNet.sock(hd, 53), "null auth".getBytes(), 7, 63);
        OutputDecision d = EngineCalls.forward(net.a.engine, PacketBuffer.wrap(inner.clone()));
        OutputDecision.Send s = assertInstanceOf(OutputDecision.Send.class, d, d::toString);
        byte[] w = s.packets().getFirst().packet();
        int hl = v6 ? 40 : 20;
        int ah = hl;
        int innerHl = v6 ? 40 : 20;
        assertEquals(51, w[v6 ? 6 : 9] & 0xff);
        int expectedNext = tunnel ? (v6 ? 41 : 4) : 17;
        byte[] header = new byte[24];
        header[0] = (byte) expectedNext;
        header[1] = 4;
        header[6] = 0x27;
        header[7] = 0x10;
        header[11] = 1;
        assertArrayEquals(header, Arrays.copyOfRange(w, ah, ah + 24), "AH header + 12-byte zero ICV");
        int expectedLen = tunnel ? hl + 24 + inner.length : inner.length + 24;
        assertEquals(expectedLen, w.length);
        // the payload follows unchanged (transport: the UDP datagram; tunnel: the whole inner packet)
        byte[] payload = tunnel ? inner : Arrays.copyOfRange(inner, innerHl, inner.length);
        assertArrayEquals(payload, Arrays.copyOfRange(w, ah + 24, w.length));
        InputDecision in = EngineCalls.input(
                net.b.engine,
                PacketBuffer.wrap(w.clone()),
                s.packets().getFirst().encapsulation());
        InputDecision.Deliver del = assertInstanceOf(InputDecision.Deliver.class, in, in::toString);
        assertArrayEquals(inner, del.packet());
        // a second packet with one ICV bit set: bad auth (checked before the replay window is committed)
        OutputDecision.Send s2 = assertInstanceOf(
                OutputDecision.Send.class, EngineCalls.forward(net.a.engine, PacketBuffer.wrap(inner.clone())));
        byte[] bad = s2.packets().getFirst().packet().clone();
        bad[ah + 12 + 11] ^= 1;
        InputDecision.Drop drop = assertInstanceOf(
                InputDecision.Drop.class,
                EngineCalls.input(
                        net.b.engine,
                        PacketBuffer.wrap(bad),
                        s2.packets().getFirst().encapsulation()));
        assertEquals(org.jipsec.core.xform.DropReason.BAD_AUTH, drop.xform());
    }
}
