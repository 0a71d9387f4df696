package org.jipsec.core.ike.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jipsec.core.ike.codec.TrafficSelector;
import org.junit.jupiter.api.Test;

/**
 * Additional CHILD_SAs with CREATE_CHILD_SA on an established IKE SA (RFC 7296 §1.3.1), requested by either side
 * by the child's name: the responder picks the child config by the selectors and the ESP proposal (with PFS when
 * the child's esp_proposals name a group, §1.3), narrows the selectors as in IKE_AUTH (§2.9), both sides install
 * the pair with keys that agree, and deleting them (or the IKE SA) removes each exactly once. The engine before
 * this answered every such request with NO_ADDITIONAL_SAS.
 */
class IkeCreateChildTest {

    private static List<IkeAction.InstallChild> installs(List<IkeAction> actions, String child) {
        return IkeSimulation.of(actions, IkeAction.InstallChild.class).stream()
                .filter(c -> c.child().equals(child))
                .toList();
    }

    @Test
    void eitherSideCreatesAChildWithPfsAndDeletesIt() throws Exception {
        for (boolean byInitiator : new boolean[] {true, false}) {
            IkeSimulation s = IkeInformationalTest.established("0s", 21, 0, 0, 20);
            IkeSaEngine creator = byInitiator ? s.a : s.b;
            s.at(2_000, creator, new IkeEvent.CreateChild("extra", 0));
            s.runUntil(4_000);
            assertEquals(1, installs(s.aActions, "extra").size(), "initiator side installed");
            assertEquals(1, installs(s.bActions, "extra").size(), "responder side installed");
            assertEquals(2, s.a.childCount());
            assertEquals(2, s.b.childCount());
            s.assertKeysAgree();
            IkeAction.InstallChild a = installs(s.aActions, "extra").getFirst();
            assertEquals(
                    List.of(TrafficSelector.ofRange(
                            IkeSaEngineTest.addr("10.98.3.0"), IkeSaEngineTest.addr("10.98.3.255"))),
                    a.localTs());
            assertTrue(a.esp().dh() != null, "PFS: the child's proposal names x25519: " + a.esp());
            // a second one of the same config, then delete the first extra from the other side
            s.at(5_000, creator, new IkeEvent.CreateChild("extra", 0));
            s.runUntil(7_000);
            assertEquals(3, s.a.childCount());
            IkeSaEngine other = byInitiator ? s.b : s.a;
            int spi = installs(byInitiator ? s.bActions : s.aActions, "extra")
                    .getFirst()
                    .spiIn();
            s.at(8_000, other, new IkeEvent.DeleteChild(spi, 0));
            s.runUntil(10_000);
            assertEquals(2, s.a.childCount());
            assertEquals(2, s.b.childCount());
            s.at(11_000, s.a, new IkeEvent.DeleteIke(0));
            s.runUntil(13_000);
            s.assertNoLeaks();
        }
    }

    @Test
    void theFirstChildsConfigAgainIsASecondPairOfThatChild() throws Exception {
        IkeSimulation s = IkeInformationalTest.established("0s", 22, 0, 0, 0);
        s.at(2_000, s.b, new IkeEvent.CreateChild("net", 0));
        s.runUntil(4_000);
        assertEquals(2, installs(s.aActions, "net").size());
        assertEquals(2, installs(s.bActions, "net").size());
        s.assertKeysAgree();
        assertTrue(s.aActions.stream().noneMatch(x -> x instanceof IkeAction.ChildFailed));
    }

    @Test
    void unknownNameOrSelectorsNoChildConfigAccepts() throws Exception {
        IkeSimulation s = IkeInformationalTest.established("0s", 23, 0, 0, 0);
        int before = s.sent;
        s.at(2_000, s.a, new IkeEvent.CreateChild("nosuchchild", 0));
        s.runUntil(3_000);
        assertEquals(before, s.sent, "an unknown child name sends nothing");
        // the responder's config has no child for these selectors: TS_UNACCEPTABLE, named on both sides
        IkeSimulation t = new IkeSimulation(
                IkeInformationalTest.engine(true, "0s", "clear", 24),
                IkeInformationalTest.responderWithExtraTs("10.98.7.0/24", "10.98.8.0/24", 25),
                24,
                0,
                0,
                0);
        t.at(0, t.a, new IkeEvent.Initiate(0));
        t.runUntil(1_000);
        t.at(2_000, t.a, new IkeEvent.CreateChild("extra", 0));
        t.runUntil(3_000);
        assertEquals(1, t.a.childCount());
        assertEquals(1, t.b.childCount());
        String reason = IkeSimulation.of(t.aActions, IkeAction.ChildFailed.class)
                .getFirst()
                .reason();
        assertTrue(reason.contains("TS_UNACCEPTABLE"), reason);
        assertTrue(IkeSimulation.of(t.bActions, IkeAction.ChildFailed.class)
                .getFirst()
                .reason()
                .contains("extra"));
    }

