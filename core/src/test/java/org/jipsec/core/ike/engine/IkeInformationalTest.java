package org.jipsec.core.ike.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.List;
import org.jipsec.core.ike.config.ConfigSource;
import org.jipsec.core.ike.config.IkeConfig;
import org.jipsec.core.ike.config.SwanctlConfig;
import org.junit.jupiter.api.Test;

/**
 * INFORMATIONAL on an established IKE SA (RFC 7296 §1.4): deleting a CHILD_SA and the IKE SA from either side,
 * crossing deletes (§1.4.1), liveness checks with dpd_delay and the dead peer with dpd_action (§2.4), message IDs
 * in both directions and the cached response for a retransmitted request (§2.1, §2.2). Two engines over a
 * lossless {@link IkeSimulation} link; the lossy runs are in {@link IkeSimulationTest}.
 */
class IkeInformationalTest {

    static String conf(String self, String peer, String localTs, String remoteTs, String dpd, String dpdAction) {
        return conf(self, peer, localTs, remoteTs, dpd, dpdAction, "aes128gcm16");
    }

    static String conf(
            String self, String peer, String localTs, String remoteTs, String dpd, String dpdAction, String esp) {
        return """
                connections { c {
                    local_addrs = %s
                    remote_addrs = %s
                    proposals = aes128gcm16-prfsha256-x25519, aes128-sha256-x25519
                    dpd_delay = %s
                    local { auth = psk
                        id = %s }
                    remote { auth = psk
                        id = %s }
                    children { net {
                        local_ts = %s
                        remote_ts = %s
                        esp_proposals = %s
                        dpd_action = %s }
                      extra {
                        local_ts = %s
                        remote_ts = %s
                        esp_proposals = aes128gcm16-x25519 } }
                } }
                secrets { ike-c { secret = "s3cret-lab" } }
                """.formatted(
                        self,
                        peer,
                        dpd,
                        self,
                        peer,
                        localTs,
                        remoteTs,
                        esp,
                        dpdAction,
                        self.endsWith(".1") ? "10.98.3.0/24" : "10.98.4.0/24",
                        self.endsWith(".1") ? "10.98.4.0/24" : "10.98.3.0/24");
    }

    static IkeSaEngine engine(boolean initiator, String dpd, String dpdAction, long seed) throws Exception {
        return engine(initiator, dpd, dpdAction, seed, "aes128gcm16");
    }

    static IkeSaEngine engine(boolean initiator, String dpd, String dpdAction, long seed, String esp) throws Exception {
        String text = initiator
                ? conf("10.98.0.1", "10.98.0.2", "10.98.1.0/24", "10.98.2.0/24", dpd, dpdAction, esp)
                : conf("10.98.0.2", "10.98.0.1", "10.98.2.0/24", "10.98.1.0/24", dpd, dpdAction, esp);
        return engine(initiator, text, seed);
    }

    /** The responder (no DPD) whose "extra" child has these selectors instead. */
    static IkeSaEngine responderWithExtraTs(String localTs, String remoteTs, long seed) throws Exception {
        String text = conf("10.98.0.2", "10.98.0.1", "10.98.2.0/24", "10.98.1.0/24", "0s", "clear", "aes128gcm16")
                .replace("local_ts = 10.98.4.0/24", "local_ts = " + localTs)
                .replace("remote_ts = 10.98.3.0/24", "remote_ts = " + remoteTs);
        return engine(false, text, seed);
    }

    static IkeSaEngine engine(boolean initiator, String text, long seed) throws Exception {
        ConfigSource src = new ConfigSource() {
            @Override
            public String read(String path) {
                return path.equals("/c.conf") ? text : null;
            }

            @Override
            public List<String> glob(String pattern, String directory) {
                return List.of();
            }
        };
        IkeConfig cfg = SwanctlConfig.load("/c.conf", src);
        IkeConfig.Connection c = cfg.connections().getFirst();
        SecureRandom rnd = SecureRandom.getInstance("SHA1PRNG");
        rnd.setSeed(seed);
        return new IkeSaEngine(
                initiator ? IkeSaEngine.Role.INITIATOR : IkeSaEngine.Role.RESPONDER,
                IkeSaConfig.of(
                        c, c.local().getFirst().id(), cfg.secrets().getFirst().secret()),
                rnd,
                initiator ? IkeSaEngineTest.I : IkeSaEngineTest.R,
                initiator ? IkeSaEngineTest.R : IkeSaEngineTest.I);
    }

