package org.jipsec.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.jipsec.core.engine.socket.JipsecHost;
import org.jipsec.core.engine.socket.MemoryLink;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.pfkey.Delivery;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.Outcome;
import org.jipsec.core.pfkey.PfkeyCodec;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;
import org.jipsec.core.spd.PolicyParser;
import org.jipsec.core.sysctl.Sysctl;

/**
 * Two jipsec hosts wired in memory: A (10.0.0.1, fd00::1) and B (10.0.0.2, fd00::2), each with its own sysctl tree,
 * key engine, SPD and engine, on one test clock. SAs and policies go in as PF_KEY messages (bytes through the codec,
 * as setkey sends them); policies are written in ipsec_set_policy(3) syntax.
 */
final class EngineNet {

    static final String A4 = "10.0.0.1", B4 = "10.0.0.2", A6 = "fd00::1", B6 = "fd00::2";

    /** A settable clock. */
    static final class TestClock implements InstantSource {
        Instant now = Instant.ofEpochSecond(1_700_000_000L);

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    final TestClock clock = new TestClock();
    final Node a;
    final Node b;

    EngineNet() {
        this(EngineSettings.NETBSD);
    }

    EngineNet(EngineSettings settings) {
        a = new Node("A", clock, 1, settings, List.of(ip(A4), ip(A6)));
        b = new Node("B", clock, 2, settings, List.of(ip(B4), ip(B6)));
        a.link.connectTo(b.host);
        b.link.connectTo(a.host);
    }

    static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static InetSocketAddress sock(String addr, int port) {
        return new InetSocketAddress(ip(addr), port);
    }

    /** One host. */
    static final class Node {
        final String name;
        final Sysctl sysctl = Sysctl.withNetbsdDefaults();
        final List<Outcome> pfkeyOut = new ArrayList<>();
        final IpsecEngine engine;
        final MemoryLink link = new MemoryLink();
        final JipsecHost host;
        /** The administrator's PF_KEY socket (setkey). */
        final long admin;

        int pid = 4000;

        Node(String name, InstantSource clock, long seed, EngineSettings settings, List<InetAddress> addrs) {
            this.name = name;
            engine = IpsecEngine.create(sysctl, clock, new SplittableRandom(seed), settings);
            host = new JipsecHost(engine, link, addrs);
            admin = engine.keyEngine().openSocket();
        }

        /** Sends a message as bytes on {@code socket}; returns what the key engine answered. */
        Outcome pfkey(long socket, PfkeyMessage m) {
            return engine.pfkey(socket, PfkeyCodec.encode(m));
        }

        /** Sends and asserts the reply to the sender carries errno 0. */
        PfkeyMessage ok(long socket, PfkeyMessage m) {
            Outcome o = pfkey(socket, m);
            PfkeyMessage reply = null;
            for (Delivery d : o.deliveries()) if (d.socketId() == socket && !d.promiscCopy()) reply = d.message();
            if (reply == null)
                throw new AssertionError(name + ": no reply to " + Sadb.class.getSimpleName() + " " + m.type());
            assertEquals(0, reply.errno(), () -> name + ": " + m.type() + " refused: " + o);
            return reply;
        }

        /** {@code spdadd src/sp dst/dp proto -P policy;} */
        void spdadd(String src, int sp, String dst, int dp, int proto, String policy) {
            try {
                var x = PolicyParser.parse(policy);
                ok(
                        admin,
                        PfkeyMessage.of(
                                Sadb.SADB_X_SPDADD,
                                0,
                                0,
                                pid,
                                List.of(
                                        new Extension.Policy(x),
                                        new Extension.Address(
                                                Sadb.SADB_EXT_ADDRESS_SRC, proto, sp, new Endpoint(ip(src))),
                                        new Extension.Address(
                                                Sadb.SADB_EXT_ADDRESS_DST, proto, dp, new Endpoint(ip(dst))))));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        /** Host-to-host policy pair for a family: out on this side, in on the other is added by the caller. */
        void spdaddHosts(String src, String dst, String policy) {
            int bits = ip(src).getAddress().length * 8;
            spdadd(src, bits, dst, bits, 255, policy);
        }

        /** {@code add src dst satype spi -m mode -u reqid ...} with the given extensions (SA ext built here). */
        void add(
                int satype,
                int spi,
                String src,
                String dst,
                IpsecMode mode,
                int reqid,
                int auth,
                int enc,
                int flags,
                int replayBytes,
                List<Extension> more) {
            List<Extension> x = new ArrayList<>(List.of(
                    new Extension.Sa(spi, replayBytes, 0, auth, enc, flags),
                    new Extension.Sa2(mode.number(), 0, reqid),
                    Extension.Address.of(Sadb.SADB_EXT_ADDRESS_SRC, new Endpoint(ip(src))),
                    Extension.Address.of(Sadb.SADB_EXT_ADDRESS_DST, new Endpoint(ip(dst)))));
            x.addAll(more);
            ok(admin, PfkeyMessage.of(Sadb.SADB_ADD, satype, 0, pid, x));
        }
    }

    static Extension.Key key(int type, int bytes, int seed) {
        byte[] k = new byte[bytes];
        for (int i = 0; i < bytes; i++) k[i] = (byte) (seed * 31 + i * 7 + 1);
        return new Extension.Key(type, bytes * 8, k);
    }

    /** ESP aes-cbc-128 + hmac-sha256, 32-packet window, on both nodes. */
    void espPair(int spi, String src, String dst, IpsecMode mode, List<Extension> more) {
        for (Node n : List.of(a, b)) {
            List<Extension> x = new ArrayList<>(
                    List.of(key(Sadb.SADB_EXT_KEY_ENCRYPT, 16, spi), key(Sadb.SADB_EXT_KEY_AUTH, 32, spi + 1)));
            x.addAll(more);
            n.add(Sadb.SADB_SATYPE_ESP, spi, src, dst, mode, 0, 5, 12, 0, 4, x);
        }
    }

    /** AH hmac-sha256 on both nodes. */
    void ahPair(int spi, String src, String dst, IpsecMode mode) {
        for (Node n : List.of(a, b)) {
            n.add(
                    Sadb.SADB_SATYPE_AH,
                    spi,
                    src,
                    dst,
                    mode,
                    0,
                    5,
                    0,
                    0,
                    4,
                    List.of(key(Sadb.SADB_EXT_KEY_AUTH, 32, spi)));
        }
    }

    /** IPComp deflate on both nodes (CPI {@code cpi}). */
    void ipcompPair(int cpi, String src, String dst, IpsecMode mode) {
        for (Node n : List.of(a, b)) {
            n.add(Sadb.SADB_X_SATYPE_IPCOMP, cpi, src, dst, mode, 0, 0, 2, 0, 0, List.of());
        }
    }
}
