package org.jipsec.core.pfkey;

import static org.jipsec.core.pfkey.Fixture.addEsp;
import static org.jipsec.core.pfkey.Fixture.bare;
import static org.jipsec.core.pfkey.Fixture.dst;
import static org.jipsec.core.pfkey.Fixture.ip;
import static org.jipsec.core.pfkey.Fixture.msg;
import static org.jipsec.core.pfkey.Fixture.only;
import static org.jipsec.core.pfkey.Fixture.src;
import static org.jipsec.core.pfkey.Fixture.to;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.sad.SaState;
import org.jipsec.core.sad.SecurityAssociation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Lifetimes, SADB_EXPIRE and the larval timeout under the test clock (spec §4.7, §4.9). */
class KeyEngineTimerTest {

    final Fixture f = new Fixture();
    final KeyEngine e = f.engine;
    final long ike = e.openSocket();
    final long other = e.openSocket();

    KeyEngineTimerTest() {
        e.handle(ike, bare(Sadb.SADB_REGISTER, Sadb.SADB_SATYPE_ESP));
    }

    @AfterEach
    void consistent() {
        assertEquals(List.of(), e.checkInvariants());
    }

    private SecurityAssociation addWithLifetimes(int spi, long softAdd, long hardAdd, long softBytes, long hardBytes) {
        e.handle(
                other,
                addEsp(
                        Sadb.SADB_ADD,
                        spi,
                        "10.0.0.1",
                        "10.0.0.2",
                        7,
                        new Extension.Lifetime(Sadb.SADB_EXT_LIFETIME_HARD, 0, hardBytes, hardAdd, 0),
                        new Extension.Lifetime(Sadb.SADB_EXT_LIFETIME_SOFT, 0, softBytes, softAdd, 0)));
        return e.lookupInbound(ip("10.0.0.2"), SaType.ESP, spi).orElseThrow();
    }

    @Test
    void softThenHardAddtime() {
        SecurityAssociation sa = addWithLifetimes(0x1000, 10, 20, 0, 0);
        sa.recordUse(100, f.clock.get());
        f.clock.addAndGet(10);
        assertTrue(e.tick().deliveries().isEmpty(), "not yet: the limit is exceeded strictly");
        f.clock.addAndGet(1);
        Outcome soft = e.tick();
        PfkeyMessage m = only(soft, ike);
        assertTrue(to(soft, other).isEmpty(), "EXPIRE goes to registered sockets only");
        assertEquals(Sadb.SADB_EXPIRE, m.type());
        assertTrue(m.has(Sadb.SADB_EXT_LIFETIME_SOFT));
        assertEquals(
                100, m.lifetime(Sadb.SADB_EXT_LIFETIME_CURRENT).orElseThrow().bytes());
        assertEquals(SaState.DYING, sa.state());
        assertTrue(e.lookupInbound(ip("10.0.0.2"), SaType.ESP, 0x1000).isPresent(), "a dying SA is still usable");
        f.clock.addAndGet(10);
        PfkeyMessage hard = only(e.tick(), ike);
        assertTrue(hard.has(Sadb.SADB_EXT_LIFETIME_HARD), "jipsec announces hard expiry");
        assertEquals(SaState.DEAD, sa.state());
        assertTrue(sa.keysZeroed());
        assertEquals(0, e.sad().size());
    }

    @Test
    void netbsdModeSendsNoHardExpire() {
        f.settings.sendHardExpire = false;
        SecurityAssociation sa = addWithLifetimes(0x1000, 10, 20, 0, 0);
        sa.recordUse(1, f.clock.get());
        f.clock.addAndGet(11);
        assertEquals(1, e.tick().deliveries().size());
        f.clock.addAndGet(10);
        assertTrue(e.tick().deliveries().isEmpty());
        assertEquals(0, e.sad().size());
    }

    @Test
    void neverUsedSaDiesAtItsSoftAddtime() {
        SecurityAssociation sa = addWithLifetimes(0x1000, 10, 20, 0, 0);
        f.clock.addAndGet(11);
        PfkeyMessage m = only(e.tick(), ike);
        assertTrue(m.has(Sadb.SADB_EXT_LIFETIME_HARD));
        assertEquals(SaState.DEAD, sa.state());
    }

    @Test
    void byteLifetimes() {
        SecurityAssociation sa = addWithLifetimes(0x1000, 0, 0, 1000, 2000);
        sa.recordUse(1000, f.clock.get());
        assertTrue(e.tick().deliveries().isEmpty());
        sa.recordUse(1, f.clock.get());
        assertTrue(only(e.tick(), ike).has(Sadb.SADB_EXT_LIFETIME_SOFT));
        sa.recordUse(1000, f.clock.get());
        assertTrue(only(e.tick(), ike).has(Sadb.SADB_EXT_LIFETIME_HARD));
        assertEquals(0, e.sad().size());
    }

    @Test
    void hardLimitAloneStillKills() {
        SecurityAssociation sa = addWithLifetimes(0x1000, 0, 5, 0, 0);
        f.clock.addAndGet(6);
        e.tick();
        assertEquals(SaState.DEAD, sa.state());
    }

    @Test
    void larvalSaTimesOutSilently() {
        e.handle(other, msg(Sadb.SADB_GETSPI, Sadb.SADB_SATYPE_ESP, src("10.0.0.1"), dst("10.0.0.2")));
        assertEquals(1, e.sad().size());
        f.clock.addAndGet(f.settings.larvalLifetime);
        e.tick();
        assertEquals(1, e.sad().size());
        f.clock.addAndGet(1);
        assertTrue(e.tick().deliveries().isEmpty());
        assertEquals(0, e.sad().size());
    }
}
