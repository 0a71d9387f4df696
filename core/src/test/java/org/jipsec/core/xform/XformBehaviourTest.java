package org.jipsec.core.xform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.net.Bytes;
import org.jipsec.core.net.Ipv4Header;
import org.jipsec.core.net.PacketBuffer;
import org.junit.jupiter.api.Test;

/** Behaviour a user sees on the wire: tunnel header fields, AH mutable fields, IPComp, NAT-T, bundles, counters. */
class XformBehaviourTest {

    private static final byte[] GCM_KEY = TestSas.hex("0123456789abcdef0123456789abcdef01020304");
    private static final byte[] SHA_KEY =
            TestSas.hex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");

    private final XformStats stats = new XformStats();
    private final Xform x = new Xform(XformSettings.DEFAULTS, stats);

    private static SaParameters gcmTunnel(String a, String b) {
        return TestSas.esp(0x1001, IpsecMode.TUNNEL, a, b, TestSas.enc("aes-gcm-16"), GCM_KEY, null, null);
    }

    private static byte[] payload(int n) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) p[i] = (byte) ('a' + i % 26);
        return p;
    }

    private byte[] roundTrip(Xform xf, SaParameters p, byte[] clear) {
        SaContext out = TestSas.ctx(p), in = TestSas.ctx(p);
        PacketBuffer f = Xform.buffer(clear);
        assertNull(xf.output(out, f));
        byte[] wire = f.toByteArray();
        PacketBuffer g = Xform.buffer(wire);
        assertNull(xf.input(g, TestSas.lookup(in), new InboundTrace()));
        assertArrayEquals(clear, g.toByteArray());
        return wire;
    }

    @Test
    void tunnelOuterHeaderFollowsDfbitDscpAndTtl() {
        byte[] inner = TestSas.udp("10.1.0.1", "10.2.0.1", 1, 2, payload(40));
        inner[1] = (byte) 0xb9; // DSCP 46 (EF) + ECN ECT(1)
        inner[6] = 0x40; // DF
        Ipv4Header.updateChecksum(inner, 0);
        for (int dfbit : new int[] {0, 1, 2}) {
            Xform xf = new Xform(XformSettings.DEFAULTS.withDfbit(dfbit), new XformStats());
            byte[] wire = roundTrip(xf, gcmTunnel("192.0.2.1", "192.0.2.2"), inner);
            assertEquals(4, wire[9] == 50 ? 4 : -1);
            assertEquals(dfbit == 0 ? 0 : 0x40, wire[6] & 0x40, "dfbit " + dfbit);
            assertEquals(0xb8, wire[1] & 0xff, "DSCP copied, ECN cleared (NetBSD ip_ecn_ingress)");
            assertEquals(64, wire[8], "outer TTL = ip_defttl");
        }
        byte[] noDf = inner.clone();
        noDf[6] = 0;
        Ipv4Header.updateChecksum(noDf, 0);
        byte[] wire = roundTrip(x, gcmTunnel("192.0.2.1", "192.0.2.2"), noDf);
        assertEquals(0, wire[6] & 0x40, "dfbit 2 copies a clear DF");
    }

    @Test
    void ecnRfc6040NormalModeWhenOn() {
        Xform xf = new Xform(XformSettings.DEFAULTS.withEcn(1, 1), new XformStats());
        byte[] inner = TestSas.udp("10.1.0.1", "10.2.0.1", 1, 2, payload(40));
        inner[1] = 0x02; // ECT(0)
        Ipv4Header.updateChecksum(inner, 0);
        SaParameters p = gcmTunnel("192.0.2.1", "192.0.2.2");
        SaContext out = TestSas.ctx(p), in = TestSas.ctx(p);
        PacketBuffer f = Xform.buffer(inner);
        assertNull(xf.output(out, f));
        byte[] wire = f.toByteArray();
        assertEquals(0x02, wire[1] & 0x03, "RFC 6040 §4.1: ECN field copied");
        wire[1] |= 0x03; // a router marks CE on the outer header
        Ipv4Header.updateChecksum(wire, 0);
        PacketBuffer g = Xform.buffer(wire);
        assertNull(xf.input(g, TestSas.lookup(in), new InboundTrace()));
        byte[] got = g.toByteArray();
        assertEquals(0x03, got[1] & 0x03, "RFC 6040 §4.2: CE propagated to the inner header");
        byte[] check = got.clone();
        Ipv4Header.updateChecksum(check, 0);
        assertArrayEquals(check, got, "inner checksum fixed");
    }

    @Test
    void oddTunnelsFourInSixAndSixInFour() {
        roundTrip(x, gcmTunnel("2001:db8::1", "2001:db8::2"), TestSas.udp("10.1.0.1", "10.2.0.1", 1, 2, payload(33)));
        byte[] wire = roundTrip(
                x,
                gcmTunnel("192.0.2.1", "192.0.2.2"),
                TestSas.udp("2001:db8:1::1", "2001:db8:2::1", 1, 2, payload(33)));
        assertEquals(0x45, wire[0]);
    }

    @Test
    void ahCoversImmutableFieldsOnly() {
        SaParameters p = TestSas.ah(
                0x2001, IpsecMode.TRANSPORT, "192.0.2.1", "192.0.2.2", TestSas.auth("hmac-sha2-256"), SHA_KEY);
        SaContext out = TestSas.ctx(p), in = TestSas.ctx(p);
        byte[] clear = TestSas.udp("192.0.2.1", "192.0.2.2", 1, 2, payload(20));
        PacketBuffer f = Xform.buffer(clear);
        assertNull(x.output(out, f));
        byte[] wire = f.toByteArray();
        assertEquals(51, wire[9]);
        assertEquals(12 + 16, ((wire[21] & 0xff) + 2) * 4, "AH length: 12 + 16-byte ICV");
        // a router changes TTL, TOS and the checksum: still verifies
        byte[] routed = wire.clone();
        routed[8] = 3;
        routed[1] = 0x20;
        Ipv4Header.updateChecksum(routed, 0);
        PacketBuffer g = Xform.buffer(routed);
        assertNull(x.input(g, TestSas.lookup(in), new InboundTrace()));
        // changing the source address does not
        byte[] forged = wire.clone();
        forged[15] ^= 1;
        Ipv4Header.updateChecksum(forged, 0);
        assertEquals(
                DropReason.BAD_AUTH, x.input(Xform.buffer(forged), TestSas.lookup(TestSas.ctx(p)), new InboundTrace()));
    }

    @Test
    void ahIpv6MutableOptionsAndHopLimit() {
        SaParameters p = TestSas.ah(
                0x2002,
                IpsecMode.TRANSPORT,
                "2001:db8::1",
                "2001:db8::2",
                TestSas.auth("hmac-sha1"),
                TestSas.hex("00112233445566778899aabbccddeeff00112233"));
        SaContext out = TestSas.ctx(p), in = TestSas.ctx(p);
        byte[] udp = Arrays.copyOfRange(TestSas.udp("2001:db8::1", "2001:db8::2", 1, 2, payload(12)), 40, 40 + 20);
        // hop-by-hop header: next 17, len 0, option type 0x3e (may change) len 4 data, then PadN
        byte[] hbh = {17, 0, 0x3e, 4, 1, 2, 3, 4};
        byte[] body = new byte[8 + udp.length];
        System.arraycopy(hbh, 0, body, 0, 8);
        System.arraycopy(udp, 0, body, 8, udp.length);
        byte[] clear = TestSas.ipv6("2001:db8::1", "2001:db8::2", 0, body);
        PacketBuffer f = Xform.buffer(clear);
        assertNull(x.output(out, f));
        byte[] wire = f.toByteArray();
        assertEquals(51, wire[40], "AH after the hop-by-hop header");
        assertEquals(0, (wire.length - 40 - 8 - 20) % 8 == 0 ? 0 : 1);
        byte[] routed = wire.clone();
        routed[7] = 1; // hop limit
        routed[1] = 0x0f; // flow label
        routed[46] = 9; // option data with the may-change bit
        assertNull(x.input(Xform.buffer(routed), TestSas.lookup(in), new InboundTrace()));
        byte[] forged = wire.clone();
        forged[42] = 0x1e; // option type without the may-change bit is covered
        assertEquals(
                DropReason.BAD_AUTH, x.input(Xform.buffer(forged), TestSas.lookup(TestSas.ctx(p)), new InboundTrace()));
    }

    @Test
    void ipcompCompressesOnlyWhenItHelps() {
        SaParameters p = new SaParameters(
                0x4001,
                IpsecProtocol.IPCOMP,
                IpsecMode.TRANSPORT,
                TestSas.ep("192.0.2.1"),
                TestSas.ep("192.0.2.2"),
                TestSas.comp("deflate"),
                null,
                null,
                null,
                0,
                0,
                false,
                null,
                0);
        byte[] big = TestSas.udp("192.0.2.1", "192.0.2.2", 1, 2, new byte[500]);
        byte[] wire = roundTrip(x, p, big);
        assertEquals(108, wire[9]);
        assertTrue(wire.length < big.length / 4);
        assertEquals(0x4001, Bytes.u16(wire, 22), "CPI");
        byte[] small = TestSas.udp("192.0.2.1", "192.0.2.2", 1, 2, new byte[40]);
        PacketBuffer f = Xform.buffer(small);
        assertNull(x.output(TestSas.ctx(p), f));
        assertArrayEquals(small, f.toByteArray(), "below 90 bytes: sent as is");
        byte[] random = new byte[400];
        new java.util.Random(1).nextBytes(random);
        byte[] incompressible = TestSas.udp("192.0.2.1", "192.0.2.2", 1, 2, random);
        f = Xform.buffer(incompressible);
        assertNull(x.output(TestSas.ctx(p), f));
        assertArrayEquals(incompressible, f.toByteArray(), "would not shrink: sent as is");
    }

    @Test
    void ipcompDecompressionBombIsACountedDrop() {
        SaParameters p = new SaParameters(
                0x4002,
                IpsecProtocol.IPCOMP,
                IpsecMode.TRANSPORT,
                TestSas.ep("192.0.2.1"),
                TestSas.ep("192.0.2.2"),
                TestSas.comp("deflate"),
                null,
                null,
                null,
                0,
                0,
                false,
                null,
                0);
        java.util.zip.Deflater d = new java.util.zip.Deflater(9, true);
        d.setInput(new byte[200_000]);
        d.finish();
        byte[] comp = new byte[2000];
        int n = d.deflate(comp);
        d.end();
        byte[] body = new byte[4 + n];
        body[0] = 17;
        Bytes.put16(body, 2, 0x4002);
        System.arraycopy(comp, 0, body, 4, n);
        byte[] bomb = TestSas.ipv4("192.0.2.1", "192.0.2.2", 108, body);
        assertEquals(
                DropReason.DECOMPRESS_TOO_BIG,
                x.input(Xform.buffer(bomb), TestSas.lookup(TestSas.ctx(p)), new InboundTrace()));
        assertEquals(1, stats.drops(IpsecProtocol.IPCOMP, DropReason.DECOMPRESS_TOO_BIG));
    }

    @Test
    void natTWrapsEspInUdp4500AndHandlesKeepalives() {
        SaParameters p = TestSas.esp(
                        0x3001,
                        IpsecMode.TRANSPORT,
                        "192.0.2.1",
                        "192.0.2.2",
                        TestSas.enc("aes-gcm-16"),
                        GCM_KEY,
                        null,
                        null)
                .withNatT(NatTraversal.of(4500, 4500));
        byte[] clear = TestSas.udp("192.0.2.1", "192.0.2.2", 1, 2, payload(30));
        byte[] wire = roundTrip(x, p, clear);
        assertEquals(17, wire[9]);
        assertEquals(4500, Bytes.u16(wire, 20));
        assertEquals(wire.length - 20, Bytes.u16(wire, 24), "UDP length");
        assertEquals(0, Bytes.u16(wire, 26), "UDP checksum zero over IPv4");
        assertEquals(0x3001, Bytes.i32(wire, 28), "SPI after the UDP header");
        byte[] keepalive = x.natKeepalive(TestSas.ctx(p));
        byte[] expected = TestSas.udp("192.0.2.1", "192.0.2.2", 4500, 4500, new byte[] {(byte) 0xff});
        Bytes.put16(expected, 4, 0);
        Bytes.put16(expected, 26, 0); // IPv4: UDP checksum zero
        Ipv4Header.updateChecksum(expected, 0);
        assertArrayEquals(expected, keepalive, "RFC 3948 §2.3: one 0xFF byte");
        assertEquals(
                DropReason.NAT_KEEPALIVE,
                x.input(Xform.buffer(keepalive), TestSas.lookup(TestSas.ctx(p)), new InboundTrace()));
        byte[] ike = TestSas.udp("192.0.2.1", "192.0.2.2", 4500, 4500, new byte[] {0, 0, 0, 0, 1, 2, 3, 4, 5});
        assertEquals(
                DropReason.NON_ESP, x.input(Xform.buffer(ike), TestSas.lookup(TestSas.ctx(p)), new InboundTrace()));
    }

    @Test
    void bundleInKameOrderAndInboundUnwindsIt() {
        SaParameters comp = new SaParameters(
                0x4003,
                IpsecProtocol.IPCOMP,
                IpsecMode.TRANSPORT,
                TestSas.ep("192.0.2.1"),
                TestSas.ep("192.0.2.2"),
                TestSas.comp("deflate"),
                null,
                null,
                null,
                0,
                0,
                false,
                null,
                0);
        SaParameters esp = TestSas.esp(
                0x1009, IpsecMode.TRANSPORT, "192.0.2.1", "192.0.2.2", TestSas.enc("aes-gcm-16"), GCM_KEY, null, null);
        SaParameters ah = TestSas.ah(
                0x2009, IpsecMode.TRANSPORT, "192.0.2.1", "192.0.2.2", TestSas.auth("hmac-sha2-256"), SHA_KEY);
        List<SaContext> out = List.of(TestSas.ctx(comp), TestSas.ctx(esp), TestSas.ctx(ah));
        SaContext[] in = {TestSas.ctx(comp), TestSas.ctx(esp), TestSas.ctx(ah)};
        byte[] clear = TestSas.udp("192.0.2.1", "192.0.2.2", 1, 2, new byte[300]);
        PacketBuffer f = Xform.buffer(clear);
        assertNull(x.output(out, f));
        byte[] wire = f.toByteArray();
        assertEquals(51, wire[9], "AH outermost");
        assertEquals(50, wire[20], "then ESP");
        InboundTrace t = new InboundTrace();
        PacketBuffer g = Xform.buffer(wire);
        assertNull(x.input(g, TestSas.lookup(in), t));
        assertEquals(3, t.headers());
        assertEquals(IpsecProtocol.AH, t.protocol());
        assertArrayEquals(clear, g.toByteArray());
    }

    @Test
    void dummyPacketsAreDroppedSilentlyAndCounted() {
        SaParameters p = TestSas.esp(
                0x1010, IpsecMode.TRANSPORT, "192.0.2.1", "192.0.2.2", TestSas.enc("aes-gcm-16"), GCM_KEY, null, null);
        byte[] dummy = TestSas.ipv4("192.0.2.1", "192.0.2.2", 59, payload(16));
        PacketBuffer f = Xform.buffer(dummy);
        assertNull(x.output(TestSas.ctx(p), f));
        assertEquals(
                DropReason.DUMMY,
                x.input(Xform.buffer(f.toByteArray()), TestSas.lookup(TestSas.ctx(p)), new InboundTrace()));
        assertEquals(1, stats.drops(IpsecProtocol.ESP, DropReason.DUMMY));
    }

    @Test
    void tfcPaddingIsAddedInTunnelModeAndRemoved() {
        SaParameters p = gcmTunnel("192.0.2.1", "192.0.2.2").withTfcPadTo(200);
        byte[] inner = TestSas.udp("10.1.0.1", "10.2.0.1", 1, 2, payload(10));
        byte[] wire = roundTrip(x, p, inner);
        assertTrue(wire.length >= 20 + 8 + 8 + 200 + 2 + 16, "padded to 200 bytes of payload: " + wire.length);
    }

    @Test
    void sequenceNumberNeverCyclesWithoutCycseq() {
        SaParameters p = TestSas.esp(
                        0x1011,
                        IpsecMode.TRANSPORT,
                        "192.0.2.1",
                        "192.0.2.2",
                        TestSas.enc("aes-gcm-16"),
                        GCM_KEY,
                        null,
                        null)
                .withFlags(0);
        SaContext sa = TestSas.ctx(p);
        sa.setNextSequence(0xffffffffL);
        byte[] clear = TestSas.udp("192.0.2.1", "192.0.2.2", 1, 2, payload(10));
        assertNull(x.output(sa, Xform.buffer(clear)));
        assertEquals(DropReason.SEQ_WRAP, x.output(sa, Xform.buffer(clear)));
        assertEquals(1, stats.drops(IpsecProtocol.ESP, DropReason.SEQ_WRAP));
        SaContext cyc = TestSas.ctx(p.withFlags(SaFlags.CYCSEQ));
        cyc.setNextSequence(0xffffffffL);
        assertNull(x.output(cyc, Xform.buffer(clear)));
        PacketBuffer f = Xform.buffer(clear);
        assertNull(x.output(cyc, f));
        assertEquals(1, Bytes.i32(f.toByteArray(), 24), "CYCSEQ: continues at 1");
        assertEquals(1, cyc.lastSequence());
        // the counter-derived IV does not repeat after the wrap (RFC 4106 §3.1)
        assertEquals(1, Bytes.i32(f.toByteArray(), 28), "IV high half counts the cycles");
    }

    @Test
    void paddingIsCheckedOnReceipt() {
        // NULL encryption without integrity: the trailer is in clear, so the test can damage it (RFC 4303 §2.4)
        SaParameters p = TestSas.esp(
                0x1012, IpsecMode.TRANSPORT, "192.0.2.1", "192.0.2.2", TestSas.enc("null"), null, null, null);
        byte[] clear = TestSas.udp("192.0.2.1", "192.0.2.2", 1, 2, payload(3));
        byte[] wire = roundTrip(x, p, clear);
        int end = wire.length;
        assertArrayEquals(
                new byte[] {1, 2, 3, 3, 17}, Arrays.copyOfRange(wire, end - 5, end), "monotonic padding 1,2,3");
        byte[] badPad = wire.clone();
        badPad[end - 3] = 7;
        assertEquals(
                DropReason.BAD_PADDING,
                x.input(Xform.buffer(badPad), TestSas.lookup(TestSas.ctx(p)), new InboundTrace()));
        byte[] badLen = wire.clone();
        badLen[end - 2] = (byte) 200;
        assertEquals(
                DropReason.BAD_LENGTH,
                x.input(Xform.buffer(badLen), TestSas.lookup(TestSas.ctx(p)), new InboundTrace()));
        assertEquals(1, stats.drops(IpsecProtocol.ESP, DropReason.BAD_PADDING));
        SaParameters prand = p.withFlags(SaFlags.PRAND);
        assertNull(
                x.input(Xform.buffer(badPad), TestSas.lookup(TestSas.ctx(prand)), new InboundTrace()),
                "PRAND: not checked");
    }

    @Test
    void disabledProtocolIsACountedDrop() {
        Xform off = new Xform(XformSettings.DEFAULTS.withEnabled(false, true, true), stats);
        SaParameters p = gcmTunnel("192.0.2.1", "192.0.2.2");
        assertEquals(
                DropReason.DISABLED,
                off.output(TestSas.ctx(p), Xform.buffer(TestSas.udp("10.1.0.1", "10.2.0.1", 1, 2, payload(5)))));
        assertEquals(1, stats.drops(IpsecProtocol.ESP, DropReason.DISABLED));
    }

    @Test
    void esnResynchronisesAfterConsecutiveIcvFailures() {
        // RFC 4303 App. A3: the sender moved more than 2^32 ahead; inference picks the wrong Seqh until the
        // receiver, after ESN_RESYNC_THRESHOLD consecutive failures, tries Seqh + 1
        SaParameters p = TestSas.esp(
                        0x1013,
                        IpsecMode.TRANSPORT,
                        "192.0.2.1",
                        "192.0.2.2",
                        TestSas.enc("aes-gcm-16"),
                        GCM_KEY,
                        null,
                        null)
                .withReplay(64, true);
        SaContext out = TestSas.ctx(p), in = TestSas.ctx(p);
        byte[] clear = TestSas.udp("192.0.2.1", "192.0.2.2", 1, 2, payload(10));
        InboundTrace t = new InboundTrace();
        for (int i = 0; i < 3; i++) {
            PacketBuffer f = Xform.buffer(clear);
            assertNull(x.output(out, f));
            assertNull(x.input(Xform.buffer(f.toByteArray()), TestSas.lookup(in), t));
        }
        out.setNextSequence((1L << 32) + 100);
        for (int i = 0; i < SaContext.ESN_RESYNC_THRESHOLD; i++) {
            PacketBuffer f = Xform.buffer(clear);
            assertNull(x.output(out, f));
            assertEquals(
                    DropReason.BAD_AUTH, x.input(Xform.buffer(f.toByteArray()), TestSas.lookup(in), t), "packet " + i);
        }
        for (int i = 0; i < 3; i++) {
            PacketBuffer f = Xform.buffer(clear);
            assertNull(x.output(out, f));
            PacketBuffer g = Xform.buffer(f.toByteArray());
            assertNull(x.input(g, TestSas.lookup(in), t), "after re-synchronisation, packet " + i);
            assertEquals((1L << 32) + 100 + SaContext.ESN_RESYNC_THRESHOLD + i, t.seq());
            assertArrayEquals(clear, g.toByteArray());
        }
    }

    @Test
    void gmacAuthenticatesWithoutEncrypting() {
        // RFC 4543: ENCR_NULL_AUTH_AES_GMAC — the payload travels in clear, every byte is authenticated
        SaParameters p = TestSas.esp(
                0x1014, IpsecMode.TRANSPORT, "192.0.2.1", "192.0.2.2", TestSas.enc("aes-gmac"), GCM_KEY, null, null);
        byte[] clear = TestSas.udp("192.0.2.1", "192.0.2.2", 1, 2, payload(21));
        byte[] wire = roundTrip(x, p, clear);
        byte[] udp = Arrays.copyOfRange(clear, 20, clear.length);
        assertArrayEquals(udp, Arrays.copyOfRange(wire, 20 + 8 + 8, 20 + 8 + 8 + udp.length), "payload in clear");
        byte[] forged = wire.clone();
        forged[20 + 8 + 8 + 10] ^= 1;
        assertEquals(
                DropReason.BAD_AUTH, x.input(Xform.buffer(forged), TestSas.lookup(TestSas.ctx(p)), new InboundTrace()));
    }

    @Test
    void perSaCountersCountPacketsAndBytes() {
        SaParameters p = gcmTunnel("192.0.2.1", "192.0.2.2");
        SaContext out = TestSas.ctx(p), in = TestSas.ctx(p);
        long bytes = 0;
        for (int i = 0; i < 5; i++) {
            PacketBuffer f = Xform.buffer(TestSas.udp("10.1.0.1", "10.2.0.1", 1, 2, payload(10 * i)));
            assertNull(x.output(out, f));
            bytes += f.length();
            assertNull(x.input(Xform.buffer(f.toByteArray()), TestSas.lookup(in), new InboundTrace()));
        }
        assertEquals(5, out.outbound().packets());
        assertEquals(bytes, out.outbound().bytes());
        assertEquals(5, in.inbound().packets());
        assertEquals(bytes, in.inbound().bytes());
    }

    @Test
    void ahPredictsTheRoutingHeaderFinalDestination() {
        // RFC 4302 §3.3.3.1.2.2: the ICV is computed over the routing header as the final destination sees it
        SaParameters p = TestSas.ah(
                0x2003, IpsecMode.TRANSPORT, "2001:db8::1", "2001:db8::2", TestSas.auth("hmac-sha2-256"), SHA_KEY);
        byte[] udp = Arrays.copyOfRange(TestSas.udp("2001:db8::1", "2001:db8::2", 1, 2, payload(8)), 40, 40 + 16);
        // type 2 routing header, one address (the final destination 2001:db8::2), segments left 1;
        // the IPv6 destination is the intermediate hop 2001:db8::99
        byte[] rh = new byte[24];
        rh[0] = 17;
        rh[1] = 2;
        rh[2] = 2;
        rh[3] = 1;
        System.arraycopy(TestSas.ep("2001:db8::2").address().getAddress(), 0, rh, 8, 16);
        byte[] body = new byte[rh.length + udp.length];
        System.arraycopy(rh, 0, body, 0, rh.length);
        System.arraycopy(udp, 0, body, rh.length, udp.length);
        byte[] sent = TestSas.ipv6("2001:db8::1", "2001:db8::99", 43, body);
        PacketBuffer f = Xform.buffer(sent);
        assertNull(x.output(TestSas.ctx(p), f));
        byte[] wire = f.toByteArray();
        // the packet as it arrives: the hop swapped the addresses and decremented segments left
        byte[] arrived = wire.clone();
        System.arraycopy(wire, 40 + 8, arrived, 24, 16);
        System.arraycopy(wire, 24, arrived, 40 + 8, 16);
        arrived[40 + 3] = 0;
        arrived[7] = 63;
        assertNull(x.input(Xform.buffer(arrived), TestSas.lookup(TestSas.ctx(p)), new InboundTrace()));
    }

    @Test
    void fragmentsAreReassembledFirst() {
        SaParameters t = gcmTunnel("192.0.2.1", "192.0.2.2");
        byte[] innerFragment = TestSas.udp("10.1.0.1", "10.2.0.1", 1, 2, payload(30));
        innerFragment[6] = 0x20; // MF: a fragment travels through a tunnel as it is
        Ipv4Header.updateChecksum(innerFragment, 0);
        byte[] wire = roundTrip(x, t, innerFragment);
        byte[] espFragment = wire.clone();
        espFragment[6] = 0x20;
        Ipv4Header.updateChecksum(espFragment, 0);
        assertEquals(
                DropReason.FRAGMENT,
                x.input(Xform.buffer(espFragment), TestSas.lookup(TestSas.ctx(t)), new InboundTrace()));
        SaParameters tr = TestSas.esp(
                0x1015, IpsecMode.TRANSPORT, "10.1.0.1", "10.2.0.1", TestSas.enc("aes-gcm-16"), GCM_KEY, null, null);
        assertEquals(
                DropReason.INVALID,
                x.output(TestSas.ctx(tr), Xform.buffer(innerFragment)),
                "transport mode protects whole packets only");
    }

    @Test
    void ahIpv4OptionsMutableZeroedImmutableCovered() {
        SaParameters p = TestSas.ah(
                0x2004, IpsecMode.TRANSPORT, "192.0.2.1", "192.0.2.2", TestSas.auth("hmac-sha2-256"), SHA_KEY);
        byte[] plain = TestSas.udp("192.0.2.1", "192.0.2.2", 1, 2, payload(8));
        // IHL 8: router alert (0x94, immutable: covered) + record route (7, mutable: zeroed) + EOL padding
        byte[] opts = {(byte) 0x94, 4, 0, 0, 7, 7, 4, 0, 0, 0, 0, 0};
        byte[] pkt = new byte[plain.length + opts.length];
        System.arraycopy(plain, 0, pkt, 0, 20);
        System.arraycopy(opts, 0, pkt, 20, opts.length);
        System.arraycopy(plain, 20, pkt, 20 + opts.length, plain.length - 20);
        pkt[0] = 0x48;
        Bytes.put16(pkt, 2, pkt.length);
        Ipv4Header.updateChecksum(pkt, 0);
        PacketBuffer f = Xform.buffer(pkt);
        assertNull(x.output(TestSas.ctx(p), f));
        byte[] wire = f.toByteArray();
        assertEquals(51, wire[9]);
        byte[] recorded = wire.clone();
        recorded[27] = 10; // a router records its address
        recorded[26] = 8;
        Ipv4Header.updateChecksum(recorded, 0);
        assertNull(x.input(Xform.buffer(recorded), TestSas.lookup(TestSas.ctx(p)), new InboundTrace()));
        byte[] alert = wire.clone();
        alert[23] = 1; // router alert value is covered
        Ipv4Header.updateChecksum(alert, 0);
        assertEquals(
                DropReason.BAD_AUTH, x.input(Xform.buffer(alert), TestSas.lookup(TestSas.ctx(p)), new InboundTrace()));
    }

    @Test
    void ahOffsetmaskMattersOnlyForKeyedMd5AndSha1() {
        // spec §4.11: ip_off is masked with ah_offsetmask, then kept (DF only) for keyed-md5/keyed-sha1, zeroed
        // otherwise
        byte[] clear = TestSas.udp("192.0.2.1", "192.0.2.2", 1, 2, payload(8));
        record Case(String alg, int keyLen, int mask, boolean dfCovered) {}
        for (Case c : List.of(
                new Case("hmac-sha1", 20, 0xffff, false),
                new Case("keyed-md5", 16, 0xffff, true),
                new Case("keyed-md5", 16, 0, false))) {
            Xform xf = new Xform(XformSettings.DEFAULTS.withAh(true, c.mask()), new XformStats());
            SaParameters p = TestSas.ah(
                    0x2005,
                    IpsecMode.TRANSPORT,
                    "192.0.2.1",
                    "192.0.2.2",
                    TestSas.auth(c.alg()),
                    Arrays.copyOf(SHA_KEY, c.keyLen()));
            PacketBuffer f = Xform.buffer(clear);
            assertNull(xf.output(TestSas.ctx(p), f));
            byte[] df = f.toByteArray();
            df[6] |= 0x40; // a router sets DF
            Ipv4Header.updateChecksum(df, 0);
            DropReason r = xf.input(Xform.buffer(df), TestSas.lookup(TestSas.ctx(p)), new InboundTrace());
            assertEquals(c.dfCovered() ? DropReason.BAD_AUTH : null, r, c.toString());
        }
    }

    @Test
    void espGoesAfterHopByHopAndBeforeFinalDestinationOptions() {
        // RFC 4303 §3.1.1: hop-by-hop (and routing) stay outside; destination options for the final node go inside
        SaParameters p = TestSas.esp(
                0x1016,
                IpsecMode.TRANSPORT,
                "2001:db8::1",
                "2001:db8::2",
                TestSas.enc("aes-gcm-16"),
                GCM_KEY,
                null,
                null);
        byte[] udp = Arrays.copyOfRange(TestSas.udp("2001:db8::1", "2001:db8::2", 1, 2, payload(8)), 40, 40 + 16);
        byte[] hbh = {60, 0, 1, 4, 0, 0, 0, 0};
        byte[] dst = {17, 0, 1, 4, 0, 0, 0, 0};
        byte[] body = new byte[16 + udp.length];
        System.arraycopy(hbh, 0, body, 0, 8);
        System.arraycopy(dst, 0, body, 8, 8);
        System.arraycopy(udp, 0, body, 16, udp.length);
        byte[] clear = TestSas.ipv6("2001:db8::1", "2001:db8::2", 0, body);
        byte[] wire = roundTrip(x, p, clear);
        assertEquals(0, wire[6], "hop-by-hop first");
        assertEquals(50, wire[40], "ESP right after hop-by-hop; the destination options header is encrypted");
    }

    @Test
    void natTTransportFixesTheInnerChecksumAfterANat() {
        // RFC 3948 §3.1.2: the sender 10.0.0.5 sits behind a NAT that rewrites the outer source to 198.51.100.7;
        // the UDP checksum inside ESP covers 10.0.0.5, so the receiver must fix it for the addresses it sees
        SaParameters p = TestSas.esp(
                        0x3002,
                        IpsecMode.TRANSPORT,
                        "10.0.0.5",
                        "192.0.2.2",
                        TestSas.enc("aes-gcm-16"),
                        GCM_KEY,
                        null,
                        null)
                .withNatT(NatTraversal.of(4500, 4500));
        byte[] clear = TestSas.udp("10.0.0.5", "192.0.2.2", 1111, 2222, payload(25));
        PacketBuffer f = Xform.buffer(clear);
        assertNull(x.output(TestSas.ctx(p), f));
        byte[] natted = f.toByteArray();
        System.arraycopy(TestSas.ep("198.51.100.7").address().getAddress(), 0, natted, 12, 4);
        Bytes.put16(natted, 20, 61000); // and the source port
        Ipv4Header.updateChecksum(natted, 0);
        PacketBuffer g = Xform.buffer(natted);
        assertNull(x.input(g, TestSas.lookup(TestSas.ctx(p)), new InboundTrace()));
        byte[] got = g.toByteArray();
        byte[] expect = TestSas.udp("198.51.100.7", "192.0.2.2", 1111, 2222, payload(25));
        assertArrayEquals(expect, got, "inner UDP checksum valid for the translated source");
    }

    @Test
    void unknownSpiIsNoSa() {
        byte[] esp = TestSas.ipv4("192.0.2.1", "192.0.2.2", 50, payload(40));
        assertEquals(DropReason.NO_SA, x.input(Xform.buffer(esp), TestSas.lookup(), new InboundTrace()));
        assertEquals(1, stats.drops(IpsecProtocol.ESP, DropReason.NO_SA));
        assertTrue(stats.lines(IpsecProtocol.ESP).contains("\t1 packets with no SA / bad SPI"));
    }
}
