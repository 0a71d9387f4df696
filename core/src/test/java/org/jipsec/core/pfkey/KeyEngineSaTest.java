package org.jipsec.core.pfkey;

import static org.jipsec.core.pfkey.Fixture.addEsp;
import static org.jipsec.core.pfkey.Fixture.bare;
import static org.jipsec.core.pfkey.Fixture.dst;
import static org.jipsec.core.pfkey.Fixture.ip;
import static org.jipsec.core.pfkey.Fixture.key;
import static org.jipsec.core.pfkey.Fixture.msg;
import static org.jipsec.core.pfkey.Fixture.only;
import static org.jipsec.core.pfkey.Fixture.src;
import static org.jipsec.core.pfkey.Fixture.to;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.sad.SaIndex;
import org.jipsec.core.sad.SaState;
import org.jipsec.core.sad.SecurityAssociation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SA messages of the key engine: success and errno paths (spec §1.9–§1.11, §4.6–§4.7). */
class KeyEngineSaTest {

    final Fixture f = new Fixture();
    final KeyEngine e = f.engine;
    final long a = e.openSocket();
    final long b = e.openSocket();

    @AfterEach
    void consistent() {
        assertEquals(List.of(), e.checkInvariants());
    }

    private void refused(Errno errno, PfkeyMessage request) {
        Outcome o = e.handle(a, request);
        PfkeyMessage r = only(o, a);
        assertEquals(errno.number(), r.errno(), () -> "reply " + r);
        assertEquals(request.type(), r.type());
        assertTrue(to(o, b).isEmpty(), "errors go to the sender only");
    }

    @Test
    void addRepliesToEveryoneWithoutKeys() {
        Outcome o = e.handle(a, addEsp(Sadb.SADB_ADD, 0x1000, "10.0.0.1", "10.0.0.2", 7));
        PfkeyMessage r = only(o, a);
        assertEquals(0, r.errno());
        assertFalse(r.has(Sadb.SADB_EXT_KEY_AUTH));
        assertFalse(r.has(Sadb.SADB_EXT_KEY_ENCRYPT));
        assertEquals(
                List.of(Sadb.SADB_EXT_SA, Sadb.SADB_X_EXT_SA2, Sadb.SADB_EXT_ADDRESS_SRC, Sadb.SADB_EXT_ADDRESS_DST),
                r.extensions().stream().map(Extension::type).toList());
        assertEquals(r, only(o, b));
        // the sender gets the reply last
        assertEquals(a, o.deliveries().getLast().socketId());
        SecurityAssociation sa =
                e.lookupInbound(ip("10.0.0.2"), SaType.ESP, 0x1000).orElseThrow();
        assertEquals(SaState.MATURE, sa.state());
        assertEquals(12, sa.encryptAlgorithm());
        assertEquals(3, sa.authAlgorithm());
        assertArrayEquals(
                key(Sadb.SADB_EXT_KEY_ENCRYPT, 16).key(), sa.encryptKey().orElseThrow());
        assertEquals(4, sa.replayWindowBytes());
        assertFalse(sa.toString().contains("11 22"));
    }

