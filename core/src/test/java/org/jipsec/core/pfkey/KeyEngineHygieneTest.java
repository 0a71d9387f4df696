package org.jipsec.core.pfkey;

import static org.jipsec.core.pfkey.Fixture.addEsp;
import static org.jipsec.core.pfkey.Fixture.dst;
import static org.jipsec.core.pfkey.Fixture.src;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue #12 items 6 and 7 at the key engine: a request's {@code sadb_msg_errno} never reaches a success reply or a
 * broadcast; a refusal echoes no key; the KEY extensions of a handled request are zeroed; GETSPI candidates drawn
 * outside the lock are the ones used.
 */
class KeyEngineHygieneTest {

    private static PfkeyMessage withErrno(PfkeyMessage m, int errno) {
        return m.withErrno(errno);
    }

    @Test
    void successRepliesAndBroadcastsCarryErrnoZero() {
        Fixture f = new Fixture();
        long a = f.engine.openSocket();
        long listener = f.engine.openSocket();
        long promisc = f.engine.openSocket();
        f.engine.handle(promisc, Fixture.bare(Sadb.SADB_X_PROMISC, 1));
        List<PfkeyMessage> requests = List.of(
                addEsp(Sadb.SADB_ADD, 0x1000, "10.0.0.1", "10.0.0.2", 99),
                Fixture.msg(
                        Sadb.SADB_DELETE,
                        Sadb.SADB_SATYPE_ESP,
                        new Extension.Sa(0x1000, 0, 0, 0, 0, 0),
                        src("10.0.0.1"),
                        dst("10.0.0.2")),
                Fixture.bare(Sadb.SADB_FLUSH, 0),
                Fixture.bare(Sadb.SADB_X_SPDFLUSH, 0),
                Fixture.bare(Sadb.SADB_X_PROMISC, 0));
        for (PfkeyMessage r : requests) {
            byte[] raw = PfkeyCodec.encode(withErrno(r, 5));
            Outcome o = f.engine.handle(a, raw);
            assertFalse(o.deliveries().isEmpty(), Sadb.messageName(r.type()));
            for (Delivery d : o.deliveries()) {
                assertEquals(0, d.message().errno(), Sadb.messageName(r.type()) + " to " + d.socketId());
                byte[] wire = d.encode();
                assertEquals(0, wire[d.promiscCopy() ? 16 + 2 : 2], "errno byte on the wire");
            }
            assertTrue(o.deliveries().stream().anyMatch(d -> d.socketId() == listener), "broadcast");
        }
    }

    @Test
    void aRefusalEchoesTheErrnoButNoKey() {
        Fixture f = new Fixture();
        long a = f.engine.openSocket();
        long promisc = f.engine.openSocket();
        f.engine.handle(promisc, Fixture.bare(Sadb.SADB_X_PROMISC, 1));
        f.engine.handle(a, PfkeyCodec.encode(addEsp(Sadb.SADB_ADD, 0x1000, "10.0.0.1", "10.0.0.2", 99)));
        Outcome o = f.engine.handle(a, PfkeyCodec.encode(addEsp(Sadb.SADB_ADD, 0x1000, "10.0.0.1", "10.0.0.2", 99)));
        assertEquals(2, o.deliveries().size(), "the sender and the promiscuous copy");
        for (Delivery d : o.deliveries()) {
            assertEquals(Errno.EEXIST.number(), d.message().errno());
            assertFalse(
                    d.message().has(Sadb.SADB_EXT_KEY_ENCRYPT) || d.message().has(Sadb.SADB_EXT_KEY_AUTH),
                    d.toString());
            assertTrue(d.message().has(Sadb.SADB_EXT_SA), "the rest of the request is echoed");
        }
    }

    @Test
    void keysOfAHandledMessageAreZeroedAndTheSadKeepsItsCopy() {
        Fixture f = new Fixture();
        long a = f.engine.openSocket();
        PfkeyMessage add = addEsp(Sadb.SADB_ADD, 0x1000, "10.0.0.1", "10.0.0.2", 99);
        byte[] original = add.key(Sadb.SADB_EXT_KEY_ENCRYPT).orElseThrow().key();
        KeyEngine.wipeKeys(add);
        assertArrayEquals(
                new byte[16], add.key(Sadb.SADB_EXT_KEY_ENCRYPT).orElseThrow().key());
        f.engine.handle(a, PfkeyCodec.encode(addEsp(Sadb.SADB_ADD, 0x1000, "10.0.0.1", "10.0.0.2", 99)));
        PfkeyMessage got = Fixture.only(
                f.engine.handle(
                        a,
                        Fixture.msg(
                                Sadb.SADB_GET,
                                Sadb.SADB_SATYPE_ESP,
                                new Extension.Sa(0x1000, 0, 0, 0, 0, 0),
                                src("10.0.0.1"),
                                dst("10.0.0.2"))),
                a);
        assertArrayEquals(
                original, got.key(Sadb.SADB_EXT_KEY_ENCRYPT).orElseThrow().key());
    }

    @Test
    void getspiUsesTheCandidatesDrawnBeforehandAndOnlyForThatRequest() throws Exception {
        Fixture f = new Fixture();
        long a = f.engine.openSocket();
        byte[] raw = PfkeyCodec.encode(Fixture.msg(
                Sadb.SADB_GETSPI,
                Sadb.SADB_SATYPE_ESP,
                src("10.0.0.1"),
                dst("10.0.0.2"),
                new Extension.SpiRange(0x1000, 0x1001)));
        f.engine.handle(a, PfkeyCodec.encode(addEsp(Sadb.SADB_ADD, 0x1000, "10.0.0.1", "10.0.0.2", 99)));
        f.settings.spiTry = 50;
        f.engine.drawSpiCandidates(raw);
        PfkeyMessage r = Fixture.only(f.engine.handle(a, raw), a);
        assertEquals(0, r.errno());
        assertEquals(0x1001, r.sa().orElseThrow().spi(), "the one free SPI of the range");
        // a candidate list drawn for another array is not used: this GETSPI draws its own (and fails: range full)
        byte[] other = raw.clone();
        f.engine.drawSpiCandidates(raw);
        PfkeyMessage full = Fixture.only(f.engine.handle(a, other), a);
        assertEquals(Errno.EINVAL.number(), full.errno());
    }
}
