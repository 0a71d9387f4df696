package org.jipsec.core.spd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetAddress;
import java.util.List;
import org.jipsec.core.ipsec.IpsecLevel;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.ipsec.IpsecRequest;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.ipsec.PolicyType;
import org.jipsec.core.ipsec.XPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyParserTest {

    /** ipsec_set_policy(3) examples (spec §3.1) and the -P strings of setkey(8) (spec §2.6): parse, dump, equal. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "in discard",
                "out ipsec esp/transport//require",
                "in ipsec ah/transport//require",
                "out ipsec esp/tunnel/10.1.1.2-10.1.1.1/use",
                "in ipsec ipcomp/transport//use esp/transport//use",
                "out ipsec esp/tunnel/192.168.0.1-192.168.1.2/require",
                "in none",
                "out none",
                "out discard",
                "in ipsec esp/transport//require",
                "out ipsec esp/transport//require ah/transport//require",
                "out ipsec esp/tunnel/3ffe:501:4819::1-3ffe:501:481d::1/unique:5",
                "out ipsec ah/transport//unique",
                "in entrust",
                "out bypass",
                "in ipsec esp/tunnel/fe80::1%2-fe80::2%2/require",
            })
    void manPageFormsRoundTrip(String policy) throws Exception {
        assertEquals(policy, PolicyFormatter.dump(PolicyParser.parse(policy), " "));
    }

    @Test
    void natTPortsRoundTripWithPorts() throws Exception {
        String p = "out ipsec esp/tunnel/192.168.0.1[4500]-192.168.1.2[30000]/require";
        XPolicy x = PolicyParser.parse(p);
        assertEquals(4500, x.requests().getFirst().source().orElseThrow().port());
        assertEquals(30000, x.requests().getFirst().destination().orElseThrow().port());
        assertEquals(p, PolicyFormatter.dumpWithPorts(x, " "));
        assertEquals("out ipsec esp/tunnel/192.168.0.1-192.168.1.2/require", PolicyFormatter.dump(x, " "));
    }

    @Test
    void parsedValueIsWhatLibipsecBuilds() throws Exception {
        XPolicy x = PolicyParser.parse("out ipsec esp/tunnel/10.1.1.2-10.1.1.1/use ah/transport//require");
        assertEquals(
                new XPolicy(
                        PolicyType.IPSEC,
                        PolicyDirection.OUTBOUND,
                        0,
                        0,
                        List.of(
                                new IpsecRequest(
                                        IpsecProtocol.ESP,
                                        IpsecMode.TUNNEL,
                                        IpsecLevel.USE,
                                        0,
                                        java.util.Optional.of(
                                                new org.jipsec.core.ipsec.Endpoint(InetAddress.ofLiteral("10.1.1.2"))),
                                        java.util.Optional.of(
                                                new org.jipsec.core.ipsec.Endpoint(InetAddress.ofLiteral("10.1.1.1")))),
                                new IpsecRequest(IpsecProtocol.AH, IpsecMode.TRANSPORT, IpsecLevel.REQUIRE, 0))),
                x);
    }

    /** Shorter rule forms and what they dump as. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "out ipsec esp/transport|out ipsec esp/transport//default",
                "out ipsec esp/transport/|out ipsec esp/transport//default",
                "out ipsec esp/tunnel/10.0.0.1-10.0.0.2|out ipsec esp/tunnel/10.0.0.1-10.0.0.2/default",
                "out ipsec esp/tunnel/10.0.0.1-10.0.0.2/|out ipsec esp/tunnel/10.0.0.1-10.0.0.2/default",
                "fwd ipsec esp/transport//use|in ipsec esp/transport//use",
                "in|in discard",
                "out ipsec|out ipsec",
                "out ipsec esp/transport/me-any/require|out ipsec esp/transport//require",
                "in ipsec esp/transport/any-me/use|in ipsec esp/transport//use",
                "out ipsec ah/transport//unique:0|out ipsec ah/transport//unique",
                "out ipsec ah/transport//unique:65541|out ipsec ah/transport//unique:5",
                "'  out\n\tipsec   esp/transport//require\n'|out ipsec esp/transport//require",
                "in discard esp/tunnel/|in discard",
                "in priority 2147483648 discard|in discard",
                "in prio low - 1073741824 none|in none",
                "out ipsec esp/tunnel/::ffff:10.0.0.1-::ffff:10.0.0.2/use|out ipsec esp/tunnel/::ffff:10.0.0.1-::ffff:10.0.0.2/use",
                "out ipsec esp/tunnel/0:0::0:a00:1-::1.2.3.4/use|out ipsec esp/tunnel/::10.0.0.1-::1.2.3.4/use",
                "out ipsec esp/tunnel/2001:DB8:0:0:1:0:0:1-2001:db8::/use|out ipsec esp/tunnel/2001:db8::1:0:0:1-2001:db8::/use",
                "out ipsec esp/tunnel/::-::1/use|out ipsec esp/tunnel/::-::1/use",
                "out ipsec esp/tunnel/1:0:0:2:0:0:0:3-1:2:3:4:5:6:7:8/use|out ipsec esp/tunnel/1:0:0:2::3-1:2:3:4:5:6:7:8/use",
            })
    void shortFormsAndOddities(String in, String dumped) throws Exception {
        assertEquals(dumped, PolicyFormatter.dump(PolicyParser.parse(in), " "));
    }

    @Test
    void uniqueReqidAndDelimiter() throws Exception {
        XPolicy x = PolicyParser.parse("out ipsec esp/transport//unique:5 ah/transport//require");
        assertEquals(5, x.requests().getFirst().reqid());
        assertEquals("out ipsec\n\tesp/transport//unique:5\n\tah/transport//require", PolicyFormatter.dump(x, "\n\t"));
        assertEquals("out ipsec esp/transport//unique:5 ah/transport//require", PolicyFormatter.dump(x, null));
    }

    @Test
    void kernelAssignedReqidDumpsWithHash() throws Exception {
        XPolicy x = new XPolicy(
                PolicyType.IPSEC,
                PolicyDirection.OUTBOUND,
                7,
                0,
                List.of(
                        new IpsecRequest(IpsecProtocol.ESP, IpsecMode.TRANSPORT, IpsecLevel.UNIQUE, 16385),
                        new IpsecRequest(IpsecProtocol.AH, IpsecMode.TRANSPORT, IpsecLevel.UNIQUE, 0x3fff)));
        assertEquals("out ipsec esp/transport//unique#16385 ah/transport//unique:16383", PolicyFormatter.dump(x, " "));
    }

    @Test
    void withPortsPrintsZeroPorts() throws Exception {
        XPolicy x = PolicyParser.parse("out ipsec esp/tunnel/192.168.0.1-192.168.1.2/require");
        assertEquals(
                "out ipsec\n\tesp/tunnel/192.168.0.1[0]-192.168.1.2[0]/require",
                PolicyFormatter.dumpWithPorts(x, "\n\t"));
    }

    /** Errors: libipsec code/text, position and token. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "''|INVAL_ARGUMENT|0",
                "discard|INVAL_ARGUMENT|0",
                "in foo|INVAL_ARGUMENT|3",
                "out ipsec esp|FEW_ARGUMENTS|13",
                "out ipsec esp/|FEW_ARGUMENTS|14",
                "out ipsec esp ah/transport//use|FEW_ARGUMENTS|14",
                "out ipsec esp/tunnel//require|INVAL_ADDRESS|10",
                "out ipsec esp/tunnel|INVAL_ADDRESS|10",
                "out ipsec esp/tunnel/10.0.0.1-::1/use|FAMILY_MISMATCH|10",
                "out ipsec esp/tunnel/10.0.0.1-::ffff:10.0.0.2/use|FAMILY_MISMATCH|10",
                "out ipsec esp/tunnel/fe80::1%eth0-fe80::2/use|SYSTEM_ERROR|21",
                "out ipsec esp/tunnel/10.0.0.1%1-10.0.0.2/use|SYSTEM_ERROR|21",
                "in ipsec esp/transport/me-any/use|INVAL_DIR|23",
                "out ipsec esp/transport/any-me/use|INVAL_DIR|24",
                "out ipsec esp/tunnel/host.example-10.0.0.1/use|SYSTEM_ERROR|21",
                "out ipsec esp/tunnel/10.0.0.1-10.0.0.300/use|SYSTEM_ERROR|30",
                "out ipsec esp/transport/require|INVAL_ARGUMENT|24",
                "out ipsec esp/transport//|INVAL_ARGUMENT|25",
                "out priority 10 ipsec esp/transport//use|PRIORITY_NOT_COMPILED|4",
                "out prio def ipsec|PRIORITY_NOT_COMPILED|4",
                "out prio high + 5 discard|PRIORITY_NOT_COMPILED|4",
                "out prio low - 5 discard|PRIORITY_NOT_COMPILED|4",
                "out priority - 5 discard|PRIORITY_NOT_COMPILED|4",
                "out priority 2147483649 discard|INVAL_PRIORITY_OFFSET|4",
                "out priority - 2147483648 discard|INVAL_PRIORITY_OFFSET|4",
                "out prio high + 1073741824 discard|INVAL_PRIORITY_BASE_OFFSET|4",
                "out prio high - 1073741825 discard|INVAL_PRIORITY_BASE_OFFSET|4",
                "out priority 10|INVAL_ARGUMENT|15",
                "out ipsec esp/tunnel/10.0.0.1[70000]-10.0.0.2[1]/use|INVAL_ADDRESS|29",
                "out ipsec esp/tunnel/10.0.0.1[5]-10.0.0.2/use|INVAL_ARGUMENT|41",
                "out ipsec esp/tunnel/10.0.0.1-10.0.0.2[5]/use|INVAL_ARGUMENT|38",
                "out ipsec esp/transport//require!|INVAL_ARGUMENT|32",
                "in discard esp/tunnel/ foo|SYSTEM_ERROR|23",
                "in discard esp/tunnel/ esp|FEW_ARGUMENTS|26",
            })
    void errors(String policy, IpsecError expected, int position) {
        PolicyParseException e = assertThrows(PolicyParseException.class, () -> PolicyParser.parse(policy));
        assertEquals(expected, e.error(), e.getMessage());
        assertEquals(position, e.position(), e.getMessage());
        assertTrue(e.getMessage().startsWith(expected.text()), e.getMessage());
    }

    @Test
    void errorMessageNamesPositionAndToken() {
        PolicyParseException e = assertThrows(PolicyParseException.class, () -> PolicyParser.parse("out ipsec esp"));
        assertEquals("Too few arguments at position 13 (end of input)", e.getMessage());
        e = assertThrows(PolicyParseException.class, () -> PolicyParser.parse("in foo"));
        assertEquals("Invalid argument (syntax error) at position 3 near \"foo\"", e.getMessage());
        e = assertThrows(PolicyParseException.class, () -> PolicyParser.parse("out prio def ipsec"));
        assertEquals("Policy priority not compiled in at position 4 near \"prio\"", e.getMessage());
    }

    @Test
    void setkeyManPageGreLineWithoutDashPIsRefused() {
        // setkey.8 shows "... gre 1234 ipsec esp/transport//require" without -P; as a policy it lacks a direction
        assertThrows(PolicyParseException.class, () -> PolicyParser.parse("ipsec esp/transport//require"));
    }

    /** Only the declared exception; a successful parse of an ipsec policy survives dump → parse. */
    @FuzzTest(maxDuration = "10s")
    void fuzzParse(FuzzedDataProvider data) {
        String s = data.consumeRemainingAsString();
        XPolicy x;
        try {
            x = PolicyParser.parse(s);
        } catch (PolicyParseException e) {
            return;
        }
        try {
            String dumped = PolicyFormatter.dumpWithPorts(x, " ");
            boolean manualReqids = x.requests().stream().allMatch(r -> r.reqid() <= PolicyFormatter.MANUAL_REQID_MAX);
            if (x.type() == PolicyType.IPSEC && manualReqids) {
                assertEquals(x, PolicyParser.parse(dumped), dumped);
            }
        } catch (PolicyParseException e) {
            throw new AssertionError("dump/reparse failed for " + s, e);
        }
    }
}