    @Test
    void addErrors() {
        e.handle(a, addEsp(Sadb.SADB_ADD, 0x1000, "10.0.0.1", "10.0.0.2", 7));
        refused(Errno.EEXIST, addEsp(Sadb.SADB_ADD, 0x1000, "10.0.0.1", "10.0.0.2", 7));
        refused(Errno.EINVAL, addEsp(Sadb.SADB_ADD, 0xff, "10.0.0.1", "10.0.0.2", 7)); // reserved SPI
        refused(
                Errno.EINVAL,
                addEsp(
                        Sadb.SADB_ADD,
                        0x2000,
                        "10.0.0.1",
                        "10.0.0.2",
                        7,
                        key(Sadb.SADB_EXT_KEY_ENCRYPT, 15))); // key length
        refused(
                Errno.EINVAL,
                addEsp(
                        Sadb.SADB_ADD,
                        0x2000,
                        "10.0.0.1",
                        "10.0.0.2",
                        7,
                        new Extension.Sa(0x2000, 0, 0, 3, 99, 0))); // unknown algorithm
        refused(
                Errno.EINVAL,
                addEsp(
                        Sadb.SADB_ADD,
                        0x2000,
                        "10.0.0.1",
                        "10.0.0.2",
                        7,
                        new Extension.Lifetime(Sadb.SADB_EXT_LIFETIME_HARD, 0, 0, 60, 0))); // hard without soft
        refused(Errno.EINVAL, addEsp(Sadb.SADB_ADD, 0x2000, "10.0.0.1", "::1", 7)); // family mismatch
        refused(
                Errno.EINVAL,
                addEsp(Sadb.SADB_ADD, 0x2000, "10.0.0.1", "10.0.0.2", 7)
                        .keepOnly(
                                Sadb.SADB_EXT_SA,
                                Sadb.SADB_EXT_ADDRESS_SRC,
                                Sadb.SADB_EXT_ADDRESS_DST)); // ESP without key
        refused(
                Errno.EINVAL,
                addEsp(Sadb.SADB_ADD, 0x2000, "10.0.0.1", "10.0.0.2", 7)
                        .keepOnly(Sadb.SADB_EXT_KEY_ENCRYPT, Sadb.SADB_EXT_SA, Sadb.SADB_EXT_ADDRESS_SRC)); // no DST
        PfkeyMessage unspec = addEsp(Sadb.SADB_ADD, 0x2000, "10.0.0.1", "10.0.0.2", 7);
        refused(Errno.EINVAL, new PfkeyMessage(2, Sadb.SADB_ADD, 0, 0, 0, 0, 7, unspec.extensions()));
        refused(
                Errno.EOPNOTSUPP,
                new PfkeyMessage(2, Sadb.SADB_ADD, 0, Sadb.SADB_SATYPE_RSVP, 0, 0, 7, unspec.extensions()));
        refused(Errno.EINVAL, new PfkeyMessage(2, Sadb.SADB_ADD, 0, 4, 0, 0, 7, unspec.extensions()));
        refused(Errno.EINVAL, new PfkeyMessage(2, Sadb.SADB_ADD, 0, Sadb.SADB_SATYPE_AH, 0, 0, 7, unspec.extensions()));
        assertEquals(1, e.sad().size());
    }

    @Test
    void getspiThenUpdateMakesTheLarvalSaMature() {
        PfkeyMessage getspi = PfkeyMessage.of(
                Sadb.SADB_GETSPI,
                Sadb.SADB_SATYPE_ESP,
                17,
                500,
                List.of(
                        new Extension.Sa2(IpsecMode.TUNNEL.number(), 0, 5),
                        src("10.0.0.1"),
                        dst("10.0.0.2"),
                        new Extension.SpiRange(0x1000, 0x1fff)));
        Outcome o = e.handle(a, getspi);
        PfkeyMessage r = only(o, a);
        assertTrue(to(o, b).isEmpty(), "GETSPI answers the sender only");
        assertEquals(17, r.seq());
        int spi = r.sa().orElseThrow().spi();
        assertTrue(spi >= 0x1000 && spi <= 0x1fff, Integer.toHexString(spi));
        assertTrue(e.lookupInbound(ip("10.0.0.2"), SaType.ESP, spi).isEmpty(), "larval SAs are not usable");

        // another pid may not complete it
        refused(Errno.EINVAL, addEsp(Sadb.SADB_UPDATE, spi, "10.0.0.1", "10.0.0.2", 501));
        // a head that does not exist
        refused(Errno.ENOENT, addEsp(Sadb.SADB_UPDATE, spi, "10.0.0.1", "10.0.0.3", 500));
        // an SPI that does not exist
        refused(Errno.EINVAL, addEsp(Sadb.SADB_UPDATE, 0x3000, "10.0.0.1", "10.0.0.2", 500));

        Outcome u = e.handle(a, addEsp(Sadb.SADB_UPDATE, spi, "10.0.0.1", "10.0.0.2", 500));
        assertEquals(0, only(u, b).errno());
        SecurityAssociation sa =
                e.lookupInbound(ip("10.0.0.2"), SaType.ESP, spi).orElseThrow();
        assertEquals(SaState.MATURE, sa.state());
        assertEquals(IpsecMode.TUNNEL, sa.mode());
        assertEquals(5, sa.reqid());
        assertEquals(17, sa.seq());
    }