    static IkeSimulation established(String dpd, long seed, double loss, double dup, long delay) throws Exception {
        IkeSimulation s = new IkeSimulation(
                engine(true, dpd, "restart", seed), engine(false, dpd, "clear", seed + 1), seed, loss, dup, delay);
        s.at(0, s.a, new IkeEvent.Initiate(0));
        s.runUntil(1_000);
        return s;
    }

    static int spiIn(List<IkeAction> actions) {
        return IkeSimulation.of(actions, IkeAction.InstallChild.class)
                .getFirst()
                .spiIn();
    }

    @Test
    void childDeletedByEitherSideThenIkeDeleted() throws Exception {
        for (boolean byInitiator : new boolean[] {true, false}) {
            IkeSimulation s = established("0s", 7, 0, 0, 0);
            assertEquals(IkeSaEngine.State.ESTABLISHED, s.a.state());
            assertEquals(IkeSaEngine.State.ESTABLISHED, s.b.state());
            s.assertKeysAgree();
            IkeSaEngine deleter = byInitiator ? s.a : s.b;
            s.at(2_000, deleter, new IkeEvent.DeleteChild(spiIn(byInitiator ? s.aActions : s.bActions), 0));
            s.runUntil(3_000);
            assertEquals(
                    1, IkeSimulation.of(s.aActions, IkeAction.RemoveChild.class).size());
            assertEquals(
                    1, IkeSimulation.of(s.bActions, IkeAction.RemoveChild.class).size());
            assertEquals(IkeSaEngine.State.ESTABLISHED, s.a.state(), "deleting a child keeps the IKE SA (§1.4.1)");
            s.at(4_000, byInitiator ? s.b : s.a, new IkeEvent.DeleteIke(0));
            s.runUntil(5_000);
            assertEquals(1, IkeSimulation.of(s.aActions, IkeAction.Closed.class).size());
            assertEquals(1, IkeSimulation.of(s.bActions, IkeAction.Closed.class).size());
            s.assertNoLeaks();
        }
    }

    @Test
    void ikeDeleteRemovesTheChildrenOnBothSides() throws Exception {
        for (boolean byInitiator : new boolean[] {true, false}) {
            IkeSimulation s = established("0s", 8, 0, 0, 0);
            s.at(2_000, byInitiator ? s.a : s.b, new IkeEvent.DeleteIke(0));
            s.runUntil(3_000);
            s.assertNoLeaks();
            List<IkeAction> peer = byInitiator ? s.bActions : s.aActions;
            assertTrue(
                    peer.indexOf(IkeSimulation.of(peer, IkeAction.RemoveChild.class)
                                    .getFirst())
                            < peer.indexOf(IkeSimulation.of(peer, IkeAction.Closed.class)
                                    .getFirst()),
                    "children first");
        }
    }

    @Test
    void crossingDeletesRemoveEachChildOnce() throws Exception {
        IkeSimulation s = established("0s", 9, 0, 0, 50);
        s.at(2_000, s.a, new IkeEvent.DeleteChild(spiIn(s.aActions), 0));
        s.at(2_000, s.b, new IkeEvent.DeleteChild(spiIn(s.bActions), 0));
        s.runUntil(3_000);
        assertEquals(
                1, IkeSimulation.of(s.aActions, IkeAction.RemoveChild.class).size());
        assertEquals(
                1, IkeSimulation.of(s.bActions, IkeAction.RemoveChild.class).size());
        assertEquals(IkeSaEngine.State.ESTABLISHED, s.a.state());
        s.at(4_000, s.a, new IkeEvent.DeleteIke(0));
        s.at(4_000, s.b, new IkeEvent.DeleteIke(0));
        s.runUntil(400_000);
        s.assertNoLeaks();
        assertTrue(IkeSimulation.of(s.aActions, IkeAction.DeadPeer.class).isEmpty());
    }

