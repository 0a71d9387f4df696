package org.jipsec.core.setkey;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.junit.jupiter.api.Test;

/** setkey's lexer and parser for {@code add}/{@code spdadd} (spec §2.2–§2.4): what a user writes, what they get. */
class SetkeyParserTest {

    private static AddStatement add(String text) throws SetkeyException {
        List<SetkeyStatement> s = SetkeyParser.parse(text);
        assertEquals(1, s.size());
        return assertInstanceOf(AddStatement.class, s.getFirst());
    }

    private static String error(String text) {
        return assertThrows(SetkeyException.class, () -> SetkeyParser.parse(text))
                .getMessage();
    }

    @Test
    void manPageExamples() throws Exception {
        // setkey.8: add 10.0.11.41 10.0.11.33 esp 0x10001 -E des-cbc 0x3ffe05014819ffff -A hmac-md5 "authentication!!"
        // ;
        AddStatement a = add(
                "add 10.0.11.41 10.0.11.33 esp 0x10001\n        -E des-cbc 0x3ffe05014819ffff\n        -A hmac-md5 \"authentication!!\" ;");
        assertEquals(IpsecProtocol.ESP, a.protocol());
        assertEquals(0x10001, a.spi());
        assertEquals("des-cbc", a.encryption().name());
        assertArrayEquals(HexFormat.of().parseHex("3ffe05014819ffff"), a.encryptionKey());
        assertEquals("hmac-md5", a.auth().name());
        assertArrayEquals("authentication!!".getBytes(StandardCharsets.US_ASCII), a.authKey());
        assertEquals(0x40, a.flags(), "parse_init: CYCSEQ");
        assertEquals(IpsecMode.ANY, a.mode());
        assertEquals(0, a.replayBytes());
        AddStatement b = add("add 3ffe:501:4819::1 3ffe:501:481d::1 esp 123457 -E des-cbc 0x3ffe05014819ffff ;");
        assertTrue(b.dst().isIpv6());
        assertEquals(123457, b.spi());
    }

    @Test
    void extensionsAndFlags() throws Exception {
        AddStatement a = add("add -4n 192.0.2.1 192.0.2.2 esp 0x1001 -m tunnel -u 7 -r 4 -f random-pad -f nocyclic-seq"
                + " -lh 60 -ls 50 -bh 1000 -bs 900 -E aes-cbc 0x00112233445566778899aabbccddeeff -A hmac-sha256"
                + " 0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff ;");
        assertEquals(IpsecMode.TUNNEL, a.mode());
        assertEquals(7, a.reqid());
        assertEquals(4, a.replayBytes());
        assertEquals(32, a.replayPackets());
        assertEquals(0x100, a.flags(), "random-pad set, cyclic-seq cleared");
        assertEquals(60, a.hardAddtime());
        assertEquals(900, a.softBytes());
        assertTrue(a.auth().isNamed("hmac-sha2-256"));
    }

    @Test
    void aeadIpcompAhAndNatT() throws Exception {
        AddStatement g =
                add("add 192.0.2.1 192.0.2.2 esp 0x1001 -E aes-gcm-16 0x0123456789abcdef0123456789abcdef01020304;");
        assertTrue(g.encryption().combinedMode());
        AddStatement c = add("add 192.0.2.1 192.0.2.2 ipcomp 0x4001 -C deflate -R ;");
        assertEquals(IpsecProtocol.IPCOMP, c.protocol());
        assertEquals(0x80 | 0x40, c.flags());
        AddStatement h = add("add 192.0.2.1 192.0.2.2 ah 0x2001 -A hmac-sha1 \"12345678901234567890\" ;");
        assertEquals(IpsecProtocol.AH, h.protocol());
        AddStatement n = add(
                "add 192.0.2.1[4501] 198.51.100.7 esp-udp 0x3001 -m transport -E aes-gcm-16 0x0123456789abcdef0123456789abcdef01020304;");
        assertTrue(n.espUdp());
        assertEquals(4501, n.src().port());
        assertEquals(4500, n.dst().port(), "DEFAULT_NATT_PORT");
    }

