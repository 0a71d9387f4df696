package org.jipsec.core.ike.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * IKE SA rekey (RFC 7296 §1.3.2, §2.18) initiated by either side: both engines move to the same new SPIs, the
 * rekey initiator deletes the old SA on the old SA, message IDs restart at 0, and the new keys work — a child
 * rekey, the old child's delete and the final IKE delete all run over the new SA.
 */
class IkeSaRekeyTest {

    private static IkeSimulation pair(String iIke, String rIke, long seed) throws Exception {
        IkeSimulation s = new IkeSimulation(engine(true, iIke, seed), engine(false, rIke, seed + 1), seed, 0, 0, 30);
        s.at(0, s.a, new IkeEvent.Initiate(0));
        s.runUntil(1_000);
        assertEquals(IkeSaEngine.State.ESTABLISHED, s.b.state());
        return s;
    }

    private static IkeSaEngine engine(boolean initiator, String ike, long seed) throws Exception {
        IkeSaEngine e = IkeInformationalTest.engine(initiator, "0s", "clear", seed);
        if (ike == null) return e;
        String text = IkeInformationalTest.conf(
                        initiator ? "10.98.0.1" : "10.98.0.2",
                        initiator ? "10.98.0.2" : "10.98.0.1",
                        initiator ? "10.98.1.0/24" : "10.98.2.0/24",
                        initiator ? "10.98.2.0/24" : "10.98.1.0/24",
                        "0s",
                        "clear")
                .replace("aes128gcm16-prfsha256-x25519, aes128-sha256-x25519", ike);
        var src = new org.jipsec.core.ike.config.ConfigSource() {
            @Override
            public String read(String path) {
                return path.equals("/c.conf") ? text : null;
            }

            @Override
            public List<String> glob(String pattern, String directory) {
                return List.of();
            }
        };
        var cfg = org.jipsec.core.ike.config.SwanctlConfig.load("/c.conf", src);
        var c = cfg.connections().getFirst();
        var rnd = java.security.SecureRandom.getInstance("SHA1PRNG");
        rnd.setSeed(seed);
        return new IkeSaEngine(
                initiator ? IkeSaEngine.Role.INITIATOR : IkeSaEngine.Role.RESPONDER,
                IkeSaConfig.of(
                        c, c.local().getFirst().id(), cfg.secrets().getFirst().secret()),
                rnd,
                initiator ? IkeSaEngineTest.I : IkeSaEngineTest.R,
                initiator ? IkeSaEngineTest.R : IkeSaEngineTest.I);
    }

    private static void rekeyAndUse(IkeSimulation s, boolean byInitiator) {
        long oldI = s.a.spiI();
        s.at(s.now + 1_000, byInitiator ? s.a : s.b, new IkeEvent.RekeyIke(0));
        s.runUntil(s.now + 5_000);
        IkeAction.IkeRekeyed ra =
                IkeSimulation.of(s.aActions, IkeAction.IkeRekeyed.class).getFirst();
        IkeAction.IkeRekeyed rb =
                IkeSimulation.of(s.bActions, IkeAction.IkeRekeyed.class).getFirst();
        assertEquals(ra.spiI(), rb.spiI());
        assertEquals(ra.spiR(), rb.spiR());
        assertNotEquals(oldI, ra.spiI(), "new SPIs");
        assertEquals(ra.spiI(), s.a.spiI());
        assertEquals(ra.spiR(), s.b.spiR());
        // §2.18: the rekey initiator is the new SA's initiator
        assertEquals(byInitiator ? IkeSaEngine.Role.INITIATOR : IkeSaEngine.Role.RESPONDER, s.a.role());
        assertTrue(!s.a.hasOldSa() && !s.b.hasOldSa(), "the old IKE SA was deleted on both sides");
        assertEquals(1, s.a.childCount(), "the child moved to the new IKE SA");
        assertEquals(1, s.b.childCount());
        // the new SA's keys agree: a child rekey, then an IKE delete, over it
        int child = IkeSimulation.of(s.bActions, IkeAction.InstallChild.class)
                .getFirst()
                .spiIn();
        s.at(s.now + 1_000, s.b, new IkeEvent.RekeyChild(child, 0));
        s.runUntil(s.now + 5_000);
        assertEquals(
                2, IkeSimulation.of(s.aActions, IkeAction.InstallChild.class).size());
        s.assertKeysAgree();
        s.at(s.now + 1_000, s.a, new IkeEvent.DeleteIke(0));
        s.runUntil(s.now + 5_000);
        assertEquals(1, IkeSimulation.of(s.bActions, IkeAction.Closed.class).size());
        s.assertNoLeaks();
        assertTrue(IkeSimulation.of(s.aActions, IkeAction.DeadPeer.class).isEmpty());
        assertTrue(IkeSimulation.of(s.bActions, IkeAction.DeadPeer.class).isEmpty());
    }

    @Test
    void rekeyByEitherSide() throws Exception {
        rekeyAndUse(pair(null, null, 41), true);
        rekeyAndUse(pair(null, null, 42), false);
        rekeyAndUse(pair("aes256-sha256-modp2048", "aes256-sha256-modp2048", 43), false);
    }

    @Test
    void rekeyUsesTheGroupIkeSaInitSettledOn() throws Exception {
        // the initiator proposes x25519 first, the responder only accepts ecp256: IKE_SA_INIT gets INVALID_KE_PAYLOAD
        // once; the rekey then starts from the negotiated group (ecp256) and needs no retry
        rekeyAndUse(pair("aes128gcm16-prfsha256-x25519-ecp256", "aes128gcm16-prfsha256-ecp256", 44), true);
    }

    /**
     * §2.4, §2.3: the peer's IKE rekey request arrives while our liveness check is outstanding (its first try was
     * lost). The request proves liveness: the rekey is accepted at once instead of refused with TEMPORARY_FAILURE.
     */
    @Test
    void aPeersIkeRekeyDuringOurLivenessCheckIsAccepted() throws Exception {
        IkeSimulation s = new IkeSimulation(
                IkeInformationalTest.engine(true, "20s", "restart", 41),
                IkeInformationalTest.engine(false, "0s", "clear", 42),
                41,
                0,
                0,
                0); // only a checks liveness
        s.at(0, s.a, new IkeEvent.Initiate(0));
        s.runUntil(1_000);
        assertEquals(IkeSaEngine.State.ESTABLISHED, s.a.state());
        s.bDead = true; // a's liveness check is lost
        s.runUntil(s.now + 21_000);
        assertEquals(IkeSaEngine.Pending.LIVENESS, s.a.pending, "a checks liveness");
        s.bDead = false;
        long spiBefore = s.a.spiI();
        s.at(s.now + 100, s.b, new IkeEvent.RekeyIke(0));
        s.runUntil(s.now + 2_000); // before a's first retransmission (4 s)
        assertEquals(IkeSaEngine.State.ESTABLISHED, s.a.state());
        assertEquals(IkeSaEngine.State.ESTABLISHED, s.b.state());
        assertTrue(spiBefore != s.a.spiI(), "a is on the new IKE SA");
        assertEquals(s.a.spiI(), s.b.spiI());
        assertEquals(s.a.spiR(), s.b.spiR());
        s.runUntil(s.now + 60_000);
        assertEquals(IkeSaEngine.State.ESTABLISHED, s.a.state(), "DPD goes on on the new SA");
    }
}
