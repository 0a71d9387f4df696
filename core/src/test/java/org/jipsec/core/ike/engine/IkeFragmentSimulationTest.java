package org.jipsec.core.ike.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jipsec.core.ike.codec.PayloadType;
import org.jipsec.core.ike.config.IkeConfig;
import org.junit.jupiter.api.Test;

/**
 * RFC 7383 in the two-engine simulation: with a tiny fragment size every protected message of IKE_AUTH and after
 * goes in SKF fragments, over a link that loses, duplicates and reorders them; keys agree, a child rekey and the
 * teardown work, nothing leaks. With {@code fragmentation = no} on one side nothing is fragmented.
 */
class IkeFragmentSimulationTest {

    static long skf(java.util.List<IkeAction> actions) {
        return IkeSimulation.of(actions, IkeAction.Send.class).stream()
                .filter(s -> s.bytes().length > 28 && (s.bytes()[16] & 0xff) == PayloadType.SKF)
                .count();
    }

    @Test
    void fragmentedExchangesOverALossyLink() throws Exception {
        int established = 0;
        long fragments = 0;
        for (long seed = 1; seed <= 40; seed++) {
            IkeSaEngine a = IkeInformationalTest.engine(true, "20s", "restart", seed);
            IkeSaEngine b = IkeInformationalTest.engine(false, "20s", "clear", seed * 7);
            a.framing.fragmentSize = 200; // below DaemonLimits' minimum, to fragment even PSK exchanges
            b.framing.fragmentSize = 200;
            IkeSimulation s = new IkeSimulation(a, b, seed, 0.1, 0.1, 300);
            s.at(0, s.a, new IkeEvent.Initiate(0));
            s.runUntil(200_000);
            s.assertKeysAgree();
            if (a.state() == IkeSaEngine.State.ESTABLISHED && b.state() == IkeSaEngine.State.ESTABLISHED) {
                established++;
                var ca = IkeSimulation.of(s.aActions, IkeAction.InstallChild.class);
                if (!ca.isEmpty())
                    s.at(s.now + 100, s.a, new IkeEvent.RekeyChild(ca.getFirst().spiIn(), 0));
                s.runUntil(s.now + 100_000);
                s.assertKeysAgree();
                assertEquals(s.a.spiI(), s.b.spiI(), "seed " + seed);
            }
            fragments += skf(s.aActions) + skf(s.bActions);
            s.at(s.now + 1, s.a, new IkeEvent.DeleteIke(0));
            s.runUntil(s.now + 600_000);
            s.assertNoLeaks();
        }
        assertTrue(established >= 32, "established in " + established + " of 40");
        assertTrue(fragments > 200, "SKF datagrams sent: " + fragments);
    }

    @Test
    void fragmentationNoOnOneSideMeansWholeMessages() throws Exception {
        IkeSaEngine a = IkeInformationalTest.engine(true, "0s", "clear", 3);
        IkeSaEngine b = IkeInformationalTest.engine(false, "0s", "clear", 4);
        a.fragmentation(IkeConfig.Fragmentation.YES, 200);
        b.fragmentation(IkeConfig.Fragmentation.NO, 200);
        IkeSimulation s = new IkeSimulation(a, b, 5, 0, 0, 0);
        s.at(0, s.a, new IkeEvent.Initiate(0));
        s.runUntil(10_000);
        assertEquals(IkeSaEngine.State.ESTABLISHED, a.state());
        assertEquals(0, skf(s.aActions) + skf(s.bActions));
        assertTrue(!a.framing.peerSupports && !b.framing.announces());
    }
}
