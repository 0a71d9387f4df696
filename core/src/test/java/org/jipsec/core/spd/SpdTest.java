package org.jipsec.core.spd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.ipsec.XPolicy;
import org.jipsec.core.spd.SpdException.Errno;
import org.jipsec.core.sysctl.Sysctl;
import org.junit.jupiter.api.Test;

class SpdTest {

    private final AtomicLong seconds = new AtomicLong(1000);
    private final InstantSource clock = () -> Instant.ofEpochSecond(seconds.get());
    private final Spd spd = new Spd(clock, Sysctl.withNetbsdDefaults());

    static SelectorSet sel(String src, int sp, String dst, int dp, int proto) {
        String[] s = src.split("/");
        String[] d = dst.split("/");
        InetAddress sa = InetAddress.ofLiteral(s[0]);
        InetAddress da = InetAddress.ofLiteral(d[0]);
        int sl = s.length > 1 ? Integer.parseInt(s[1]) : sa.getAddress().length * 8;
        int dl = d.length > 1 ? Integer.parseInt(d[1]) : da.getAddress().length * 8;
        return new SelectorSet(new Endpoint(sa, sp), sl, new Endpoint(da, dp), dl, proto);
    }

    static XPolicy pol(String s) throws PolicyParseException {
        return PolicyParser.parse(s);
    }

    static FlowKey pkt(String src, int sp, String dst, int dp, int proto) {
        return new FlowKey(
                InetAddress.ofLiteral(src).getAddress(),
                InetAddress.ofLiteral(dst).getAddress(),
                proto,
                sp,
                dp);
    }

    @Test
    void firstMatchInInsertionOrderNotLongestPrefix() throws Exception {
        SecurityPolicy broad = spd.add(
                sel("10.0.0.0/8", 0, "0.0.0.0/0", 0, 255), pol("out discard"), PolicyOrigin.USER, PolicyLifetime.NONE);
        spd.add(sel("10.1.2.3", 0, "10.9.9.9", 0, 6), pol("out none"), PolicyOrigin.USER, PolicyLifetime.NONE);
        assertEquals(
                broad.id(),
                spd.lookup(PolicyDirection.OUTBOUND, pkt("10.1.2.3", 1, "10.9.9.9", 2, 6))
                        .orElseThrow()
                        .id());
        assertTrue(spd.lookup(PolicyDirection.INBOUND, pkt("10.1.2.3", 1, "10.9.9.9", 2, 6))
                .isEmpty());
        assertTrue(spd.lookup(PolicyDirection.OUTBOUND, pkt("11.1.2.3", 1, "10.9.9.9", 2, 6))
                .isEmpty());
    }

    @Test
    void repeatedLookupsOfAFlowSeeEveryMutationAndStillUpdateLastused() throws Exception {
        FlowKey flow = pkt("10.1.2.3", 1000, "10.9.9.9", 80, 6);
        assertTrue(spd.lookup(PolicyDirection.OUTBOUND, flow).isEmpty());
        assertTrue(spd.lookup(PolicyDirection.OUTBOUND, flow).isEmpty()); // a cached miss
        SecurityPolicy added = spd.add(
                sel("10.0.0.0/8", 0, "10.9.9.9", 0, 255), pol("out discard"), PolicyOrigin.USER, PolicyLifetime.NONE);
        assertEquals(
                added.id(),
                spd.lookup(PolicyDirection.OUTBOUND, flow).orElseThrow().id()); // policy added → used
        seconds.addAndGet(7);
        assertEquals(
                added.id(),
                spd.lookup(PolicyDirection.OUTBOUND, flow).orElseThrow().id());
        assertEquals(1007, added.lastUsedSeconds()); // a cached hit still sets lastused
        assertTrue(spd.lookup(PolicyDirection.INBOUND, flow).isEmpty()); // direction is part of the key
        SecurityPolicy exact = spd.add(
                sel("10.1.2.3", 1000, "10.9.9.9", 80, 6), pol("out none"), PolicyOrigin.USER, PolicyLifetime.NONE);
        assertEquals(
                added.id(),
                spd.lookup(PolicyDirection.OUTBOUND, flow).orElseThrow().id()); // still first match
        spd.deleteById(added.id(), PolicyOrigin.USER);
        assertEquals(
                exact.id(),
                spd.lookup(PolicyDirection.OUTBOUND, flow).orElseThrow().id()); // deleted → not used
        spd.flush(PolicyOrigin.USER);
        assertTrue(spd.lookup(PolicyDirection.OUTBOUND, flow).isEmpty());
        for (int port = 1; port < 3000; port++) { // more flows than cache slots
            assertTrue(spd.lookup(PolicyDirection.OUTBOUND, pkt("10.1.2.3", port, "10.9.9.9", 80, 6))
                    .isEmpty());
        }
    }

