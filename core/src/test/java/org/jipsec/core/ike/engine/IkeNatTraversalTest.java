package org.jipsec.core.ike.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * NAT traversal in the engine (RFC 7296 §2.23, RFC 3948): two engines with an in-memory NAT between them that
 * rewrites the initiator's source address and port (a masquerading router). After IKE_SA_INIT detects the NAT, the
 * initiator sends IKE_AUTH and everything after from and to port 4500; the responder answers where each request
 * came from (§2.11) and follows the mapping when it changes (§2.23); both report ESP-in-UDP, and only the side
 * behind the NAT sends keepalives. With {@code encap=yes} both float and encapsulate without a NAT (strongSwan's
 * faked NAT_DETECTION_SOURCE_IP). Without either, everything stays on port 500.
 */
class IkeNatTraversalTest {

    static final IkeEndpoint PRIVATE = new IkeEndpoint(IkeSaEngineTest.addr("192.168.7.2"), 500);
    static final IkeEndpoint PUBLIC_IP = new IkeEndpoint(IkeSaEngineTest.addr("10.98.0.1"), 0);

    /** Initiator (behind the NAT when {@code nat}) and responder, both over the engine's public API. */
    static final class NatWorld {
        final IkeSaEngine a;
        final IkeSaEngine b;
        final boolean nat;
        int mappingBase = 31000; // public port = base + private port % 10000
        final List<IkeAction.Send> aSent = new ArrayList<>();
        final List<IkeAction.Send> bSent = new ArrayList<>();
        final List<IkeAction> aActions = new ArrayList<>();
        final List<IkeAction> bActions = new ArrayList<>();

        NatWorld(boolean nat, boolean encap, long seed) throws Exception {
            this.nat = nat;
            String ai = IkeInformationalTest.conf(
                            nat ? "192.168.7.2" : "10.98.0.1",
                            "10.98.0.2",
                            "10.98.1.0/24",
                            "10.98.2.0/24",
                            "0s",
                            "clear")
                    .replace("dpd_delay", (encap ? "encap = yes\n" : "") + "dpd_delay")
                    .replace("id = 192.168.7.2", "id = 10.98.0.1");
            String bi =
                    IkeInformationalTest.conf("10.98.0.2", "10.98.0.1", "10.98.2.0/24", "10.98.1.0/24", "0s", "clear");
            a = withEndpoints(nat ? PRIVATE : IkeSaEngineTest.I, IkeSaEngineTest.R, ai, seed);
            b = IkeInformationalTest.engine(false, bi, seed + 1);
        }

        /** An initiator with these endpoints (behind the NAT: its private address). */
        private static IkeSaEngine withEndpoints(IkeEndpoint local, IkeEndpoint remote, String text, long seed)
                throws Exception {
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
                    IkeSaEngine.Role.INITIATOR,
                    IkeSaConfig.of(
                            c,
                            c.local().getFirst().id(),
                            cfg.secrets().getFirst().secret()),
                    rnd,
                    local,
                    remote);
        }

        private IkeEndpoint translateOut(IkeEndpoint e) {
            return nat ? new IkeEndpoint(PUBLIC_IP.address(), mappingBase + e.port() % 10000) : e;
        }

        /** Delivers everything until quiet (lossless, in order). */
        void run(IkeSaEngine first, IkeEvent event) {
            Deque<Object[]> q = new ArrayDeque<>();
            q.add(new Object[] {first, event});
            int steps = 0;
            while (!q.isEmpty() && steps++ < 1000) {
                Object[] x = q.poll();
                IkeSaEngine to = (IkeSaEngine) x[0];
                List<IkeAction> out = to.handle((IkeEvent) x[1]);
                (to == a ? aActions : bActions).addAll(out);
                for (IkeAction act : out) {
                    if (!(act instanceof IkeAction.Send s)) continue;
                    if (to == a) {
                        aSent.add(s);
                        IkeEndpoint src = translateOut(s.from());
                        q.add(new Object[] {b, new IkeEvent.Datagram(src, s.to(), s.bytes(), 0)});
                    } else {
                        bSent.add(s);
                        // the NAT maps the public port back to the private one it allocated it for
                        IkeEndpoint dst = nat
                                ? new IkeEndpoint(PRIVATE.address(), s.to().port() == mappingBase + 500 ? 500 : 4500)
                                : s.to();
                        q.add(new Object[] {a, new IkeEvent.Datagram(s.from(), dst, s.bytes(), 0)});
                    }
                }
            }
        }

