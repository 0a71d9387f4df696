package org.jipsec.core.ike.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import org.jipsec.core.ike.StrongSwanVectors;
import org.jipsec.core.ike.codec.AuthPayload;
import org.jipsec.core.ike.codec.DeletePayload;
import org.jipsec.core.ike.codec.ExchangeType;
import org.jipsec.core.ike.codec.IdPayload;
import org.jipsec.core.ike.codec.IkeMessage;
import org.jipsec.core.ike.codec.IkeMessageCodec;
import org.jipsec.core.ike.codec.KePayload;
import org.jipsec.core.ike.codec.NoncePayload;
import org.jipsec.core.ike.codec.Proposal;
import org.jipsec.core.ike.codec.SaPayload;
import org.jipsec.core.ike.codec.Transform;
import org.jipsec.core.ike.codec.TsPayload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole key schedule against strongSwan 5.9.8 (keys charon logged at ike/chd level 4 in four recorded
 * runs, {@link StrongSwanVectors}): SKEYSEED and SK_* (§2.14) from the logged g^ir and the captured nonces and
 * SPIs; decryption of every protected message (§3.14); both PSK AUTH values (§2.15); the first CHILD_SA's
 * KEYMAT (§2.17); the child rekey with and without PFS; the IKE rekey (§2.18) and a message on the new IKE SA;
 * and, for the AEAD runs, re-encryption of strongSwan's IKE_AUTH byte for byte.
 */
class StrongSwanKeyScheduleTest {

    static List<String> runs() {
        return StrongSwanVectors.RUNS;
    }

    /** The negotiated IKE or ESP algorithms, read from a response's SA payload through IkeTransforms. */
    record Suite(IkeTransforms.Encryption enc, IkeTransforms.Integrity integ, PrfAlgorithm prf, DhGroup dh) {
        static Suite of(SaPayload sa) {
            IkeTransforms.Encryption enc = null;
            IkeTransforms.Integrity integ = null;
            PrfAlgorithm prf = null;
            DhGroup dh = null;
            for (Transform t : sa.proposals().getFirst().transforms()) {
                switch (t.type()) {
                    case IkeTransforms.ENCR ->
                        enc = IkeTransforms.encryption(t.id(), t.keyLength().orElse(0))
                                .orElseThrow();
                    case IkeTransforms.INTEG ->
                        integ = IkeTransforms.integrity(t.id()).orElseThrow();
                    case IkeTransforms.PRF -> prf = PrfAlgorithm.byTransformId(t.id());
                    case IkeTransforms.DH -> dh = DhGroup.byNumber(t.id());
                    default -> {}
                }
            }
            return new Suite(enc, integ, prf, dh);
        }

        int integKeyBytes() {
            return integ == null ? 0 : integ.keyBytes();
        }

        SkCipher cipher(byte[] ek, byte[] ak, SecureRandom random) {
            return SkCipher.create(enc, ek, integ, ak, random);
        }
    }

    private static <T extends org.jipsec.core.ike.codec.Payload> T the(IkeMessage m, Class<T> type) {
        return m.first(type).orElseThrow(() -> new AssertionError(m.summary() + " lacks " + type.getSimpleName()));
    }