    @Test
    void getspiWithAOneValueRange() {
        PfkeyMessage getspi = msg(
                Sadb.SADB_GETSPI,
                Sadb.SADB_SATYPE_ESP,
                src("10.0.0.1"),
                dst("10.0.0.2"),
                new Extension.SpiRange(0x4242, 0x4242));
        assertEquals(0x4242, only(e.handle(a, getspi), a).sa().orElseThrow().spi());
        refused(Errno.EINVAL, getspi);
        refused(
                Errno.EINVAL,
                msg(
                        Sadb.SADB_GETSPI,
                        Sadb.SADB_SATYPE_ESP,
                        src("10.0.0.1"),
                        dst("10.0.0.2"),
                        new Extension.SpiRange(0x5000, 0x4000)));
        refused(Errno.EINVAL, msg(Sadb.SADB_GETSPI, Sadb.SADB_SATYPE_ESP, src("10.0.0.1")));
        refused(Errno.EINVAL, msg(Sadb.SADB_GETSPI, Sadb.SADB_SATYPE_UNSPEC, src("10.0.0.1"), dst("10.0.0.2")));
    }

    @Test
    void getReturnsTheKeysToTheSenderOnly() {
        e.handle(a, addEsp(Sadb.SADB_ADD, 0x1000, "10.0.0.1", "10.0.0.2", 7));
        Outcome o = e.handle(
                a,
                msg(
                        Sadb.SADB_GET,
                        Sadb.SADB_SATYPE_ESP,
                        new Extension.Sa(0x1000, 0, 0, 0, 0, 0),
                        src("10.0.0.1"),
                        dst("10.0.0.2")));
        PfkeyMessage r = only(o, a);
        assertTrue(to(o, b).isEmpty());
        assertEquals(
                List.of(
                        Sadb.SADB_EXT_SA,
                        Sadb.SADB_X_EXT_SA2,
                        Sadb.SADB_EXT_LIFETIME_CURRENT,
                        Sadb.SADB_EXT_ADDRESS_SRC,
                        Sadb.SADB_EXT_ADDRESS_DST,
                        Sadb.SADB_EXT_KEY_AUTH,
                        Sadb.SADB_EXT_KEY_ENCRYPT,
                        Sadb.SADB_X_EXT_NAT_T_TYPE),
                r.extensions().stream().map(Extension::type).toList());
        assertEquals(new Extension.Sa(0x1000, 4, 1, 3, 12, Sadb.SADB_X_EXT_CYCSEQ), r.sa().orElseThrow());
        assertEquals(
                f.clock.get(),
                r.lifetime(Sadb.SADB_EXT_LIFETIME_CURRENT).orElseThrow().addtime());
        assertEquals(
                key(Sadb.SADB_EXT_KEY_AUTH, 20), r.key(Sadb.SADB_EXT_KEY_AUTH).orElseThrow());
        refused(
                Errno.ENOENT,
                msg(
                        Sadb.SADB_GET,
                        Sadb.SADB_SATYPE_ESP,
                        new Extension.Sa(0x1001, 0, 0, 0, 0, 0),
                        src("10.0.0.1"),
                        dst("10.0.0.2")));
    }

