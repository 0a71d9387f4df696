package org.jipsec.core.xform;

import static org.jipsec.core.xform.NetbsdStatsLayout.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.net.PacketBuffer;
import org.jipsec.core.sysctl.Sysctl;
import org.jipsec.core.sysctl.SysctlNames;
import org.junit.jupiter.api.Test;

/**
 * A known sequence of packets through the transforms, then NetBSD's structures ({@code esp_stats}, {@code ah_stats},
 * {@code ipcomp_stats}, {@code ipip_stats}) must hold the expected values at NetBSD's indices (esp_var.h 1.6, ah_var.h
 * 1.7, ipcomp_var.h 1.8, ipip_var.h 1.6; histogram slots from pfkeyv2.h's *_STATS_INIT).
 */
class NetbsdStatsLayoutTest {

    private static final byte[] GCM_KEY = TestSas.hex("0123456789abcdef0123456789abcdef01020304"); // 16 + 4 salt
    private static final byte[] AES_KEY = TestSas.hex("000102030405060708090a0b0c0d0e0f");
    private static final byte[] SHA256_KEY =
            TestSas.hex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    private static final byte[] SHA1_KEY = TestSas.hex("00112233445566778899aabbccddeeff00112233");

    private final XformStats stats = new XformStats();
    private final Xform x = new Xform(XformSettings.DEFAULTS, stats);

    private static byte[] udp(int n) {
        return TestSas.udp("10.1.0.1", "10.2.0.1", 1000, 2000, new byte[n]);
    }

    private byte[] protect(SaContext sa, byte[] clear) {
        PacketBuffer f = Xform.buffer(clear);
        assertNull(x.output(sa, f));
        return f.toByteArray();
    }

    private DropReason receive(SaContext sa, byte[] wire) {
        return x.input(Xform.buffer(wire), TestSas.lookup(sa), new InboundTrace());
    }

    @Test
    void layoutsHaveNetbsdSizes() {
        assertEquals(35, ESP_NSTATS);
        assertEquals(35, AH_NSTATS);
        assertEquals(22, IPCOMP_NSTATS);
        assertEquals(10, IPIP_NSTATS);
        assertEquals(ESP_ALG_MAX, ESP_ALG_NAMES.size());
        assertEquals(AH_ALG_MAX, AH_ALG_NAMES.size());
        assertEquals(IPCOMP_ALG_MAX, IPCOMP_ALG_NAMES.size());
        XformStats empty = new XformStats();
        assertArrayEquals(new long[ESP_NSTATS], esp(empty));
        assertArrayEquals(new long[IPIP_NSTATS], ipip(empty));
    }

    @Test
    void histogramSlotsFollowPfkeyv2StatsInit() {
        assertEquals(7, histogramSlot(XformStats.Histogram.ENCRYPTION, 12)); // aes-cbc
        assertEquals(11, histogramSlot(XformStats.Histogram.ENCRYPTION, 20)); // aes-gcm-16
        assertEquals(4, histogramSlot(XformStats.Histogram.ENCRYPTION, 11)); // null
        assertEquals(0, histogramSlot(XformStats.Histogram.ENCRYPTION, 251)); // chacha20-poly1305: *unknown*
        assertEquals(0, histogramSlot(XformStats.Histogram.ENCRYPTION, 14)); // aes-ccm-8: NetBSD has none
        assertEquals(3, histogramSlot(XformStats.Histogram.AUTHENTICATION, 3)); // hmac-sha1
        assertEquals(4, histogramSlot(XformStats.Histogram.AUTHENTICATION, 5)); // hmac-sha2-256
        assertEquals(9, histogramSlot(XformStats.Histogram.AUTHENTICATION, 11)); // aes-128-gmac
        assertEquals(3, histogramSlot(XformStats.Histogram.COMPRESSION, 2)); // deflate
    }

