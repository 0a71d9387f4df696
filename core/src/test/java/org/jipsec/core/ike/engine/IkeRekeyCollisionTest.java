package org.jipsec.core.ike.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Simultaneous IKE SA rekeys (RFC 7296 §2.8.1) and their races, as strongSwan 5.9.8 resolves them: both sides
 * complete both exchanges, the SA created with the lowest of the four nonces is deleted by its initiator, the
 * children move to the survivor, and both sides end on the same SPIs with keys that work (a child rekey and the
 * final delete run over the survivor). Also an IKE rekey crossing the peer's IKE Delete, and a child rekey crossing
 * an IKE rekey (TEMPORARY_FAILURE, retried later). The engine before this answered a crossing IKE rekey with
 * TEMPORARY_FAILURE, so neither side rekeyed.
 */
class IkeRekeyCollisionTest {

    private static void survivorWorks(IkeSimulation s, String what) {
        assertEquals(IkeSaEngine.State.ESTABLISHED, s.a.state(), what);
        assertEquals(IkeSaEngine.State.ESTABLISHED, s.b.state(), what);
        assertEquals(s.a.spiI(), s.b.spiI(), what + ": the same surviving SA");
        assertEquals(s.a.spiR(), s.b.spiR(), what);
        assertFalse(s.a.hasOldSa() || s.b.hasOldSa(), what + ": old and redundant SAs deleted");
        assertEquals(1, s.a.childCount(), what + ": the child moved to the survivor");
        assertEquals(1, s.b.childCount(), what);
        int child = IkeSimulation.of(s.aActions, IkeAction.InstallChild.class)
                .getLast()
                .spiIn();
        s.at(s.now + 1_000, s.a, new IkeEvent.RekeyChild(child, 0));
        s.runUntil(s.now + 60_000);
        assertEquals(1, s.a.childCount(), what);
        s.assertKeysAgree();
        s.at(s.now + 1_000, s.b, new IkeEvent.DeleteIke(0));
        s.runUntil(s.now + 60_000);
        s.assertNoLeaks();
        assertTrue(IkeSimulation.of(s.aActions, IkeAction.DeadPeer.class).isEmpty(), what);
        assertTrue(IkeSimulation.of(s.bActions, IkeAction.DeadPeer.class).isEmpty(), what);
    }

    @Test
    void crossingIkeRekeysKeepTheSaWithoutTheLowestNonce() throws Exception {
        int redundantSeen = 0;
        for (long seed = 100; seed < 110; seed++) {
            // no delay: both requests are on the wire before either answer, so both sides see the collision
            IkeSimulation s = IkeInformationalTest.established("0s", seed, 0, 0, 0);
            long oldI = s.a.spiI();
            s.at(2_000, s.a, new IkeEvent.RekeyIke(0));
            s.at(2_000, s.b, new IkeEvent.RekeyIke(0));
            s.runUntil(10_000);
            assertNotEquals(oldI, s.a.spiI(), "seed " + seed + ": rekeyed");
            assertTrue(IkeSimulation.of(s.aActions, IkeAction.RekeyFailed.class).isEmpty(), "seed " + seed);
            assertTrue(IkeSimulation.of(s.bActions, IkeAction.RekeyFailed.class).isEmpty(), "seed " + seed);
            // both saw the collision: both name the same redundant pair, which is not the survivor
            var ra = IkeSimulation.of(s.aActions, IkeAction.RedundantSa.class);
            var rb = IkeSimulation.of(s.bActions, IkeAction.RedundantSa.class);
            assertEquals(1, ra.size(), "seed " + seed);
            assertEquals(ra, rb, "seed " + seed);
            assertNotEquals(ra.getFirst().spiI(), s.a.spiI());
            redundantSeen++;
            survivorWorks(s, "seed " + seed);
        }
        assertEquals(10, redundantSeen);
    }

    @Test
    void nonceRuleDecidesWhichSaSurvives() {
        byte[] low = {0x01, 0x02};
        byte[] mid = {0x40, 0x00};
        byte[] high = {(byte) 0x90, 0x00};
        byte[] top = {(byte) 0xf0, 0x00};
        // §2.8.1: the exchange holding the lowest of the four nonces created the redundant SA (unsigned compare)
        assertTrue(ChildExchanges.lowest(high, low, mid, top));
        assertFalse(ChildExchanges.lowest(high, top, low, mid));
        assertTrue(ChildExchanges.lowest(new byte[] {0x7f}, high, high, top));
    }

    @Test
    void collisionSeenByOneSideOnly() throws Exception {
        // b's request is delayed until a's exchange completed: a never sees a collision and deletes the old SA;
        // b answered a's request, gets TEMPORARY_FAILURE (or a's Delete first) and keeps a's SA (strongSwan's
        // conclude_collision)
        for (long seed = 200; seed < 230; seed++) {
            IkeSimulation s = IkeInformationalTest.established("0s", seed, 0, 0, 400);
            s.at(2_000, s.a, new IkeEvent.RekeyIke(0));
            s.at(2_000 + (seed % 7) * 60, s.b, new IkeEvent.RekeyIke(0));
            s.runUntil(30_000);
            survivorWorks(s, "seed " + seed);
        }
    }

    @Test
    void ikeRekeyCrossingTheIkeDelete() throws Exception {
        for (boolean rekeyByInitiator : new boolean[] {true, false}) {
            IkeSimulation s = IkeInformationalTest.established("0s", 31, 0, 0, 50);
            s.at(2_000, rekeyByInitiator ? s.a : s.b, new IkeEvent.RekeyIke(0));
            s.at(2_000, rekeyByInitiator ? s.b : s.a, new IkeEvent.DeleteIke(0));
            s.runUntil(300_000);
            s.assertNoLeaks();
            assertEquals(1, IkeSimulation.of(s.aActions, IkeAction.Closed.class).size());
            assertEquals(1, IkeSimulation.of(s.bActions, IkeAction.Closed.class).size());
            assertTrue(IkeSimulation.of(s.aActions, IkeAction.DeadPeer.class).isEmpty());
        }
    }

    @Test
    void childRekeyCrossingAnIkeRekeyIsRetried() throws Exception {
        for (boolean childByInitiator : new boolean[] {true, false}) {
            IkeSimulation s = IkeInformationalTest.established("0s", 41, 0, 0, 50);
            IkeSaEngine childSide = childByInitiator ? s.a : s.b;
            int child = IkeSimulation.of(childByInitiator ? s.aActions : s.bActions, IkeAction.InstallChild.class)
                    .getFirst()
                    .spiIn();
            long oldI = s.a.spiI();
            s.at(2_000, childSide, new IkeEvent.RekeyChild(child, 0));
            s.at(2_000, childByInitiator ? s.b : s.a, new IkeEvent.RekeyIke(0));
            s.runUntil(120_000); // strongSwan's retry comes after 10-30 s
            assertNotEquals(oldI, s.a.spiI(), "the IKE SA was rekeyed");
            assertEquals(s.a.spiI(), s.b.spiI());
            List<IkeAction.InstallChild> ia = IkeSimulation.of(s.aActions, IkeAction.InstallChild.class);
            assertEquals(2, ia.size(), "the child was rekeyed too: " + s.aActions);
            assertEquals(1, s.a.childCount());
            assertEquals(1, s.b.childCount());
            survivorWorks(s, "child rekey by " + (childByInitiator ? "initiator" : "responder"));
        }
    }
}
