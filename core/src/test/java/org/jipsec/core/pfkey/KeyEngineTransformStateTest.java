package org.jipsec.core.pfkey;

import static org.jipsec.core.pfkey.Fixture.addEsp;
import static org.jipsec.core.pfkey.Fixture.bare;
import static org.jipsec.core.pfkey.Fixture.dst;
import static org.jipsec.core.pfkey.Fixture.ip;
import static org.jipsec.core.pfkey.Fixture.only;
import static org.jipsec.core.pfkey.Fixture.src;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.sad.SecurityAssociation;
import org.jipsec.core.sad.TransformState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue #16 item 1: the key engine makes an SA's transform state through the injected factory when the SA becomes
 * MATURE (ADD, UPDATE) and destroys it when the SA leaves (DELETE, FLUSH, hard expiry, replacement) — at once, with
 * no sweep by a data path. A recording factory stands in for the transforms (sad does not know them).
 */
class KeyEngineTransformStateTest {

    /** A fake state that records its life. */
    static final class Recorded implements TransformState {
        final SecurityAssociation sa;
        int destroyed;

        Recorded(SecurityAssociation sa) {
            this.sa = sa;
        }

        @Override
        public int reportedSequence() {
            return 42;
        }

        @Override
        public void destroy() {
            destroyed++;
        }
    }

    final Fixture f = new Fixture();
    final KeyEngine e = f.engine;
    final long ike = e.openSocket();
    final long other = e.openSocket();
    final List<Recorded> made = new ArrayList<>();

    KeyEngineTransformStateTest() {
        e.handle(ike, bare(Sadb.SADB_REGISTER, Sadb.SADB_SATYPE_ESP));
        e.setTransformFactory(sa -> {
            Recorded r = new Recorded(sa);
            made.add(r);
            return r;
        });
    }

    @AfterEach
    void consistent() {
        assertEquals(List.of(), e.checkInvariants());
        for (Recorded r : made) assertTrue(r.destroyed <= 1, "destroyed once");
    }

    private SecurityAssociation sa(int spi) {
        return e.lookupInbound(ip("10.0.0.2"), SaType.ESP, spi).orElseThrow();
    }

    @Test
    void addMakesTheStateDeleteDestroysIt() {
        e.handle(other, addEsp(Sadb.SADB_ADD, 0x1000, "10.0.0.1", "10.0.0.2", 7));
        SecurityAssociation sa = sa(0x1000);
        assertEquals(1, made.size());
        assertSame(made.getFirst(), sa.transform(), "the SA holds its state");
        assertSame(sa, made.getFirst().sa);
        assertEquals(42, sa.sequence(), "X_SA2 sequence comes from the state: no copy-back");
        e.handle(
                other,
                Fixture.msg(
                        Sadb.SADB_DELETE,
                        Sadb.SADB_SATYPE_ESP,
                        new Extension.Sa(0x1000, 0, 0, 0, 0, 0),
                        src("10.0.0.1"),
                        dst("10.0.0.2")));
        assertEquals(1, made.getFirst().destroyed, "destroyed as the SA left");
        assertNull(sa.transform());
        assertTrue(sa.keysZeroed());
    }

    @Test
    void larvalSaHasNoStateUntilUpdateMakesItMature() {
        Outcome o = e.handle(
                ike,
                PfkeyMessage.of(
                        Sadb.SADB_GETSPI,
                        Sadb.SADB_SATYPE_ESP,
                        17,
                        500,
                        List.of(
                                new Extension.Sa2(IpsecMode.TUNNEL.number(), 0, 5),
                                src("10.0.0.1"),
                                dst("10.0.0.2"),
                                new Extension.SpiRange(0x1000, 0x1fff))));
        int spi = only(o, ike).sa().orElseThrow().spi();
        assertTrue(made.isEmpty(), "a larval SA carries no keys and no state");
        e.handle(ike, addEsp(Sadb.SADB_UPDATE, spi, "10.0.0.1", "10.0.0.2", 500));
        assertEquals(1, made.size());
        assertSame(made.getFirst(), sa(spi).transform());
        // UPDATE of the mature SA replaces it: the old state is destroyed, the new SA gets a fresh one
        e.handle(ike, addEsp(Sadb.SADB_UPDATE, spi, "10.0.0.1", "10.0.0.2", 500));
        assertEquals(2, made.size());
        assertEquals(1, made.getFirst().destroyed, "the replaced SA's state");
        assertEquals(0, made.get(1).destroyed);
        assertSame(made.get(1), sa(spi).transform());
    }

    @Test
    void flushDestroysEveryState() {
        for (int spi = 0x2000; spi < 0x2005; spi++)
            e.handle(other, addEsp(Sadb.SADB_ADD, spi, "10.0.0.1", "10.0.0.2", 7));
        assertEquals(5, made.size());
        e.handle(other, bare(Sadb.SADB_FLUSH, Sadb.SADB_SATYPE_UNSPEC));
        for (Recorded r : made) assertEquals(1, r.destroyed);
    }

    @Test
    void hardExpiryDestroysTheStateSoftExpiryKeepsIt() {
        e.handle(
                other,
                addEsp(
                        Sadb.SADB_ADD,
                        0x3000,
                        "10.0.0.1",
                        "10.0.0.2",
                        7,
                        new Extension.Lifetime(Sadb.SADB_EXT_LIFETIME_HARD, 0, 0, 20, 0),
                        new Extension.Lifetime(Sadb.SADB_EXT_LIFETIME_SOFT, 0, 0, 10, 0)));
        sa(0x3000).recordUse(100, f.clock.get()); // an SA never used dies at its soft time
        f.clock.addAndGet(11);
        e.tick(); // MATURE -> DYING: still usable
        assertEquals(1, made.size());
        assertEquals(0, made.getFirst().destroyed);
        f.clock.addAndGet(10);
        e.tick();
        assertEquals(1, made.getFirst().destroyed, "hard expiry");
    }

    @Test
    void aFactoryInjectedLateCoversTheSasThatExist() {
        KeyEngine fresh = new Fixture().engine;
        long s = fresh.openSocket();
        fresh.handle(s, addEsp(Sadb.SADB_ADD, 0x4000, "10.0.0.1", "10.0.0.2", 7));
        SecurityAssociation sa =
                fresh.lookupInbound(ip("10.0.0.2"), SaType.ESP, 0x4000).orElseThrow();
        assertNull(sa.transform(), "no data path: no state");
        sa.setSequence(7);
        assertEquals(7, sa.sequence());
        List<Recorded> late = new ArrayList<>();
        fresh.setTransformFactory(x -> {
            Recorded r = new Recorded(x);
            late.add(r);
            return r;
        });
        assertEquals(1, late.size());
        assertSame(late.getFirst(), sa.transform());
    }
}
