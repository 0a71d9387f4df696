package org.jipsec.core.pfkey;

import static org.jipsec.core.pfkey.Fixture.bare;
import static org.jipsec.core.pfkey.Fixture.ip;
import static org.jipsec.core.pfkey.Fixture.msg;
import static org.jipsec.core.pfkey.Fixture.only;
import static org.jipsec.core.pfkey.Fixture.to;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecLevel;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.ipsec.IpsecRequest;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.ipsec.PolicyType;
import org.jipsec.core.ipsec.XPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** X_SPD* messages through the {@link PolicyStore} (spec §1.10, §1.12, §4.1). */
class KeyEngineSpdTest {

    final Fixture f = fixture();

    Fixture fixture() {
        return new Fixture();
    }

    final KeyEngine e = f.engine;
    final long a = e.openSocket();
    final long b = e.openSocket();

    @AfterEach
    void consistent() {
        assertEquals(List.of(), e.checkInvariants());
    }

    static Extension.Address sel(int type, String addr, int prefix, int port, int proto) {
        return new Extension.Address(type, proto, prefix, new Endpoint(ip(addr), port));
    }

    static Extension.Policy policy(PolicyType t, PolicyDirection d, int id, IpsecRequest... r) {
        return new Extension.Policy(new XPolicy(t, d, id, 0, List.of(r)));
    }

    static final IpsecRequest ESP_TRANSPORT_REQUIRE =
            new IpsecRequest(IpsecProtocol.ESP, IpsecMode.TRANSPORT, IpsecLevel.REQUIRE, 0);

    static PfkeyMessage spd(int type, String s, String d, Extension.Policy p) {
        return msg(
                type,
                0,
                p,
                sel(Sadb.SADB_EXT_ADDRESS_SRC, s, 24, 0, 255),
                sel(Sadb.SADB_EXT_ADDRESS_DST, d, 24, 0, 255));
    }

    private void refused(Errno errno, PfkeyMessage request) {
        Outcome o = e.handle(a, request);
        assertEquals(errno.number(), only(o, a).errno(), () -> o.toString());
        assertTrue(to(o, b).isEmpty());
    }

    @Test
    void spdaddAssignsIdsAndRepliesToAll() {
        Outcome o = e.handle(
                a,
                spd(
                        Sadb.SADB_X_SPDADD,
                        "10.0.1.0",
                        "10.0.2.0",
                        policy(PolicyType.IPSEC, PolicyDirection.OUTBOUND, 0, ESP_TRANSPORT_REQUIRE)));
        PfkeyMessage r = only(o, b);
        assertEquals(0, r.errno());
        assertEquals(1, r.policy().orElseThrow().policy().id());
        assertEquals(
                List.of(Sadb.SADB_X_EXT_POLICY, Sadb.SADB_EXT_ADDRESS_SRC, Sadb.SADB_EXT_ADDRESS_DST),
                r.extensions().stream().map(Extension::type).toList());
        PfkeyMessage r2 = only(
                e.handle(
                        a,
                        spd(
                                Sadb.SADB_X_SPDADD,
                                "10.0.1.0",
                                "10.0.3.0",
                                policy(PolicyType.NONE, PolicyDirection.INBOUND, 0))),
                a);
        assertEquals(2, r2.policy().orElseThrow().policy().id());
        refused(
                Errno.EEXIST,
                spd(
                        Sadb.SADB_X_SPDADD,
                        "10.0.1.0",
                        "10.0.2.0",
                        policy(PolicyType.DISCARD, PolicyDirection.OUTBOUND, 0)));
        assertEquals(2, f.policies.size());
    }

    @Test
    void spdaddErrors() {
        refused(
                Errno.EINVAL,
                spd(
                        Sadb.SADB_X_SPDADD,
                        "10.0.1.0",
                        "10.0.2.0",
                        policy(PolicyType.ENTRUST, PolicyDirection.OUTBOUND, 0)));
        refused(
                Errno.EINVAL,
                spd(
                        Sadb.SADB_X_SPDADD,
                        "10.0.1.0",
                        "10.0.2.0",
                        policy(PolicyType.BYPASS, PolicyDirection.OUTBOUND, 0)));
        refused(
                Errno.EINVAL,
                spd(Sadb.SADB_X_SPDADD, "10.0.1.0", "10.0.2.0", policy(PolicyType.IPSEC, PolicyDirection.OUTBOUND, 0)));
        refused(
                Errno.EINVAL,
                spd(Sadb.SADB_X_SPDADD, "10.0.1.0", "10.0.2.0", policy(PolicyType.NONE, PolicyDirection.ANY, 0)));
        refused(
                Errno.EINVAL,
                spd(
                        Sadb.SADB_X_SPDADD,
                        "10.0.1.0",
                        "10.0.2.0",
                        policy(
                                PolicyType.IPSEC,
                                PolicyDirection.OUTBOUND,
                                0,
                                new IpsecRequest(IpsecProtocol.ESP, IpsecMode.ANY, IpsecLevel.REQUIRE, 0))));
        refused(Errno.EINVAL, msg(Sadb.SADB_X_SPDADD, 0, policy(PolicyType.NONE, PolicyDirection.INBOUND, 0)));
        refused(
                Errno.EINVAL,
                new PfkeyMessage(
                        2,
                        Sadb.SADB_X_SPDADD,
                        0,
                        Sadb.SADB_SATYPE_ESP,
                        0,
                        0,
                        1,
                        spd(
                                        Sadb.SADB_X_SPDADD,
                                        "10.0.1.0",
                                        "10.0.2.0",
                                        policy(PolicyType.NONE, PolicyDirection.INBOUND, 0))
                                .extensions()));
        // setidx accepts an ipsec policy without requests
        assertEquals(
                0,
                only(
                                e.handle(
                                        a,
                                        spd(
                                                Sadb.SADB_X_SPDSETIDX,
                                                "10.0.1.0",
                                                "10.0.2.0",
                                                policy(PolicyType.IPSEC, PolicyDirection.OUTBOUND, 0))),
                                a)
                        .errno());
        assertEquals(1, f.policies.size());
    }

