package org.jipsec.core.setkey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * NetBSD tests/net/ipsec/t_ipsec_esp_keys.sh and t_ipsec_ah_keys.sh, with algorithms.sh's key lengths and its
 * {@code generate_key} (a quoted run of {@code a}s), through {@code setkey -c} as the scripts run it: a valid key is
 * added with empty output and status 0; an invalid one prints {@code Invalid key length} or {@code Invalid argument}
 * ({@code syntax error} for {@code null}, which takes no key) on standard output, the status stays 0, and
 * {@code setkey -D} then answers {@code No SAD entries.}.
 */
class NetbsdKeysTest {

    /** algorithms.sh: valid_keys_* / invalid_keys_* (bits) of ESP_ENCRYPTION_ALGORITHMS. */
    private static final Map<String, int[][]> ESP = Map.ofEntries(
            Map.entry("des-cbc", new int[][] {{64}, {56, 72}}),
            Map.entry("3des-cbc", new int[][] {{192}, {184, 200}}),
            Map.entry("null", new int[][] {{0}, {8}}),
            Map.entry("blowfish-cbc", new int[][] {{40, 448}, {32, 456}}),
            Map.entry("cast128-cbc", new int[][] {{40, 128}, {32, 136}}),
            Map.entry("des-deriv", new int[][] {{64}, {56, 72}}),
            Map.entry("rijndael-cbc", new int[][] {{128, 192, 256}, {120, 136, 184, 200, 248, 264}}),
            Map.entry("aes-ctr", new int[][] {{160, 224, 288}, {152, 168, 216, 232, 280, 296}}),
            Map.entry("camellia-cbc", new int[][] {{128, 192, 256}, {120, 136, 184, 200, 248, 264}}),
            Map.entry("aes-gcm-16", new int[][] {{160, 224, 288}, {152, 168, 216, 232, 280, 296}}),
            Map.entry("aes-gmac", new int[][] {{160, 224, 288}, {152, 168, 216, 232, 280, 296}}));

    /** algorithms.sh: AH_AUTHENTICATION_ALGORITHMS (null's valid 0-length key is issue #13 item 1, not here). */
    private static final Map<String, int[][]> AH = Map.ofEntries(
            Map.entry("hmac-md5", new int[][] {{128}, {120, 136}}),
            Map.entry("hmac-sha1", new int[][] {{160}, {152, 168}}),
            Map.entry("keyed-md5", new int[][] {{128}, {120, 136}}),
            Map.entry("keyed-sha1", new int[][] {{160}, {152, 168}}),
            Map.entry("null", new int[][] {{}, {8}}),
            Map.entry("hmac-sha256", new int[][] {{256}, {248, 264}}),
            Map.entry("hmac-sha384", new int[][] {{384}, {376, 392}}),
            Map.entry("hmac-sha512", new int[][] {{512}, {504, 520}}),
            Map.entry("hmac-ripemd160", new int[][] {{160}, {152, 168}}),
            Map.entry("aes-xcbc-mac", new int[][] {{128}, {120, 136}}));

    private static final Pattern INVALID = Pattern.compile("Invalid (key length|argument)");

    /** algorithms.sh generate_key: bits/8 times 'a', quoted; nothing for 0 bits. */
    private static String key(int bits) {
        return bits == 0 ? "" : "\"" + "a".repeat(bits / 8) + "\"";
    }

    private static void check(String proto, String flag, Map<String, int[][]> algs) {
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (Map.Entry<String, int[][]> e : algs.entrySet()) {
            String alg = e.getKey();
            for (int bits : e.getValue()[0]) {
                SetkeyHarness h = new SetkeyHarness();
                h.stdin = "add 10.0.0.1 10.0.0.2 " + proto + " 10000 " + flag + " " + alg + " " + key(bits) + ";\n";
                SetkeyHarness.Result r = h.run("-c");
                checked++;
                if (r.status() != 0 || !r.out().isEmpty()) failures.add(alg + " " + bits + " valid: " + r);
                else if (!h.run("-D").out().contains("10.0.0.1 10.0.0.2"))
                    failures.add(alg + " " + bits + " not dumped");
                h.stdin = "delete 10.0.0.1 10.0.0.2 " + proto + " 10000;\n";
                SetkeyHarness.Result d = h.run("-c");
                if (d.status() != 0 || !d.out().isEmpty()) failures.add(alg + " " + bits + " delete: " + d);
                if (!h.run("-D").out().contains("No SAD entries.")) failures.add(alg + " " + bits + " still there");
            }
            for (int bits : e.getValue()[1]) {
                SetkeyHarness h = new SetkeyHarness();
                h.stdin = "add 10.0.0.1 10.0.0.2 " + proto + " 10000 " + flag + " " + alg + " " + key(bits) + ";\n";
                SetkeyHarness.Result r = h.run("-c");
                checked++;
                boolean ok = alg.equals("null")
                        ? r.out().contains("syntax error")
                        : INVALID.matcher(r.out()).find();
                if (r.status() != 0 || !ok) failures.add(alg + " " + bits + " invalid: " + r);
                if (!h.run("-D").out().contains("No SAD entries.")) failures.add(alg + " " + bits + " was added");
            }
        }
        assertEquals(List.of(), failures);
        assertTrue(checked > 20, "checked " + checked);
    }

    @Test
    void ipsecEspValidAndInvalidKeys() {
        check("esp", "-E", ESP);
    }

    @Test
    void ipsecAhValidAndInvalidKeys() {
        check("ah", "-A", AH);
    }

    @Test
    void strictModeStopsAndFails() {
        SetkeyHarness h = new SetkeyHarness();
        h.stdin = "add 10.0.0.1 10.0.0.2 esp 10000 -E 3des-cbc \"aaaaaaaaaaaaaaaaaaaaaaa\";\n"
                + "add 10.0.0.1 10.0.0.2 esp 10001 -E 3des-cbc \"aaaaaaaaaaaaaaaaaaaaaaaa\";\n";
        SetkeyHarness.Result r = h.run("-s", "-c");
        assertEquals(1, r.status());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("line 1: Invalid key length for 3des-cbc: 184 bits"), r.err());
        assertTrue(r.err().endsWith("parse failed, line 1.\n"), r.err());
        assertEquals(0, h.engine.sad().size(), "strict: nothing sent");
        SetkeyHarness.Result n = h.run("-c");
        assertEquals(0, n.status());
        assertTrue(n.out().startsWith("line 1: Invalid key length for 3des-cbc: 184 bits"), n.out());
        assertEquals("", n.err());
        assertEquals(1, h.engine.sad().size(), "NetBSD: the bad statement is skipped, the next one applied");
    }
}