    /** The engine's remembered answer for its last inbound flow ({@link Spd#lookupAgain}) against a fresh lookup. */
    @Test
    void lookupAgainGivesWhatAFreshLookupGivesAfterEveryMutation() throws Exception {
        FlowKey flow = pkt("10.1.2.3", 0, "10.9.9.9", 0, 6);
        FlowKey prevKey = null;
        int prevGen = 0;
        java.util.Optional<SecurityPolicy> prev = java.util.Optional.empty();
        java.util.Random r = new java.util.Random(4301);
        List<SecurityPolicy> added = new java.util.ArrayList<>();
        for (int step = 0; step < 400; step++) {
            switch (r.nextInt(6)) {
                case 0 ->
                    added.add(spd.update(
                            sel("10." + r.nextInt(3) + ".0.0/16", 0, "10.9.9.9", 0, 255),
                            pol(r.nextBoolean() ? "in discard" : "in none"),
                            PolicyOrigin.USER,
                            PolicyLifetime.NONE));
                case 1 -> {
                    if (!added.isEmpty()) {
                        SecurityPolicy gone = added.remove(r.nextInt(added.size()));
                        if (spd.get(gone.id()).isPresent()) spd.deleteById(gone.id(), PolicyOrigin.USER);
                    }
                }
                case 2 -> {
                    spd.flush(PolicyOrigin.USER);
                    added.clear();
                }
                case 3 -> seconds.addAndGet(1);
                default -> {}
            }
            FlowKey key = r.nextInt(4) == 0
                    ? pkt("10." + r.nextInt(3) + ".2.3", 0, "10.9.9.9", 0, 6)
                    : new FlowKey(flow.source().clone(), flow.destination().clone(), 6, 0, 0); // same flow, new arrays
            int gen = spd.generation();
            java.util.Optional<SecurityPolicy> got =
                    spd.lookupAgain(PolicyDirection.INBOUND, key, prevKey, prevGen, prev);
            java.util.Optional<SecurityPolicy> fresh = spd.lookup(PolicyDirection.INBOUND, key);
            assertEquals(fresh.map(SecurityPolicy::id), got.map(SecurityPolicy::id), "step " + step);
            got.ifPresent(sp -> assertEquals(seconds.get(), sp.lastUsedSeconds(), "lastused set"));
            prevKey = key;
            prevGen = gen;
            prev = got;
        }
    }

    @Test
    void sameFlowAndSlotHashAgreeWithEquals() {
        java.util.Random r = new java.util.Random(9);
        for (int i = 0; i < 5000; i++) {
            int n = r.nextBoolean() ? 4 : 16;
            byte[] s = new byte[n], d = new byte[n];
            r.nextBytes(s);
            r.nextBytes(d);
            FlowKey a =
                    new FlowKey(s, d, r.nextInt(256), r.nextInt(65536), r.nextInt(65536), r.nextInt(3), r.nextInt(3));
            byte[] s2 = s.clone(), d2 = d.clone();
            if (r.nextBoolean()) (r.nextBoolean() ? s2 : d2)[r.nextInt(n)] ^= (byte) (1 << r.nextInt(8));
            FlowKey b = new FlowKey(
                    s2,
                    d2,
                    a.upperProtocol(),
                    a.sourcePort(),
                    r.nextInt(8) == 0 ? r.nextInt(65536) : a.destinationPort(),
                    a.sourceScopeId(),
                    a.destinationScopeId());
            assertEquals(a.equals(b), a.sameFlow(b));
            if (a.equals(b)) assertEquals(a.slotHash(), b.slotHash());
            FlowKey other = new FlowKey(new byte[20 - n], new byte[20 - n], 6, 0, 0);
            assertFalse(a.sameFlow(other), "IPv4 vs IPv6");
        }
    }

