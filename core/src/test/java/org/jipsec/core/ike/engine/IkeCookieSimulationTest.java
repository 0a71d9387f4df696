package org.jipsec.core.ike.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.jipsec.core.ike.admission.DaemonLimits;
import org.jipsec.core.ike.admission.InitAdmission;
import org.jipsec.core.ike.codec.IkeMessage;
import org.jipsec.core.ike.codec.IkeMessageCodec;
import org.jipsec.core.ike.codec.KePayload;
import org.jipsec.core.ike.codec.NotifyType;
import org.junit.jupiter.api.Test;

/**
 * Issue #14 Proof, cookies (RFC 7296 §2.6): the responder's daemon demands a cookie for every IKE_SA_INIT without a
 * valid one, over the lossy, duplicating, reordering link of {@link IkeSimulation}; alone and together with
 * INVALID_KE_PAYLOAD (§1.2). The initiator retries with the cookie first, keys agree, nothing leaks.
 */
class IkeCookieSimulationTest {

    static final DaemonLimits ALWAYS = new DaemonLimits(true, 0, 0, 0, 0, 30_000, 60_000);

    @Test
    void manySeedsEstablishThroughCookiesOverALossyLink() throws Exception {
        int established = 0, cookies = 0;
        for (long seed = 1; seed <= 60; seed++) {
            IkeSimulation s = new IkeSimulation(
                    IkeInformationalTest.engine(true, "20s", "restart", seed),
                    IkeInformationalTest.engine(false, "20s", "clear", seed * 31),
                    seed,
                    0.15,
                    0.15,
                    300);
            s.gate = new InitAdmission(ALWAYS, new Random(seed));
            s.at(0, s.a, new IkeEvent.Initiate(0));
            s.runUntil(200_000);
            s.assertKeysAgree();
            cookies += s.cookiesDemanded;
            if (s.a.state() == IkeSaEngine.State.ESTABLISHED && s.b.state() == IkeSaEngine.State.ESTABLISHED) {
                established++;
                assertEquals(s.a.spiI(), s.b.spiI(), "seed " + seed);
                // the IKE_SA_INIT both authenticated (§2.15) is the one with the cookie first
                IkeMessage m1 = IkeMessageCodec.decode(s.a.realMessage1);
                assertEquals(
                        NotifyType.COOKIE,
                        ((org.jipsec.core.ike.codec.NotifyPayload) m1.payloads().getFirst()).notifyType(),
                        "seed " + seed);
            }
            s.at(s.now + 1, s.a, new IkeEvent.DeleteIke(0));
            s.runUntil(s.now + 600_000);
            try {
                s.assertNoLeaks();
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
            }
        }
        assertTrue(established >= 50, "established in " + established + " of 60");
        assertTrue(cookies >= 60, "cookies demanded: " + cookies);
    }

    @Test
    void aCookieAndInvalidKeTogether() throws Exception {
        IkeSaEngine a = IkeInformationalTest.engine(
                true,
                IkeInformationalTest.conf("10.98.0.1", "10.98.0.2", "10.98.1.0/24", "10.98.2.0/24", "0s", "clear")
                        .replace("aes128gcm16-prfsha256-x25519,", "aes128gcm16-prfsha256-ecp256-x25519,"),
                11);
        IkeSaEngine b = IkeInformationalTest.engine(false, "0s", "clear", 12);
        IkeSimulation s = new IkeSimulation(a, b, 13, 0, 0, 0);
        s.gate = new InitAdmission(ALWAYS, new Random(13));
        s.at(0, s.a, new IkeEvent.Initiate(0));
        s.runUntil(60_000);
        assertEquals(IkeSaEngine.State.ESTABLISHED, a.state());
        assertEquals(IkeSaEngine.State.ESTABLISHED, b.state());
        s.assertKeysAgree();
        List<IkeMessage> inits = IkeSimulation.of(s.aActions, IkeAction.Send.class).stream()
                .limit(3)
                .map(x -> {
                    try {
                        return IkeMessageCodec.decode(x.bytes());
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                })
                .toList();
        // no cookie, group 19 → cookie, group 19 → INVALID_KE(31) → cookie, group 31
        assertTrue(inits.get(0).notify(NotifyType.COOKIE).isEmpty());
        assertEquals(19, inits.get(0).first(KePayload.class).orElseThrow().dhGroup());
        assertTrue(inits.get(1).notify(NotifyType.COOKIE).isPresent());
        assertEquals(19, inits.get(1).first(KePayload.class).orElseThrow().dhGroup());
        assertTrue(inits.get(2).notify(NotifyType.COOKIE).isPresent());
        assertEquals(31, inits.get(2).first(KePayload.class).orElseThrow().dhGroup());
        assertEquals(1, s.cookiesDemanded);
    }

    @Test
    void aResponderThatKeepsDemandingCookiesIsGivenUpOn() throws Exception {
        IkeSimulation s = new IkeSimulation(
                IkeInformationalTest.engine(true, "0s", "clear", 21),
                IkeInformationalTest.engine(false, "0s", "clear", 22),
                23,
                0,
                0,
                0);
        // a responder whose cookies never verify: its secret rotates away between every two requests
        s.gate = new InitAdmission(new DaemonLimits(true, 0, 0, 0, 0, 30_000, 1), new Random(23));
        s.at(0, s.a, new IkeEvent.Initiate(0));
        s.runUntil(60_000);
        assertEquals(IkeSaEngine.State.FAILED, s.a.state());
        assertEquals(IkeSaEngine.MAX_COOKIE_RETRIES + 1, s.cookiesDemanded);
        assertTrue(IkeSimulation.of(s.aActions, IkeAction.Failed.class)
                .getLast()
                .toString()
                .contains("cookie"));
    }
}
