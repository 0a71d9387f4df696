package org.jipsec.core.setkey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jipsec.core.crypto.Algorithm;
import org.jipsec.core.crypto.AlgorithmKind;
import org.jipsec.core.crypto.AlgorithmTable;
import org.jipsec.core.crypto.KeyLengths;
import org.jipsec.core.pfkey.AlgorithmCatalog;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;
import org.junit.jupiter.api.Test;

/**
 * Every encryption and authentication algorithm of the table, with each of its valid key lengths accepted and
 * invalid ones refused the way NetBSD's setkey refuses them: the check runs against the daemon's SUPPORTED lists
 * (SADB_REGISTER first, spec §2.1) and prints {@code line N: Invalid key length at [0x…]} then
 * {@code parse failed, line N.}; nothing is sent.
 */
class KeyLengthTest {

    private static String key(int bits) {
        StringBuilder b = new StringBuilder("0x");
        for (int i = 0; i < bits / 8; i++) b.append(String.format("%02x", (i * 37 + 11) & 0xff)); // no DES weak key
        return b.toString();
    }

    /** Valid lengths: every discrete one; for ranges min, max and one between. */
    private static Set<Integer> valid(KeyLengths k) {
        Set<Integer> s = new TreeSet<>();
        if (k instanceof KeyLengths.Discrete d) s.addAll(d.bits());
        else {
            s.add(k.minBits());
            s.add(k.maxBits());
            int mid = (k.minBits() + k.maxBits()) / 2 / 8 * 8;
            if (k.allows(mid)) s.add(mid);
        }
        s.remove(0); // a zero-length key is written as no key at all (-E null / -A null)
        return s;
    }

    /** Invalid lengths: one byte below the minimum, one above the maximum, and a gap of a discrete list. */
    private static Set<Integer> invalid(KeyLengths k) {
        Set<Integer> s = new TreeSet<>();
        if (k.minBits() >= 16) s.add(k.minBits() - 8);
        s.add(k.maxBits() + 8);
        if (k instanceof KeyLengths.Discrete d && d.bits().size() > 1)
            s.add(d.bits().get(0) + 8);
        s.removeIf(k::allows);
        return s;
    }

    private static String statement(Algorithm a, String keyText, long spi) {
        String s = String.format("0x%x", spi);
        if (a.kind() == AlgorithmKind.ENCRYPTION)
            return "add 192.0.2.1 192.0.2.2 esp " + s + " -E " + a.name() + " " + keyText + " ;";
        if (a.name().equals("tcp-md5")) return "add 192.0.2.1 192.0.2.2 tcp " + s + " -A tcp-md5 " + keyText + " ;";
        return "add 192.0.2.1 192.0.2.2 ah " + s + " -A " + a.name() + " " + keyText + " ;";
    }

    @Test
    void everyAlgorithmAcceptsItsKeyLengthsAndRefusesOthers() {
        List<String> failures = new ArrayList<>();
        int checked = 0;
        long spi = 0x1000;
        for (AlgorithmKind kind : List.of(AlgorithmKind.ENCRYPTION, AlgorithmKind.AUTHENTICATION)) {
            for (Algorithm a : AlgorithmCatalog.TABLE.all(kind)) {
                if (a.name().equals("null")) continue; // takes no key: nullAlgorithmsTakeNoKey
                for (int bits : valid(a.keyBits())) {
                    SetkeyHarness h = new SetkeyHarness();
                    String stmt = statement(a, key(bits), a.name().equals("tcp-md5") ? 0x1000 : ++spi);
                    SetkeyHarness.Result r = h.script(stmt);
                    checked++;
                    if (r.status() != 0 || !r.err().isEmpty() || h.engine.sad().size() != 1)
                        failures.add(a.name() + " " + bits + " bits refused: " + r.out() + r.err());
                }
                for (int bits : invalid(a.keyBits())) {
                    SetkeyHarness h = new SetkeyHarness();
                    String k = key(bits);
                    SetkeyHarness.Result r = h.script("\n" + statement(a, k, ++spi), "-s");
                    checked++;
                    String allowed = a.name().equals("tcp-md5")
                            ? "8 to 640"
                            : a.keyBits().describe();
                    String expected = "line 2: Invalid key length for " + a.name() + ": " + bits + " bits (allowed: "
                            + allowed + ")\nparse failed, line 2.\n";
                    if (r.status() != 1
                            || !r.err().equals(expected)
                            || h.engine.sad().size() != 0
                            || r.err().contains(k.substring(2)))
                        failures.add(a.name() + " " + bits + " bits: " + r.status() + " " + r.err());
                }
            }
        }
        assertEquals(List.of(), failures);
        assertTrue(checked > 60, "checked " + checked);
    }

