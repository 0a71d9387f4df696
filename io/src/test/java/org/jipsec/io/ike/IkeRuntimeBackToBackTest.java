package org.jipsec.io.ike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.jipsec.core.ike.admission.DaemonLimits;
import org.jipsec.core.ike.config.ConfigSource;
import org.jipsec.core.ike.config.IkeConfig;
import org.jipsec.core.ike.config.SwanctlConfig;
import org.jipsec.core.ike.control.IkeStatus;
import org.jipsec.core.ike.engine.IkeEndpoint;
import org.junit.jupiter.api.Test;

/**
 * Two iked runtimes in one JVM wired back to back (datagrams handed over in memory, a virtual clock, a recording
 * fake PF_KEY kernel each): trap → ACQUIRE → IKE_SA_INIT/IKE_AUTH → both CHILD_SA directions installed with
 * GETSPI/UPDATE/ADD → child rekey by rekey_time without traffic → IKE rekey → terminate. The PF_KEY requests each
 * side made are checked in order.
 */
class IkeRuntimeBackToBackTest {

    static final String A = "10.0.0.1";
    static final String B = "10.0.0.2";

    static String config(
            String local,
            String remote,
            String localTs,
            String remoteTs,
            String startAction,
            String childRekey,
            String secret) {
        return """
                connections {
                    ab {
                        version = 2
                        local_addrs = %s
                        remote_addrs = %s
                        proposals = aes128gcm16-prfsha256-x25519
                        local {
                            auth = psk
                        }
                        remote {
                            auth = psk
                            id = %s
                        }
                        children {
                            net {
                                local_ts = %s
                                remote_ts = %s
                                esp_proposals = aes128gcm16
                                start_action = %s
                                rekey_time = %s
                            }
                        }
                    }
                }
                secrets {
                    ike-ab {
                        id-a = %s
                        id-b = %s
                        secret = "%s"
                    }
                }
                """.formatted(local, remote, remote, localTs, remoteTs, startAction, childRekey, local, remote, secret);
    }

    static IkeConfig parse(String text) throws Exception {
        ConfigSource src = new ConfigSource() {
            @Override
            public String read(String path) {
                return path.equals("iked.conf") ? text : null;
            }

            @Override
            public List<String> glob(String pattern, String directory) {
                return List.of();
            }
        };
        return SwanctlConfig.load("iked.conf", src);
    }

    /** One side: its runtime, kernel and log. */
    static final class Side {
        final FakeIkeKernel kernel;
        final List<String> log = new ArrayList<>();
        IkeRuntime rt;
        IkeRuntimeAdmin admin;

        Side(int spiBase) {
            kernel = new FakeIkeKernel(spiBase);
        }
    }

    record Packet(Side to, IkeEndpoint from, IkeEndpoint dst, byte[] bytes) {}

    final Deque<Packet> wire = new ArrayDeque<>();
    long now = 1_000;
    Side a;
    Side b;

    Side side(String local, String peer, IkeConfig cfg, int spiBase) throws Exception {
        Side s = new Side(spiBase);
        s.rt = new IkeRuntime(
                cfg,
                s.kernel,
                (from, to, m) ->
                        wire.add(new Packet(to.address().getHostAddress().equals(A) ? a : b, from, to, m)),
                line -> s.log.add(line),
                new SecureRandom(),
                new Random(7),
                InetAddress.getByName(local),
                500,
                4500);
        s.admin = new IkeRuntimeAdmin(s.rt);
        return s;
    }

    void setUp(String aStart, String aSecret, String bSecret) throws Exception {
        a = side(A, B, parse(config(A, B, "10.1.0.0/24", "10.2.0.0/24", aStart, "1h", aSecret)), 0x1000);
        b = side(B, A, parse(config(B, A, "10.2.0.0/24", "10.1.0.0/24", "none", "2h", bSecret)), 0x2000);
    }

    /** Delivers datagrams until the wire is quiet (bounded). */
    void pump() {
        for (int i = 0; i < 100 && !wire.isEmpty(); i++) {
            Packet p = wire.poll();
            p.to.rt.datagram(p.from, p.dst, p.bytes, now);
        }
        assertTrue(wire.isEmpty(), "the exchange did not settle");
    }

