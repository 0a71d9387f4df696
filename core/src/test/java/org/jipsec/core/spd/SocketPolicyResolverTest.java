package org.jipsec.core.spd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jipsec.core.ipsec.IpsecLevel;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.ipsec.IpsecRequest;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.ipsec.PolicyType;
import org.jipsec.core.ipsec.XPolicy;
import org.jipsec.core.spd.SocketPolicyResolver.Effective;
import org.jipsec.core.spd.SocketPolicyResolver.Refused;
import org.jipsec.core.spd.SocketPolicyResolver.Resolution;
import org.jipsec.core.spd.SocketPolicyResolver.Source;
import org.jipsec.core.sysctl.Sysctl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Per-socket policy precedence (spec §4.2): socket vs. SPD vs. system default. */
class SocketPolicyResolverTest {

    private static final String SOCKET_IPSEC = "out ipsec ah/transport//require";
    private static final String SPD_POLICY = "out ipsec esp/transport//use";

    /**
     * privileged, socket policy, SPD has a match, def_policy, deflev esp_trans →
     * source, resolved type, errno, effective level of the first request (or -).
     */
    @ParameterizedTest
    @CsvSource({
        "true,  bypass,  true,  1, 1, SOCKET,         BYPASS,  , -",
        "true,  bypass,  false, 0, 1, SOCKET,         BYPASS,  , -",
        "true,  ipsec,   true,  1, 1, SOCKET,         IPSEC,   , REQUIRE",
        "true,  ipsec,   false, 0, 2, SOCKET,         IPSEC,   , REQUIRE",
        "true,  entrust, true,  1, 1, SPD,            IPSEC,   , USE",
        "true,  entrust, true,  0, 2, SPD,            IPSEC,   , USE",
        "true,  entrust, false, 0, 1, SYSTEM_DEFAULT, DISCARD, , -",
        "true,  entrust, false, 1, 1, SYSTEM_DEFAULT, NONE,    , -",
        "false, entrust, true,  1, 1, SPD,            IPSEC,   , USE",
        "false, ipsec,   true,  1, 1, SPD,            IPSEC,   , USE",
        "false, bypass,  true,  0, 1, SPD,            IPSEC,   , USE",
        "false, entrust, false, 0, 1, SYSTEM_DEFAULT, DISCARD, , -",
        "false, entrust, false, 1, 2, SYSTEM_DEFAULT, NONE,    , -",
        "false, ipsec,   false, 0, 1, SOCKET,         IPSEC,   , REQUIRE",
        "false, bypass,  false, 1, 1, ,               ,        EINVAL, -",
        "false, bypass,  false, 0, 1, ,               ,        EINVAL, -",
    })
    void precedence(
            boolean privileged,
            String socketType,
            boolean spdMatch,
            int defPolicy,
            int espTransDeflev,
            Source source,
            PolicyType type,
            SpdException.Errno errno,
            String level)
            throws Exception {
        Sysctl sysctl = Sysctl.withNetbsdDefaults();
        sysctl.write("net.inet.ipsec.def_policy", defPolicy);
        sysctl.write("net.inet.ipsec.esp_trans_deflev", espTransDeflev);
        SystemDefaults defaults = new SystemDefaults(sysctl);
        Spd spd = new Spd(() -> Instant.EPOCH, sysctl);
        if (spdMatch) {
            spd.add(
                    SpdTest.sel("10.0.0.0/8", 0, "0.0.0.0/0", 0, 255),
                    PolicyParser.parse(SPD_POLICY),
                    PolicyOrigin.USER,
                    PolicyLifetime.NONE);
        }
        XPolicy socket =
                socketType.equals("ipsec") ? PolicyParser.parse(SOCKET_IPSEC) : PolicyParser.parse("out " + socketType);
        AtomicInteger lookups = new AtomicInteger();
        FlowKey pkt = SpdTest.pkt("10.1.1.1", 1000, "192.0.2.1", 80, 6);
        Resolution res = SocketPolicyResolver.resolve(
                socket,
                privileged,
                () -> {
                    lookups.incrementAndGet();
                    return spd.lookup(PolicyDirection.OUTBOUND, pkt);
                },
                defaults.defaultPolicy(PolicyDirection.OUTBOUND, false));
        if (errno != null) {
            assertEquals(errno, assertInstanceOf(Refused.class, res).errno());
            return;
        }
        Effective e = assertInstanceOf(Effective.class, res);
        assertEquals(source, e.source());
        assertEquals(type, e.policy().type());
        assertEquals(source == Source.SPD, e.spdEntry().isPresent());
        // a privileged socket with its own BYPASS/IPSEC policy never consults the SPD
        if (privileged && !socketType.equals("entrust")) assertEquals(0, lookups.get());
        if (!level.equals("-")) {
            assertEquals(
                    IpsecLevel.valueOf(level),
                    defaults.effectiveLevel(e.policy().requests().getFirst(), false));
        }
    }

