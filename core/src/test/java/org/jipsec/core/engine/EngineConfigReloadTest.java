package org.jipsec.core.engine;

import static org.jipsec.core.engine.EngineNet.A4;
import static org.jipsec.core.engine.EngineNet.B4;
import static org.jipsec.core.engine.EngineNet.sock;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jipsec.core.config.ConfigDiff;
import org.jipsec.core.config.ConfigPlan;
import org.jipsec.core.config.Installed;
import org.jipsec.core.engine.socket.JipsecDatagramSocket;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.net.Bytes;
import org.jipsec.core.pfkey.AlgorithmCatalog;
import org.jipsec.core.setkey.HostResolver;
import org.jipsec.core.xform.DropReason;
import org.junit.jupiter.api.Test;

/**
 * A configuration reload through {@link ConfigDiff} on two engines with traffic: the ESP sequence numbers (the
 * AES-GCM nonces, RFC 4106 §3.1) continue across it instead of restarting under the same key, and packets captured
 * before it stay replays for the receiver (RFC 4303 §3.4.3; {@code -r 8}: a 64-packet window — setkey's default,
 * {@code -r 0}, has no replay check at all).
 */
class EngineConfigReloadTest {

    static final String K_AB = "0x0123456789abcdef0123456789abcdef01020304";
    static final String K_BA = "0xfedcba9876543210fedcba9876543210a1a2a3a4";
    static final String SAS = """
            add %s %s esp 0x1001 -m transport -r 8 -E aes-gcm-16 %s ;
            add %s %s esp 0x1002 -m transport -r 8 -E aes-gcm-16 %s ;
            """.formatted(A4, B4, K_AB, B4, A4, K_BA);

    final EngineNet net = new EngineNet();
    Installed onA = Installed.NONE, onB = Installed.NONE;

    static String config(String self, String peer, String extra) {
        return SAS + "spdadd " + self + " " + peer + " any -P out ipsec esp/transport//require ;\n" + "spdadd " + peer
                + " " + self + " any -P in ipsec esp/transport//require ;\n" + extra;
    }

    static Installed load(EngineNet.Node n, Installed previous, String text) throws Exception {
        ConfigPlan plan = ConfigPlan.parse(text, HostResolver.NUMERIC, AlgorithmCatalog.TABLE);
        ConfigDiff.Applied a =
                ConfigDiff.compute(plan, previous, n.engine.keyEngine()).apply(n.engine.keyEngine(), 1, o -> {});
        plan.wipe();
        assertEquals(List.of(), a.failedLines());
        return a.installed();
    }

    WirePacket send(JipsecDatagramSocket from, JipsecDatagramSocket to, String text) throws Exception {
        byte[] msg = text.getBytes(StandardCharsets.UTF_8);
        assertInstanceOf(OutputDecision.Send.class, from.send(msg, sock(B4, 5000)));
        WirePacket w = net.a.link.transmitted().getLast();
        net.a.link.deliver();
        assertArrayEquals(msg, to.receive().orElseThrow().data());
        return w;
    }

    @Test
    void sequenceNumbersContinueAndOldPacketsStayReplaysAcrossReloads() throws Exception {
        onA = load(net.a, onA, config(A4, B4, ""));
        onB = load(net.b, onB, config(B4, A4, ""));
        JipsecDatagramSocket as = net.a.host.openDatagramSocket(false);
        JipsecDatagramSocket bs = net.b.host.openDatagramSocket(false);
        bs.bind(sock(B4, 5000));
        List<WirePacket> before = new ArrayList<>();
        for (int i = 0; i < 3; i++) before.add(send(as, bs, "before " + i));

        onA = load(net.a, onA, config(A4, B4, "")); // unchanged
        onB = load(net.b, onB, config(B4, A4, ""));
        List<WirePacket> after = new ArrayList<>();
        for (int i = 0; i < 3; i++) after.add(send(as, bs, "after " + i));
        onA = load(net.a, onA, config(A4, B4, """
                add 10.0.0.1 10.0.0.9 esp 0x2001 -E aes-gcm-16 %s ;
                spdadd 10.0.0.1 10.0.0.9 any -P out ipsec esp/transport//require ;
                """.formatted(K_AB))); // one-sided: an unrelated SA and policy
        for (int i = 0; i < 3; i++) after.add(send(as, bs, "one-sided " + i));

        Set<Long> spiSeq = new HashSet<>();
        List<Long> seqs = new ArrayList<>();
        for (WirePacket w : concat(before, after)) {
            long spi = Bytes.u32(w.packet(), 20), seq = Bytes.u32(w.packet(), 24);
            assertTrue(
                    spiSeq.add(spi << 32 | seq), "(SPI, sequence) repeated: 0x" + Long.toHexString(spi) + ", " + seq);
            seqs.add(seq);
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), seqs);

        for (WirePacket w : before) {
            InputDecision d = net.b.host.receive(w.packet().clone(), w.encapsulation());
            assertEquals(
                    DropReason.REPLAY,
                    assertInstanceOf(InputDecision.Drop.class, d, d::toString).xform());
        }
        assertEquals(3, net.b.engine.xformStatistics().drops(IpsecProtocol.ESP, DropReason.REPLAY));
        assertTrue(bs.receive().isEmpty(), "no replayed packet reaches the application");
    }

    static List<WirePacket> concat(List<WirePacket> a, List<WirePacket> b) {
        List<WirePacket> l = new ArrayList<>(a);
        l.addAll(b);
        return l;
    }
}
