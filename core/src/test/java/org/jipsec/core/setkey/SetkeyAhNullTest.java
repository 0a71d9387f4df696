package org.jipsec.core.setkey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * NetBSD tests/net/ipsec/t_ipsec_ah_keys.sh, {@code ipsec_ah_null_valid_keys} / {@code _invalid_keys}: {@code -A null}
 * takes no key (algorithms.sh: "null … only accept 0 length"); {@code add 10.0.0.1 10.0.0.2 ah 10000 -A null;} is
 * accepted silently (exit 0, nothing printed) and the SA is dumped; a key after {@code -A null} is a syntax error.
 */
class SetkeyAhNullTest {

    @Test
    void ahNullWithoutAKeyIsAcceptedSilently() {
        SetkeyHarness h = new SetkeyHarness();
        SetkeyHarness.Result r = h.script("add 10.0.0.1 10.0.0.2 ah 10000 -A null;\n", "-c");
        assertEquals(0, r.status(), r.out() + r.err());
        assertEquals("", r.out());
        assertEquals("", r.err());
        assertEquals(1, h.engine.sad().size());
        SetkeyHarness.Result d = h.run("-D");
        assertTrue(d.out().startsWith("10.0.0.1 10.0.0.2"), d.out());
        // the kernel dumps no KEY_AUTH for an SA without a key, so setkey prints no "A:" line (pfkey_sadump)
        assertTrue(!d.out().contains("\tA: "), d.out());
        SetkeyHarness.Result del = h.script("delete 10.0.0.1 10.0.0.2 ah 10000;\n", "-c");
        assertEquals(0, del.status(), del.out() + del.err());
        assertEquals(0, h.engine.sad().size());
    }

    @Test
    void ahNullWithAKeyIsASyntaxError() {
        SetkeyHarness h = new SetkeyHarness();
        SetkeyHarness.Result r = h.script("add 10.0.0.1 10.0.0.2 ah 10000 -A null \"a\";\n", "-c");
        assertTrue((r.out() + r.err()).contains("syntax error"), r.out() + r.err());
        assertEquals(0, h.engine.sad().size());
    }
}
