package org.jipsec.core.pfkey;

import static org.jipsec.core.pfkey.Fixture.addEsp;
import static org.jipsec.core.pfkey.Fixture.dst;
import static org.jipsec.core.pfkey.Fixture.only;
import static org.jipsec.core.pfkey.Fixture.src;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.jipsec.core.ipsec.IpsecMode;
import org.junit.jupiter.api.Test;

/**
 * Which SAs the key engine tells its {@link KeyEngine.SaAdmission} are manually keyed (issue #12 follow-up): an SA a
 * key-management daemon installs — SADB_UPDATE of a GETSPI (LARVAL) SA, or SADB_ADD/UPDATE from a socket that sent
 * SADB_REGISTER for the SA's type, as racoon and charon install their outbound SAs — is negotiated; setkey's ADD
 * (its REGISTER is for UNSPEC, which registers nothing in NetBSD's key_register) stays manual.
 */
class KeyEngineNegotiatedSaTest {

    final Fixture f = new Fixture();
    final KeyEngine e = f.engine;
    final List<String> told = new ArrayList<>();

    KeyEngineNegotiatedSaTest() {
        e.setAdmission((type, index, v, manual) -> {
            told.add("0x" + Integer.toHexString(v.spi()) + (manual ? " manual" : " negotiated"));
            return null;
        });
    }

    private void ok(long socket, PfkeyMessage m) {
        assertEquals(0, only(e.handle(socket, m), socket).errno(), Sadb.messageName(m.type()));
    }

    @Test
    void aRegisteredDaemonsGetspiUpdateAndAddAreNegotiated() {
        long iked = e.openSocket();
        ok(iked, PfkeyMessage.of(Sadb.SADB_REGISTER, Sadb.SADB_SATYPE_ESP, 1, 500, List.of()));
        PfkeyMessage getspi = PfkeyMessage.of(
                Sadb.SADB_GETSPI,
                Sadb.SADB_SATYPE_ESP,
                2,
                500,
                List.of(
                        new Extension.Sa2(IpsecMode.TRANSPORT.number(), 0, 0),
                        src("10.0.0.2"),
                        dst("10.0.0.1"),
                        new Extension.SpiRange(0x1000, 0x1fff)));
        int spi = only(e.handle(iked, getspi), iked).sa().orElseThrow().spi();
        ok(iked, addEsp(Sadb.SADB_UPDATE, spi, "10.0.0.2", "10.0.0.1", 500));
        ok(iked, addEsp(Sadb.SADB_ADD, 0x2000, "10.0.0.1", "10.0.0.2", 500));
        assertEquals(List.of("0x" + Integer.toHexString(spi) + " negotiated", "0x2000 negotiated"), told);
    }

    @Test
    void anUnregisteredLarvalUpdateIsNegotiatedButItsAddIsManual() {
        long s = e.openSocket();
        PfkeyMessage getspi = PfkeyMessage.of(
                Sadb.SADB_GETSPI,
                Sadb.SADB_SATYPE_ESP,
                2,
                600,
                List.of(src("10.0.0.2"), dst("10.0.0.1"), new Extension.SpiRange(0x1000, 0x1fff)));
        int spi = only(e.handle(s, getspi), s).sa().orElseThrow().spi();
        ok(s, addEsp(Sadb.SADB_UPDATE, spi, "10.0.0.2", "10.0.0.1", 600));
        ok(s, addEsp(Sadb.SADB_UPDATE, spi, "10.0.0.2", "10.0.0.1", 600)); // a MATURE SA re-keyed by hand
        ok(s, addEsp(Sadb.SADB_ADD, 0x2000, "10.0.0.1", "10.0.0.2", 600));
        String h = "0x" + Integer.toHexString(spi);
        assertEquals(List.of(h + " negotiated", h + " manual", "0x2000 manual"), told);
    }

    @Test
    void setkeysUnspecRegisterAndARegistrationForAnotherTypeLeaveAddManual() {
        long setkey = e.openSocket();
        ok(setkey, PfkeyMessage.of(Sadb.SADB_REGISTER, Sadb.SADB_SATYPE_UNSPEC, 1, 700, List.of()));
        ok(setkey, addEsp(Sadb.SADB_ADD, 0x3000, "10.0.0.1", "10.0.0.2", 700));
        long ahOnly = e.openSocket();
        ok(ahOnly, PfkeyMessage.of(Sadb.SADB_REGISTER, Sadb.SADB_SATYPE_AH, 1, 701, List.of()));
        ok(ahOnly, addEsp(Sadb.SADB_ADD, 0x3001, "10.0.0.1", "10.0.0.2", 701));
        // a registration dies with its socket: a new socket of the same process is not registered
        long iked = e.openSocket();
        ok(iked, PfkeyMessage.of(Sadb.SADB_REGISTER, Sadb.SADB_SATYPE_ESP, 1, 702, List.of()));
        e.closeSocket(iked);
        long again = e.openSocket();
        ok(again, addEsp(Sadb.SADB_ADD, 0x3002, "10.0.0.1", "10.0.0.2", 702));
        assertEquals(List.of("0x3000 manual", "0x3001 manual", "0x3002 manual"), told);
    }
}
