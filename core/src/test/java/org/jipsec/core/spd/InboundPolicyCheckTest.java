package org.jipsec.core.spd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.net.InetAddress;
import java.util.List;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.spd.InboundVerdict.Reason;
import org.jipsec.core.sysctl.Sysctl;
import org.junit.jupiter.api.Test;

/** The inbound policy check over the decapsulation history (spec §4.5; the ipsec(4) BUGS case). */
class InboundPolicyCheckTest {

    private static final InetAddress A = InetAddress.ofLiteral("10.0.0.1");
    private static final InetAddress B = InetAddress.ofLiteral("10.0.0.2");
    private static final InetAddress C = InetAddress.ofLiteral("10.0.0.3");

    private final Sysctl sysctl = Sysctl.withNetbsdDefaults();
    private final InboundPolicyCheck check = new InboundPolicyCheck(new SystemDefaults(sysctl));

    private static AppliedTransform t(IpsecProtocol p, IpsecMode m, InetAddress src, InetAddress dst) {
        return new AppliedTransform(p, m, src, dst, 0x1000, src, dst);
    }

    private InboundVerdict run(String policy, AppliedTransform... history) throws Exception {
        return check.check(PolicyParser.parse(policy), false, List.of(history));
    }

    private static void rejected(InboundVerdict v, Reason reason, int index) {
        InboundVerdict.Reject r = assertInstanceOf(InboundVerdict.Reject.class, v);
        assertEquals(reason, r.reason(), r.detail());
        assertEquals(index, r.requestIndex());
    }

    private static final String BUGS =
            "in ipsec esp/tunnel/10.0.0.1-10.0.0.2/use ah/transport/10.0.0.1-10.0.0.2/require";

    @Test
    void bugsCaseAhProtectedTunnelPacketIsAccepted() throws Exception {
        // wire: IP(A->B) | AH | ESP | IP(inner) | ...  — NetBSD rejects it (ipsec.4 BUGS), jipsec accepts
        assertInstanceOf(
                InboundVerdict.Accept.class,
                run(
                        BUGS,
                        t(IpsecProtocol.AH, IpsecMode.TRANSPORT, A, B),
                        t(IpsecProtocol.ESP, IpsecMode.TUNNEL, A, B)));
        // the ESP tunnel is only "use": AH alone is enough
        assertInstanceOf(InboundVerdict.Accept.class, run(BUGS, t(IpsecProtocol.AH, IpsecMode.TRANSPORT, A, B)));
    }

    @Test
    void bugsCasePacketsLackingTheRequiredAhAreRejected() throws Exception {
        rejected(run(BUGS), Reason.NOT_PROTECTED, 1);
        rejected(run(BUGS, t(IpsecProtocol.ESP, IpsecMode.TUNNEL, A, B)), Reason.NOT_PROTECTED, 1);
        // stricter than NetBSD: AH of another mode or between other endpoints does not satisfy the request
        rejected(run(BUGS, t(IpsecProtocol.AH, IpsecMode.TUNNEL, A, B)), Reason.PROTECTION_MISMATCH, 1);
        rejected(run(BUGS, t(IpsecProtocol.AH, IpsecMode.TRANSPORT, C, B)), Reason.PROTECTION_MISMATCH, 1);
    }

    @Test
    void policyTypes() throws Exception {
        rejected(run("in discard"), Reason.POLICY_DISCARD, -1);
        assertInstanceOf(InboundVerdict.Accept.class, run("in none"));
        assertInstanceOf(InboundVerdict.Accept.class, run("in bypass"));
        rejected(run("in entrust"), Reason.POLICY_INVALID, -1);
    }

    @Test
    void bundleOrderFirstRequestIsInnermost() throws Exception {
        String p = "in ipsec esp/transport//require ah/transport//require";
        // IP | AH | ESP | payload: AH removed first
        assertInstanceOf(
                InboundVerdict.Accept.class,
                run(
                        p,
                        t(IpsecProtocol.AH, IpsecMode.TRANSPORT, A, B),
                        t(IpsecProtocol.ESP, IpsecMode.TRANSPORT, A, B)));
        rejected(
                run(p, t(IpsecProtocol.ESP, IpsecMode.TRANSPORT, A, B), t(IpsecProtocol.AH, IpsecMode.TRANSPORT, A, B)),
                Reason.PROTECTION_MISMATCH,
                1);
        rejected(run(p, t(IpsecProtocol.ESP, IpsecMode.TRANSPORT, A, B)), Reason.NOT_PROTECTED, 1);
    }

    @Test
    void levelsResolveThroughDeflevAndUseIsNotEnforced() throws Exception {
        assertInstanceOf(InboundVerdict.Accept.class, run("in ipsec esp/transport//use"));
        assertInstanceOf(InboundVerdict.Accept.class, run("in ipsec esp/transport//default"));
        sysctl.write("net.inet.ipsec.esp_trans_deflev", 2);
        rejected(run("in ipsec esp/transport//default"), Reason.NOT_PROTECTED, 0);
        rejected(run("in ipsec esp/transport//unique:3"), Reason.NOT_PROTECTED, 0);
        // the IPv6 set is separate
        assertInstanceOf(
                InboundVerdict.Accept.class,
                check.check(PolicyParser.parse("in ipsec esp/transport//default"), true, List.of()));
        // IPComp is never enforced (a sender may skip compression, RFC 3173 §2.2)
        assertInstanceOf(InboundVerdict.Accept.class, run("in ipsec ipcomp/transport//require"));
    }

    @Test
    void tunnelEndpointsAreChecked() throws Exception {
        String p = "in ipsec esp/tunnel/10.0.0.1-10.0.0.2/require";
        assertInstanceOf(InboundVerdict.Accept.class, run(p, t(IpsecProtocol.ESP, IpsecMode.TUNNEL, A, B)));
        rejected(run(p, t(IpsecProtocol.ESP, IpsecMode.TUNNEL, C, B)), Reason.PROTECTION_MISMATCH, 0);
        rejected(run(p, t(IpsecProtocol.ESP, IpsecMode.TRANSPORT, A, B)), Reason.PROTECTION_MISMATCH, 0);
    }
}