    @Test
    void addOfExactDuplicateIsEexistButOtherDirectionOrPortIsNot() throws Exception {
        SelectorSet s = sel("10.0.11.41/32", 21, "10.0.11.33/32", 0, 255);
        spd.add(s, pol("out ipsec esp/tunnel/192.168.0.1-192.168.1.2/require"), PolicyOrigin.USER, PolicyLifetime.NONE);
        SpdException e = assertThrows(
                SpdException.class, () -> spd.add(s, pol("out discard"), PolicyOrigin.USER, PolicyLifetime.NONE));
        assertEquals(Errno.EEXIST, e.errno());
        spd.add(s, pol("in discard"), PolicyOrigin.USER, PolicyLifetime.NONE);
        spd.add(
                sel("10.0.11.41/32", 22, "10.0.11.33/32", 0, 255),
                pol("out discard"),
                PolicyOrigin.USER,
                PolicyLifetime.NONE);
        // host bits beyond the prefix make a different exact selector (sockaddrs compared whole)
        spd.add(sel("10.0.11.0/24", 0, "10.0.0.0/8", 0, 6), pol("out discard"), PolicyOrigin.USER, PolicyLifetime.NONE);
        spd.add(sel("10.0.11.1/24", 0, "10.0.0.0/8", 0, 6), pol("out discard"), PolicyOrigin.USER, PolicyLifetime.NONE);
        assertEquals(5, spd.size());
    }

    @Test
    void updateReplacesExactMatchAndMovesItToTheEnd() throws Exception {
        SelectorSet a = sel("10.0.0.0/8", 0, "0.0.0.0/0", 0, 255);
        SelectorSet b = sel("10.1.0.0/16", 0, "0.0.0.0/0", 0, 255);
        SecurityPolicy pa = spd.add(a, pol("out discard"), PolicyOrigin.USER, PolicyLifetime.NONE);
        SecurityPolicy pb = spd.add(b, pol("out none"), PolicyOrigin.USER, PolicyLifetime.NONE);
        FlowKey k = pkt("10.1.1.1", 0, "8.8.8.8", 0, 17);
        assertEquals(
                pa.id(), spd.lookup(PolicyDirection.OUTBOUND, k).orElseThrow().id());
        SecurityPolicy pa2 =
                spd.update(a, pol("out ipsec esp/transport//require"), PolicyOrigin.USER, PolicyLifetime.NONE);
        assertEquals(2, spd.size());
        assertNotEquals(pa.id(), pa2.id());
        assertEquals(
                pb.id(), spd.lookup(PolicyDirection.OUTBOUND, k).orElseThrow().id());
        assertEquals(
                List.of(pb.id(), pa2.id()),
                spd.dump().stream().map(SecurityPolicy::id).toList());
        // update without an existing match just appends
        spd.update(
                sel("192.168.0.0/16", 0, "0.0.0.0/0", 0, 255), pol("out none"), PolicyOrigin.USER, PolicyLifetime.NONE);
        assertEquals(3, spd.size());
    }

    @Test
    void idsCountUpFromOneAndStoredPolicyCarriesTheId() throws Exception {
        SecurityPolicy p1 = spd.add(
                sel("10.0.0.1", 0, "10.0.0.2", 0, 255), pol("out discard"), PolicyOrigin.USER, PolicyLifetime.NONE);
        SecurityPolicy p2 = spd.add(
                sel("10.0.0.1", 0, "10.0.0.3", 0, 255), pol("in discard"), PolicyOrigin.USER, PolicyLifetime.NONE);
        assertEquals(1, p1.id());
        assertEquals(2, p2.id());
        assertEquals(1, p1.policy().id());
        assertEquals(p2, spd.get(2).orElseThrow());
        // dump: inbound list first, then outbound
        assertEquals(List.of(2, 1), spd.dump().stream().map(SecurityPolicy::id).toList());
    }

