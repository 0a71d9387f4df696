package org.jipsec.core.pfkey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine on the wire: requests written out by hand in RFC 2367 / pfkeyv2.h layout go in as bytes, and the bytes
 * of the reply the sender receives are compared with replies also written out by hand (spec §1.10–§1.11).
 */
class KeyEngineWireTest {

    static final String SRC = "03 00 05 00 ff 20 00 00  02 00 00 00 0a 00 0b 29  00 00 00 00 00 00 00 00";
    static final String DST = "03 00 06 00 ff 20 00 00  02 00 00 00 0a 00 0b 21  00 00 00 00 00 00 00 00";

    final Fixture f = new Fixture();
    final KeyEngine e = f.engine;
    final long a = e.openSocket();

    @AfterEach
    void consistent() {
        assertEquals(List.of(), e.checkInvariants());
    }

    private void exchange(String request, String expectedReply) {
        Outcome o = e.handle(a, Hex.bytes(request));
        List<Delivery> mine =
                o.deliveries().stream().filter(d -> d.socketId() == a).toList();
        assertEquals(1, mine.size(), () -> o.toString());
        assertEquals(Hex.of(Hex.bytes(expectedReply)), Hex.of(mine.getFirst().encode()));
    }

    @Test
    void addGetDelete() {
        // ADD as setkey sends it; the reply keeps SA, SA2, SRC, DST and drops the keys
        exchange(Hex.of(PfkeyCodecTest.ADD_ESP), """
                02 03 00 03 0c 00 00 00  00 00 00 00 67 12 00 00
                02 00 01 00 00 01 00 01  00 00 02 02 40 00 00 00
                02 00 13 00 00 00 00 00  00 00 00 00 00 00 00 00
                """ + SRC + DST);
        // GET: the SA dump of key_setdumpsa, keys included, LIFETIME_CURRENT addtime = clock (1700000000)
        exchange(
                "02 05 00 03 0a 00 00 00 02 00 00 00 67 12 00 00  02 00 01 00 00 01 00 01 00 00 00 00 00 00 00 00" + SRC
                        + DST,
                """
                02 05 00 03 16 00 00 00  02 00 00 00 67 12 00 00
                02 00 01 00 00 01 00 01  00 01 02 02 40 00 00 00
                02 00 13 00 00 00 00 00  00 00 00 00 00 00 00 00
                04 00 02 00 00 00 00 00  00 00 00 00 00 00 00 00  00 f1 53 65 00 00 00 00  00 00 00 00 00 00 00 00
                """ + SRC + DST + """
                03 00 08 00 80 00 00 00  61 75 74 68 65 6e 74 69  63 61 74 69 6f 6e 21 21
                02 00 09 00 40 00 00 00  3f fe 05 01 48 19 ff ff
                01 00 14 00 00 00 00 00
                """);
        // DELETE: echoed
        String delete =
                "02 04 00 03 0a 00 00 00 03 00 00 00 67 12 00 00  02 00 01 00 00 01 00 01 00 00 00 00 00 00 00 00" + SRC
                        + DST;
        exchange(delete, delete);
        // again: ENOENT (2) in the echoed request
        exchange(delete, delete.replaceFirst("02 04 00 03", "02 04 02 03"));
    }

    @Test
    void getspiWithOneValueRange() {
        exchange(
                "02 01 00 03 0a 00 00 00 09 00 00 00 67 12 00 00  02 00 10 00 42 42 00 00 42 42 00 00 00 00 00 00" + SRC
                        + DST,
                """
                02 01 00 03 0a 00 00 00  09 00 00 00 67 12 00 00
                02 00 01 00 00 00 42 42  00 00 00 00 00 00 00 00
                """ + SRC + DST);
    }

    @Test
    void registerListsTheAlgorithmTable() {
        exchange("02 07 00 03 02 00 00 00 01 00 00 00 67 12 00 00", """
                02 07 00 03 0c 00 00 00  01 00 00 00 67 12 00 00
                05 00 0e 00 00 00 00 00  02 00 80 00 80 00 00 00  03 00 a0 00 a0 00 00 00
                                         05 00 00 01 00 01 00 00  fb 00 00 00 00 08 00 00
                05 00 0f 00 00 00 00 00  02 08 40 00 40 00 00 00  03 08 c0 00 c0 00 00 00
                                         0b 04 00 00 00 08 00 00  0c 10 80 00 00 01 00 00
                """);
    }

