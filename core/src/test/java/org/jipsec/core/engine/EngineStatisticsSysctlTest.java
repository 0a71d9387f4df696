package org.jipsec.core.engine;

import static org.jipsec.core.engine.EngineNet.A4;
import static org.jipsec.core.engine.EngineNet.B4;
import static org.jipsec.core.engine.EngineNet.sock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.jipsec.core.engine.socket.JipsecDatagramSocket;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.pfkey.PfkeyStatistics;
import org.jipsec.core.sysctl.Sysctl;
import org.jipsec.core.sysctl.SysctlNames;
import org.jipsec.core.xform.NetbsdStatsLayout;
import org.junit.jupiter.api.Test;

/** An engine serves every statistics node of spec §5.3/§5.4 on its sysctl tree, with NetBSD's sizes and indices. */
class EngineStatisticsSysctlTest {

    final EngineNet net = new EngineNet();

    private static long at(Sysctl tree, String name, int index) throws Exception {
        return ByteBuffer.wrap(tree.readStruct(name))
                .order(ByteOrder.LITTLE_ENDIAN)
                .getLong(index * 8);
    }

    @Test
    void statisticsNodesAreBoundWithNetbsdSizes() throws Exception {
        Sysctl t = net.a.sysctl;
        assertEquals(16 * 8, t.readStruct(SysctlNames.IPSEC_STATS).length);
        assertEquals(16 * 8, t.readStruct(SysctlNames.IPSEC6_STATS).length);
        assertEquals(NetbsdStatsLayout.ESP_NSTATS * 8, t.readStruct(SysctlNames.ESP_STATS).length);
        assertEquals(NetbsdStatsLayout.AH_NSTATS * 8, t.readStruct(SysctlNames.AH_STATS).length);
        assertEquals(NetbsdStatsLayout.IPCOMP_NSTATS * 8, t.readStruct(SysctlNames.IPCOMP_STATS).length);
        assertEquals(NetbsdStatsLayout.IPIP_NSTATS * 8, t.readStruct(SysctlNames.IPIP_STATS).length);
        assertEquals(PfkeyStatistics.PFKEY_NSTATS * 8, t.readStruct(SysctlNames.KEY_STATS).length);
    }

    @Test
    void aPacketThroughAnEspTunnelShowsInEspIpipAndKeyStats() throws Exception {
        net.a.spdaddHosts(A4, B4, "out ipsec esp/tunnel/" + A4 + "-" + B4 + "/require");
        net.b.spdaddHosts(A4, B4, "in ipsec esp/tunnel/" + A4 + "-" + B4 + "/require");
        net.espPair(0x2001, A4, B4, IpsecMode.TUNNEL, List.of());
        JipsecDatagramSocket bs = net.b.host.openDatagramSocket(false);
        bs.bind(sock(B4, 5000));
        JipsecDatagramSocket as = net.a.host.openDatagramSocket(false);
        assertInstanceOf(OutputDecision.Send.class, as.send(new byte[] {1, 2, 3}, sock(B4, 5000)));
        net.a.link.deliver();
        assertTrue(bs.receive().isPresent());

        assertEquals(1, at(net.a.sysctl, SysctlNames.ESP_STATS, NetbsdStatsLayout.ESP_STAT_OUTPUT));
        assertEquals(1, at(net.a.sysctl, SysctlNames.IPIP_STATS, NetbsdStatsLayout.IPIP_STAT_OPACKETS));
        assertEquals(1, at(net.b.sysctl, SysctlNames.ESP_STATS, NetbsdStatsLayout.ESP_STAT_INPUT));
        assertEquals(1, at(net.b.sysctl, SysctlNames.IPIP_STATS, NetbsdStatsLayout.IPIP_STAT_IPACKETS));
        // the SPDADD/ADD requests went through each engine's key engine
        assertTrue(at(net.a.sysctl, SysctlNames.KEY_STATS, PfkeyStatistics.PFKEY_STAT_IN_TOTAL) > 0);
    }
}