    @Test
    void deleteByExactSelectorAndById() throws Exception {
        SelectorSet s = sel("10.0.0.0/24", 0, "10.1.0.0/24", 0, 6);
        SecurityPolicy p = spd.add(s, pol("out discard"), PolicyOrigin.USER, PolicyLifetime.NONE);
        assertEquals(
                Errno.ENOENT,
                assertThrows(SpdException.class, () -> spd.delete(PolicyDirection.INBOUND, s, PolicyOrigin.USER))
                        .errno());
        assertEquals(
                Errno.ENOENT,
                assertThrows(
                                SpdException.class,
                                () -> spd.delete(
                                        PolicyDirection.OUTBOUND,
                                        sel("10.0.0.0/24", 0, "10.1.0.0/24", 0, 17),
                                        PolicyOrigin.USER))
                        .errno());
        assertEquals(
                p.id(),
                spd.delete(PolicyDirection.OUTBOUND, s, PolicyOrigin.USER).id());
        assertTrue(spd.lookup(PolicyDirection.OUTBOUND, pkt("10.0.0.1", 1, "10.1.0.1", 2, 6))
                .isEmpty());
        SecurityPolicy q = spd.add(s, pol("out discard"), PolicyOrigin.USER, PolicyLifetime.NONE);
        assertEquals(q, spd.deleteById(q.id(), PolicyOrigin.USER));
        assertThrows(SpdException.class, () -> spd.deleteById(q.id(), PolicyOrigin.USER));
        assertEquals(0, spd.size());
    }

    @Test
    void kernelPoliciesAreInvisibleToUserDeleteAndFlushButDumped() throws Exception {
        SelectorSet s = sel("10.0.0.0/24", 0, "10.1.0.0/24", 0, 255);
        SecurityPolicy k = spd.add(
                s, pol("out ipsec esp/tunnel/1.1.1.1-2.2.2.2/require"), PolicyOrigin.KERNEL, PolicyLifetime.NONE);
        assertEquals(XPolicy.FLAG_ORIGIN_KERNEL, k.policy().flags() & XPolicy.FLAG_ORIGIN_KERNEL);
        spd.add(sel("10.2.0.0/24", 0, "10.1.0.0/24", 0, 255), pol("out none"), PolicyOrigin.USER, PolicyLifetime.NONE);
        assertThrows(SpdException.class, () -> spd.delete(PolicyDirection.OUTBOUND, s, PolicyOrigin.USER));
        assertThrows(SpdException.class, () -> spd.deleteById(k.id(), PolicyOrigin.USER));
        assertEquals(1, spd.flush(PolicyOrigin.USER).size());
        assertEquals(List.of(k), spd.dump());
        assertEquals(k, spd.deleteById(k.id(), PolicyOrigin.KERNEL));
    }

    @Test
    void generationChangesOnEveryMutation() throws Exception {
        int g0 = spd.generation();
        SelectorSet s = sel("10.0.0.0/24", 0, "10.1.0.0/24", 0, 255);
        spd.add(s, pol("out none"), PolicyOrigin.USER, PolicyLifetime.NONE);
        int g1 = spd.generation();
        spd.update(s, pol("out discard"), PolicyOrigin.USER, PolicyLifetime.NONE);
        int g2 = spd.generation();
        spd.lookup(PolicyDirection.OUTBOUND, pkt("10.0.0.1", 0, "10.1.0.1", 0, 1));
        assertEquals(g2, spd.generation());
        spd.flush(PolicyOrigin.USER);
        int g3 = spd.generation();
        assertTrue(g0 != g1 && g1 != g2 && g2 != g3);
    }

    @Test
    void onlyDiscardNoneIpsecInTheSpdAndDirectionInOrOut() {
        SelectorSet s = sel("10.0.0.0/24", 0, "10.1.0.0/24", 0, 255);
        assertEquals(
                Errno.EINVAL,
                assertThrows(
                                SpdException.class,
                                () -> spd.add(s, pol("out entrust"), PolicyOrigin.USER, PolicyLifetime.NONE))
                        .errno());
        assertEquals(
                Errno.EINVAL,
                assertThrows(
                                SpdException.class,
                                () -> spd.add(s, pol("out bypass"), PolicyOrigin.USER, PolicyLifetime.NONE))
                        .errno());
        XPolicy any = new XPolicy(org.jipsec.core.ipsec.PolicyType.NONE, PolicyDirection.ANY, 0, 0, List.of());
        assertEquals(
                Errno.EINVAL,
                assertThrows(SpdException.class, () -> spd.add(s, any, PolicyOrigin.USER, PolicyLifetime.NONE))
                        .errno());
    }

