package org.jipsec.core.ikekernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecLevel;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.ipsec.IpsecRequest;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.ipsec.PolicyType;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.ipsec.XPolicy;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;
import org.junit.jupiter.api.Test;

class KernelMessagesTest {

    static Endpoint ep(String a) throws Exception {
        return new Endpoint(InetAddress.getByName(a));
    }

    @Test
    void acquireThenResolvedBySpdGet() throws Exception {
        PfkeyMessage acq = PfkeyMessage.of(
                Sadb.SADB_ACQUIRE,
                Sadb.SADB_SATYPE_ESP,
                77,
                0,
                List.of(
                        Extension.Address.of(Sadb.SADB_EXT_ADDRESS_SRC, ep("192.0.2.1")),
                        Extension.Address.of(Sadb.SADB_EXT_ADDRESS_DST, ep("192.0.2.2")),
                        new Extension.Policy(
                                new XPolicy(PolicyType.IPSEC, PolicyDirection.OUTBOUND, 9, 0, List.of()))));
        KernelEvent.Acquire a =
                (KernelEvent.Acquire) KernelMessages.event(acq, 100).orElseThrow();
        assertEquals(77, a.seq());
        assertEquals(Optional.of(9), a.policyId());
        assertTrue(a.selector().isEmpty());
        PfkeyMessage spd = PfkeyMessage.of(
                Sadb.SADB_X_SPDGET,
                0,
                1,
                100,
                List.of(
                        new Extension.Address(Sadb.SADB_EXT_ADDRESS_SRC, 255, 24, ep("10.1.0.0")),
                        new Extension.Address(Sadb.SADB_EXT_ADDRESS_DST, 255, 24, ep("10.2.0.0")),
                        new Extension.Policy(new XPolicy(
                                PolicyType.IPSEC,
                                PolicyDirection.OUTBOUND,
                                9,
                                0,
                                List.of(new IpsecRequest(
                                        IpsecProtocol.ESP,
                                        IpsecMode.TUNNEL,
                                        IpsecLevel.UNIQUE,
                                        7,
                                        Optional.of(ep("192.0.2.1")),
                                        Optional.of(ep("192.0.2.2"))))))));
        KernelEvent.Acquire r = KernelMessages.resolve(a, spd).orElseThrow();
        assertEquals(24, r.selector().orElseThrow().sourcePrefixBits());
        assertEquals(7, r.reqid());
        assertEquals(Optional.of(IpsecMode.TUNNEL), r.mode());
    }

    @Test
    void expireSoftAndHardAndOthersIgnored() throws Exception {
        List<Extension> base = List.of(
                new Extension.Sa(0x2000, 4, 2, 0, 20, 0),
                new Extension.Sa2(2, 0, 5),
                new Extension.Lifetime(Sadb.SADB_EXT_LIFETIME_CURRENT, 3, 1500, 100, 0));
        List<Extension> addrs = List.of(
                Extension.Address.of(Sadb.SADB_EXT_ADDRESS_SRC, ep("192.0.2.1")),
                Extension.Address.of(Sadb.SADB_EXT_ADDRESS_DST, ep("192.0.2.2")));
        var soft = new java.util.ArrayList<>(base);
        soft.add(new Extension.Lifetime(Sadb.SADB_EXT_LIFETIME_SOFT, 0, 0, 10, 0));
        soft.addAll(addrs);
        KernelEvent.Expire e =
                (KernelEvent.Expire) KernelMessages.event(PfkeyMessage.of(Sadb.SADB_EXPIRE, 3, 1, 0, soft), 1)
                        .orElseThrow();
        assertFalse(e.hard());
        assertEquals(0x2000, e.sa().spi());
        assertEquals(1500, e.bytes());
        assertEquals(5, e.reqid());
        var hard = new java.util.ArrayList<>(base);
        hard.add(new Extension.Lifetime(Sadb.SADB_EXT_LIFETIME_HARD, 0, 0, 20, 0));
        hard.addAll(addrs);
        assertTrue(((KernelEvent.Expire) KernelMessages.event(PfkeyMessage.of(Sadb.SADB_EXPIRE, 3, 1, 0, hard), 1)
                        .orElseThrow())
                .hard());
        // a DELETE we sent ourselves, an error, an ADD broadcast: no event
        PfkeyMessage del = PfkeyMessage.of(
                Sadb.SADB_DELETE,
                3,
                1,
                55,
                List.of(new Extension.Sa(0x2000, 0, 0, 0, 0, 0), addrs.get(0), addrs.get(1)));
        assertTrue(KernelMessages.event(del, 55).isEmpty());
        assertTrue(KernelMessages.event(del, 56).orElseThrow() instanceof KernelEvent.SaDeleted);
        assertTrue(KernelMessages.event(del.withErrno(2), 56).isEmpty());
        assertTrue(KernelMessages.event(PfkeyMessage.of(Sadb.SADB_ADD, 3, 1, 55, List.of()), 56)
                .isEmpty());
        // an ACQUIRE without addresses is not half-read
        assertTrue(KernelMessages.event(PfkeyMessage.of(Sadb.SADB_ACQUIRE, 3, 1, 0, List.of()), 56)
                .isEmpty());
        assertEquals(SaType.ESP, e.sa().saType());
    }
}