    static void assertLines(List<String> expected, List<String> actual) {
        assertEquals(expected.size(), actual.size(), "PF_KEY requests: " + actual);
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(
                    Pattern.matches(expected.get(i), actual.get(i)),
                    "request " + i + ": expected /" + expected.get(i) + "/ in " + actual);
        }
    }

    @Test
    void trapAcquireEstablishRekeyTerminate() throws Exception {
        setUp("trap", "s3cret-psk", "s3cret-psk");
        a.rt.start(now);
        b.rt.start(now);
        assertLines(
                List.of(
                        "SPDADD out 10.1.0.0/24 10.2.0.0/24 unique reqid 1 -> 1",
                        "SPDADD in 10.2.0.0/24 10.1.0.0/24 unique reqid 1 -> 2"),
                a.kernel.take());
        assertEquals(List.of(), b.kernel.take());
        assertTrue(wire.isEmpty(), "trap: nothing is sent before the first packet");

        // the first packet: the kernel's ACQUIRE for the trap policy
        a.rt.kernelEvent(a.kernel.acquireFor(a.kernel.outboundPolicy(), 77), now);
        assertEquals(1, wire.size(), "IKE_SA_INIT sent");
        pump();
        List<String> ka = a.kernel.take();
        List<String> kb = b.kernel.take();
        assertLines(
                List.of(
                        "SPDGET 1",
                        "GETSPI seq=77 10.0.0.2->10.0.0.1 reqid 1 -> (1\\w+)",
                        "UPDATE 1\\w+ 10.0.0.2->10.0.0.1 reqid 1",
                        "ADD 2\\w+ 10.0.0.1->10.0.0.2 reqid 1"),
                ka);
        assertLines(
                List.of(
                        "GETSPI seq=0 10.0.0.1->10.0.0.2 reqid 1 -> 2\\w+",
                        "UPDATE 2\\w+ 10.0.0.1->10.0.0.2 reqid 1",
                        "ADD 1\\w+ 10.0.0.2->10.0.0.1 reqid 1",
                        "SPDADD out 10.2.0.0/24 10.1.0.0/24 unique reqid 1 -> 1",
                        "SPDADD in 10.1.0.0/24 10.2.0.0/24 unique reqid 1 -> 2"),
                kb);
        String aIn = ka.get(1).replaceAll(".* -> ", "");
        assertTrue(kb.get(2).startsWith("ADD " + aIn + " "), "B's outbound SA is A's inbound SPI: " + kb);
        assertEquals(a.kernel.sas.keySet(), b.kernel.sas.keySet(), "both sides hold the same pair");
        IkeStatus st = a.admin.status(now);
        assertEquals(1, st.sas().size());
        assertEquals("ESTABLISHED", st.sas().getFirst().state());
        assertEquals(1, st.sas().getFirst().children().size());
        assertEquals(aIn, st.sas().getFirst().children().getFirst().spiIn().replaceFirst("^0+", ""));

        // rekey_time of A's child (1h minus up to 10% jitter) passes without traffic: A rekeys, B does not yet
        now += 3_600_000;
        a.rt.timers(now);
        b.rt.timers(now);
        pump();
        ka = a.kernel.take();
        kb = b.kernel.take();
        assertLines(
                List.of(
                        "GETSPI seq=0 10.0.0.2->10.0.0.1 reqid 1 -> 1\\w+",
                        "UPDATE 1\\w+ 10.0.0.2->10.0.0.1 reqid 1",
                        "ADD 2\\w+ 10.0.0.1->10.0.0.2 reqid 1",
                        "DELETE " + aIn + " 10.0.0.2->10.0.0.1",
                        "DELETE 2\\w+ 10.0.0.1->10.0.0.2"),
                ka);
        assertLines(
                List.of(
                        "GETSPI seq=0 10.0.0.1->10.0.0.2 reqid 1 -> 2\\w+",
                        "UPDATE 2\\w+ 10.0.0.1->10.0.0.2 reqid 1",
                        "ADD 1\\w+ 10.0.0.2->10.0.0.1 reqid 1",
                        "DELETE 2\\w+ 10.0.0.1->10.0.0.2",
                        "DELETE " + aIn + " 10.0.0.2->10.0.0.1"),
                kb);
        assertEquals(2, a.kernel.sas.size());
        assertEquals(a.kernel.sas.keySet(), b.kernel.sas.keySet());
        assertEquals(2, b.kernel.policies.size(), "the rekeyed child keeps B's policies");

        // IKE SA rekey (admin): no PF_KEY traffic, the children stay
        assertTrue(a.admin.rekey("ab", now).ok());
        pump();
        assertEquals(List.of(), a.kernel.take());
        assertEquals(List.of(), b.kernel.take());
        assertTrue(a.log.stream().anyMatch(l -> l.contains("IKE_SA rekeyed")), String.join("\n", a.log));
        assertEquals(1, b.rt.saCount());

        // terminate: Delete over the rekeyed IKE SA; both sides delete both SAs, B its policies, A keeps its trap
        assertTrue(a.admin.terminate("ab", now).ok());
        pump();
        ka = a.kernel.take();
        kb = b.kernel.take();
        assertLines(List.of("DELETE 1\\w+ 10.0.0.2->10.0.0.1", "DELETE 2\\w+ 10.0.0.1->10.0.0.2"), ka);
        assertLines(
                List.of(
                        "DELETE 2\\w+ 10.0.0.1->10.0.0.2",
                        "DELETE 1\\w+ 10.0.0.2->10.0.0.1",
                        "SPDDELETE 1",
                        "SPDDELETE 2"),
                kb);
        assertEquals(0, a.rt.saCount());
        assertEquals(0, b.rt.saCount());
        assertEquals(Map.of(), a.kernel.sas);
        assertEquals(Map.of(), b.kernel.sas);
        assertEquals(2, a.kernel.policies.size(), "trap policies stay");
        assertTrue(b.log.stream().anyMatch(l -> l.contains("IKE_SA closed: deleted by")), String.join("\n", b.log));

        // a datagram for an SA that is gone: counted, dropped
        long before = b.rt.droppedUnknownSpi();
        byte[] stray = new byte[40];
        stray[7] = 1;
        stray[15] = 2;
        stray[19] = 0x08;
        b.rt.datagram(
                new IkeEndpoint(InetAddress.getByName(A), 500),
                new IkeEndpoint(InetAddress.getByName(B), 500),
                stray,
                now);
        assertEquals(before + 1, b.rt.droppedUnknownSpi());
    }

    @Test
    void startActionStartInitiatesAtLoadAndAReloadThatChangesNothingKeepsTheSpis() throws Exception {
        setUp("start", "k", "k");
        b.rt.start(now);
        a.rt.start(now);
        assertEquals(1, wire.size());
        pump();
        a.kernel.take();
        b.kernel.take();
        String spis = a.admin.status(now).sas().getFirst().children().getFirst().spiIn();
        var diff = a.admin.reload(parse(config(A, B, "10.1.0.0/24", "10.2.0.0/24", "start", "1h", "k")), now);
        assertTrue(diff.isEmpty(), diff.toString());
        assertTrue(wire.isEmpty());
        assertEquals(List.of(), a.kernel.take());
        assertEquals(
                spis, a.admin.status(now).sas().getFirst().children().getFirst().spiIn());

        // the child's selectors change: renegotiated (old SA deleted, a new one with new SPIs)
        diff = a.admin.reload(parse(config(A, B, "10.1.0.0/25", "10.2.0.0/24", "start", "1h", "k")), now);
        assertEquals(List.of("ab"), diff.changed());
        pump();
        IkeStatus st = a.admin.status(now);
        assertEquals(1, st.sas().size(), st.toString());
        assertEquals("ESTABLISHED", st.sas().getFirst().state());
        assertTrue(!spis.equals(st.sas().getFirst().children().getFirst().spiIn()));
        String ts = st.sas().getFirst().children().getFirst().localTs().toString();
        assertTrue(ts.contains("10.1.0.0") && ts.contains("10.1.0.127"), "the new selectors: " + ts);

        // removed: terminated on both sides
        a.admin.reload(parse("""
                connections {
                }
                secrets {
                }
                """), now);
        pump();
        assertEquals(0, a.rt.saCount());
        assertEquals(0, b.rt.saCount());
        assertEquals(Map.of(), a.kernel.sas);
        assertEquals(Map.of(), b.kernel.sas);
        assertEquals(Map.of(), a.kernel.policies);
    }

    @Test
    void aWrongPskIsLoggedOnBothSidesAndLeavesNoSa() throws Exception {
        setUp("start", "right", "wrong");
        b.rt.start(now);
        a.rt.start(now);
        pump();
        assertTrue(
                b.log.stream()
                        .anyMatch(l -> l.contains(
                                "IKE_SA failed: AUTHENTICATION_FAILED: AUTH of 10.0.0.1 does not verify with the"
                                        + " configured PSK")),
                String.join("\n", b.log));
        assertTrue(
                a.log.stream().anyMatch(l -> l.contains("IKE_SA failed: the responder refused our authentication")),
                String.join("\n", a.log));
        assertEquals(Map.of(), a.kernel.sas);
        assertEquals(Map.of(), a.kernel.larval, "the larval SA GETSPI made is deleted");
        assertEquals(Map.of(), b.kernel.larval);
        assertTrue(
                a.log.stream().noneMatch(l -> l.contains("right"))
                        && b.log.stream().noneMatch(l -> l.contains("wrong")),
                "no key in the log");
        assertEquals(0, a.rt.saCount());
        assertEquals(0, b.rt.saCount());
    }

    @Test
    void aHalfOpenResponderIsDroppedAfterThirtySeconds() throws Exception {
        setUp("start", "k", "k");
        a.rt.start(now);
        Packet init = wire.poll();
        b.rt.datagram(init.from(), init.dst(), init.bytes(), now);
        wire.clear(); // the response and everything after it are lost
        assertEquals(1, b.rt.saCount());
        now += 29_999;
        b.rt.timers(now);
        assertEquals(1, b.rt.saCount());
        now += 1;
        assertEquals(now, b.rt.nextDeadline());
        b.rt.timers(now);
        assertEquals(0, b.rt.saCount());
        assertEquals(1, b.rt.droppedHalfOpen());
        assertEquals(List.of(), b.kernel.take(), "no kernel state for a half-open SA");
    }

    /** RFC 7296 §2.6: a responder under load answers with a COOKIE and no state; the initiator retries with it. */
    @Test
    void aResponderUnderLoadDemandsACookieAndTheInitiatorRetriesWithIt() throws Exception {
        setUp("start", "k", "k");
        b.rt.limits(new DaemonLimits(true, 0, 0, 5, 0, 30_000, 60_000)); // cookie_threshold 0: always
        a.rt.start(now);
        Packet first = wire.poll();
        b.rt.datagram(first.from(), first.dst(), first.bytes(), now);
        assertEquals(0, b.rt.saCount(), "no state for a request without a cookie");
        Packet cookie = wire.peek();
        assertNotNull(cookie);
        assertEquals(28 + 8 + 36, cookie.bytes().length, "IKE header + N(COOKIE) of 36 octets only");
        pump();
        assertEquals("ESTABLISHED", a.admin.status(now).sas().getFirst().state());
        assertEquals("ESTABLISHED", b.admin.status(now).sas().getFirst().state());
        assertEquals(1, b.rt.admission().cookiesSent());
        assertTrue(b.admin.status(now).counters().contains(new IkeStatus.Counter("cookies_sent", 1)));
    }

    /**
     * A half-open flood from 200 spoofed addresses: 30 (cookie_threshold) get state, the rest a cookie and none;
     * the refusals are logged once, not 170 times; the real initiator still gets through with its cookie.
     */
    @Test
    void aHalfOpenFloodGetsCookiesWhileTheRealInitiatorConnects() throws Exception {
        a = side(A, B, parse(config(A, B, "10.1.0.0/24", "10.2.0.0/24", "start", "1h", "k")), 0x1000);
        b = side(
                B,
                A,
                parse(config(B, A, "10.2.0.0/24", "10.1.0.0/24", "none", "2h", "k")
                        .replace("remote_addrs = " + A, "remote_addrs = 10.0.0.0/8")),
                0x2000); // the flood matches too
        a.rt.start(now);
        Packet init = wire.poll();
        for (int i = 0; i < 200; i++) {
            byte[] x = init.bytes().clone();
            java.nio.ByteBuffer.wrap(x).putLong(0, 0x5000L + i); // another SPIi
            IkeEndpoint from = new IkeEndpoint(InetAddress.getByName("10.9." + (i / 200) + "." + (1 + i % 200)), 500);
            b.rt.datagram(from, init.dst(), x, now);
        }
        wire.clear();
        assertEquals(30, b.rt.saCount(), "half-open IKE SAs kept");
        assertEquals(170, b.rt.admission().cookiesSent());
        assertEquals(
                1, b.log.stream().filter(l -> l.contains("COOKIE demanded")).count(), "rate-limited: " + b.log);
        now += 1_500;
        b.rt.datagram(init.from(), init.dst(), init.bytes(), now);
        pump();
        assertEquals("ESTABLISHED", a.admin.status(now).sas().getFirst().state());
        assertTrue(b.log.stream().anyMatch(l -> l.contains("and 169 more not logged")), "" + b.log);
        now += 30_000;
        b.rt.timers(now);
        assertEquals(1, b.rt.saCount(), "the flood's half-open SAs time out");
    }

    /** block_threshold: at most 5 half-open IKE SAs from one address, cookies or not. */
    @Test
    void blockThresholdBoundsHalfOpenSasFromOneAddress() throws Exception {
        setUp("start", "k", "k");
        b.rt.limits(new DaemonLimits(false, 30, 3, 5, 0, 30_000, 60_000)); // dos_protection = no
        a.rt.start(now);
        Packet init = wire.poll();
        for (int i = 0; i < 10; i++) {
            byte[] x = init.bytes().clone();
            java.nio.ByteBuffer.wrap(x).putLong(0, 0x6000L + i);
            b.rt.datagram(init.from(), init.dst(), x, now);
        }
        assertEquals(5, b.rt.saCount());
        assertEquals(5, b.rt.admission().blocked());
        assertEquals(0, b.rt.admission().cookiesSent());
    }

    @Test
    void aFlushDeletesTheChildrenAtThePeerAndTheNextAcquireBringsThemBack() throws Exception {
        setUp("trap", "k", "k");
        a.rt.start(now);
        b.rt.start(now);
        a.rt.kernelEvent(a.kernel.acquireFor(a.kernel.outboundPolicy(), 5), now);
        pump();
        a.kernel.take();
        b.kernel.take();
        a.kernel.sas.clear(); // setkey -F by someone else
        a.rt.kernelEvent(new org.jipsec.core.ikekernel.KernelEvent.Flushed(0), now);
        pump();
        assertLines(List.of("DELETE 1\\w+ 10.0.0.2->10.0.0.1", "DELETE 2\\w+ 10.0.0.1->10.0.0.2"), a.kernel.take());
        assertLines(
                List.of(
                        "DELETE 2\\w+ 10.0.0.1->10.0.0.2",
                        "DELETE 1\\w+ 10.0.0.2->10.0.0.1",
                        "SPDDELETE 1",
                        "SPDDELETE 2"),
                b.kernel.take());
        assertEquals(Map.of(), b.kernel.sas);
        assertEquals(1, a.rt.saCount(), "the IKE SA stays");

        // the trap fires again: a new child on the IKE SA that is up (RFC 7296 §1.3.1, CREATE_CHILD_SA)
        a.rt.kernelEvent(a.kernel.acquireFor(a.kernel.outboundPolicy(), 6), now);
        pump();
        assertEquals(1, a.rt.saCount());
        assertEquals(1, b.rt.saCount());
        assertEquals(2, a.kernel.sas.size());
        assertEquals(a.kernel.sas.keySet(), b.kernel.sas.keySet());
        assertTrue(a.log.stream().anyMatch(l -> l.contains("creating a CHILD_SA on IKE SA")), String.join("\n", a.log));
    }

    @Test
    void livenessCheckOnlyWithoutInboundEspAndStatusCountsFromTheKernel() throws Exception {
        String dpd = "version = 2\n                        dpd_delay = 30s";
        a = side(
                A,
                B,
                parse(config(A, B, "10.1.0.0/24", "10.2.0.0/24", "start", "1h", "k")
                        .replace("version = 2", dpd)),
                0x1000);
        b = side(
                B,
                A,
                parse(config(B, A, "10.2.0.0/24", "10.1.0.0/24", "none", "2h", "k")
                        .replace("version = 2", dpd)),
                0x2000);
        b.rt.start(now);
        a.rt.start(now);
        pump();
        IkeStatus.ChildSaStatus child =
                b.admin.status(now).sas().getFirst().children().getFirst();
        int bIn = Integer.parseUnsignedInt(child.spiIn(), 16);
        int bOut = Integer.parseUnsignedInt(child.spiOut(), 16);
        // ESP arrived at B (the data plane's use time moved), none at A
        b.kernel.usage.put(bIn, new org.jipsec.core.ikekernel.GetSa.Usage(7, 700, 1, 50));
        b.kernel.usage.put(bOut, new org.jipsec.core.ikekernel.GetSa.Usage(5, 420, 1, 50));
        now += 30_000;
        a.rt.timers(now);
        b.rt.timers(now);
        assertEquals(1, wire.size(), "only A sends a liveness check: " + wire);
        assertEquals(b, wire.peek().to(), "A's INFORMATIONAL goes to B");
        pump();
        child = b.admin.status(now).sas().getFirst().children().getFirst();
        assertEquals(700, child.bytesIn());
        assertEquals(7, child.packetsIn());
        assertEquals(420, child.bytesOut());
        assertEquals(5, child.packetsOut());
        assertEquals(
                -1, a.admin.status(now).sas().getFirst().children().getFirst().bytesIn(), "unknown: -1");

        // B again after dpd_delay, with no further traffic: now it checks too
        now += 30_000;
        b.rt.timers(now);
        assertEquals(1, wire.stream().filter(p -> p.to() == a).count(), "B's liveness check: " + wire);
    }

    @Test
    void keyingtriesRepeatsTheInitialExchangeWhenThePeerNeverAnswers() throws Exception {
        a = side(
                A,
                B,
                parse(config(A, B, "10.1.0.0/24", "10.2.0.0/24", "start", "1h", "k")
                        .replace("version = 2", "version = 2\n                        keyingtries = 3")),
                0x1000);
        a.rt.start(now);
        int sent = 0;
        for (int i = 0; i < 100 && a.rt.nextDeadline() != Long.MAX_VALUE; i++) {
            sent += wire.size();
            wire.clear(); // the peer is not there
            now = a.rt.nextDeadline();
            a.rt.timers(now);
        }
        sent += wire.size();
        wire.clear();
        assertEquals(0, a.rt.saCount());
        assertEquals(3 * 6, sent, "3 keyingtries of IKE_SA_INIT, each sent once and retransmitted 5 times");
        assertEquals(
                2, a.log.stream().filter(l -> l.contains("initiating IKE_SA")).count() - 1, String.join("\n", a.log));
        assertTrue(a.log.stream().anyMatch(l -> l.contains("giving up after 3 keyingtries")), String.join("\n", a.log));
        assertTrue(now - 1_000 > 3 * 160_000, "strongSwan's timing: about 165 s per try, virtual");
    }

    @Test
    void trapPoliciesLeftByAKilledIkedAreTakenOverWithSpdUpdate() throws Exception {
        setUp("trap", "k", "k");
        a.rt.start(now);
        a.kernel.take();
        // iked was killed (-9): its policies stay in the kernel; a new iked starts on the same kernel
        Side restarted = side(A, B, parse(config(A, B, "10.1.0.0/24", "10.2.0.0/24", "trap", "1h", "k")), 0x3000);
        FakeIkeKernel k = a.kernel;
        restarted.rt = new IkeRuntime(
                restarted.rt.config,
                k,
                (from, to, m) -> wire.add(new Packet(b, from, to, m)),
                restarted.log::add,
                new SecureRandom(),
                new Random(7),
                InetAddress.getByName(A),
                500,
                4500);
        restarted.rt.start(now);
        assertLines(
                List.of(
                        "SPDADD EEXIST",
                        "SPDUPDATE out 10.1.0.0/24 10.2.0.0/24 unique reqid 1 -> 3",
                        "SPDADD EEXIST",
                        "SPDUPDATE in 10.2.0.0/24 10.1.0.0/24 unique reqid 1 -> 4"),
                k.take());
        assertEquals(2, k.policies.size());
        assertTrue(
                restarted.log.stream().anyMatch(l -> l.contains("trap policies installed")),
                String.join("\n", restarted.log));
    }
}