    @Test
    void uniqueRequestsGetAutomaticReqids() {
        IpsecRequest unique = new IpsecRequest(IpsecProtocol.ESP, IpsecMode.TRANSPORT, IpsecLevel.UNIQUE, 0);
        IpsecRequest manual = new IpsecRequest(IpsecProtocol.AH, IpsecMode.TRANSPORT, IpsecLevel.UNIQUE, 7);
        IpsecRequest tooBig = new IpsecRequest(IpsecProtocol.AH, IpsecMode.TRANSPORT, IpsecLevel.UNIQUE, 0x5000);
        IpsecRequest require = new IpsecRequest(IpsecProtocol.ESP, IpsecMode.TRANSPORT, IpsecLevel.REQUIRE, 9);
        e.handle(
                a,
                spd(
                        Sadb.SADB_X_SPDADD,
                        "10.0.1.0",
                        "10.0.2.0",
                        policy(PolicyType.IPSEC, PolicyDirection.OUTBOUND, 0, unique, manual, tooBig, require)));
        XPolicy stored = f.policies.byId(1).orElseThrow().policy();
        assertEquals(
                List.of(0x4001, 7, 0x4002, 0),
                stored.requests().stream().map(IpsecRequest::reqid).toList());
    }

    @Test
    void spdupdateReplacesAndMovesToTheTail() {
        e.handle(
                a,
                spd(Sadb.SADB_X_SPDADD, "10.0.1.0", "10.0.2.0", policy(PolicyType.NONE, PolicyDirection.OUTBOUND, 0)));
        e.handle(
                a,
                spd(Sadb.SADB_X_SPDADD, "10.0.1.0", "10.0.3.0", policy(PolicyType.NONE, PolicyDirection.OUTBOUND, 0)));
        PfkeyMessage r = only(
                e.handle(
                        a,
                        spd(
                                Sadb.SADB_X_SPDUPDATE,
                                "10.0.1.0",
                                "10.0.2.0",
                                policy(PolicyType.DISCARD, PolicyDirection.OUTBOUND, 0))),
                b);
        assertEquals(3, r.policy().orElseThrow().policy().id());
        assertEquals(
                List.of(2, 3),
                f.policies.snapshot().stream().map(StoredPolicy::id).toList());
        assertEquals(
                PolicyType.DISCARD, f.policies.byId(3).orElseThrow().policy().type());
    }

    @Test
    void spddeleteBySelectorAndById() {
        e.handle(
                a,
                spd(Sadb.SADB_X_SPDADD, "10.0.1.0", "10.0.2.0", policy(PolicyType.NONE, PolicyDirection.OUTBOUND, 0)));
        e.handle(
                a,
                spd(Sadb.SADB_X_SPDADD, "10.0.1.0", "10.0.3.0", policy(PolicyType.NONE, PolicyDirection.INBOUND, 0)));
        refused(
                Errno.EINVAL,
                spd(
                        Sadb.SADB_X_SPDDELETE,
                        "10.0.1.0",
                        "10.0.2.0",
                        policy(PolicyType.NONE, PolicyDirection.INBOUND, 0)));
        PfkeyMessage r = only(
                e.handle(
                        a,
                        spd(
                                Sadb.SADB_X_SPDDELETE,
                                "10.0.1.0",
                                "10.0.2.0",
                                policy(PolicyType.IPSEC, PolicyDirection.OUTBOUND, 0))),
                b);
        assertEquals(1, r.policy().orElseThrow().policy().id(), "the reply names the deleted id");
        refused(Errno.EINVAL, msg(Sadb.SADB_X_SPDDELETE2, 0, policy(PolicyType.NONE, PolicyDirection.ANY, 1)));
        assertEquals(
                0,
                only(e.handle(a, msg(Sadb.SADB_X_SPDDELETE2, 0, policy(PolicyType.NONE, PolicyDirection.ANY, 2))), b)
                        .errno());
        refused(Errno.EINVAL, bare(Sadb.SADB_X_SPDDELETE2, 0));
        assertEquals(0, f.policies.size());
    }