        IkeAction.Endpoints endpoints(List<IkeAction> actions) {
            return IkeSimulation.of(actions, IkeAction.Endpoints.class).getLast();
        }
    }

    @Test
    void behindNatTheInitiatorFloatsAndTheResponderFollowsTheMapping() throws Exception {
        NatWorld w = new NatWorld(true, false, 61);
        w.run(w.a, new IkeEvent.Initiate(0));
        assertEquals(IkeSaEngine.State.ESTABLISHED, w.a.state());
        assertEquals(IkeSaEngine.State.ESTABLISHED, w.b.state());
        // IKE_SA_INIT on 500, IKE_AUTH and after on 4500 (§2.23)
        assertEquals(500, w.aSent.get(0).from().port());
        assertEquals(500, w.aSent.get(0).to().port());
        assertEquals(4500, w.aSent.get(1).from().port());
        assertEquals(4500, w.aSent.get(1).to().port());
        // the responder answered where each request came from: the NAT's public address and ports (§2.11)
        assertEquals(new IkeEndpoint(PUBLIC_IP.address(), 31500), w.bSent.get(0).to());
        assertEquals(
                new IkeEndpoint(PUBLIC_IP.address(), 31000 + 4500),
                w.bSent.get(1).to());
        assertEquals(4500, w.bSent.get(1).from().port());
        IkeAction.Endpoints ea = w.endpoints(w.aActions);
        IkeAction.Endpoints eb = w.endpoints(w.bActions);
        assertTrue(ea.udpEncapsulation() && eb.udpEncapsulation());
        assertTrue(ea.keepalives(), "the side behind the NAT sends keepalives (RFC 3948 §4)");
        assertFalse(eb.keepalives());
        assertEquals(new IkeEndpoint(PRIVATE.address(), 4500), ea.local());
        assertEquals(new IkeEndpoint(IkeSaEngineTest.R.address(), 4500), ea.remote());
        assertEquals(new IkeEndpoint(PUBLIC_IP.address(), 35500), eb.remote());
        var established =
                IkeSimulation.of(w.bActions, IkeAction.Established.class).getFirst();
        assertTrue(established.remoteBehindNat() && !established.localBehindNat());
        // the NAT forgets the mapping: the next authenticated request comes from another port; the responder follows
        w.mappingBase = 32000;
        int child = IkeSimulation.of(w.aActions, IkeAction.InstallChild.class)
                .getFirst()
                .spiIn();
        w.run(w.a, new IkeEvent.DeleteChild(child, 0));
        assertEquals(
                new IkeEndpoint(PUBLIC_IP.address(), 36500),
                w.endpoints(w.bActions).remote(),
                "§2.23 update");
        assertEquals(
                new IkeEndpoint(PUBLIC_IP.address(), 36500), w.bSent.getLast().to());
        assertEquals(0, w.b.childCount());
        // a forged datagram from elsewhere does not move the peer: only authenticated ones do
        int endpointsBefore =
                IkeSimulation.of(w.bActions, IkeAction.Endpoints.class).size();
        byte[] junk = w.aSent.getLast().bytes().clone();
        junk[junk.length - 1] ^= 1;
        w.bActions.addAll(w.b.handle(new IkeEvent.Datagram(
                new IkeEndpoint(IkeSaEngineTest.addr("10.66.0.1"), 4500),
                new IkeEndpoint(IkeSaEngineTest.R.address(), 4500),
                junk,
                0)));
        assertEquals(
                endpointsBefore,
                IkeSimulation.of(w.bActions, IkeAction.Endpoints.class).size());
        assertEquals(new IkeEndpoint(PUBLIC_IP.address(), 36500), w.b.remote());
    }

    @Test
    void encapYesFloatsWithoutNat() throws Exception {
        NatWorld w = new NatWorld(false, true, 62);
        w.run(w.a, new IkeEvent.Initiate(0));
        assertEquals(IkeSaEngine.State.ESTABLISHED, w.b.state());
        assertEquals(4500, w.aSent.get(1).to().port());
        assertEquals(4500, w.bSent.getLast().from().port());
        IkeAction.Endpoints ea = w.endpoints(w.aActions);
        IkeAction.Endpoints eb = w.endpoints(w.bActions);
        assertTrue(ea.udpEncapsulation() && eb.udpEncapsulation(), "encap=yes forces ESP-in-UDP on both sides");
        assertFalse(ea.keepalives() || eb.keepalives(), "a faked NAT needs no keepalives (strongSwan)");
        assertTrue(
                IkeSimulation.of(w.bActions, IkeAction.Established.class)
                        .getFirst()
                        .remoteBehindNat(),
                "the responder believes the faked NAT-D");
    }

    @Test
    void withoutNatEverythingStaysOnPort500() throws Exception {
        NatWorld w = new NatWorld(false, false, 63);
        w.run(w.a, new IkeEvent.Initiate(0));
        assertEquals(IkeSaEngine.State.ESTABLISHED, w.b.state());
        assertTrue(w.aSent.stream().allMatch(s -> s.from().port() == 500 && s.to().port() == 500));
        assertTrue(w.bSent.stream().allMatch(s -> s.from().port() == 500 && s.to().port() == 500));
        assertFalse(w.endpoints(w.aActions).udpEncapsulation());
        assertFalse(w.endpoints(w.bActions).udpEncapsulation());
    }
}
