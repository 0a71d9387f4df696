package org.jipsec.core.setkey.dump;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecLevel;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.ipsec.IpsecRequest;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.ipsec.PolicyType;
import org.jipsec.core.ipsec.XPolicy;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;
import org.junit.jupiter.api.Test;

/**
 * The dump printers on messages built by hand, for what the engine does not produce today: used SAs with byte and
 * allocation counters, NAT-OA, states, numbers without names, kernel-assigned reqids, policy lifetimes, per-socket
 * policies, selector mismatches, local time zones. Expected text written from pfkey_dump.c's formats (spec §3.3, §3.4).
 */
class DumpPrinterTest {

    private static final long T0 = 1_764_324_000L; // 2025-11-28 10:00:00 UTC

    private static Endpoint ep(String a, int port) throws Exception {
        return new Endpoint(InetAddress.getByName(a), port);
    }

    @Test
    void usedSaWithCountersNatOaAndUnknownNumbers() throws Exception {
        PfkeyMessage m = new PfkeyMessage(
                2,
                Sadb.SADB_DUMP,
                0,
                Sadb.SADB_SATYPE_AH,
                3,
                5,
                99,
                List.of(
                        new Extension.Sa(0xdeadbeef, 8, 2, 99, 0, 0x40),
                        new Extension.Sa2(2, 0x1234, 0x4001),
                        new Extension.Lifetime(Sadb.SADB_EXT_LIFETIME_CURRENT, 7, 123_456_789_012L, T0, T0 + 100),
                        new Extension.Lifetime(Sadb.SADB_EXT_LIFETIME_HARD, 1000, 0, 86400, 3600),
                        Extension.Address.of(Sadb.SADB_EXT_ADDRESS_SRC, ep("2001:db8::1", 0)),
                        Extension.Address.of(Sadb.SADB_EXT_ADDRESS_DST, ep("2001:db8::2", 0)),
                        new Extension.Key(Sadb.SADB_EXT_KEY_AUTH, 32, new byte[] {1, 2, 3, 4}),
                        new Extension.NatTType(1),
                        new Extension.NatTPort(Sadb.SADB_X_EXT_NAT_T_SPORT, 500),
                        new Extension.NatTPort(Sadb.SADB_X_EXT_NAT_T_DPORT, 4500),
                        Extension.Address.of(Sadb.SADB_X_EXT_NAT_T_OA, ep("10.9.9.9", 0))));
        // AH with NAT-T: "natt+ah"; auth 99 has no name: "99 "; state 2: dying; soft lifetime missing: zeros
        assertEquals("""
                2001:db8::1[500] 2001:db8::2[4500]\s
                \tnatt+ah mode=tunnel spi=3735928559(0xdeadbeef) reqid=16385(0x00004001)
                \tNAT OA=10.9.9.9
                \tA: 99  01020304
                \tseq=0x00001234 replay=8 flags=0x00000040 state=dying\s
                \tcreated: Nov 28 11:00:00 2025\tcurrent: Nov 28 12:00:00 2025
                \tdiff: 3600(s)\thard: 86400(s)\tsoft: 0(s)
                \tlast: Nov 28 11:01:40 2025\thard: 3600(s)\tsoft: 0(s)
                \tcurrent: 123456789012(bytes)\thard: 0(bytes)\tsoft: 0(bytes)
                \tallocated: 7\thard: 1000\tsoft: 0
                \tsadb_seq=5 pid=99 refcnt=3
                """, SaDumpPrinter.format(m, false, T0 + 3600, ZoneId.of("Europe/Paris")));
    }