    @Test
    void deleteOneAndDeleteAll() {
        for (int spi = 0x1000; spi < 0x1004; spi++) e.handle(a, addEsp(Sadb.SADB_ADD, spi, "10.0.0.1", "10.0.0.2", 7));
        Outcome o = e.handle(
                a,
                msg(
                        Sadb.SADB_DELETE,
                        Sadb.SADB_SATYPE_ESP,
                        new Extension.Sa(0x1000, 0, 0, 0, 0, 0),
                        src("10.0.0.1"),
                        dst("10.0.0.2")));
        assertEquals(0, only(o, b).errno());
        assertEquals(3, e.sad().size());
        refused(
                Errno.ENOENT,
                msg(
                        Sadb.SADB_DELETE,
                        Sadb.SADB_SATYPE_ESP,
                        new Extension.Sa(0x1000, 0, 0, 0, 0, 0),
                        src("10.0.0.1"),
                        dst("10.0.0.2")));
        PfkeyMessage all =
                only(e.handle(a, msg(Sadb.SADB_DELETE, Sadb.SADB_SATYPE_ESP, src("10.0.0.1"), dst("10.0.0.2"))), b);
        assertEquals(
                List.of(Sadb.SADB_EXT_ADDRESS_SRC, Sadb.SADB_EXT_ADDRESS_DST),
                all.extensions().stream().map(Extension::type).toList());
        assertEquals(0, e.sad().size());
    }

    @Test
    void deadSaKeysAreZeroed() {
        e.handle(a, addEsp(Sadb.SADB_ADD, 0x1000, "10.0.0.1", "10.0.0.2", 7));
        SecurityAssociation sa =
                e.lookupInbound(ip("10.0.0.2"), SaType.ESP, 0x1000).orElseThrow();
        e.handle(a, bare(Sadb.SADB_FLUSH, Sadb.SADB_SATYPE_UNSPEC));
        assertTrue(sa.keysZeroed());
        assertArrayEquals(new byte[16], sa.encryptKey().orElseThrow());
    }

    @Test
    void flushBySatype() {
        e.handle(a, addEsp(Sadb.SADB_ADD, 0x1000, "10.0.0.1", "10.0.0.2", 7));
        e.handle(
                a,
                msg(
                        Sadb.SADB_ADD,
                        Sadb.SADB_SATYPE_AH,
                        key(Sadb.SADB_EXT_KEY_AUTH, 16),
                        new Extension.Sa(0x2000, 0, 0, 2, 0, 0),
                        src("10.0.0.1"),
                        dst("10.0.0.2")));
        assertEquals(2, e.sad().size());
        Outcome o = e.handle(a, bare(Sadb.SADB_FLUSH, Sadb.SADB_SATYPE_AH));
        assertEquals(bare(Sadb.SADB_FLUSH, Sadb.SADB_SATYPE_AH), only(o, b));
        assertEquals(1, e.sad().size());
        e.handle(a, bare(Sadb.SADB_FLUSH, Sadb.SADB_SATYPE_UNSPEC));
        assertEquals(0, e.sad().size());
    }

    @Test
    void dumpCountsDownToZero() {
        refused(Errno.ENOENT, bare(Sadb.SADB_DUMP, Sadb.SADB_SATYPE_UNSPEC));
        for (int spi = 0x1000; spi < 0x1005; spi++) e.handle(a, addEsp(Sadb.SADB_ADD, spi, "10.0.0.1", "10.0.0.2", 7));
        Outcome o = e.handle(a, bare(Sadb.SADB_DUMP, Sadb.SADB_SATYPE_UNSPEC));
        assertEquals(a, o.dump().orElseThrow().socketId());
        List<PfkeyMessage> dump = Fixture.drain(o);
        assertEquals(
                List.of(4, 3, 2, 1, 0), dump.stream().map(PfkeyMessage::seq).toList());
        assertEquals(
                List.of(0x1000, 0x1001, 0x1002, 0x1003, 0x1004),
                dump.stream().map(m -> m.sa().orElseThrow().spi()).toList());
        assertTrue(dump.stream().allMatch(m -> m.type() == Sadb.SADB_DUMP && m.pid() == 99));
        refused(Errno.ENOENT, bare(Sadb.SADB_DUMP, Sadb.SADB_SATYPE_AH));
    }