    @Test
    void lifetimeAndValidtimeExpireAndLookupUpdatesLastUsed() throws Exception {
        SecurityPolicy life = spd.add(
                sel("10.0.0.0/24", 0, "10.1.0.0/24", 0, 255),
                pol("out none"),
                PolicyOrigin.USER,
                new PolicyLifetime(100, 0));
        SecurityPolicy valid = spd.add(
                sel("10.5.0.0/24", 0, "10.1.0.0/24", 0, 255),
                pol("out none"),
                PolicyOrigin.USER,
                new PolicyLifetime(0, 30));
        seconds.addAndGet(25);
        assertEquals(
                valid.id(),
                spd.lookup(PolicyDirection.OUTBOUND, pkt("10.5.0.9", 0, "10.1.0.9", 0, 6))
                        .orElseThrow()
                        .id());
        assertEquals(1025, valid.lastUsedSeconds());
        seconds.addAndGet(30); // 55 s after creation, 30 s after use: not yet (strictly greater)
        assertTrue(spd.expire().isEmpty());
        seconds.addAndGet(1);
        assertEquals(List.of(valid), spd.expire());
        seconds.addAndGet(44); // 100 s after creation
        assertTrue(spd.expire().isEmpty());
        seconds.addAndGet(1);
        assertEquals(List.of(life), spd.expire());
        assertEquals(0, spd.size());
    }

    @Test
    void idAllocationSkipsIdsInUseAndGivesUpAfterSpiTry() throws Exception {
        Sysctl sysctl = Sysctl.withNetbsdDefaults();
        sysctl.write("net.key.spi_try", 3);
        Spd small = new Spd(clock, sysctl);
        small.add(sel("10.0.0.1", 0, "10.0.0.2", 0, 255), pol("out none"), PolicyOrigin.USER, PolicyLifetime.NONE);
        SecurityPolicy p2 = small.add(
                sel("10.0.0.1", 0, "10.0.0.3", 0, 255), pol("out none"), PolicyOrigin.USER, PolicyLifetime.NONE);
        assertEquals(2, p2.id());
        assertFalse(small.get(3).isPresent());
    }

    @Test
    void requestsOfNonIpsecPoliciesAreDroppedAndModeAnyRefused() throws Exception {
        SecurityPolicy p = spd.add(
                sel("10.0.0.0/24", 0, "10.1.0.0/24", 0, 255),
                pol("out discard esp/transport//use"),
                PolicyOrigin.USER,
                PolicyLifetime.NONE);
        assertTrue(p.policy().requests().isEmpty());
        XPolicy modeAny = new XPolicy(
                org.jipsec.core.ipsec.PolicyType.IPSEC,
                PolicyDirection.OUTBOUND,
                0,
                0,
                List.of(new org.jipsec.core.ipsec.IpsecRequest(
                        org.jipsec.core.ipsec.IpsecProtocol.ESP,
                        org.jipsec.core.ipsec.IpsecMode.ANY,
                        org.jipsec.core.ipsec.IpsecLevel.USE,
                        0)));
        assertEquals(
                Errno.EINVAL,
                assertThrows(
                                SpdException.class,
                                () -> spd.add(
                                        sel("10.9.0.0/24", 0, "10.1.0.0/24", 0, 255),
                                        modeAny,
                                        PolicyOrigin.USER,
                                        PolicyLifetime.NONE))
                        .errno());
        assertEquals(1, spd.size());
        assertTrue(spd.expire(Instant.ofEpochSecond(1_000_000)).isEmpty());
    }

    @Test
    void portsProtocolAndIcmpTypeCodeSelectors() throws Exception {
        // setkey: spdadd ::/0 ::/0 icmp6 135,0 -P in none  (type in sport, code in dport)
        spd.add(sel("::/0", 135, "::/0", 0, 58), pol("in none"), PolicyOrigin.USER, PolicyLifetime.NONE);
        spd.add(
                sel("::/0", 0, "::/0", 0, 255),
                pol("in ipsec esp/transport//require"),
                PolicyOrigin.USER,
                PolicyLifetime.NONE);
        assertEquals(
                "none",
                spd.lookup(PolicyDirection.INBOUND, pkt("fe80::1", 135, "fe80::2", 0, 58))
                        .orElseThrow()
                        .policy()
                        .type()
                        .keyword());
        assertEquals(
                "ipsec",
                spd.lookup(PolicyDirection.INBOUND, pkt("fe80::1", 136, "fe80::2", 0, 58))
                        .orElseThrow()
                        .policy()
                        .type()
                        .keyword());
        assertTrue(spd.lookup(PolicyDirection.INBOUND, pkt("10.0.0.1", 135, "10.0.0.2", 0, 58))
                .isEmpty());
    }
}
