package org.jipsec.core.ike.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import org.jipsec.core.ike.config.ConfigSource;
import org.jipsec.core.ike.config.IkeConfig;
import org.jipsec.core.ike.config.SwanctlConfig;
import org.junit.jupiter.api.Test;

/**
 * Port floating (RFC 7296 §2.23, §2.11), which strongSwan with kernel-libipsec depends on: it always reports a NAT
 * (random NAT_DETECTION_SOURCE_IP) and installs its ESP-in-UDP SAs with the IKE SA's ports, so an initiator that
 * stays on port 500 gets charon's ESP on port 500 (seen in the interop lab, cli …/ike/StrongSwanInteropTest).
 * <ul>
 * <li>§2.23: an initiator that detects a NAT "MUST tunnel all future IKE and ESP packets associated with this IKE SA
 * over UDP port 4500" — its IKE_AUTH request goes from and to port 4500;</li>
 * <li>§2.11: a response goes to the address and port the request came from — a responder that gets IKE_AUTH on 4500
 * answers on 4500.</li>
 * </ul>
 */
class IkeNatFloatTest {

    static final String GCM = "aes128gcm16-prfsha256-x25519";
    static final IkeEndpoint NATTED = new IkeEndpoint(IkeSaEngineTest.addr("192.0.2.7"), 4321);

    static IkeSaEngine responder(IkeEndpoint peerAsSeen) throws Exception {
        String text =
                IkeSaEngineTest.conf("10.98.0.2", "10.98.0.1", GCM, "aes128gcm16", "10.98.2.0/24", "10.98.1.0/24", "k");
        IkeConfig cfg = SwanctlConfig.load("/c.conf", new ConfigSource() {
            @Override
            public String read(String p) {
                return text;
            }

            @Override
            public List<String> glob(String p, String d) {
                return List.of();
            }
        });
        IkeConfig.Connection c = cfg.connections().getFirst();
        return new IkeSaEngine(
                IkeSaEngine.Role.RESPONDER,
                IkeSaConfig.of(c, c.local().getFirst().id(), "k".getBytes(StandardCharsets.US_ASCII)),
                new SecureRandom(),
                IkeSaEngineTest.R,
                peerAsSeen);
    }

    static IkeAction.Send firstSend(List<IkeAction> actions) {
        return actions.stream()
                .filter(a -> a instanceof IkeAction.Send)
                .map(IkeAction.Send.class::cast)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no Send in " + actions));
    }

    @Test
    void initiatorBehindNatSendsIkeAuthOnPort4500() throws Exception {
        IkeSaEngine i = IkeSaEngineTest.engine(
                IkeSaEngine.Role.INITIATOR,
                IkeSaEngineTest.conf("10.98.0.1", "10.98.0.2", GCM, "aes128gcm16", "10.98.1.0/24", "10.98.2.0/24", "k"),
                1);
        IkeSaEngine r = responder(NATTED);
        byte[] init = firstSend(i.handle(new IkeEvent.Initiate(0))).bytes();
        byte[] initResp = firstSend(r.handle(new IkeEvent.Datagram(NATTED, IkeSaEngineTest.R, init, 0)))
                .bytes();
        IkeAction.Send auth =
                firstSend(i.handle(new IkeEvent.Datagram(IkeSaEngineTest.R, IkeSaEngineTest.I, initResp, 0)));
        assertEquals(IkeSaEngine.State.AUTH_SENT, i.state());
        assertEquals(4500, auth.from().port(), "§2.23: IKE_AUTH from port 4500 once a NAT is detected");
        assertEquals(4500, auth.to().port(), "§2.23: IKE_AUTH to port 4500 once a NAT is detected");
        assertEquals(IkeSaEngineTest.R.address(), auth.to().address());
    }