    @Test
    void keysInQuotedAscii() {
        SetkeyHarness h = new SetkeyHarness();
        assertEquals(
                0,
                h.script("add 192.0.2.1 192.0.2.2 esp 0x1001 -E 3des-cbc \"123456789012345678901234\" ;")
                        .status());
        SetkeyHarness.Result r =
                h.script("add 192.0.2.1 192.0.2.2 esp 0x1002 -E 3des-cbc \"12345678901234567890123\" ;", "-s");
        assertEquals(
                "line 1: Invalid key length for 3des-cbc: 184 bits (allowed: 192)\nparse failed, line 1.\n", r.err());
    }

    @Test
    void nullAlgorithmsTakeNoKey() {
        SetkeyHarness h = new SetkeyHarness();
        assertEquals(0, h.script("add 192.0.2.1 192.0.2.2 esp 0x1001 -E null ;").status());
        assertEquals(
                0,
                h.script(
                                "add 192.0.2.1 192.0.2.2 esp 0x1002 -E null -A hmac-sha1 0x0102030405060708090a0b0c0d0e0f1011121314 ;")
                        .status());
        SetkeyHarness.Result r = h.script("add 192.0.2.1 192.0.2.2 esp 0x1003 -E null 0x0102 ;", "-s");
        assertEquals("line 1: syntax error at [0x0102]\nparse failed, line 1.\n", r.err());
        // -E simple: the obsolete name of null, with setkey's warning
        SetkeyHarness.Result s = h.script("add 192.0.2.1 192.0.2.2 esp 0x1004 -E simple ;", "-s");
        assertEquals("WARNING: obsolete algorithm\n", s.err());
    }

    @Test
    void anAlgorithmTheDaemonDoesNotListIsNotSupported() {
        // a daemon whose SUPPORTED_ENCRYPT lists only aes-cbc
        PfkeyMessage reply = PfkeyMessage.of(
                Sadb.SADB_REGISTER,
                0,
                0,
                1,
                List.of(new Extension.Supported(
                        Sadb.SADB_EXT_SUPPORTED_ENCRYPT, List.of(new Extension.Alg(12, 16, 128, 256)))));
        KeyLengthCheck c = KeyLengthCheck.fromRegisterReply(reply);
        Algorithm aes =
                AlgorithmTable.byName(AlgorithmKind.ENCRYPTION, "aes-cbc").orElseThrow();
        Algorithm des =
                AlgorithmTable.byName(AlgorithmKind.ENCRYPTION, "3des-cbc").orElseThrow();
        assertNull(c.refuse(aes, 256));
        assertEquals("Invalid key length", c.refuse(aes, 384));
        assertEquals("Invalid key length", c.refuse(aes, 160), "in the SUPPORTED range, not a length AES has");
        assertEquals("Not supported", c.refuse(des, 192));
        SetkeyException e = org.junit.jupiter.api.Assertions.assertThrows(
                SetkeyException.class,
                () -> SetkeyParser.parse(
                        "add 192.0.2.1 192.0.2.2 esp 0x1001 -E 3des-cbc 0x" + "ab".repeat(24) + ";",
                        HostResolver.NUMERIC,
                        c));
        assertEquals("line 1: Not supported at [3des-cbc]", e.getMessage());
        assertFalse(e.getMessage().isEmpty());
    }
}