    @Test
    void espTunnelWithGcmCountsEspIpipAndBothHistograms() {
        SaParameters p = TestSas.esp(
                0x1001, IpsecMode.TUNNEL, "192.0.2.1", "192.0.2.2", TestSas.enc("aes-gcm-16"), GCM_KEY, null, null);
        SaContext out = TestSas.ctx(p), in = TestSas.ctx(p);
        long innerBytes = 0;
        for (int n : new int[] {10, 100, 1000}) {
            byte[] clear = udp(n);
            innerBytes += clear.length;
            assertNull(receive(in, protect(out, clear)));
        }
        long[] e = esp(stats);
        assertEquals(3, e[ESP_STAT_OUTPUT]);
        assertEquals(3, e[ESP_STAT_INPUT]);
        assertEquals(6, e[ESP_STAT_HIST + 11], "aes-gcm-16: 3 sealed + 3 opened");
        assertEquals(6, sum(e, ESP_STAT_HIST, ESP_ALG_MAX));
        assertTrue(e[ESP_STAT_IBYTES] > innerBytes && e[ESP_STAT_OBYTES] > innerBytes);
        assertEquals(0, sum(e, 0, ESP_STAT_INPUT) + e[ESP_STAT_TUNNEL] + e[ESP_STAT_CRYPTO]);
        long[] a = ah(stats);
        assertEquals(6, a[AH_STAT_HIST + 9], "esp_init: GCM with a 20-byte key counts as aes-128-mac (AES128GMAC)");
        assertEquals(0, a[AH_STAT_INPUT] + a[AH_STAT_OUTPUT]);
        long[] i = ipip(stats);
        assertEquals(3, i[IPIP_STAT_OPACKETS]);
        assertEquals(3, i[IPIP_STAT_IPACKETS]);
        assertEquals(innerBytes, i[IPIP_STAT_OBYTES]);
        assertEquals(innerBytes, i[IPIP_STAT_IBYTES]);
        assertEquals(0, i[IPIP_STAT_HDROPS] + i[IPIP_STAT_FAMILY]);
    }

    @Test
    void espTransportDropsLandInNetbsdSlots() {
        SaParameters p = TestSas.esp(
                0x2001,
                IpsecMode.TRANSPORT,
                "192.0.2.1",
                "192.0.2.2",
                TestSas.enc("aes-cbc"),
                AES_KEY,
                TestSas.auth("hmac-sha256"),
                SHA256_KEY);
        SaContext out = TestSas.ctx(p), in = TestSas.ctx(p);
        byte[] clear = TestSas.udp("192.0.2.1", "192.0.2.2", 1, 2, new byte[64]);
        byte[] first = protect(out, clear);
        assertNull(receive(in, first)); // 1 good
        assertEquals(DropReason.REPLAY, receive(in, first)); // replayed: caught before the crypto
        byte[] forged = protect(out, clear);
        forged[forged.length - 1] ^= 1;
        assertEquals(DropReason.BAD_AUTH, receive(in, forged)); // crypto ran, ICV wrong
        assertEquals(DropReason.NO_SA, receive(TestSas.ctx(p.withSpi(0x2002)), protect(out, clear)));
        byte[] shortEsp = TestSas.ipv4("192.0.2.1", "192.0.2.2", 50, new byte[6]);
        assertEquals(DropReason.SHORT, receive(in, shortEsp));

        long[] e = esp(stats);
        assertEquals(3, e[ESP_STAT_OUTPUT]);
        assertEquals(5, e[ESP_STAT_INPUT], "every ESP packet that arrived, dropped or not");
        assertEquals(1, e[ESP_STAT_REPLAY]);
        assertEquals(1, e[ESP_STAT_BADAUTH]);
        assertEquals(1, e[ESP_STAT_NOTDB]);
        assertEquals(1, e[ESP_STAT_HDROPS]);
        assertEquals(3 + 2, e[ESP_STAT_HIST + 7], "aes-cbc: 3 outputs, the good and the forged input");
        assertEquals(5, ah(stats)[AH_STAT_HIST + 4], "ESP's hmac-sha2-256 is counted in ah_stats' histogram");
    }