    @Test
    void missingExtensionsAreNamed() throws Exception {
        PfkeyMessage noSrc = PfkeyMessage.of(Sadb.SADB_DUMP, 3, 0, 1, List.of());
        assertEquals("no ADDRESS_SRC extension.\n", SaDumpPrinter.format(noSrc, false, T0, ZoneOffset.UTC));
        PfkeyMessage noSa = PfkeyMessage.of(
                Sadb.SADB_DUMP,
                3,
                0,
                1,
                List.of(
                        Extension.Address.of(Sadb.SADB_EXT_ADDRESS_SRC, ep("10.0.0.1", 0)),
                        Extension.Address.of(Sadb.SADB_EXT_ADDRESS_DST, ep("10.0.0.2", 0))));
        assertEquals("10.0.0.1 10.0.0.2 no SA extension.\n", SaDumpPrinter.format(noSa, false, T0, ZoneOffset.UTC));
        PfkeyMessage noSelector = PfkeyMessage.of(
                Sadb.SADB_X_SPDDUMP,
                0,
                0,
                1,
                List.of(new Extension.Policy(
                        new XPolicy(PolicyType.DISCARD, PolicyDirection.OUTBOUND, 9, 0, List.of()))));
        assertEquals(
                "(no selector, probably per-socket policy) \n\tout discard\n\tspid=9 seq=0 pid=1\n\trefcnt=0\n",
                SpdDumpPrinter.format(noSelector, false, ZoneOffset.UTC));
    }

    @Test
    void policyLifetimesKernelReqidsAndMismatch() throws Exception {
        IpsecRequest r = new IpsecRequest(IpsecProtocol.ESP, IpsecMode.TRANSPORT, IpsecLevel.UNIQUE, 16385);
        PfkeyMessage m = PfkeyMessage.of(
                Sadb.SADB_X_SPDEXPIRE,
                0,
                0,
                0,
                List.of(
                        new Extension.Lifetime(Sadb.SADB_EXT_LIFETIME_CURRENT, 0, 0, T0, 0),
                        new Extension.Lifetime(Sadb.SADB_EXT_LIFETIME_HARD, 0, 0, 600, 60),
                        new Extension.Address(Sadb.SADB_EXT_ADDRESS_SRC, 6, 24, ep("10.1.0.0", 0)),
                        new Extension.Address(Sadb.SADB_EXT_ADDRESS_DST, 6, 32, ep("10.2.0.1", 443)),
                        new Extension.Policy(
                                new XPolicy(PolicyType.IPSEC, PolicyDirection.INBOUND, 17, 0, List.of(r)))));
        assertEquals("""
                10.1.0.0/24[any] 10.2.0.1[443] 6(tcp)
                \tin ipsec
                \tesp/transport//unique#16385
                \tcreated: Nov 28 10:00:00 2025  lastused:                    \s
                \tlifetime: 600(s) validtime: 60(s)
                \tspid=17 seq=0 pid=0
                \trefcnt=0
                """, SpdDumpPrinter.format(m, false, ZoneOffset.UTC));
        PfkeyMessage mismatch = PfkeyMessage.of(
                Sadb.SADB_X_SPDDUMP,
                0,
                0,
                0,
                List.of(
                        new Extension.Address(Sadb.SADB_EXT_ADDRESS_SRC, 6, 32, ep("10.1.0.1", 0)),
                        new Extension.Address(Sadb.SADB_EXT_ADDRESS_DST, 17, 32, ep("10.2.0.1", 0)),
                        new Extension.Policy(new XPolicy(PolicyType.NONE, PolicyDirection.INBOUND, 1, 0, List.of()))));
        assertEquals(
                "10.1.0.1[any] 10.2.0.1[any] upper layer protocol mismatched.\n",
                SpdDumpPrinter.format(mismatch, false, ZoneOffset.UTC));
    }

    @Test
    void ctimeFormat() {
        assertEquals("Jan  1 00:00:01 1970", DumpTime.format(1, ZoneOffset.UTC));
        assertEquals(" ".repeat(20), DumpTime.format(0, ZoneOffset.UTC));
        assertEquals("Nov 28 05:00:00 2025", DumpTime.format(T0, ZoneId.of("America/New_York")));
        assertEquals("?".repeat(20), DumpTime.format(Long.MAX_VALUE, ZoneOffset.UTC));
    }
}