    @Test
    void dumpsaSysctlConcatenatesTheDump() throws Exception {
        assertEquals(0, e.dumpSaBytes(0).length);
        for (int spi = 0x1000; spi < 0x1003; spi++) e.handle(a, addEsp(Sadb.SADB_ADD, spi, "10.0.0.1", "10.0.0.2", 7));
        byte[] all = e.dumpSaBytes(Sadb.SADB_SATYPE_ESP);
        List<Integer> seqs = new java.util.ArrayList<>();
        for (int off = 0; off < all.length; ) {
            int len = PfkeyCodec.frameLength(java.util.Arrays.copyOfRange(all, off, off + 16));
            seqs.add(PfkeyCodec.decode(all, off, len, Sadb.MAX_MESSAGE_BYTES).seq());
            off += len;
        }
        assertEquals(List.of(2, 1, 0), seqs);
        assertEquals(0, e.dumpSaBytes(Sadb.SADB_SATYPE_AH).length);
    }

    @Test
    void outboundChoiceIsNewestUnlessPreferedOldsa() {
        e.handle(a, addEsp(Sadb.SADB_ADD, 0x1000, "10.0.0.1", "10.0.0.2", 7));
        f.clock.addAndGet(5);
        e.handle(a, addEsp(Sadb.SADB_ADD, 0x1001, "10.0.0.1", "10.0.0.2", 7));
        SaIndex want = new SaIndex(
                SaType.ESP, IpsecMode.TRANSPORT, 0, new Endpoint(ip("10.0.0.1")), new Endpoint(ip("10.0.0.2")));
        assertEquals(0x1001, e.lookupOutbound(want).orElseThrow().spi());
        f.settings.preferedOldsa = 1;
        assertEquals(0x1000, e.lookupOutbound(want).orElseThrow().spi());
    }

    @Test
    void registerThenAcquireGoesToRegisteredSocketsOnly() {
        long c = e.openSocket();
        Outcome reg = e.handle(a, bare(Sadb.SADB_REGISTER, Sadb.SADB_SATYPE_ESP));
        PfkeyMessage r = only(reg, a);
        assertTrue(to(reg, b).isEmpty(), "nobody else is registered yet");
        Extension.Supported auth =
                (Extension.Supported) r.ext(Sadb.SADB_EXT_SUPPORTED_AUTH).orElseThrow();
        assertEquals(
                List.of(
                        new Extension.Alg(2, 0, 128, 128),
                        new Extension.Alg(3, 0, 160, 160),
                        new Extension.Alg(5, 0, 256, 256),
                        new Extension.Alg(251, 0, 0, 2048)),
                auth.algs());
        Extension.Supported enc =
                (Extension.Supported) r.ext(Sadb.SADB_EXT_SUPPORTED_ENCRYPT).orElseThrow();
        assertEquals(new Extension.Alg(12, 16, 128, 256), enc.algs().get(3));
        refused(Errno.EEXIST, bare(Sadb.SADB_REGISTER, Sadb.SADB_SATYPE_ESP));

        // b asks with satype UNSPEC: a reply, but no registration
        Outcome unspec = e.handle(b, bare(Sadb.SADB_REGISTER, Sadb.SADB_SATYPE_UNSPEC));
        assertEquals(1, to(unspec, b).size());
        assertEquals(1, to(unspec, a).size(), "REGISTER replies go to registered sockets");

        SaIndex saidx = new SaIndex(
                SaType.ESP, IpsecMode.TRANSPORT, 0, new Endpoint(ip("10.0.0.1")), new Endpoint(ip("10.0.0.2")));
        Outcome acq = e.acquire(saidx, java.util.Optional.empty());
        PfkeyMessage m = only(acq, a);
        assertTrue(to(acq, b).isEmpty());
        assertTrue(to(acq, c).isEmpty());
        assertEquals(Sadb.SADB_ACQUIRE, m.type());
        assertEquals(1, m.seq());
        Extension.Proposal p =
                (Extension.Proposal) m.ext(Sadb.SADB_EXT_PROPOSAL).orElseThrow();
        // esp_keymin 256: only algorithms whose max key reaches 256 bits (null 2048, aes-cbc 256)
        assertEquals(
                List.of(11, 12), p.combs().stream().map(Extension.Comb::encrypt).toList());
        assertEquals(256, p.combs().get(1).encryptMinBits());

        // blockacq_count: the next 10 triggers are suppressed, the 11th sends again
        for (int i = 0; i < f.settings.blockacqCount; i++)
            assertTrue(e.acquire(saidx, java.util.Optional.empty()).deliveries().isEmpty());
        assertEquals(1, only(e.acquire(saidx, java.util.Optional.empty()), a).seq());
        // after blockacq_lifetime the entry is gone: a new seq
        f.clock.addAndGet(f.settings.blockacqLifetime + 1);
        e.tick();
        assertEquals(2, only(e.acquire(saidx, java.util.Optional.empty()), a).seq());

        // closing the socket drops its registration
        e.closeSocket(a);
        SaIndex other = new SaIndex(
                SaType.ESP, IpsecMode.TRANSPORT, 0, new Endpoint(ip("10.0.0.1")), new Endpoint(ip("10.0.0.3")));
        assertTrue(e.acquire(other, java.util.Optional.empty()).deliveries().isEmpty());
    }

