package org.jipsec.core.ike.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CHILD_SA rekey with CREATE_CHILD_SA (RFC 7296 §1.3.3, §2.8, §2.17), initiated by either side, with and without
 * PFS, and with INVALID_KE_PAYLOAD when the peer wants another group: the new child is installed on both sides
 * with crosswise keys, then the rekey initiator deletes the old one, and both sides end with exactly the new child.
 */
class IkeChildRekeyTest {

    private static IkeSimulation pair(String iEsp, String rEsp, long seed) throws Exception {
        IkeSimulation s = new IkeSimulation(
                IkeInformationalTest.engine(true, "0s", "clear", seed, iEsp),
                IkeInformationalTest.engine(false, "0s", "clear", seed + 1, rEsp),
                seed,
                0,
                0,
                30);
        s.at(0, s.a, new IkeEvent.Initiate(0));
        s.runUntil(1_000);
        assertEquals(IkeSaEngine.State.ESTABLISHED, s.b.state());
        return s;
    }

    private static void rekeyAndCheck(IkeSimulation s, boolean byInitiator) {
        List<IkeAction> mine = byInitiator ? s.aActions : s.bActions;
        int old =
                IkeSimulation.of(mine, IkeAction.InstallChild.class).getFirst().spiIn();
        s.at(s.now + 1_000, byInitiator ? s.a : s.b, new IkeEvent.RekeyChild(old, 0));
        s.runUntil(s.now + 5_000);
        for (List<IkeAction> side : List.of(s.aActions, s.bActions)) {
            assertEquals(2, IkeSimulation.of(side, IkeAction.InstallChild.class).size(), side.toString());
            assertEquals(1, IkeSimulation.of(side, IkeAction.RemoveChild.class).size(), side.toString());
            assertEquals(
                    IkeSimulation.of(side, IkeAction.InstallChild.class)
                            .getFirst()
                            .spiIn(),
                    IkeSimulation.of(side, IkeAction.RemoveChild.class)
                            .getFirst()
                            .spiIn(),
                    "the old child goes");
        }
        assertEquals(1, s.a.childCount());
        assertEquals(1, s.b.childCount());
        s.assertKeysAgree();
        var x = IkeSimulation.of(s.aActions, IkeAction.InstallChild.class);
        assertNotEquals(
                java.util.HexFormat.of().formatHex(x.get(0).encrOut()),
                java.util.HexFormat.of().formatHex(x.get(1).encrOut()),
                "fresh KEYMAT from the new nonces");
        s.at(s.now + 1_000, s.a, new IkeEvent.DeleteIke(0));
        s.runUntil(s.now + 5_000);
        s.assertNoLeaks();
    }

    @Test
    void rekeyWithoutPfsByEitherSide() throws Exception {
        rekeyAndCheck(pair("aes128gcm16", "aes128gcm16", 21), true);
        rekeyAndCheck(pair("aes128gcm16", "aes128gcm16", 22), false);
    }

    @Test
    void rekeyWithPfsByEitherSide() throws Exception {
        rekeyAndCheck(pair("aes128gcm16-x25519", "aes128gcm16-x25519", 23), true);
        rekeyAndCheck(pair("aes128-sha256-modp2048", "aes128-sha256-modp2048", 24), false);
    }

    @Test
    void invalidKeOnRekeyIsRetriedWithTheRequestedGroup() throws Exception {
        IkeSimulation s = pair("aes128gcm16-x25519-ecp256", "aes128gcm16-ecp256", 25);
        rekeyAndCheck(s, true);
        long createChild =
                s.aActions.stream().filter(a -> a instanceof IkeAction.Send).count();
        assertTrue(createChild >= 4, "request, retry and delete sent: " + createChild);
    }

    @Test
    void simultaneousRekeyLeavesOneChildPerSide() throws Exception {
        int crossed = 0;
        for (long seed = 30; seed < 50; seed++) {
            IkeSimulation s = pair(
                    seed % 2 == 0 ? "aes128gcm16" : "aes128gcm16-x25519",
                    seed % 2 == 0 ? "aes128gcm16" : "aes128gcm16-x25519",
                    seed);
            int a = IkeSimulation.of(s.aActions, IkeAction.InstallChild.class)
                    .getFirst()
                    .spiIn();
            int b = IkeSimulation.of(s.bActions, IkeAction.InstallChild.class)
                    .getFirst()
                    .spiIn();
            // both requests leave before either arrives: the exchanges cross (§2.8.1)
            s.at(s.now + 1_000, s.a, new IkeEvent.RekeyChild(a, 0));
            s.at(s.now + 1_000, s.b, new IkeEvent.RekeyChild(b, 0));
            s.runUntil(s.now + 10_000);
            // crossed: both answered the other's request (3 installs, old and redundant removed); otherwise the
            // later request got TEMPORARY_FAILURE (2 installs, old removed)
            if (IkeSimulation.of(s.aActions, IkeAction.InstallChild.class).size() == 3) crossed++;
            for (List<IkeAction> side : List.of(s.aActions, s.bActions)) {
                int installs =
                        IkeSimulation.of(side, IkeAction.InstallChild.class).size();
                assertEquals(
                        installs - 1,
                        IkeSimulation.of(side, IkeAction.RemoveChild.class).size(),
                        "seed " + seed);
            }
            assertEquals(1, s.a.childCount(), "seed " + seed + ": the redundant child is closed");
            assertEquals(1, s.b.childCount());
            assertEquals(surviving(s.aActions).spiIn(), surviving(s.bActions).spiOut(), "the same pair survives");
            s.assertKeysAgree();
            s.at(s.now + 1_000, s.b, new IkeEvent.DeleteIke(0));
            s.runUntil(s.now + 5_000);
            s.assertNoLeaks();
        }
        assertTrue(crossed > 0, "some runs must cross");
        System.out.println("IkeChildRekeyTest: " + crossed + "/20 simultaneous rekeys crossed (§2.8.1)");
    }

    private static IkeAction.InstallChild surviving(List<IkeAction> side) {
        var removed = IkeSimulation.of(side, IkeAction.RemoveChild.class).stream()
                .map(IkeAction.RemoveChild::spiIn)
                .toList();
        return IkeSimulation.of(side, IkeAction.InstallChild.class).stream()
                .filter(c -> !removed.contains(c.spiIn()))
                .findFirst()
                .orElseThrow();
    }
}
