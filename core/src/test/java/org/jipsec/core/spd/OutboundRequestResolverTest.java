package org.jipsec.core.spd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.sad.SaIndex;
import org.jipsec.core.sysctl.Sysctl;
import org.junit.jupiter.api.Test;

/** Outbound request chain resolution and the ACQUIRE decision (spec §4.4, §4.7). */
class OutboundRequestResolverTest {

    private static final InetAddress SRC = InetAddress.ofLiteral("10.0.0.1");
    private static final InetAddress DST = InetAddress.ofLiteral("10.0.0.2");
    private static final InetAddress GW1 = InetAddress.ofLiteral("192.168.0.1");
    private static final InetAddress GW2 = InetAddress.ofLiteral("192.168.1.2");

    private final Sysctl sysctl = Sysctl.withNetbsdDefaults();
    private final OutboundRequestResolver resolver = new OutboundRequestResolver(new SystemDefaults(sysctl));

    private static final SaIndex ESP_TRANSPORT =
            new SaIndex(SaType.ESP, IpsecMode.TRANSPORT, 0, new Endpoint(SRC), new Endpoint(DST));
    private static final SaIndex AH_TRANSPORT =
            new SaIndex(SaType.AH, IpsecMode.TRANSPORT, 0, new Endpoint(SRC), new Endpoint(DST));
    private static final SaIndex ESP_TUNNEL =
            new SaIndex(SaType.ESP, IpsecMode.TUNNEL, 0, new Endpoint(GW1), new Endpoint(GW2));

    private OutboundDecision<String> run(String policy, Map<SaIndex, String> sad) throws Exception {
        Function<SaIndex, Optional<String>> lookup = i -> Optional.ofNullable(sad.get(i));
        return resolver.resolve(PolicyParser.parse(policy), false, SRC, DST, lookup);
    }

    @Test
    void policyTypes() throws Exception {
        assertInstanceOf(OutboundDecision.Clear.class, run("out none", Map.of()));
        assertInstanceOf(OutboundDecision.Clear.class, run("out bypass", Map.of()));
        assertInstanceOf(OutboundDecision.Discard.class, run("out discard", Map.of()));
    }

    @Test
    void allSasPresentGivesStepsInChainOrder() throws Exception {
        var d = assertInstanceOf(
                OutboundDecision.Protect.class,
                run(
                        "out ipsec esp/transport//require ah/transport//require",
                        Map.of(ESP_TRANSPORT, "esp", AH_TRANSPORT, "ah")));
        assertEquals(
                List.of("esp", "ah"),
                d.steps().stream().map(s -> ((OutboundDecision.Step<?>) s).sa()).toList());
        assertTrue(d.acquire().isEmpty());
    }

    @Test
    void missingSaAtRequireDropsAndAcquires() throws Exception {
        var d = assertInstanceOf(
                OutboundDecision.NoSa.class, run("out ipsec esp/tunnel/192.168.0.1-192.168.1.2/require", Map.of()));
        assertEquals(0, d.requestIndex());
        assertEquals(ESP_TUNNEL, d.missing());
        assertEquals(List.of(ESP_TUNNEL), d.acquire());
    }

    @Test
    void missingSaAtUseSkipsTheRequestButStillAcquires() throws Exception {
        var d = assertInstanceOf(
                OutboundDecision.Protect.class,
                run("out ipsec esp/transport//use ah/transport//require", Map.of(AH_TRANSPORT, "ah")));
        assertEquals(1, d.steps().size());
        assertEquals(List.of(ESP_TRANSPORT), d.acquire());
        var none = assertInstanceOf(OutboundDecision.Protect.class, run("out ipsec esp/transport//use", Map.of()));
        assertTrue(none.steps().isEmpty());
    }

    @Test
    void defaultLevelFollowsDeflevAndUniqueCarriesReqid() throws Exception {
        assertInstanceOf(OutboundDecision.Protect.class, run("out ipsec esp/transport//default", Map.of()));
        sysctl.write("net.inet.ipsec.esp_trans_deflev", 2);
        assertInstanceOf(OutboundDecision.NoSa.class, run("out ipsec esp/transport//default", Map.of()));
        var d = assertInstanceOf(OutboundDecision.NoSa.class, run("out ipsec esp/transport//unique:9", Map.of()));
        assertEquals(9, d.missing().reqid());
        // a later required request is not looked at once the packet is dropped (NetBSD stops there)
        var first = assertInstanceOf(
                OutboundDecision.NoSa.class, run("out ipsec esp/transport//require ah/transport//require", Map.of()));
        assertEquals(List.of(ESP_TRANSPORT), first.acquire());
    }
}
