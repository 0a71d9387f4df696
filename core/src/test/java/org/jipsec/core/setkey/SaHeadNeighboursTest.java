package org.jipsec.core.setkey;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue #13 item 12: every field of an SA's index against a neighbour that differs only in that field, through
 * {@code setkey} as a user adds them. The rule is NetBSD's key.c: {@code key_api_add} (and GETSPI, UPDATE) looks the
 * SA head up with {@code key_getsah_ref(&saidx, CMP_REQID)}, and {@code key_saidx_match} with CMP_REQID compares the
 * protocol, the addresses and — when the request's reqid is non-zero — the reqid, but never the mode; a new head is
 * made only when none matches; {@code key_setdumpsa} dumps the head's mode and reqid ({@code sav->sah->saidx}). So a
 * {@code -m tunnel} SA added next to a mode-any SA of the same addresses joins the mode-any head and is dumped
 * {@code mode=any}, on NetBSD as here; on the way out the policy request's mode decides the encapsulation
 * (ipsec_output.c uses {@code isr->saidx.mode}), so the SA still runs in tunnel mode under a tunnel policy.
 */
class SaHeadNeighboursTest {

    private static final String BASE = "add 10.0.0.1 10.0.0.2 esp 10000 -E rijndael-cbc \"aaaaaaaaaaaaaaaa\";\n";

    private record Dumped(String mode, long reqid) {}

    private static Dumped dumped(SetkeyHarness h, String src, String dst, long spi) {
        String d = h.run("-D").out();
        Matcher m = Pattern.compile(Pattern.quote(src + " " + dst) + " \\n\\t(?:esp-udp |ah |esp )mode=(\\w+) spi="
                        + spi + "\\(0x[0-9a-f]{8}\\) reqid=(\\d+)\\(")
                .matcher(d);
        if (!m.find()) throw new AssertionError("spi " + spi + " not in\n" + d);
        return new Dumped(m.group(1), Long.parseLong(m.group(2)));
    }

    private static SetkeyHarness with(String config) {
        SetkeyHarness h = new SetkeyHarness();
        h.stdin = config;
        SetkeyHarness.Result r = h.run("-c");
        assertEquals(new SetkeyHarness.Result(0, "", ""), r);
        return h;
    }

    @Test
    void theIssuesCaseModeIsNotPartOfTheHeadMatch() {
        SetkeyHarness alone = with("add 10.0.0.1 10.0.0.2 esp 10010 -m tunnel -E aes-ctr 0x"
                + "00112233445566778899aabbccddeeff00112233" + ";\n");
        assertEquals(new Dumped("tunnel", 0), dumped(alone, "10.0.0.1", "10.0.0.2", 10010), "alone: its own head");
        SetkeyHarness h = with(BASE + "add 10.0.0.1 10.0.0.2 esp 10010 -m tunnel -E aes-ctr 0x"
                + "00112233445566778899aabbccddeeff00112233" + ";\n");
        assertEquals(new Dumped("any", 0), dumped(h, "10.0.0.1", "10.0.0.2", 10010), "CMP_REQID: joins the any head");
        assertEquals(1, h.engine.sad().headCount());
        // the other order: the tunnel head takes the mode-any SA
        SetkeyHarness r =
                with("add 10.0.0.1 10.0.0.2 esp 10010 -m tunnel -E rijndael-cbc \"aaaaaaaaaaaaaaaa\";\n" + BASE);
        assertEquals(new Dumped("tunnel", 0), dumped(r, "10.0.0.1", "10.0.0.2", 10000));
        assertEquals(1, r.engine.sad().headCount());
    }

    @Test
    void reqidIsComparedOnlyWhenTheNewSaHasOne() {
        SetkeyHarness h = with(BASE + "add 10.0.0.1 10.0.0.2 esp 10010 -u 5 -E rijndael-cbc \"aaaaaaaaaaaaaaaa\";\n");
        assertEquals(new Dumped("any", 5), dumped(h, "10.0.0.1", "10.0.0.2", 10010), "reqid 5 ≠ 0: a head of its own");
        assertEquals(2, h.engine.sad().headCount());
        SetkeyHarness r = with("add 10.0.0.1 10.0.0.2 esp 10010 -u 5 -E rijndael-cbc \"aaaaaaaaaaaaaaaa\";\n" + BASE);
        assertEquals(new Dumped("any", 5), dumped(r, "10.0.0.1", "10.0.0.2", 10000), "reqid 0 matches any head");
        assertEquals(1, r.engine.sad().headCount());
    }

    @Test
    void protocolAndAddressesMakeHeadsOfTheirOwn() {
        SetkeyHarness p = with(BASE + "add 10.0.0.1 10.0.0.2 ah 10010 -A hmac-sha1 \"aaaaaaaaaaaaaaaaaaaa\";\n");
        assertEquals(2, p.engine.sad().headCount(), "protocol");
        SetkeyHarness s = with(BASE + "add 10.0.0.3 10.0.0.2 esp 10010 -E rijndael-cbc \"aaaaaaaaaaaaaaaa\";\n");
        assertEquals(2, s.engine.sad().headCount(), "source");
        SetkeyHarness d = with(BASE + "add 10.0.0.1 10.0.0.3 esp 10010 -E rijndael-cbc \"aaaaaaaaaaaaaaaa\";\n");
        assertEquals(2, d.engine.sad().headCount(), "destination");
        SetkeyHarness f = with(BASE + "add fd00::1 fd00::2 esp 10010 -E rijndael-cbc \"aaaaaaaaaaaaaaaa\";\n");
        assertEquals(2, f.engine.sad().headCount(), "family");
    }

    @Test
    void spiAloneSharesTheHeadAndTheSameSpiTwiceIsRefused() {
        SetkeyHarness h = with(BASE + "add 10.0.0.1 10.0.0.2 esp 10010 -E rijndael-cbc \"aaaaaaaaaaaaaaaa\";\n");
        assertEquals(1, h.engine.sad().headCount());
        assertEquals(2, h.engine.sad().size());
        h.stdin = BASE;
        assertEquals(new SetkeyHarness.Result(0, "File exists.\n", ""), h.run("-c"), "key_api_add: EEXIST");
        h.stdin = "add 10.0.0.1 10.0.0.2 esp 10000 -m tunnel -E rijndael-cbc \"aaaaaaaaaaaaaaaa\";\n";
        assertEquals(new SetkeyHarness.Result(0, "File exists.\n", ""), h.run("-c"), "same head, same SPI");
    }

    @Test
    void natTPortsKeepHeadsApart() {
        // NetBSD compares NAT-T ports only for a tunnel-mode request (PORT_LOOSE) and rewrites the head's ports with
        // each new SA's (key_handle_natt_info); jipsec keeps SAs whose NAT-T ports differ (two peers behind one NAT)
        // in heads of their own, so neither overwrites the other's ports: a difference on purpose
        SetkeyHarness h = with("""
                add 10.0.0.1[4500] 10.0.0.2[4500] esp-udp 10000 -E rijndael-cbc "aaaaaaaaaaaaaaaa";
                add 10.0.0.1[4500] 10.0.0.2[4501] esp-udp 10010 -E rijndael-cbc "aaaaaaaaaaaaaaaa";
                """);
        assertEquals(2, h.engine.sad().headCount());
        String d = h.run("-D").out();
        assertEquals(true, d.contains("10.0.0.1[4500] 10.0.0.2[4500] \n\tesp-udp mode=any spi=10000("), d);
        assertEquals(true, d.contains("10.0.0.1[4500] 10.0.0.2[4501] \n\tesp-udp mode=any spi=10010("), d);
    }
}