    @Test
    void responderNarrowsTheSelectors() throws Exception {
        // the responder's extra child is only 10.98.3.0/25 <-> 10.98.4.0/24 (its remote/local): narrowed (§2.9)
        IkeSimulation t = new IkeSimulation(
                IkeInformationalTest.engine(true, "0s", "clear", 26),
                IkeInformationalTest.responderWithExtraTs("10.98.4.0/24", "10.98.3.0/25", 27),
                26,
                0,
                0,
                0);
        t.at(0, t.a, new IkeEvent.Initiate(0));
        t.runUntil(1_000);
        t.at(2_000, t.a, new IkeEvent.CreateChild("extra", 0));
        t.runUntil(3_000);
        IkeAction.InstallChild a = installs(t.aActions, "extra").getFirst();
        assertEquals(
                List.of(TrafficSelector.ofRange(
                        IkeSaEngineTest.addr("10.98.3.0"), IkeSaEngineTest.addr("10.98.3.127"))),
                a.localTs());
        IkeAction.InstallChild b = installs(t.bActions, "extra").getFirst();
        assertEquals(a.localTs(), b.remoteTs());
        t.assertKeysAgree();
    }

    /**
     * IKE_AUTH's child is picked by the proposed selectors among all of the responder's children (§2.9, as
     * strongSwan): the initiator asks for 10.98.3.0/24 === 10.98.4.0/24, which only the responder's second child
     * ("extra") covers. Before, only the first child was tried and the CHILD_SA failed with TS_UNACCEPTABLE.
     */
    @Test
    void theResponderPicksTheIkeAuthChildByTheProposedSelectors() throws Exception {
        IkeSaEngine a = IkeInformationalTest.engine(
                true,
                IkeInformationalTest.conf("10.98.0.1", "10.98.0.2", "10.98.3.0/24", "10.98.4.0/24", "0s", "clear"),
                31);
        IkeSimulation s = new IkeSimulation(a, IkeInformationalTest.engine(false, "0s", "clear", 32), 33, 0, 0, 0);
        s.at(0, s.a, new IkeEvent.Initiate(0));
        s.runUntil(10_000);
        assertEquals(IkeSaEngine.State.ESTABLISHED, s.b.state());
        var installed = IkeSimulation.of(s.bActions, IkeAction.InstallChild.class);
        assertEquals(1, installed.size(), "" + s.bActions);
        assertEquals("extra", installed.getFirst().child());
        assertEquals(
                1, IkeSimulation.of(s.aActions, IkeAction.InstallChild.class).size());
        s.assertKeysAgree();
    }

    /** No child fits: TS_UNACCEPTABLE, and the log line names the proposed selectors and every child's reason. */
    @Test
    void noChildFitsTheProposedSelectors() throws Exception {
        IkeSaEngine a = IkeInformationalTest.engine(
                true,
                IkeInformationalTest.conf("10.98.0.1", "10.98.0.2", "10.98.7.0/24", "10.98.8.0/24", "0s", "clear"),
                34);
        IkeSimulation s = new IkeSimulation(a, IkeInformationalTest.engine(false, "0s", "clear", 35), 36, 0, 0, 0);
        s.at(0, s.a, new IkeEvent.Initiate(0));
        s.runUntil(10_000);
        var failed = IkeSimulation.of(s.bActions, IkeAction.ChildFailed.class);
        assertEquals(1, failed.size());
        String why = failed.getFirst().toString();
        assertTrue(why.contains("10.98.7.0") && why.contains("net:") && why.contains("extra:"), why);
        assertTrue(
                IkeSimulation.of(s.aActions, IkeAction.ChildFailed.class)
                        .getFirst()
                        .toString()
                        .contains("TS_UNACCEPTABLE"),
                "" + s.aActions);
    }
}