    @Test
    void ahAndDisabledProtocols() {
        SaParameters p =
                TestSas.ah(0x3001, IpsecMode.TRANSPORT, "192.0.2.1", "192.0.2.2", TestSas.auth("hmac-sha1"), SHA1_KEY);
        SaContext out = TestSas.ctx(p), in = TestSas.ctx(p);
        byte[] clear = TestSas.udp("192.0.2.1", "192.0.2.2", 1, 2, new byte[20]);
        assertNull(receive(in, protect(out, clear)));
        byte[] forged = protect(out, clear);
        forged[forged.length - 1] ^= 1;
        assertEquals(DropReason.BAD_AUTH, receive(in, forged));
        Xform off = new Xform(XformSettings.DEFAULTS.withEnabled(true, false, true), stats);
        assertEquals(DropReason.DISABLED, off.output(out, Xform.buffer(clear)));

        long[] a = ah(stats);
        assertEquals(2, a[AH_STAT_OUTPUT]);
        assertEquals(2, a[AH_STAT_INPUT]);
        assertEquals(1, a[AH_STAT_BADAUTH]);
        assertEquals(1, a[AH_STAT_PDROPS]);
        assertEquals(4, a[AH_STAT_HIST + 3], "hmac-sha1: 2 outputs, 2 verified inputs");
        assertArrayEquals(new long[ESP_NSTATS], esp(stats));
    }

    @Test
    void ipcompCountsMinlenUselessAndDeflate() {
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
        SaContext sa = TestSas.ctx(p);
        byte[] big = TestSas.udp("192.0.2.1", "192.0.2.2", 1, 2, new byte[500]);
        assertNull(receive(sa, protect(sa, big)));
        protect(sa, TestSas.udp("192.0.2.1", "192.0.2.2", 1, 2, new byte[40])); // below 90 bytes
        byte[] random = new byte[400];
        new java.util.Random(1).nextBytes(random);
        protect(sa, TestSas.udp("192.0.2.1", "192.0.2.2", 1, 2, random)); // would not shrink

        long[] c = ipcomp(stats);
        assertEquals(1, c[IPCOMP_STAT_MINLEN]);
        assertEquals(1, c[IPCOMP_STAT_USELESS]);
        assertEquals(2, c[IPCOMP_STAT_OUTPUT], "counted after the minlen check (xform_ipcomp.c)");
        assertEquals(1, c[IPCOMP_STAT_INPUT]);
        assertEquals(3, c[IPCOMP_STAT_HIST + 3], "deflate: 2 compression attempts + 1 decompression");
    }

    @Test
    void tunnelSanityFailureIsEspTunnelAndIpipFamily() {
        SaParameters p = TestSas.esp(
                0x5001, IpsecMode.TUNNEL, "192.0.2.1", "192.0.2.2", TestSas.enc("aes-gcm-16"), GCM_KEY, null, null);
        SaContext out = TestSas.ctx(p), in = TestSas.ctx(p);
        byte[] wire = protect(out, udp(50));
        // re-seal an IPv6 packet behind an outer header that says IPv4 (next header 4): decapsulation refuses it
        byte[] six = TestSas.ipv6("2001:db8::1", "2001:db8::2", 17, new byte[16]);
        SaParameters t = p.withMode(IpsecMode.TRANSPORT);
        SaContext tout = TestSas.ctx(t.withSpi(0x5002)), tin = TestSas.ctx(t.withSpi(0x5002));
        byte[] mislabelled = TestSas.ipv4("192.0.2.1", "192.0.2.2", 4, six);
        byte[] sealed = protect(tout, mislabelled);
        assertNull(receive(in, wire));
        assertEquals(DropReason.BAD_NEXT_HEADER, receive(tin, sealed));

        long[] e = esp(stats);
        assertEquals(1, e[ESP_STAT_TUNNEL]);
        assertEquals(2, e[ESP_STAT_INPUT]);
        long[] i = ipip(stats);
        assertEquals(2, i[IPIP_STAT_IPACKETS]);
        assertEquals(1, i[IPIP_STAT_FAMILY]);
        assertEquals(1, i[IPIP_STAT_OPACKETS]);
    }