    @ParameterizedTest
    @MethodSource("runs")
    void keysAuthAndMessagesMatchStrongSwan(String run) throws Exception {
        StrongSwanVectors v = StrongSwanVectors.load(run);
        IkeMessage init = IkeMessageCodec.decode(v.message(0));
        IkeMessage initResp = IkeMessageCodec.decode(v.message(1));
        Suite ike = Suite.of(the(initResp, SaPayload.class));
        byte[] ni = the(init, NoncePayload.class).data();
        byte[] nr = the(initResp, NoncePayload.class).data();
        assertEquals(ike.dh().keBytes(), the(init, KePayload.class).data().length);

        // §2.14
        byte[] skeyseed = KeySchedule.skeyseed(ike.prf(), ni, nr, v.value("dh_secret.0"));
        assertArrayEquals(v.value("skeyseed.0"), skeyseed, run + " SKEYSEED");
        IkeSaKeys k = KeySchedule.ikeSaKeys(
                ike.prf(),
                skeyseed,
                ni,
                nr,
                initResp.header().spiI(),
                initResp.header().spiR(),
                ike.integKeyBytes(),
                ike.enc().keyBytes());
        assertKeys(v, 0, k, ike);

        // §3.14: strongSwan's IKE_AUTH, both directions
        SkCipher fromI = ike.cipher(k.skEi(), k.skAi(), null);
        SkCipher fromR = ike.cipher(k.skEr(), k.skAr(), null);
        IkeMessage auth = fromI.unprotect(v.message(2));
        IkeMessage authResp = fromR.unprotect(v.message(3));
        assertTrue(
                auth.summary().startsWith("IKE_AUTH request 1 [ IDi N(INITIAL_CONTACT) IDr AUTH SA TSi TSr"),
                auth.summary());
        assertEquals("IKE_AUTH response 1 [ IDr AUTH SA TSi TSr ]", authResp.summary());
        assertEquals("10.231.0.1", the(auth, IdPayload.class).text());
        assertEquals(
                List.of("10.231.1.1..10.231.1.1"),
                the(auth, TsPayload.class).selectors().stream()
                        .map(Object::toString)
                        .toList());

        // §2.15 PSK: the initiator's AUTH over RealMessage1 | Nr | prf(SK_pi, IDi'), the responder's over
        // RealMessage2 | Ni | prf(SK_pr, IDr')
        byte[] psk = v.value("psk.0");
        IdPayload idi = the(auth, IdPayload.class);
        IdPayload idr = authResp.first(IdPayload.class).orElseThrow();
        byte[] authI = new org.jipsec.core.ike.auth.PskAuthenticator(ike.prf(), psk)
                .sign(org.jipsec.core.ike.auth.SignedOctets.of(ike.prf(), v.message(0), nr, k.skPi(), idi.body()))
                .data();
        assertArrayEquals(v.value("auth.0"), authI, run + " AUTH_i");
        assertArrayEquals(the(auth, AuthPayload.class).data(), authI);
        assertTrue(
                new org.jipsec.core.ike.auth.PskAuthenticator(ike.prf(), psk)
                        .verify(
                                the(authResp, AuthPayload.class),
                                org.jipsec.core.ike.auth.SignedOctets.of(
                                        ike.prf(), v.message(1), ni, k.skPr(), idr.body())),
                run + " AUTH_r");
        assertArrayEquals(v.value("auth.1"), the(authResp, AuthPayload.class).data());

        // §2.17: the first CHILD_SA, keyed from the IKE_SA_INIT nonces, no PFS
        Suite esp = Suite.of(the(authResp, SaPayload.class));
        ChildSaKeys child = KeySchedule.childSaKeys(
                ike.prf(), k.skD(), null, ni, nr, esp.enc().keyBytes(), esp.integKeyBytes());
        assertChild(v, 0, child);

        // child rekey (CREATE_CHILD_SA, §1.3.3): PFS if the initiator sent KE
        IkeMessage rekey = fromI.unprotect(v.message(4));
        IkeMessage rekeyResp = fromR.unprotect(v.message(5));
        assertEquals(ExchangeType.CREATE_CHILD_SA, rekey.header().exchangeType());
        byte[] ni2 = the(rekey, NoncePayload.class).data();
        byte[] nr2 = the(rekeyResp, NoncePayload.class).data();
        byte[] seed = v.value("seed.1");
        byte[] gir = Arrays.copyOf(seed, seed.length - ni2.length - nr2.length);
        assertArrayEquals(KeySchedule.concat(gir, ni2, nr2), seed, run + " child rekey seed = [g^ir] | Ni | Nr");
        Suite esp2 = Suite.of(the(rekeyResp, SaPayload.class));
        if (rekey.first(KePayload.class).isPresent()) {
            // MODP: the padded modulus; ECP: the x coordinate only (§2.14, RFC 5903 §9)
            int expected = esp2.dh() == DhGroup.MODP_2048 ? 256 : esp2.dh().keBytes() / 2;
            assertEquals(expected, gir.length, run + " PFS g^ir length");
        } else {
            assertEquals(0, gir.length);
        }
        ChildSaKeys child2 = KeySchedule.childSaKeys(
                ike.prf(),
                k.skD(),
                gir.length == 0 ? null : gir,
                ni2,
                nr2,
                esp2.enc().keyBytes(),
                esp2.integKeyBytes());
        assertChild(v, 1, child2);
        assertInstanceOf(
                DeletePayload.class, fromI.unprotect(v.message(6)).payloads().getFirst());
        fromR.unprotect(v.message(7));

        // IKE rekey (§2.18): new SPIs in the proposals' SPI fields, SKEYSEED' = prf(SK_d, g^ir' | Ni' | Nr')
        IkeMessage ikeRekey = fromI.unprotect(v.message(8));
        IkeMessage ikeRekeyResp = fromR.unprotect(v.message(9));
        byte[] ni3 = the(ikeRekey, NoncePayload.class).data();
        byte[] nr3 = the(ikeRekeyResp, NoncePayload.class).data();
        Proposal pi = the(ikeRekey, SaPayload.class).proposals().getFirst();
        Proposal pr = the(ikeRekeyResp, SaPayload.class).proposals().getFirst();
        assertEquals(8, pi.spi().length);
        long spiI = java.nio.ByteBuffer.wrap(pi.spi()).getLong();
        long spiR = java.nio.ByteBuffer.wrap(pr.spi()).getLong();
        byte[] skeyseed2 = KeySchedule.rekeySkeyseed(ike.prf(), k.skD(), v.value("dh_secret.1"), ni3, nr3);
        assertArrayEquals(v.value("skeyseed.1"), skeyseed2, run + " rekeyed SKEYSEED");
        IkeSaKeys k2 = KeySchedule.ikeSaKeys(
                ike.prf(),
                skeyseed2,
                ni3,
                nr3,
                spiI,
                spiR,
                ike.integKeyBytes(),
                ike.enc().keyBytes());
        assertKeys(v, 1, k2, ike);
        fromI.unprotect(v.message(10));
        fromR.unprotect(v.message(11));
        IkeMessage onNewSa = ike.cipher(k2.skEi(), k2.skAi(), null).unprotect(v.message(12));
        assertEquals(spiI, onNewSa.header().spiI());
        assertEquals(0, onNewSa.header().messageId());
        assertEquals(DeletePayload.ikeSa(), the(onNewSa, DeletePayload.class));
        ike.cipher(k2.skEr(), k2.skAr(), null).unprotect(v.message(13));

        // re-encrypting strongSwan's IKE_AUTH request with its own IV gives its bytes (AEAD: no padding, §3.14)
        if (ike.enc().aead()) {
            byte[] m2 = v.message(2);
            long iv = java.nio.ByteBuffer.wrap(m2, 32, 8).getLong();
            SkCipher again = ike.cipher(k.skEi(), k.skAi(), null);
            again.setNextIv(iv - 1);
            assertArrayEquals(m2, again.protect(auth.header(), List.of(), auth.payloads()), run + " re-encryption");
        }
    }