    /** setsockopt(IP_IPSEC_POLICY) validation (spec §4.2, §1.12). */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "in discard|true|EINVAL",
                "out none|true|EINVAL",
                "out bypass|false|EPERM",
                "out bypass|true|",
                "in entrust|false|",
                "out ipsec esp/transport//require|false|",
            })
    void setsockoptValidation(String policy, boolean privileged, SpdException.Errno errno) throws Exception {
        XPolicy x = PolicyParser.parse(policy);
        ReqidAllocator reqids = new ReqidAllocator();
        if (errno != null) {
            assertEquals(
                    errno,
                    assertThrows(
                                    SpdException.class,
                                    () -> SocketPolicyResolver.validateForSocket(x, privileged, reqids::next))
                            .errno());
        } else {
            assertEquals(x, SocketPolicyResolver.validateForSocket(x, privileged, reqids::next));
        }
    }

    @Test
    void setsockoptRefusesDirectionAnyAndModeAnyAndAssignsReqids() throws Exception {
        ReqidAllocator reqids = new ReqidAllocator();
        XPolicy any = new XPolicy(PolicyType.ENTRUST, PolicyDirection.ANY, 0, 0, List.of());
        assertEquals(
                SpdException.Errno.EINVAL,
                assertThrows(SpdException.class, () -> SocketPolicyResolver.validateForSocket(any, true, reqids::next))
                        .errno());
        XPolicy modeAny = new XPolicy(
                PolicyType.IPSEC,
                PolicyDirection.OUTBOUND,
                0,
                0,
                List.of(new IpsecRequest(IpsecProtocol.ESP, IpsecMode.ANY, IpsecLevel.USE, 0)));
        assertEquals(
                SpdException.Errno.EINVAL,
                assertThrows(
                                SpdException.class,
                                () -> SocketPolicyResolver.validateForSocket(modeAny, true, reqids::next))
                        .errno());
        XPolicy x = SocketPolicyResolver.validateForSocket(
                PolicyParser.parse(
                        "out ipsec esp/transport//unique ah/transport//unique:20000 esp/tunnel/1.1.1.1-2.2.2.2/unique:7"),
                false,
                reqids::next);
        assertEquals(
                List.of(0x4001, 0x4002, 7),
                x.requests().stream().map(IpsecRequest::reqid).toList());
        assertEquals(
                "out ipsec esp/transport//unique#16385 ah/transport//unique#16386 esp/tunnel/1.1.1.1-2.2.2.2/unique:7",
                PolicyFormatter.dump(x, " "));
        // non-ipsec policies keep no requests
        assertEquals(
                List.of(),
                SocketPolicyResolver.validateForSocket(
                                PolicyParser.parse("in entrust esp/transport//use"), false, reqids::next)
                        .requests());
        assertEquals(
                PolicyType.ENTRUST,
                SocketPolicyResolver.entrust(PolicyDirection.INBOUND).type());
    }

    @Test
    void reqidCounterWrapsTo0x4000() {
        ReqidAllocator a = new ReqidAllocator();
        int last = 0;
        for (int i = 0; i < 0xffff - 0x4000; i++) last = a.next();
        assertEquals(0xffff, last);
        assertEquals(0x4000, a.next());
        assertEquals(0x4001, a.next());
    }
}
