package org.jipsec.io.ike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import org.jipsec.core.ike.config.IkeConfig;
import org.jipsec.core.ike.engine.IkeEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the daemon does with the engine's NAT-T and child actions, two runtimes back to back with fake kernels:
 * {@code IkeAction.Endpoints} (the CHILD_SAs are ESP-in-UDP with the ports IKE floated to — the NAT's mapped port
 * for a peer behind a NAT, RFC 7296 §2.23 — and keepalives from behind the NAT, RFC 3948 §4), a second
 * {@code start_action = start} child created with CREATE_CHILD_SA on the same IKE SA (§1.3.1), and the key log.
 */
class IkeRuntimeNatTest {

    static final String A = "10.0.0.1";
    static final String B = "10.0.0.2";
    /** A's NAT: A's 500 and 4500 appear as these ports of {@link #PUBLIC}. */
    static final String PUBLIC = "192.0.2.7";

    static String config(String local, String remote, String remoteAddrs, String extra, String start) {
        return """
                connections {
                    ab {
                        version = 2
                        local_addrs = %s
                        remote_addrs = %s
                        proposals = aes128gcm16-prfsha256-x25519
                        %s
                        local {
                            auth = psk
                            id = %s
                        }
                        remote {
                            auth = psk
                            id = %s
                        }
                        children {
                            one {
                                local_ts = 10.%s.0.0/24
                                remote_ts = 10.%s.0.0/24
                                esp_proposals = aes128gcm16
                                start_action = %s
                            }
                            two {
                                local_ts = 10.%s.1.0/24
                                remote_ts = 10.%s.1.0/24
                                esp_proposals = aes128gcm16
                                start_action = %s
                            }
                        }
                    }
                }
                secrets {
                    ike-ab {
                        id-a = %s
                        id-b = %s
                        secret = "k"
                    }
                }
                """.formatted(
                        local,
                        remoteAddrs,
                        extra,
                        local,
                        remote,
                        local.equals(A) ? "1" : "2",
                        local.equals(A) ? "2" : "1",
                        start,
                        local.equals(A) ? "1" : "2",
                        local.equals(A) ? "2" : "1",
                        start,
                        local,
                        remote);
    }

    record Packet(boolean toA, IkeEndpoint from, IkeEndpoint to, byte[] bytes) {}

    final Deque<Packet> wire = new ArrayDeque<>();
    final List<IkeEndpoint> keepalives = new ArrayList<>();
    boolean nat;
    long now = 1_000;

    IkeRuntime runtime(
            String local, IkeConfig cfg, FakeIkeKernel kernel, List<String> log, WiresharkKeyLogWriter keyLog)
            throws Exception {
        boolean isA = local.equals(A);
        IkeRuntime.Network net = new IkeRuntime.Network() {
            @Override
            public void send(IkeEndpoint from, IkeEndpoint to, byte[] m) {
                wire.add(new Packet(!isA, from, to, m));
            }

            @Override
            public void keepalive(IkeEndpoint from, IkeEndpoint to) {
                if (isA) keepalives.add(to);
            }
        };
        return new IkeRuntime(
                cfg,
                kernel,
                net,
                log::add,
                new SecureRandom(),
                new Random(7),
                InetAddress.getByName(local),
                500,
                4500,
                keyLog);
    }

    /** A's NAT rewrites A's source (500 → 40500, 4500 → 44500) and B's replies back. */
    void pump(IkeRuntime a, IkeRuntime b) throws Exception {
        for (int i = 0; i < 100 && !wire.isEmpty(); i++) {
            Packet p = wire.poll();
            if (!nat) {
                (p.toA ? a : b).datagram(p.from, p.to, p.bytes, now);
            } else if (!p.toA) {
                IkeEndpoint mapped =
                        new IkeEndpoint(InetAddress.getByName(PUBLIC), p.from.port() == 500 ? 40500 : 44500);
                b.datagram(mapped, p.to, p.bytes, now);
            } else {
                IkeEndpoint inside = new IkeEndpoint(InetAddress.getByName(A), p.to.port() == 40500 ? 500 : 4500);
                a.datagram(p.from, inside, p.bytes, now);
            }
        }
        assertTrue(wire.isEmpty(), "the exchange did not settle");
    }

    static long count(List<String> lines, String regex) {
        return lines.stream().filter(l -> l.matches(regex)).count();
    }

    @Test
    void encapYesFloatsToTheNatTPortAndBothChildrenComeUpOnOneIkeSa(@TempDir Path dir) throws Exception {
        FakeIkeKernel ka = new FakeIkeKernel(0x1000);
        FakeIkeKernel kb = new FakeIkeKernel(0x2000);
        List<String> la = new ArrayList<>();
        List<String> lb = new ArrayList<>();
        try (WiresharkKeyLogWriter keyLog = WiresharkKeyLogWriter.open(dir.resolve("keys"))) {
            IkeRuntime a =
                    runtime(A, IkeRuntimeBackToBackTest.parse(config(A, B, B, "encap = yes", "start")), ka, la, keyLog);
            IkeRuntime b = runtime(B, IkeRuntimeBackToBackTest.parse(config(B, A, A, "", "none")), kb, lb, null);
            a.start(now);
            pump(a, b);
            assertEquals(1, a.saCount(), String.join("\n", la));
            assertEquals(1, b.saCount(), String.join("\n", lb));
            List<String> ra = ka.take();
            List<String> rb = kb.take();
            // both children, each an inbound UPDATE (after GETSPI) and an outbound ADD, ESP-in-UDP 4500 <-> 4500
            assertEquals(2, count(ra, "UPDATE .* natt 4500->4500"), ra.toString());
            assertEquals(2, count(ra, "ADD .* natt 4500->4500"), ra.toString());
            assertEquals(2, count(rb, "UPDATE .* natt 4500->4500"), rb.toString());
            assertEquals(2, count(rb, "ADD .* natt 4500->4500"), rb.toString());
            assertTrue(la.stream().anyMatch(l -> l.contains("CHILD_SA two{")), String.join("\n", la));
            assertEquals(List.of(), keepalives, "no keepalives without a NAT (encap=yes fakes one)");
            // the key log: the IKE SA and both children (two lines each)
            assertEquals(
                    1,
                    Files.readAllLines(dir.resolve("keys/ikev2_decryption_table"))
                            .size());
            assertEquals(4, Files.readAllLines(dir.resolve("keys/esp_sa")).size());
        }
    }

