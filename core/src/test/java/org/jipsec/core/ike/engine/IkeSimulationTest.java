package org.jipsec.core.ike.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue #14 Proof, seeded: two engines over a link that loses (10 %), duplicates (10 %) and reorders (up to 300 ms
 * of random delay) datagrams, timers on a virtual clock. Each seed picks a scenario — establishment with
 * retransmissions, a child or the IKE SA deleted by either side, both sides deleting the child or the IKE SA at
 * once, a peer that goes silent, child and IKE rekeys by either side and both at once (§2.8.1), a delete or an IKE
 * rekey during a child rekey, an IKE rekey crossing an IKE delete, additional CHILD_SAs created by either side at
 * random times and some of them deleted again (§1.3.1) — and the run ends with a teardown from both sides.
 * Afterwards: every installed child's keys agree crosswise with its pair, both established sides are on the same
 * IKE SPIs, every InstallChild is matched by exactly one RemoveChild, both engines are closed with no children
 * left, and no exception escaped (it would fail the test).
 */
class IkeSimulationTest {

    static final int SEEDS = 320;

    enum Scenario {
        ESTABLISH,
        DELETE_CHILD_A,
        DELETE_CHILD_B,
        DELETE_IKE_A,
        DELETE_IKE_B,
        CROSS_CHILD,
        CROSS_IKE,
        SILENT_PEER,
        REKEY_A,
        REKEY_B,
        CROSS_REKEY,
        DELETE_DURING_REKEY,
        IKE_REKEY_A,
        IKE_REKEY_B,
        CROSS_IKE_REKEY,
        IKE_REKEY_DURING_CHILD_REKEY,
        IKE_REKEY_VS_IKE_DELETE,
        EXTRA_CHILDREN,
        EXTRA_CHILDREN_DURING_IKE_REKEY
    }

