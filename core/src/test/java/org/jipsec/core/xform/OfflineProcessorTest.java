package org.jipsec.core.xform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.setkey.SetkeyConfig;
import org.junit.jupiter.api.Test;

/** The engine of {@code jipsec pcap}: SA choice outbound (policies, then addresses), lookup inbound, verdicts. */
class OfflineProcessorTest {

    private static OfflineProcessor proc(String conf) throws Exception {
        SetkeyConfig c = SetkeyConfig.parse(conf);
        return new OfflineProcessor(c.sas(), c.outboundRules(), XformSettings.DEFAULTS, new SplittableRandom(1));
    }

    @Test
    void transportBundleWithoutPoliciesInKameOrder() throws Exception {
        String conf = """
                add 192.0.2.1 192.0.2.2 ah 0x2001 -m transport -r 4 -A hmac-sha1 "12345678901234567890";
                add 192.0.2.1 192.0.2.2 esp 0x1001 -m transport -E aes-cbc "0123456789abcdef" -A hmac-sha2-256 "0123456789abcdef0123456789abcdef";
                add 192.0.2.1 192.0.2.2 ipcomp 0x4001 -m transport -C deflate;
                """;
        OfflineProcessor out = proc(conf), in = proc(conf);
        byte[] clear = TestSas.udp("192.0.2.1", "192.0.2.2", 1, 2, new byte[400]);
        OfflineProcessor.Verdict v = out.protect(clear);
        assertEquals("ah spi=0x00002001 seq=1 ok", v.text());
        byte[] p = v.packet();
        assertEquals(51, p[9]);
        OfflineProcessor.Verdict w = in.verify(p);
        assertEquals("ah spi=0x00002001 seq=1 ok", w.text());
        assertArrayEquals(clear, w.packet());
        assertEquals("ah spi=0x00002001 seq=1 replay", in.verify(p).text(), "-r 4: a 32-packet window (setkey default 0 = off)");
        assertEquals(1, in.stats().drops(IpsecProtocol.AH, DropReason.REPLAY));
    }

    @Test
    void wellKnownIpcompCpiMatchesTheAlgorithm() throws Exception {
        String conf = "add 192.0.2.1 192.0.2.2 ipcomp 0x4001 -m transport -C deflate;\n";
        OfflineProcessor in = proc(conf);
        SaParameters sender = new SaParameters(2, IpsecProtocol.IPCOMP, IpsecMode.TRANSPORT, TestSas.ep("192.0.2.1"),
                TestSas.ep("192.0.2.2"), TestSas.comp("deflate"), null, null, null, 0, 0, false, null, 0);
        byte[] clear = TestSas.udp("192.0.2.1", "192.0.2.2", 1, 2, new byte[400]);
        var f = Xform.buffer(clear);
        assertEquals(null, new Xform(XformSettings.DEFAULTS, new XformStats()).output(TestSas.ctx(sender), f));
        assertEquals(2, IpView.u16(f.toByteArray(), 22), "CPI 2 = deflate (RFC 3173 §3.3)");
        OfflineProcessor.Verdict v = in.verify(f.toByteArray());
        assertTrue(v.ok(), v.text());
        assertArrayEquals(clear, v.packet());
    }

    @Test
    void policiesChooseTunnelSasAndDiscard() throws Exception {
        String conf = """
                add 192.0.2.1 192.0.2.2 esp 0x1001 -m tunnel -E aes-gcm-16 0x0123456789abcdef0123456789abcdef01020304;
                spdadd 10.1.0.0/16 10.2.0.0/16 any -P out ipsec esp/tunnel/192.0.2.1-192.0.2.2/require;
                spdadd 10.1.0.0/16 10.3.0.0/16 any -P out discard;
                spdadd 10.1.0.0/16 10.4.0.0/16 any -P out none;
                spdadd 10.1.0.0/16 10.5.0.0/16 any -P out ipsec esp/tunnel/192.0.2.1-192.0.2.9/require;
                """;
        OfflineProcessor out = proc(conf);
        assertEquals("esp spi=0x00001001 seq=1 ok", out.protect(TestSas.udp("10.1.2.3", "10.2.9.9", 1, 2, new byte[5])).text());
        assertEquals("- discard (policy)", out.protect(TestSas.udp("10.1.2.3", "10.3.0.1", 1, 2, new byte[5])).text());
        assertEquals("- clear (policy none)", out.protect(TestSas.udp("10.1.2.3", "10.4.0.1", 1, 2, new byte[5])).text());
        assertEquals("- no-sa (10.1.2.3 -> 10.5.0.1, policy needs esp/tunnel)",
                out.protect(TestSas.udp("10.1.2.3", "10.5.0.1", 1, 2, new byte[5])).text());
        assertEquals("- no-sa (10.9.0.1 -> 10.2.0.1)", out.protect(TestSas.udp("10.9.0.1", "10.2.0.1", 1, 2, new byte[5])).text());
        assertEquals(List.of(), List.of());
    }
}
