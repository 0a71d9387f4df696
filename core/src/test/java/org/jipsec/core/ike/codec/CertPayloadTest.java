package org.jipsec.core.ike.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.jipsec.core.ike.auth.CertIdentity;
import org.jipsec.testkit.TestPki;
import org.junit.jupiter.api.Test;

/**
 * CERT and CERTREQ (RFC 7296 §3.6, §3.7) as the RFC's figures lay them out, and ID_DER_ASN1_DN in strongSwan's text
 * order. The expected octets are written from the RFC text: generic payload header (next payload, C + reserved,
 * length), one octet Cert Encoding, then the data.
 */
class CertPayloadTest {
    static final HexFormat HEX = HexFormat.of();

    @Test
    void certReqOfTwoCasIsEncoding4AndTheirSha1HashesConcatenated() throws Exception {
        byte[] h1 = HEX.parseHex("00112233445566778899aabbccddeeff00112233");
        byte[] h2 = HEX.parseHex("ffeeddccbbaa99887766554433221100ffeeddcc");
        byte[] wire = IkeMessageCodec.encodeInner(List.of(CertPayload.certReq(List.of(h1, h2))));
        // §3.7: length 4 + 1 + 40 = 45 = 0x2d; encoding 4; the hashes
        assertEquals("00" + "00" + "002d" + "04" + HEX.formatHex(h1) + HEX.formatHex(h2), HEX.formatHex(wire));
        List<Payload> back = IkeMessageCodec.decodeInner(PayloadType.CERTREQ, wire, 0, wire.length);
        CertPayload p = (CertPayload) back.getFirst();
        assertTrue(p.request());
        assertEquals(2, p.caHashes().size());
        assertArrayEquals(h2, p.caHashes().get(1));
    }

    @Test
    void certIsEncoding4AndTheDerCertificate() throws Exception {
        var ca = TestPki.rootCa("C=CH, O=jipsec, CN=KAT Root", TestPki.KeyType.EC_P256);
        byte[] der = ca.cert().getEncoded();
        byte[] wire = IkeMessageCodec.encodeInner(List.of(CertPayload.x509(der)));
        assertEquals(String.format("0000%04x04", 5 + der.length), HEX.formatHex(wire, 0, 5));
        assertArrayEquals(der, java.util.Arrays.copyOfRange(wire, 5, wire.length));
        CertPayload p = (CertPayload) IkeMessageCodec.decodeInner(PayloadType.CERT, wire, 0, wire.length)
                .getFirst();
        assertEquals(CertPayload.X509_SIGNATURE, p.encoding());
        assertFalse(p.request());
        assertTrue(p.caHashes().isEmpty(), "a CERT has no CA hashes");
        // §3.7: the hash of the CA's SubjectPublicKeyInfo is what a CERTREQ names
        assertTrue(CertIdentity.requested(
                CertPayload.certReq(List.of(CertIdentity.caKeyHash(ca.cert()))).data(), ca.cert()));
    }

    @Test
    void otherEncodingsAndOddLengthsDecodeAndAreNotRead() throws Exception {
        // encoding 12 (Hash and URL of X.509 certificate): kept raw, not X.509
        byte[] wire = HEX.parseHex("00000009" + "0c" + "01020304");
        CertPayload p = (CertPayload) IkeMessageCodec.decodeInner(PayloadType.CERT, wire, 0, wire.length)
                .getFirst();
        assertEquals(12, p.encoding());
        // a CERTREQ of 25 data octets: one whole hash, the rest ignored
        byte[] req = new byte[4 + 1 + 25];
        req[3] = (byte) req.length;
        req[4] = 4;
        CertPayload r = (CertPayload) IkeMessageCodec.decodeInner(PayloadType.CERTREQ, req, 0, req.length)
                .getFirst();
        assertEquals(1, r.caHashes().size());
    }

    @Test
    void distinguishedNamesInStrongSwanOrder() {
        byte[] der = DistinguishedName.der("C=CH, O=strongSwan, CN=moon.strongswan.org");
        // RFC 4514 strings list the last RDN first: the same name
        assertEquals(new X500Principal("CN=moon.strongswan.org,O=strongSwan,C=CH"), new X500Principal(der));
        assertEquals("C=CH, O=strongSwan, CN=moon.strongswan.org", DistinguishedName.text(der));
        assertTrue(DistinguishedName.matches("C=CH, O=strongSwan, CN=*", der));
        assertTrue(DistinguishedName.matches("c=ch, o=STRONGSWAN, cn=moon.strongswan.org", der));
        assertFalse(DistinguishedName.matches("C=CH, O=strongSwan, CN=sun.strongswan.org", der));
        assertFalse(DistinguishedName.matches("C=CH, CN=*", der), "RDN count differs");
        assertFalse(DistinguishedName.matches("O=strongSwan, C=CH, CN=*", der), "order matters");
        IdPayload id = IdPayload.ofDn(true, der);
        assertEquals("C=CH, O=strongSwan, CN=moon.strongswan.org", id.text());
    }
}