    @Test
    void responderAnswersIkeAuthWhereItCameFrom() throws Exception {
        IkeSaEngine i = IkeSaEngineTest.engine(
                IkeSaEngine.Role.INITIATOR,
                IkeSaEngineTest.conf("10.98.0.1", "10.98.0.2", GCM, "aes128gcm16", "10.98.1.0/24", "10.98.2.0/24", "k"),
                1);
        IkeSaEngine r = responder(NATTED);
        byte[] init = firstSend(i.handle(new IkeEvent.Initiate(0))).bytes();
        byte[] initResp = firstSend(r.handle(new IkeEvent.Datagram(NATTED, IkeSaEngineTest.R, init, 0)))
                .bytes();
        byte[] auth = firstSend(i.handle(new IkeEvent.Datagram(IkeSaEngineTest.R, IkeSaEngineTest.I, initResp, 0)))
                .bytes();
        // the initiator floated: its IKE_AUTH arrives from the NAT's port for 4500, at our port 4500
        IkeEndpoint from = new IkeEndpoint(NATTED.address(), 61000);
        IkeEndpoint to = new IkeEndpoint(IkeSaEngineTest.R.address(), 4500);
        List<IkeAction> out = r.handle(new IkeEvent.Datagram(from, to, auth, 0));
        assertTrue(out.stream().anyMatch(a -> a instanceof IkeAction.Established), out.toString());
        IkeAction.Send resp = firstSend(out);
        assertEquals(from, resp.to(), "§2.11: the response goes to the request's source address and port");
        assertEquals(to, resp.from(), "§2.11: … from the address and port the request was sent to");
    }

    /**
     * §2.23/§2.11 only for authenticated messages: a forged IKE_AUTH (SK payload broken) from another port gets no
     * answer and moves nothing; later, on the established SA, a forged request from a new NAT mapping is ignored,
     * the genuine one from there moves the peer's endpoint ({@link IkeAction.Endpoints}) and gets the response.
     */
    @Test
    void onlyAMessageThatUnprotectsMovesTheResponder() throws Exception {
        IkeSaEngine i = IkeSaEngineTest.engine(
                IkeSaEngine.Role.INITIATOR,
                IkeSaEngineTest.conf("10.98.0.1", "10.98.0.2", GCM, "aes128gcm16", "10.98.1.0/24", "10.98.2.0/24", "k"),
                1);
        IkeSaEngine r = responder(NATTED);
        byte[] init = firstSend(i.handle(new IkeEvent.Initiate(0))).bytes();
        byte[] initResp = firstSend(r.handle(new IkeEvent.Datagram(NATTED, IkeSaEngineTest.R, init, 0)))
                .bytes();
        byte[] auth = firstSend(i.handle(new IkeEvent.Datagram(IkeSaEngineTest.R, IkeSaEngineTest.I, initResp, 0)))
                .bytes();
        IkeEndpoint to = new IkeEndpoint(IkeSaEngineTest.R.address(), 4500);
        IkeEndpoint evil = new IkeEndpoint(IkeSaEngineTest.addr("198.51.100.66"), 4666);
        byte[] forged = auth.clone();
        forged[forged.length - 1] ^= 1; // the ICV no longer matches
        List<IkeAction> none = r.handle(new IkeEvent.Datagram(evil, to, forged, 0));
        assertTrue(
                none.stream()
                        .noneMatch(a -> a instanceof IkeAction.Send
                                || a instanceof IkeAction.Endpoints
                                || a instanceof IkeAction.Established),
                none.toString());
        IkeEndpoint from = new IkeEndpoint(NATTED.address(), 61000);
        List<IkeAction> out = r.handle(new IkeEvent.Datagram(from, to, auth, 0));
        assertTrue(out.stream().anyMatch(a -> a instanceof IkeAction.Established), out.toString());
        byte[] authResp = firstSend(out).bytes();
        assertEquals(from, firstSend(out).to());
        i.handle(new IkeEvent.Datagram(to, new IkeEndpoint(IkeSaEngineTest.I.address(), 4500), authResp, 0));
        assertEquals(IkeSaEngine.State.ESTABLISHED, i.state());

        // the NAT's mapping changes: a request arrives from a new port
        byte[] req = firstSend(i.handle(new IkeEvent.RekeyIke(10))).bytes();
        IkeEndpoint remapped = new IkeEndpoint(NATTED.address(), 62000);
        byte[] bad = req.clone();
        bad[bad.length - 1] ^= 1;
        none = r.handle(new IkeEvent.Datagram(remapped, to, bad, 10));
        assertTrue(
                none.stream().noneMatch(a -> a instanceof IkeAction.Send || a instanceof IkeAction.Endpoints),
                "a request that does not unprotect moves nothing: " + none);
        List<IkeAction> again = r.handle(new IkeEvent.Datagram(remapped, to, req, 10));
        IkeAction.Endpoints moved = again.stream()
                .filter(a -> a instanceof IkeAction.Endpoints)
                .map(IkeAction.Endpoints.class::cast)
                .findFirst()
                .orElseThrow(() -> new AssertionError(
                        "§2.23: the authenticated request from the new mapping moves the peer: " + again));
        assertEquals(remapped, moved.remote());
        assertEquals(remapped, firstSend(again).to(), "§2.11: answered where it came from");
    }
}
