package org.jipsec.core.ike.keylog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.jipsec.core.ike.crypto.IkeTransforms;
import org.jipsec.core.ike.engine.IkeAction;
import org.jipsec.core.ike.proposal.Negotiated;
import org.jipsec.core.ike.proposal.SaProtocol;
import org.junit.jupiter.api.Test;

/**
 * The exact lines of Wireshark's decryption tables (the names as packet-isakmp.c / packet-esp.c and strongSwan's
 * save-keys plugin spell them); KeyLogTsharkTest proves tshark reads them.
 */
class WiresharkKeyLogTest {
    private static final HexFormat HEX = HexFormat.of();

    static IkeTransforms.Encryption enc(String name) {
        return IkeTransforms.encryption().stream()
                .filter(e -> e.strongSwanName().equals(name))
                .findFirst()
                .orElseThrow();
    }

    static IkeTransforms.Integrity integ(String name) {
        return IkeTransforms.integrity().stream()
                .filter(e -> e.strongSwanName().equals(name))
                .findFirst()
                .orElseThrow();
    }

    static byte[] bytes(int n, int first) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (first + i);
        return b;
    }

    @Test
    void ikeLineForGcmHasTheSaltInSkEAndNoIntegrity() {
        Negotiated n = new Negotiated(SaProtocol.IKE, 1, enc("aes128gcm16"), null, null, null, false);
        assertEquals(
                Optional.of("0123456789abcdef,fedcba9876543210,"
                        + "000102030405060708090a0b0c0d0e0f10111213,"
                        + "202122232425262728292a2b2c2d2e2f30313233,"
                        + "\"AES-GCM-128 with 16 octet ICV [RFC5282]\",,,\"NONE [RFC4306]\""),
                WiresharkKeyLog.ikeLine(
                        0x0123456789abcdefL,
                        0xfedcba9876543210L,
                        n,
                        bytes(20, 0),
                        bytes(20, 0x20),
                        new byte[0],
                        new byte[0]));
    }

    @Test
    void ikeLineForCbcWithHmac() {
        Negotiated n = new Negotiated(SaProtocol.IKE, 1, enc("aes256"), integ("sha256"), null, null, false);
        String line = WiresharkKeyLog.ikeLine(1, 2, n, bytes(32, 0), bytes(32, 0x40), bytes(32, 0x80), bytes(32, 0xa0))
                .orElseThrow();
        assertEquals(
                "0000000000000001,0000000000000002," + HEX.formatHex(bytes(32, 0)) + ","
                        + HEX.formatHex(bytes(32, 0x40)) + ",\"AES-CBC-256 [RFC3602]\","
                        + HEX.formatHex(bytes(32, 0x80)) + ","
                        + HEX.formatHex(bytes(32, 0xa0)) + ",\"HMAC_SHA2_256_128 [RFC4868]\"",
                line);
    }

    @Test
    void everyIkeAlgorithmWiresharkKnowsHasItsName() {
        assertEquals(Optional.of("AES-CBC-128 [RFC3602]"), WiresharkKeyLog.ikeEncryption(enc("aes128")));
        assertEquals(Optional.of("AES-CBC-192 [RFC3602]"), WiresharkKeyLog.ikeEncryption(enc("aes192")));
        assertEquals(
                Optional.of("AES-GCM-256 with 16 octet ICV [RFC5282]"),
                WiresharkKeyLog.ikeEncryption(enc("aes256gcm16")));
        assertEquals(Optional.of("HMAC_SHA1_96 [RFC2404]"), WiresharkKeyLog.ikeIntegrity(integ("sha1")));
        assertEquals(Optional.of("HMAC_SHA2_384_192 [RFC4868]"), WiresharkKeyLog.ikeIntegrity(integ("sha384")));
        assertEquals(Optional.of("HMAC_SHA2_512_256 [RFC4868]"), WiresharkKeyLog.ikeIntegrity(integ("sha512")));
        // Wireshark's IKEv2 table has no ChaCha20-Poly1305 and no AES-XCBC: no line rather than a wrong one
        assertEquals(Optional.empty(), WiresharkKeyLog.ikeEncryption(enc("chacha20poly1305")));
        assertEquals(
                Optional.empty(),
                WiresharkKeyLog.ikeLine(
                        1,
                        2,
                        new Negotiated(SaProtocol.IKE, 1, enc("chacha20poly1305"), null, null, null, false),
                        bytes(36, 0),
                        bytes(36, 0),
                        new byte[0],
                        new byte[0]));
        assertEquals(
                Optional.empty(),
                WiresharkKeyLog.ikeLine(
                        1,
                        2,
                        new Negotiated(SaProtocol.IKE, 1, enc("aes128"), integ("aesxcbc"), null, null, false),
                        bytes(16, 0),
                        bytes(16, 0),
                        bytes(16, 0),
                        bytes(16, 0)));
    }

    @Test
    void espLinesOutboundThenInbound() throws Exception {
        Negotiated esp = new Negotiated(SaProtocol.ESP, 1, enc("aes128"), integ("sha256"), null, null, false);
        IkeAction.InstallChild c = new IkeAction.InstallChild(
                "net",
                esp,
                0xc2ebd00c,
                0x0000abcd,
                bytes(16, 0),
                bytes(32, 0x10),
                bytes(16, 0x40),
                bytes(32, 0x50),
                List.of(),
                List.of());
        List<String> lines =
                WiresharkKeyLog.espLines(c, InetAddress.getByName("192.0.2.1"), InetAddress.getByName("198.51.100.7"));
        assertEquals(
                List.of(
                        "\"IPv4\",\"192.0.2.1\",\"198.51.100.7\",\"0x0000abcd\",\"AES-CBC [RFC3602]\",\"0x"
                                + HEX.formatHex(bytes(16, 0x40)) + "\",\"HMAC-SHA-256-128 [RFC4868]\",\"0x"
                                + HEX.formatHex(bytes(32, 0x50)) + "\"",
                        "\"IPv4\",\"198.51.100.7\",\"192.0.2.1\",\"0xc2ebd00c\",\"AES-CBC [RFC3602]\",\"0x"
                                + HEX.formatHex(bytes(16, 0)) + "\",\"HMAC-SHA-256-128 [RFC4868]\",\"0x"
                                + HEX.formatHex(bytes(32, 0x10)) + "\""),
                lines);
    }

    @Test
    void espAeadKeysCarryTheirSaltAndNullAuthentication() throws Exception {
        Negotiated gcm = new Negotiated(SaProtocol.ESP, 1, enc("aes256gcm16"), null, null, null, false);
        IkeAction.InstallChild c = new IkeAction.InstallChild(
                "net", gcm, 1, 2, bytes(36, 0), new byte[0], bytes(36, 0x40), new byte[0], List.of(), List.of());
        List<String> lines =
                WiresharkKeyLog.espLines(c, InetAddress.getByName("2001:db8::1"), InetAddress.getByName("2001:db8::2"));
        assertEquals(
                "\"IPv6\",\"2001:db8:0:0:0:0:0:1\",\"2001:db8:0:0:0:0:0:2\",\"0x00000002\","
                        + "\"AES-GCM with 16 octet ICV [RFC4106]\",\"0x" + HEX.formatHex(bytes(36, 0x40))
                        + "\",\"NULL\",\"\"",
                lines.getFirst());
        Negotiated chacha = new Negotiated(SaProtocol.ESP, 1, enc("chacha20poly1305"), null, null, null, false);
        IkeAction.InstallChild cc = new IkeAction.InstallChild(
                "net", chacha, 1, 2, bytes(36, 0), new byte[0], bytes(36, 0x40), new byte[0], List.of(), List.of());
        assertTrue(WiresharkKeyLog.espLines(cc, InetAddress.getByName("192.0.2.1"), InetAddress.getByName("192.0.2.2"))
                .getFirst()
                .contains("\"ChaCha20 with Poly1305 [RFC7634]\",\"0x" + HEX.formatHex(bytes(36, 0x40)) + "\""));
        assertEquals(
                "\"ANY 96 bit authentication [no checking]\"",
                "\"" + WiresharkKeyLog.espAuthentication(integ("aesxcbc")).orElseThrow() + "\"");
    }
}