    @Test
    void userAcquire() {
        e.handle(b, bare(Sadb.SADB_REGISTER, Sadb.SADB_SATYPE_ESP));
        Extension.Proposal prop = new Extension.Proposal(32, List.of());
        Outcome o = e.handle(a, msg(Sadb.SADB_ACQUIRE, Sadb.SADB_SATYPE_ESP, src("10.0.0.1"), dst("10.0.0.2"), prop));
        List<PfkeyMessage> toB = to(o, b);
        assertEquals(2, toB.size(), "the kernel's ACQUIRE and the echoed request");
        assertEquals(1, to(o, a).size(), "the sender gets the echo");
        refused(Errno.EINVAL, msg(Sadb.SADB_ACQUIRE, Sadb.SADB_SATYPE_ESP, src("10.0.0.1"), dst("10.0.0.2")));
        e.handle(a, addEsp(Sadb.SADB_ADD, 0x1000, "10.0.0.1", "10.0.0.2", 7));
        refused(Errno.EEXIST, msg(Sadb.SADB_ACQUIRE, Sadb.SADB_SATYPE_ESP, src("10.0.0.1"), dst("10.0.0.2"), prop));
        assertTrue(
                e.handle(a, PfkeyMessage.of(Sadb.SADB_ACQUIRE, Sadb.SADB_SATYPE_ESP, 1, 1, List.of()))
                        .deliveries()
                        .isEmpty(),
                "an error report from the KMd gets no reply");
    }

    @Test
    void promiscuousSocketsSeeCopiesOfEverything() {
        Outcome on = e.handle(b, bare(Sadb.SADB_X_PROMISC, 1));
        assertTrue(on.deliveries().stream().anyMatch(d -> d.socketId() == b && d.promiscCopy()));
        Outcome o = e.handle(a, msg(Sadb.SADB_GETSPI, Sadb.SADB_SATYPE_ESP, src("10.0.0.1"), dst("10.0.0.2")));
        // the GETSPI reply goes to a only, b sees a wrapped copy
        assertEquals(1, to(o, a).size());
        Delivery copy = o.deliveries().stream()
                .filter(d -> d.socketId() == b)
                .findFirst()
                .orElseThrow();
        assertTrue(copy.promiscCopy());
        byte[] wire = copy.encode();
        assertEquals(Sadb.SADB_X_PROMISC, wire[1]);
        assertEquals(Sadb.SADB_GETSPI, PfkeyCodec.unwrapPromisc(wire).orElseThrow()[1]);
        refused(Errno.EINVAL, bare(Sadb.SADB_X_PROMISC, 3));
        e.handle(b, bare(Sadb.SADB_X_PROMISC, 0));
        assertTrue(e.handle(a, bare(Sadb.SADB_FLUSH, 0)).deliveries().stream().noneMatch(Delivery::promiscCopy));
    }