    @Test
    void hexKeyWithOddDigitsHasALoneFirstNibble() throws Exception {
        AddStatement a = add("add 192.0.2.1 192.0.2.2 ah 0x2001 -A hmac-md5 0x123456789abcdef0123456789abcdef ;");
        assertEquals(16, a.authKey().length);
        assertEquals(0x01, a.authKey()[0]);
    }

    @Test
    void commentsAndMultiLineStatements() throws Exception {
        List<SetkeyStatement> s = SetkeyParser.parse("""
                # a comment
                flush ;   # trailing comment
                add 192.0.2.1 192.0.2.2   # split over
                    esp 0x1001            # several lines
                    -E null ;
                spdflush;
                spdadd 10.1.0.0/16 10.2.0.0/16[80] tcp -P out ipsec
                    esp/tunnel/192.0.2.1-192.0.2.2/require ;
                """);
        assertEquals(4, s.size());
        assertEquals(new BareStatement(2, BareStatement.Verb.FLUSH, org.jipsec.core.ipsec.SaType.UNSPEC), s.get(0));
        AddStatement a = assertInstanceOf(AddStatement.class, s.get(1));
        assertEquals(3, a.line());
        assertEquals(0, a.encryptionKey().length);
        SpdAddStatement p = assertInstanceOf(SpdAddStatement.class, s.get(3));
        assertEquals(16, p.srcPrefix());
        assertEquals(80, p.dstPort());
        assertEquals(6, p.upper());
        assertEquals("out ipsec\n    esp/tunnel/192.0.2.1-192.0.2.2/require", p.policy());
    }

    @Test
    void errorsNameTheLine() {
        assertEquals(
                "line 2: syntax error at [aes-foo]",
                error("flush;\nadd 192.0.2.1 192.0.2.2 esp 0x1001 -E aes-foo 0x00 ;"));
        assertEquals(
                "line 3: Invalid key length for aes-cbc: 16 bits (allowed: 128/192/256)",
                error("\n\nadd 192.0.2.1 192.0.2.2 esp 0x1001 -E aes-cbc 0x0011 ;"));
        assertEquals(
                "line 1: SPI too big. at [0x100000000]", error("add 192.0.2.1 192.0.2.2 esp 0x100000000 -E null;"));
        assertEquals(
                "line 1: Name or service not known at [host.example]",
                error("add host.example 192.0.2.2 esp 0x1001 -E null;"));
        assertEquals("line 1: syntax error at [end of input]", error("add 192.0.2.1 192.0.2.2 esp 0x1001 -E null"));
        assertTrue(error(
                        "add 192.0.2.1 192.0.2.2 esp 0x1001 -E aes-gcm-16 0x0123456789abcdef0123456789abcdef01020304 -A hmac-sha1 \"12345678901234567890\";")
                .contains("combined-mode"));
        assertTrue(error("add 192.0.2.1 2001:db8::1 esp 0x1001 -E null;").contains("address family mismatch"));
        assertTrue(error("add 192.0.2.1 192.0.2.2 esp 0x1001 -E aes-cbc \"unterminated;")
                .contains("unterminated"));
        assertEquals(
                "line 1: syntax error at [sideways]", error("add 192.0.2.1 192.0.2.2 esp 0x1001 -m sideways -E null;"));
        assertEquals("line 1: syntax error at [frobnicate]", error("frobnicate;"));
        assertEquals("line 1: syntax error at [;]", error("add 192.0.2.1 192.0.2.2 esp 0x1001 ;"));
    }

    @FuzzTest(maxDuration = "30s")
    void parserOnlyThrowsSetkeyException(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        try {
            SetkeyParser.parse(text);
        } catch (SetkeyException expected) {
            assertNull(null);
        }
    }
}