    @Test
    void spdgetAndSpddump() {
        refused(Errno.ENOENT, bare(Sadb.SADB_X_SPDDUMP, 0));
        e.handle(
                a,
                spd(
                        Sadb.SADB_X_SPDADD,
                        "10.0.1.0",
                        "10.0.2.0",
                        policy(PolicyType.IPSEC, PolicyDirection.OUTBOUND, 0, ESP_TRANSPORT_REQUIRE)));
        e.handle(
                a,
                spd(Sadb.SADB_X_SPDADD, "10.0.1.0", "10.0.3.0", policy(PolicyType.NONE, PolicyDirection.INBOUND, 0)));
        Outcome g = e.handle(a, msg(Sadb.SADB_X_SPDGET, 0, policy(PolicyType.NONE, PolicyDirection.ANY, 1)));
        PfkeyMessage r = only(g, a);
        assertTrue(to(g, b).isEmpty());
        assertEquals(Sadb.SADB_X_SPDGET, r.type());
        assertEquals(
                List.of(ESP_TRANSPORT_REQUIRE),
                r.policy().orElseThrow().policy().requests());
        assertEquals(24, r.address(Sadb.SADB_EXT_ADDRESS_SRC).orElseThrow().prefixLen());
        refused(Errno.ENOENT, msg(Sadb.SADB_X_SPDGET, 0, policy(PolicyType.NONE, PolicyDirection.ANY, 9)));
        List<PfkeyMessage> dump = Fixture.drain(e.handle(a, bare(Sadb.SADB_X_SPDDUMP, 0)));
        assertEquals(
                List.of(2, 1),
                dump.stream().map(m -> m.policy().orElseThrow().policy().id()).toList(),
                "inbound list first, then outbound");
        assertEquals(List.of(1, 0), dump.stream().map(PfkeyMessage::seq).toList());
    }

    @Test
    void spdflush() throws Exception {
        e.handle(
                a,
                spd(Sadb.SADB_X_SPDADD, "10.0.1.0", "10.0.2.0", policy(PolicyType.NONE, PolicyDirection.OUTBOUND, 0)));
        int kernel = f.addKernelPolicy(
                new PolicySelector(
                        PolicyDirection.INBOUND,
                        new Endpoint(ip("10.9.0.0")),
                        16,
                        new Endpoint(ip("10.8.0.0")),
                        16,
                        255),
                new XPolicy(PolicyType.NONE, PolicyDirection.INBOUND, 0, XPolicy.FLAG_ORIGIN_KERNEL, List.of()));
        refused(Errno.EINVAL, msg(Sadb.SADB_X_SPDFLUSH, 0, policy(PolicyType.NONE, PolicyDirection.ANY, 0)));
        assertEquals(0, only(e.handle(a, bare(Sadb.SADB_X_SPDFLUSH, 0)), b).errno());
        assertEquals(
                List.of(kernel),
                f.policies.snapshot().stream().map(StoredPolicy::id).toList(),
                "kernel-origin policies survive");
        refused(Errno.EINVAL, msg(Sadb.SADB_X_SPDDELETE2, 0, policy(PolicyType.NONE, PolicyDirection.ANY, kernel)));
    }

    @Test
    void spdLifetimeExpiresWithSpdexpire() {
        e.handle(b, bare(Sadb.SADB_REGISTER, Sadb.SADB_SATYPE_ESP));
        PfkeyMessage add =
                spd(Sadb.SADB_X_SPDADD, "10.0.1.0", "10.0.2.0", policy(PolicyType.NONE, PolicyDirection.OUTBOUND, 0));
        List<Extension> x = new java.util.ArrayList<>(add.extensions());
        x.add(new Extension.Lifetime(Sadb.SADB_EXT_LIFETIME_HARD, 0, 0, 30, 0));
        PfkeyMessage r = only(e.handle(a, add.withExtensions(x)), a);
        assertTrue(r.has(Sadb.SADB_EXT_LIFETIME_HARD));
        f.clock.addAndGet(30);
        assertTrue(e.tick().deliveries().isEmpty());
        f.clock.addAndGet(1);
        Outcome o = e.tick();
        PfkeyMessage exp = only(o, b);
        assertTrue(to(o, a).isEmpty(), "X_SPDEXPIRE goes to registered sockets");
        assertEquals(Sadb.SADB_X_SPDEXPIRE, exp.type());
        assertEquals(30, exp.lifetime(Sadb.SADB_EXT_LIFETIME_HARD).orElseThrow().addtime());
        assertEquals(0, f.policies.size());
        assertEquals(Optional.empty(), f.policies.byId(1));
    }
}