    @Test
    void promiscWithPayloadBroadcastsThePayload() {
        byte[] inner = PfkeyCodec.encode(bare(Sadb.SADB_FLUSH, 0));
        byte[] outer = PfkeyCodec.wrapPromisc(inner);
        Outcome o = e.handle(a, outer);
        assertEquals(bare(Sadb.SADB_FLUSH, 0), only(o, b));
        assertEquals(bare(Sadb.SADB_FLUSH, 0), only(o, a));
    }

    @Test
    void messagesWithoutHandlers() {
        refused(Errno.EINVAL, bare(Sadb.SADB_EXPIRE, Sadb.SADB_SATYPE_ESP));
        refused(Errno.EINVAL, bare(Sadb.SADB_X_PCHANGE, 0));
        refused(Errno.EINVAL, bare(Sadb.SADB_X_SPDACQUIRE, 0));
        refused(Errno.EINVAL, bare(Sadb.SADB_X_SPDEXPIRE, 0));
        refused(Errno.EINVAL, bare(Sadb.SADB_RESERVED, 0));
        refused(Errno.EINVAL, bare(Sadb.SADB_FLUSH, 1));
    }

    @Test
    void natTNewMappingIsValidatedAndIgnored() {
        assertTrue(e.handle(
                        a,
                        msg(
                                Sadb.SADB_X_NAT_T_NEW_MAPPING,
                                Sadb.SADB_SATYPE_ESP,
                                new Extension.NatTType(2),
                                new Extension.NatTPort(Sadb.SADB_X_EXT_NAT_T_SPORT, 4500),
                                new Extension.NatTPort(Sadb.SADB_X_EXT_NAT_T_DPORT, 4500)))
                .deliveries()
                .isEmpty());
        refused(Errno.EINVAL, msg(Sadb.SADB_X_NAT_T_NEW_MAPPING, Sadb.SADB_SATYPE_ESP, new Extension.NatTType(2)));
    }

    @Test
    void natTSaCarriesPortsInItsIndex() {
        e.handle(
                a,
                addEsp(
                        Sadb.SADB_ADD,
                        0x1000,
                        "10.0.0.1",
                        "10.0.0.2",
                        7,
                        new Extension.NatTType(2),
                        new Extension.NatTPort(Sadb.SADB_X_EXT_NAT_T_SPORT, 4500),
                        new Extension.NatTPort(Sadb.SADB_X_EXT_NAT_T_DPORT, 4501)));
        SecurityAssociation sa =
                e.lookupInbound(ip("10.0.0.2"), SaType.ESP, 0x1000).orElseThrow();
        assertEquals(2, sa.natTType());
        assertEquals(4500, sa.natTSourcePort());
        assertEquals(4501, sa.natTDestinationPort());
        assertTrue(
                e.sad().lookupInbound(ip("10.0.0.2"), 4600, SaType.ESP, 0x1000).isEmpty());
        refused(Errno.EINVAL, addEsp(Sadb.SADB_ADD, 0x1001, "10.0.0.1", "10.0.0.2", 7, new Extension.NatTType(2)));
    }

    @Test
    void malformedBytesAreAnsweredWithTheHeaderAndErrno() {
        byte[] wire = Hex.bytes("02 09 00 00 03 00 00 00 05 00 00 00 63 00 00 00 01 00 11 00 00 00 00 00");
        PfkeyMessage r = only(e.handle(a, wire), a);
        KeyStatistics st = e.statistics();
        assertEquals(1, st.requests());
        assertEquals(1, st.malformed());
        assertEquals(1, st.refused(Errno.EINVAL));
        assertEquals(1, st.requestsByType()[Sadb.SADB_FLUSH]);
        assertEquals(1, st.sentOne());
        assertEquals(Errno.EINVAL.number(), r.errno());
        assertEquals(5, r.seq());
        assertEquals(99, r.pid());
        assertTrue(r.extensions().isEmpty());
    }
}