    private static void assertKeys(StrongSwanVectors v, int n, IkeSaKeys k, Suite ike) {
        assertArrayEquals(v.value("sk_d." + n), k.skD(), v.name() + " SK_d." + n);
        assertArrayEquals(v.value("sk_ei." + n), k.skEi(), v.name() + " SK_ei." + n);
        assertArrayEquals(v.value("sk_er." + n), k.skEr(), v.name() + " SK_er." + n);
        assertArrayEquals(v.value("sk_pi." + n), k.skPi(), v.name() + " SK_pi." + n);
        assertArrayEquals(v.value("sk_pr." + n), k.skPr(), v.name() + " SK_pr." + n);
        if (ike.integ() != null) {
            assertArrayEquals(v.value("sk_ai." + n), k.skAi(), v.name() + " SK_ai." + n);
            assertArrayEquals(v.value("sk_ar." + n), k.skAr(), v.name() + " SK_ar." + n);
        } else {
            assertEquals(0, k.skAi().length);
            assertTrue(!v.values().containsKey("sk_ai." + n));
        }
    }

    private static void assertChild(StrongSwanVectors v, int n, ChildSaKeys c) {
        assertArrayEquals(v.value("encryption_initiator." + n), c.encrI(), v.name() + " child encr_i." + n);
        assertArrayEquals(v.value("encryption_responder." + n), c.encrR(), v.name() + " child encr_r." + n);
        if (c.integI().length > 0) {
            assertArrayEquals(v.value("integrity_initiator." + n), c.integI(), v.name() + " child integ_i." + n);
            assertArrayEquals(v.value("integrity_responder." + n), c.integR(), v.name() + " child integ_r." + n);
        }
        assertNotNull(c);
    }
}
