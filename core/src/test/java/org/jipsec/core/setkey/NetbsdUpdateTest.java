package org.jipsec.core.setkey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jipsec.core.pfkey.Sadb;
import org.junit.jupiter.api.Test;

/**
 * setkey's {@code update} (NetBSD parse.y: add's grammar, SADB_UPDATE; key.c key_api_update), as NetBSD's
 * tests/net/ipsec/t_ipsec_misc.sh {@code ipsec_update_sa_*} drives it ({@code setup_sasp ... sa}): SAs added with
 * lifetimes, then updated in the same {@code setkey -c} run, with empty output and status 0. Refusals print
 * setkey.c postproc's messages.
 */
class NetbsdUpdateTest {

    private static final String ALGO = "-E rijndael-cbc \"aaaaaaaaaaaaaaaa\"";

    @Test
    void ipsecUpdateSaAsSetupSaspRunsIt() {
        SetkeyHarness h = new SetkeyHarness();
        h.stdin = "add 10.0.0.1 10.0.0.2 esp 10000 -lh 100 -ls 100 " + ALGO + ";\n"
                + "add 10.0.0.2 10.0.0.1 esp 10001 -lh 100 -ls 100 " + ALGO + ";\n"
                + "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport//require;\n"
                + "update 10.0.0.1 10.0.0.2 esp 10000 " + ALGO + ";\n"
                + "       update 10.0.0.2 10.0.0.1 esp 10001 " + ALGO + ";\n";
        assertEquals(new SetkeyHarness.Result(0, "", ""), h.run("-c"));
        assertEquals(2, h.engine.sad().size(), "replaced, not added");
        String dump = h.run("-D").out();
        assertTrue(dump.contains("esp mode=any spi=10000(0x00002710)"), dump);
        assertTrue(dump.contains("esp mode=any spi=10001(0x00002711)"), dump);
        // key_api_update: the new SA carries the update's values — no lifetimes were given this time
        assertTrue(dump.contains("\tdiff: 0(s)\thard: 0(s)\tsoft: 0(s)\n"), dump);
        assertTrue(!dump.contains("hard: 100(s)"), dump);
    }

    @Test
    void ipsecGetspiUpdateSaAsSetupSaspRunsIt() {
        // t_ipsec_misc.sh setup_sasp ... getspi: larval SAs for exactly these SPIs, then filled in by update
        SetkeyHarness h = new SetkeyHarness();
        h.stdin = "getspi 10.0.0.1 10.0.0.2 esp 10000 -lh 100 -ls 100 ;\n"
                + "getspi 10.0.0.2 10.0.0.1 esp 10001 -lh 100 -ls 100 ;\n"
                + "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport//require;\n"
                + "update 10.0.0.1 10.0.0.2 esp 10000 " + ALGO + ";\n"
                + "update 10.0.0.2 10.0.0.1 esp 10001 " + ALGO + ";\n";
        assertTrue(h.run("-D").out().contains("No SAD entries."));
        assertEquals(new SetkeyHarness.Result(0, "", ""), h.run("-c"));
        String dump = h.run("-D").out();
        assertTrue(dump.contains("esp mode=any spi=10000(0x00002710)"), dump);
        assertTrue(dump.contains("esp mode=any spi=10001(0x00002711)"), dump);
        assertEquals(2, dump.split("state=mature", -1).length - 1, dump);
        // the same SPI again: key_do_getnewspi refuses a one-value range that is in use
        h.stdin = "getspi 10.0.0.1 10.0.0.2 esp 10000 ;\n";
        assertEquals(new SetkeyHarness.Result(0, "Invalid argument.\n", ""), h.run("-c"));
    }

    @Test
    void updateSendsSadbUpdateWithAddsExtensions() throws Exception {
        AddStatement a =
                (AddStatement) SetkeyParser.parse("update 10.0.0.1 10.0.0.2 esp 10000 -m tunnel -u 5 " + ALGO + ";")
                        .get(0);
        assertTrue(a.update());
        var m = SetkeyMessages.build(a, 4711);
        assertEquals(Sadb.SADB_UPDATE, m.type());
        var add = SetkeyMessages.build(
                SetkeyParser.parse("add 10.0.0.1 10.0.0.2 esp 10000 -m tunnel -u 5 " + ALGO + ";")
                        .get(0),
                4711);
        assertEquals(
                add.extensions().stream().map(e -> e.type()).toList(),
                m.extensions().stream().map(e -> e.type()).toList());
    }

    @Test
    void refusalsPrintNetbsdsMessages() {
        SetkeyHarness h = new SetkeyHarness();
        h.script("add 10.0.0.1 10.0.0.2 esp 10000 " + ALGO + ";");
        SetkeyHarness.Result r = h.script("""
                update 10.0.0.9 10.0.0.2 esp 10000 %1$s;
                update 10.0.0.1 10.0.0.2 esp 10005 %1$s;
                update 10.0.0.1 10.0.0.2 esp 10000 -E rijndael-cbc "bbbbbbbbbbbbbbbb";
                """.formatted(ALGO));
        // key_api_update: no SA head → ENOENT, which setkey.c postproc leaves without a text (printf's "(null)");
        // no SA with that SPI → EINVAL; another pid than the SA's creator → EINVAL. The status stays 0 (-f).
        assertEquals(new SetkeyHarness.Result(0, """
                The result of line 1: (null).
                The result of line 2: Invalid argument.
                """, ""), r);
        h.pid = 4712;
        assertEquals(
                new SetkeyHarness.Result(0, "The result of line 1: Invalid argument.\n", ""),
                h.script("update 10.0.0.1 10.0.0.2 esp 10000 " + ALGO + ";"));
    }
}
