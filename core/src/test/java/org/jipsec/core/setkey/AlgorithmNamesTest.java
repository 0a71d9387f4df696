package org.jipsec.core.setkey;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;
import org.junit.jupiter.api.Test;

/**
 * Every algorithm name of setkey's token.l (spec §2.2) maps to NetBSD's PF_KEY number (spec §1.8), with the SA flags
 * des-deriv / des-32iv add; upper-layer protocol words map to their numbers.
 */
class AlgorithmNamesTest {

    private static PfkeyMessage message(String stmt) throws SetkeyException {
        List<SetkeyStatement> s = SetkeyParser.parse(stmt);
        return SetkeyMessages.build(s.get(0), 1);
    }

    @Test
    void encryptionAuthenticationAndCompressionNames() throws Exception {
        String[][] enc = {
            {"des-cbc", "2", "0x0001020304050607", "0x40"},
            {"3des-cbc", "3", "0x" + "0a".repeat(24), "0x40"},
            {"blowfish-cbc", "7", "0x" + "0a".repeat(16), "0x40"},
            {"cast128-cbc", "6", "0x" + "0a".repeat(16), "0x40"},
            {"aes-cbc", "12", "0x" + "0a".repeat(16), "0x40"},
            {"rijndael-cbc", "12", "0x" + "0a".repeat(32), "0x40"},
            {"aes-ctr", "13", "0x" + "0a".repeat(20), "0x40"},
            {"camellia-cbc", "22", "0x" + "0a".repeat(16), "0x40"},
            {"des-deriv", "2", "0x0001020304050607", "0x60"},
            {"null", "11", "", "0x40"},
            {"simple", "11", "", "0x40"},
        };
        List<String> wrong = new ArrayList<>();
        for (String[] e : enc) {
            PfkeyMessage m = message("add 10.0.0.1 10.0.0.2 esp 0x1000 -E " + e[0] + " " + e[2] + ";");
            Extension.Sa sa = m.sa().orElseThrow();
            if (sa.encrypt() != Integer.parseInt(e[1]) || sa.flags() != Integer.decode(e[3]))
                wrong.add(e[0] + " → " + sa.encrypt() + " flags " + sa.flags());
        }
        PfkeyMessage old = message("add 10.0.0.1 10.0.0.2 esp-old 0x1000 -E des-32iv 0x0001020304050607;");
        assertEquals(0x10 | 0x40 | 0x01, old.sa().orElseThrow().flags(), "IV4B | CYCSEQ | OLD");
        String[] authNames = {
            "hmac-md5",
            "hmac-sha1",
            "keyed-md5",
            "keyed-sha1",
            "hmac-sha2-256",
            "hmac-sha256",
            "hmac-sha2-384",
            "hmac-sha384",
            "hmac-sha2-512",
            "hmac-sha512",
            "hmac-ripemd160",
            "aes-xcbc-mac"
        };
        int[] authNumbers = {2, 3, 249, 250, 5, 5, 6, 6, 7, 7, 8, 9};
        int[] authBytes = {16, 20, 16, 20, 32, 32, 48, 48, 64, 64, 20, 16};
        for (int i = 0; i < authNames.length; i++) {
            PfkeyMessage m = message(
                    "add 10.0.0.1 10.0.0.2 ah 0x1000 -A " + authNames[i] + " 0x" + "0b".repeat(authBytes[i]) + ";");
            if (m.sa().orElseThrow().auth() != authNumbers[i])
                wrong.add(authNames[i] + " → " + m.sa().orElseThrow().auth());
            if (m.key(Sadb.SADB_EXT_KEY_AUTH).orElseThrow().bits() != authBytes[i] * 8)
                wrong.add(authNames[i] + " key bits");
        }
        PfkeyMessage tcp = message("add 10.1.10.34 10.1.10.36 tcp 0x1000 -A tcp-md5 \"TCP-MD5 BGP secret\" ;");
        assertEquals(Sadb.SADB_X_SATYPE_TCPSIGNATURE, tcp.satype());
        assertEquals(252, tcp.sa().orElseThrow().auth());
        PfkeyMessage anull = message("add 10.0.0.1 10.0.0.2 ah 0x1000 -A null ;");
        assertEquals(251, anull.sa().orElseThrow().auth());
        assertEquals(false, anull.has(Sadb.SADB_EXT_KEY_AUTH), "-A null sends no KEY_AUTH (spec §2.3)");
        String[] comp = {"oui", "deflate", "lzs"};
        for (int i = 0; i < comp.length; i++) {
            PfkeyMessage m = message("add 10.0.0.1 10.0.0.2 ipcomp 0x1000 -C " + comp[i] + ";");
            if (m.sa().orElseThrow().encrypt() != i + 1 || m.has(Sadb.SADB_EXT_KEY_ENCRYPT)) wrong.add(comp[i]);
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void unsupportedAndMisplacedNames() {
        assertEquals(
                "line 1: unsupported algorithm at [twofish-cbc]",
                error("add 10.0.0.1 10.0.0.2 esp 0x1000 -E twofish-cbc 0x00;"));
        assertEquals(
                "line 1: syntax error at [3des-deriv]", error("add 10.0.0.1 10.0.0.2 esp 0x1000 -E 3des-deriv 0x00;"));
        assertEquals(
                "line 1: des-32iv must be used with esp-old at [des-32iv]",
                error("add 10.0.0.1 10.0.0.2 esp 0x1000 -E des-32iv 0x0001020304050607;"));
        assertEquals(
                "line 1: des-deriv cannot be used with esp-old at [des-deriv]",
                error("add 10.0.0.1 10.0.0.2 esp-old 0x1000 -E des-deriv 0x0001020304050607;"));
        assertEquals(
                "line 1: replay prevention cannot be used with ah/esp-old at [4]",
                error("add 10.0.0.1 10.0.0.2 ah-old 0x1000 -r 4 -A keyed-md5 0x" + "01".repeat(16) + ";"));
    }

    @Test
    void upperLayerWords() throws Exception {
        String[][] cases = {
            {"any", "255"},
            {"tcp", "6"},
            {"udp", "17"},
            {"icmp", "1"},
            {"icmp6", "58"},
            {"ipv6-icmp", "58"},
            {"ip4", "4"},
            {"gre", "47"},
            {"esp", "50"},
            {"sctp", "132"},
            {"41", "41"}
        };
        for (String[] c : cases) {
            PfkeyMessage m = message("spdadd 10.0.0.0/8 10.0.0.0/8 " + c[0] + " -P out discard;");
            assertEquals(
                    Integer.parseInt(c[1]),
                    m.address(Sadb.SADB_EXT_ADDRESS_SRC).orElseThrow().proto(),
                    c[0]);
        }
        assertEquals(
                "line 1: invalid upper layer protocol at [frob]",
                error("spdadd 10.0.0.0/8 10.0.0.0/8 frob -P out discard;"));
        PfkeyMessage gre = message("spdadd 10.0.0.1 10.0.0.2 gre 1.2.3.4 -P out discard;");
        assertEquals(
                (1 << 8) + 2,
                gre.address(Sadb.SADB_EXT_ADDRESS_SRC).orElseThrow().endpoint().port());
        assertEquals(
                (3 << 8) + 4,
                gre.address(Sadb.SADB_EXT_ADDRESS_DST).orElseThrow().endpoint().port());
        PfkeyMessage key = message("spdadd 10.0.0.1 10.0.0.2 gre 65539 -P out discard;");
        assertEquals(
                1,
                key.address(Sadb.SADB_EXT_ADDRESS_SRC).orElseThrow().endpoint().port());
        assertEquals(
                3,
                key.address(Sadb.SADB_EXT_ADDRESS_DST).orElseThrow().endpoint().port());
        PfkeyMessage svc = message("spdadd 10.0.0.1[ssh] 10.0.0.2[any] tcp -P out discard;");
        assertEquals(
                22,
                svc.address(Sadb.SADB_EXT_ADDRESS_SRC).orElseThrow().endpoint().port());
    }

    private static String error(String text) {
        return org.junit.jupiter.api.Assertions.assertThrows(SetkeyException.class, () -> message(text))
                .getMessage();
    }
}