    @Test
    void behindANatTheChildrenUseTheMappedPortAndKeepalivesFlow() throws Exception {
        nat = true;
        FakeIkeKernel ka = new FakeIkeKernel(0x1000);
        FakeIkeKernel kb = new FakeIkeKernel(0x2000);
        List<String> la = new ArrayList<>();
        List<String> lb = new ArrayList<>();
        IkeRuntime a = runtime(A, IkeRuntimeBackToBackTest.parse(config(A, B, B, "", "start")), ka, la, null);
        IkeRuntime b = runtime(B, IkeRuntimeBackToBackTest.parse(config(B, A, "%any", "", "none")), kb, lb, null);
        a.start(now);
        pump(a, b);
        assertEquals(1, b.saCount(), String.join("\n", lb));
        List<String> ra = ka.take();
        List<String> rb = kb.take();
        assertEquals(2, count(ra, "UPDATE .* natt 4500->4500"), ra.toString());
        assertEquals(2, count(ra, "ADD .* natt 4500->4500"), ra.toString());
        // B: the peer's ESP comes from the NAT's port for 4500, not from an assumed 4500
        assertEquals(2, count(rb, "UPDATE .* natt 44500->4500"), rb.toString());
        assertEquals(2, count(rb, "ADD .* natt 4500->44500"), rb.toString());
        // RFC 3948 §4: A, behind the NAT, keeps the mapping alive, every 20 s
        assertEquals(List.of(), keepalives);
        now += IkeRuntime.KEEPALIVE_MILLIS;
        assertTrue(a.nextDeadline() <= now);
        a.timers(now);
        b.timers(now);
        assertEquals(List.of(new IkeEndpoint(InetAddress.getByName(B), 4500)), keepalives);
        now += IkeRuntime.KEEPALIVE_MILLIS;
        a.timers(now);
        assertEquals(2, keepalives.size());
    }

    @Test
    void noKeepaliveWhileIkeTrafficWentToThePeerWithinTheInterval() throws Exception {
        nat = true;
        FakeIkeKernel ka = new FakeIkeKernel(0x1000);
        FakeIkeKernel kb = new FakeIkeKernel(0x2000);
        IkeRuntime a =
                runtime(A, IkeRuntimeBackToBackTest.parse(config(A, B, B, "", "none")), ka, new ArrayList<>(), null);
        IkeRuntime b = runtime(
                B, IkeRuntimeBackToBackTest.parse(config(B, A, "%any", "", "none")), kb, new ArrayList<>(), null);
        IkeRuntimeAdmin admin = new IkeRuntimeAdmin(a);
        assertTrue(admin.initiate("one", now).ok());
        pump(a, b);
        assertEquals(1, b.saCount());
        // half an interval later A sends a CREATE_CHILD_SA on the NAT-T port: that refreshes the NAT mapping
        now += IkeRuntime.KEEPALIVE_MILLIS / 2;
        assertTrue(admin.initiate("two", now).ok());
        pump(a, b);
        now += IkeRuntime.KEEPALIVE_MILLIS / 2;
        a.timers(now);
        assertEquals(List.of(), keepalives, "RFC 3948 §4: no keepalive when IKE went to the peer within 20 s");
        now += IkeRuntime.KEEPALIVE_MILLIS / 2;
        a.timers(now);
        assertEquals(List.of(new IkeEndpoint(InetAddress.getByName(B), 4500)), keepalives);
    }

    @Test
    void jipsecIkeInitiateOfASecondChildCreatesItOnTheIkeSaThatIsUp() throws Exception {
        FakeIkeKernel ka = new FakeIkeKernel(0x1000);
        FakeIkeKernel kb = new FakeIkeKernel(0x2000);
        List<String> la = new ArrayList<>();
        IkeRuntime a = runtime(A, IkeRuntimeBackToBackTest.parse(config(A, B, B, "", "none")), ka, la, null);
        IkeRuntime b =
                runtime(B, IkeRuntimeBackToBackTest.parse(config(B, A, A, "", "none")), kb, new ArrayList<>(), null);
        IkeRuntimeAdmin admin = new IkeRuntimeAdmin(a);
        assertTrue(admin.initiate("one", now).ok());
        pump(a, b);
        assertEquals(2, ka.sas.size());
        var r = admin.initiate("two", now);
        assertTrue(r.ok() && r.message().contains("creating CHILD_SA two"), r.toString());
        pump(a, b);
        assertEquals(1, a.saCount());
        assertEquals(4, ka.sas.size(), String.join("\n", la));
        assertEquals(ka.sas.keySet(), kb.sas.keySet());
        assertEquals(
                List.of("one", "two"),
                admin.status(now).sas().getFirst().children().stream()
                        .map(c -> c.name())
                        .toList());
    }
}