    @Test
    void encapsulationRefusalsAreIpipNotEsp() {
        SaParameters p = TestSas.esp(
                0x5101, IpsecMode.TUNNEL, "192.0.2.1", "192.0.2.2", TestSas.enc("aes-gcm-16"), GCM_KEY, null, null);
        byte[] notIp = new byte[30];
        notIp[0] = 0x50; // version 5
        assertEquals(DropReason.BAD_HEADER, x.output(TestSas.ctx(p), Xform.buffer(notIp)));
        byte[] shortV4 = new byte[12];
        shortV4[0] = 0x45;
        assertEquals(DropReason.SHORT, x.output(TestSas.ctx(p), Xform.buffer(shortV4)));
        long[] i = ipip(stats);
        assertEquals(1, i[IPIP_STAT_FAMILY]);
        assertEquals(1, i[IPIP_STAT_HDROPS]);
        assertEquals(0, i[IPIP_STAT_OPACKETS]);
        long[] e = esp(stats);
        assertEquals(0, e[ESP_STAT_HDROPS], "ipip_output failed before esp_output ran");
        assertEquals(0, e[ESP_STAT_OUTPUT]);
        assertEquals(
                2,
                stats.drops(IpsecProtocol.ESP, DropReason.BAD_HEADER)
                        + stats.drops(IpsecProtocol.ESP, DropReason.SHORT),
                "jipsec's own drop counters still see them");
    }

    @Test
    void sysctlServesTheStructuresAsUint64HostOrder() throws Exception {
        Sysctl tree = Sysctl.withNetbsdDefaults();
        NetbsdStatsLayout.bindTo(tree, stats);
        SaParameters p = TestSas.esp(
                0x6001, IpsecMode.TUNNEL, "192.0.2.1", "192.0.2.2", TestSas.enc("aes-gcm-16"), GCM_KEY, null, null);
        SaContext out = TestSas.ctx(p);
        for (int k = 0; k < 4; k++) protect(out, udp(20));
        byte[] raw = tree.readStruct(SysctlNames.ESP_STATS);
        assertEquals(ESP_NSTATS * 8, raw.length);
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(4, b.getLong(ESP_STAT_OUTPUT * 8));
        assertEquals(4, b.getLong((ESP_STAT_HIST + 11) * 8));
        assertEquals(AH_NSTATS * 8, tree.readStruct(SysctlNames.AH_STATS).length);
        assertEquals(IPCOMP_NSTATS * 8, tree.readStruct(SysctlNames.IPCOMP_STATS).length);
        assertEquals(
                4,
                ByteBuffer.wrap(tree.readStruct(SysctlNames.IPIP_STATS))
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .getLong(IPIP_STAT_OPACKETS * 8));
    }

    @Test
    void netstatLinesAsFastIpsecPrintsThem() {
        SaParameters p = TestSas.esp(
                0x7001, IpsecMode.TUNNEL, "192.0.2.1", "192.0.2.2", TestSas.enc("aes-gcm-16"), GCM_KEY, null, null);
        SaContext out = TestSas.ctx(p);
        protect(out, udp(20));
        List<String> lines = netstatLines(ah(stats), esp(stats), ipip(stats), ipcomp(stats));
        assertTrue(lines.contains("\t\t1 esp output packets processed"), lines.toString());
        assertTrue(lines.contains("\t\tesp packets with aes-gcm-16: 1"), lines.toString());
        assertTrue(lines.contains("\t\tah packets with aes-128-mac: 1"), lines.toString());
        assertTrue(lines.contains("\t\t1 ipip total output packets"), lines.toString());
    }

    private static long sum(long[] v, int from, int n) {
        long s = 0;
        for (int i = from; i < from + n; i++) s += v[i];
        return s;
    }
}