    @Test
    void livenessChecksKeepAnAnsweringPeerAndDetectADeadOne() throws Exception {
        IkeSimulation s = established("30s", 10, 0, 0, 20);
        int before = s.sent;
        s.runUntil(600_000); // ten virtual minutes of liveness checks both ways (MIDs 2.. and 0..)
        assertTrue(s.sent - before >= 2 * 2 * 10, "liveness requests and responses: " + (s.sent - before));
        assertEquals(IkeSaEngine.State.ESTABLISHED, s.a.state());
        assertEquals(IkeSaEngine.State.ESTABLISHED, s.b.state());
        s.bDead = true;
        s.runUntil(1_000_000);
        IkeAction.DeadPeer dead =
                IkeSimulation.of(s.aActions, IkeAction.DeadPeer.class).getFirst();
        assertEquals(IkeConfig.DpdAction.RESTART, dead.dpdAction());
        assertEquals(
                1, IkeSimulation.of(s.aActions, IkeAction.RemoveChild.class).size());
        assertEquals(IkeSaEngine.State.CLOSED, s.a.state());
        // the responder hears nothing either (its requests reach a closed SA): dead peer, dpd_action clear
        assertEquals(
                IkeConfig.DpdAction.CLEAR,
                IkeSimulation.of(s.bActions, IkeAction.DeadPeer.class)
                        .getFirst()
                        .dpdAction());
        s.assertNoLeaks();
    }

    @Test
    void retransmittedRequestGetsTheCachedResponse() throws Exception {
        IkeSimulation s = established("0s", 11, 0, 0, 0);
        List<IkeAction> req = s.a.handle(new IkeEvent.DeleteChild(spiIn(s.aActions), 2_000));
        byte[] request = IkeSimulation.of(req, IkeAction.Send.class).getFirst().bytes();
        List<IkeAction> first = s.b.handle(new IkeEvent.Datagram(IkeSaEngineTest.I, IkeSaEngineTest.R, request, 2_001));
        List<IkeAction> again = s.b.handle(new IkeEvent.Datagram(IkeSaEngineTest.I, IkeSaEngineTest.R, request, 2_002));
        assertEquals(1, IkeSimulation.of(first, IkeAction.RemoveChild.class).size());
        assertTrue(IkeSimulation.of(again, IkeAction.RemoveChild.class).isEmpty(), "processed once");
        assertArrayEquals(
                IkeSimulation.of(first, IkeAction.Send.class).getFirst().bytes(),
                IkeSimulation.of(again, IkeAction.Send.class).getFirst().bytes());
        // a forged or damaged request is dropped without an answer
        byte[] bad = request.clone();
        bad[bad.length - 1] ^= 1;
        assertTrue(s.b.handle(new IkeEvent.Datagram(IkeSaEngineTest.I, IkeSaEngineTest.R, bad, 2_003))
                .isEmpty());
        assertFalse(s.b.state() == IkeSaEngine.State.CLOSED);
    }

    @Test
    void inboundEspTrafficPostponesTheLivenessCheck() throws Exception {
        IkeSimulation s = established("30s", 12, 0, 0, 0);
        s.bDead = true; // nothing reaches the responder any more, but ESP keeps arriving at the initiator
        for (long t = 10_000; t < 600_000; t += 10_000) s.at(t, s.a, new IkeEvent.InboundTraffic(0));
        s.runUntil(600_000);
        // the responder, whose answers never arrive, declares the initiator dead after ~195 s; from then on only
        // the ESP traffic keeps the initiator's SA alive (without it: livenessChecksKeepAnAnsweringPeerAndDetect…)
        assertEquals(IkeSaEngine.State.CLOSED, s.b.state());
        assertTrue(IkeSimulation.of(s.aActions, IkeAction.DeadPeer.class).isEmpty());
        assertEquals(IkeSaEngine.State.ESTABLISHED, s.a.state());
    }
}