    @Test
    void spdaddSpdgetSpddumpSpddelete2() {
        String spdadd = Hex.of(PfkeyCodecTest.SPDADD);
        // the reply is the request with the new policy id (1) filled in
        exchange(
                spdadd,
                spdadd.replaceFirst("07 00 12 00 02 00 02 00 00 00 00 00", "07 00 12 00 02 00 02 00 01 00 00 00"));
        String policy = """
                07 00 12 00 02 00 02 00  01 00 00 00 00 00 00 00
                  28 00 32 00 02 02 00 00
                  02 00 00 00 c0 a8 00 01  00 00 00 00 00 00 00 00
                  02 00 00 00 c0 a8 01 02  00 00 00 00 00 00 00 00
                """;
        String spSrc = "03 00 05 00 ff 20 00 00  02 00 00 15 0a 00 0b 29  00 00 00 00 00 00 00 00";
        exchange(
                "02 10 00 00 04 00 00 00 05 00 00 00 67 12 00 00  02 00 12 00 00 00 00 00 01 00 00 00 00 00 00 00",
                "02 10 00 00 0f 00 00 00 05 00 00 00 67 12 00 00" + spSrc + DST + policy);
        Outcome dump = e.handle(a, Hex.bytes("02 12 00 00 02 00 00 00 06 00 00 00 67 12 00 00"));
        List<PfkeyMessage> msgs = Fixture.drain(dump);
        assertEquals(1, msgs.size());
        assertEquals(
                Hex.of(Hex.bytes("02 12 00 00 0f 00 00 00 00 00 00 00 67 12 00 00" + spSrc + DST + policy)),
                Hex.of(PfkeyCodec.encode(msgs.getFirst())));
        String delete2 =
                "02 16 00 00 04 00 00 00 07 00 00 00 67 12 00 00  02 00 12 00 00 00 00 00 01 00 00 00 00 00 00 00";
        exchange(delete2, delete2);
        // not found any more: EINVAL (22 = 0x16), the request echoed
        exchange(delete2, delete2.replaceFirst("02 16 00 00", "02 16 16 00"));
        // an empty SPD: SPDDUMP answers ENOENT
        exchange("02 12 00 00 02 00 00 00 08 00 00 00 67 12 00 00", "02 12 02 00 02 00 00 00 08 00 00 00 67 12 00 00");
    }

    @Test
    void spdexpireAfterTheHardLifetime() {
        long reg = e.openSocket();
        e.handle(reg, Hex.bytes("02 07 00 03 02 00 00 00 01 00 00 00 01 00 00 00"));
        String lifetime =
                "04 00 03 00 00 00 00 00  00 00 00 00 00 00 00 00  1e 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00";
        e.handle(
                a,
                Hex.bytes("02 0e 00 00 13 00 00 00 00 00 00 00 67 12 00 00"
                        + Hex.of(PfkeyCodecTest.SPDADD).substring(48) + lifetime));
        assertEquals(1, f.policies.size());
        f.clock.addAndGet(31);
        Outcome o = e.tick();
        byte[] wire = o.deliveries().stream()
                .filter(d -> d.socketId() == reg)
                .findFirst()
                .orElseThrow()
                .encode();
        assertEquals(Hex.of(Hex.bytes("""
                02 15 00 00 17 00 00 00  00 00 00 00 00 00 00 00
                04 00 02 00 00 00 00 00  00 00 00 00 00 00 00 00  00 f1 53 65 00 00 00 00  00 f1 53 65 00 00 00 00
                04 00 03 00 00 00 00 00  00 00 00 00 00 00 00 00  1e 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00
                03 00 05 00 ff 20 00 00  02 00 00 15 0a 00 0b 29  00 00 00 00 00 00 00 00
                """ + DST + """
                07 00 12 00 02 00 02 00  01 00 00 00 00 00 00 00
                  28 00 32 00 02 02 00 00
                  02 00 00 00 c0 a8 00 01  00 00 00 00 00 00 00 00
                  02 00 00 00 c0 a8 01 02  00 00 00 00 00 00 00 00
                """)), Hex.of(wire));
        assertTrue(o.deliveries().stream().noneMatch(d -> d.socketId() == a));
    }

    @Test
    void flushIsEchoedAndNatTMappingIsSilent() {
        exchange("02 09 00 00 02 00 00 00 0b 00 00 00 67 12 00 00", "02 09 00 00 02 00 00 00 0b 00 00 00 67 12 00 00");
        assertTrue(e.handle(a, Hex.bytes("""
                02 17 00 03 05 00 00 00  00 00 00 00 67 12 00 00
                01 00 14 00 02 00 00 00  01 00 15 00 11 94 00 00  01 00 16 00 11 94 00 00
                """)).deliveries().isEmpty());
    }
}