    @Test
    void manySeedsKeepKeysAgreeingAndLeakNothing() throws Exception {
        int established = 0;
        int retransmittedOrLost = 0;
        int rekeyed = 0;
        int ikeRekeyed = 0;
        int crossIkeRekeyed = 0;
        int extraChildren = 0;
        int sameSpis = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            Scenario sc = Scenario.values()[(int) (seed % Scenario.values().length)];
            String esp = seed % 3 == 0 ? "aes128gcm16-x25519" : "aes128gcm16";
            IkeSimulation s = new IkeSimulation(
                    IkeInformationalTest.engine(true, "20s", "restart", seed, esp),
                    IkeInformationalTest.engine(false, "20s", "clear", seed * 31, esp),
                    seed,
                    0.10,
                    0.10,
                    300);
            Random r = new Random(seed);
            s.at(0, s.a, new IkeEvent.Initiate(0));
            s.runUntil(200_000);
            s.assertKeysAgree();
            if (s.a.state() == IkeSaEngine.State.ESTABLISHED && s.b.state() == IkeSaEngine.State.ESTABLISHED) {
                established++;
                long t = s.now + r.nextInt(30_000);
                List<IkeAction.InstallChild> ca = IkeSimulation.of(s.aActions, IkeAction.InstallChild.class);
                List<IkeAction.InstallChild> cb = IkeSimulation.of(s.bActions, IkeAction.InstallChild.class);
                int aIn = ca.isEmpty() ? 0 : ca.getFirst().spiIn();
                int bIn = cb.isEmpty() ? 0 : cb.getFirst().spiIn();
                switch (sc) {
                    case DELETE_CHILD_A -> s.at(t, s.a, new IkeEvent.DeleteChild(aIn, 0));
                    case DELETE_CHILD_B -> s.at(t, s.b, new IkeEvent.DeleteChild(bIn, 0));
                    case DELETE_IKE_A -> s.at(t, s.a, new IkeEvent.DeleteIke(0));
                    case DELETE_IKE_B -> s.at(t, s.b, new IkeEvent.DeleteIke(0));
                    case CROSS_CHILD -> {
                        s.at(t, s.a, new IkeEvent.DeleteChild(aIn, 0));
                        s.at(t + r.nextInt(50), s.b, new IkeEvent.DeleteChild(bIn, 0));
                    }
                    case CROSS_IKE -> {
                        s.at(t, s.a, new IkeEvent.DeleteIke(0));
                        s.at(t + r.nextInt(50), s.b, new IkeEvent.DeleteIke(0));
                    }
                    case SILENT_PEER -> s.bDead = true;
                    case REKEY_A -> s.at(t, s.a, new IkeEvent.RekeyChild(aIn, 0));
                    case REKEY_B -> s.at(t, s.b, new IkeEvent.RekeyChild(bIn, 0));
                    case CROSS_REKEY -> {
                        s.at(t, s.a, new IkeEvent.RekeyChild(aIn, 0));
                        s.at(t + r.nextInt(50), s.b, new IkeEvent.RekeyChild(bIn, 0));
                    }
                    case IKE_REKEY_A -> s.at(t, s.a, new IkeEvent.RekeyIke(0));
                    case IKE_REKEY_B -> s.at(t, s.b, new IkeEvent.RekeyIke(0));
                    case CROSS_IKE_REKEY -> {
                        s.at(t, s.a, new IkeEvent.RekeyIke(0));
                        s.at(t + r.nextInt(50), s.b, new IkeEvent.RekeyIke(0));
                    }
                    case IKE_REKEY_DURING_CHILD_REKEY -> {
                        s.at(t, s.a, new IkeEvent.RekeyChild(aIn, 0));
                        s.at(t + r.nextInt(50), s.b, new IkeEvent.RekeyIke(0));
                    }
                    case DELETE_DURING_REKEY -> {
                        s.at(t, s.a, new IkeEvent.RekeyChild(aIn, 0));
                        s.at(t + r.nextInt(50), s.b, new IkeEvent.DeleteChild(bIn, 0));
                    }
                    case IKE_REKEY_VS_IKE_DELETE -> {
                        s.at(t, s.a, new IkeEvent.RekeyIke(0));
                        s.at(t + r.nextInt(50), s.b, new IkeEvent.DeleteIke(0));
                    }
                    case EXTRA_CHILDREN, EXTRA_CHILDREN_DURING_IKE_REKEY -> {
                        int n = 1 + r.nextInt(4);
                        for (int k = 0; k < n; k++) {
                            s.at(
                                    t + r.nextInt(20_000),
                                    r.nextBoolean() ? s.a : s.b,
                                    new IkeEvent.CreateChild(r.nextBoolean() ? "extra" : "net", 0));
                        }
                        if (sc == Scenario.EXTRA_CHILDREN_DURING_IKE_REKEY) {
                            s.at(t + r.nextInt(20_000), r.nextBoolean() ? s.a : s.b, new IkeEvent.RekeyIke(0));
                        }
                    }
                    case ESTABLISH -> {}
                }
                if (sc == Scenario.EXTRA_CHILDREN || sc == Scenario.EXTRA_CHILDREN_DURING_IKE_REKEY) {
                    // delete some of the extra children (by either side) once they exist
                    s.runUntil(s.now + 60_000);
                    for (IkeAction.InstallChild c : IkeSimulation.of(s.aActions, IkeAction.InstallChild.class)) {
                        if (c.spiIn() != aIn && r.nextBoolean()) {
                            extraChildren++;
                            if (r.nextBoolean())
                                s.at(s.now + r.nextInt(5_000), s.a, new IkeEvent.DeleteChild(c.spiIn(), 0));
                            else s.at(s.now + r.nextInt(5_000), s.b, new IkeEvent.DeleteChild(c.spiOut(), 0));
                        }
                    }
                }
                s.runUntil(s.now + 120_000);
                s.assertKeysAgree();
                if (s.a.state() == IkeSaEngine.State.ESTABLISHED && s.b.state() == IkeSaEngine.State.ESTABLISHED) {
                    // the IKE SA's "keys agree": both sides on the same SA, after any rekey or collision
                    assertEquals(s.a.spiI(), s.b.spiI(), "seed " + seed + " " + sc);
                    assertEquals(s.a.spiR(), s.b.spiR(), "seed " + seed + " " + sc);
                    assertEquals(s.a.childCount(), s.b.childCount(), "seed " + seed + " " + sc);
                    sameSpis++;
                    if (sc == Scenario.CROSS_IKE_REKEY
                            && !IkeSimulation.of(s.aActions, IkeAction.IkeRekeyed.class)
                                    .isEmpty()) {
                        crossIkeRekeyed++;
                    }
                }
                if (sc == Scenario.IKE_REKEY_A || sc == Scenario.IKE_REKEY_B) {
                    var ra = IkeSimulation.of(s.aActions, IkeAction.IkeRekeyed.class);
                    var rb = IkeSimulation.of(s.bActions, IkeAction.IkeRekeyed.class);
                    if (!ra.isEmpty() && !rb.isEmpty() && s.a.state() == IkeSaEngine.State.ESTABLISHED) {
                        ikeRekeyed++;
                        assertEquals(ra.getLast().spiI(), rb.getLast().spiI(), "seed " + seed);
                        assertEquals(s.a.spiR(), s.b.spiR(), "seed " + seed);
                    }
                }
                if (sc == Scenario.REKEY_A || sc == Scenario.REKEY_B) {
                    if (s.a.state() == IkeSaEngine.State.ESTABLISHED && s.b.state() == IkeSaEngine.State.ESTABLISHED) {
                        rekeyed++;
                        assertEquals(1, s.a.childCount(), "seed " + seed + ": old child replaced");
                        assertEquals(1, s.b.childCount(), "seed " + seed + ": old child replaced");
                    }
                }
            }
            if (s.lost > 0) retransmittedOrLost++;
            // teardown from both sides; a side that hears nothing more gives up by itself (dead peer, §2.4)
            s.bDead = false;
            s.at(s.now + 1, s.a, new IkeEvent.DeleteIke(0));
            s.at(s.now + 1 + new Random(seed).nextInt(100), s.b, new IkeEvent.DeleteIke(0));
            s.runUntil(s.now + 600_000);
            try {
                s.assertNoLeaks();
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + " " + sc + ": " + e.getMessage(), e);
            }
        }
        assertTrue(established > SEEDS * 8 / 10, "established in " + established + " of " + SEEDS);
        assertTrue(retransmittedOrLost > SEEDS / 2, "lossy runs " + retransmittedOrLost);
        assertTrue(rekeyed > 0);
        assertTrue(ikeRekeyed > 0);
        assertTrue(crossIkeRekeyed > 0, "simultaneous IKE rekeys that completed: " + crossIkeRekeyed);
        assertTrue(extraChildren > 0);
        System.out.println("IkeSimulationTest: " + established + "/" + SEEDS + " established, " + retransmittedOrLost
                + " runs with losses, " + rekeyed + " single child rekeys, " + ikeRekeyed + " single IKE rekeys, "
                + crossIkeRekeyed + " simultaneous IKE rekeys completed, " + extraChildren
                + " additional children deleted, " + sameSpis + " runs checked for the same IKE SA on both sides");
    }

    @Test
    void sameSeedSameRun() throws Exception {
        List<String> runs = new java.util.ArrayList<>();
        for (int n = 0; n < 2; n++) {
            IkeSimulation s = new IkeSimulation(
                    IkeInformationalTest.engine(true, "20s", "restart", 5),
                    IkeInformationalTest.engine(false, "20s", "clear", 6),
                    5,
                    0.2,
                    0.2,
                    300);
            s.at(0, s.a, new IkeEvent.Initiate(0));
            s.runUntil(300_000);
            runs.add(render(s.aActions) + render(s.bActions) + s.sent + "/" + s.lost);
        }
        assertEquals(runs.get(0), runs.get(1));
    }

    private static String render(List<IkeAction> actions) {
        return actions.stream()
                .map(a ->
                        a instanceof IkeAction.Send x ? java.util.HexFormat.of().formatHex(x.bytes()) : a.toString())
                .toList()
                .toString();
    }
}
