package org.jipsec.core.ike.proposal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jipsec.core.ike.StrongSwanVectors;
import org.jipsec.core.ike.codec.IkeMessage;
import org.jipsec.core.ike.codec.IkeMessageCodec;
import org.jipsec.core.ike.codec.Proposal;
import org.jipsec.core.ike.codec.SaPayload;
import org.jipsec.core.ike.codec.Transform;
import org.jipsec.core.ike.crypto.DhGroup;
import org.jipsec.core.ike.crypto.IkeTransforms;
import org.jipsec.core.ike.crypto.SkCipher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProposalTest {

    private static Proposal ikeOffer(String run, int message) throws Exception {
        IkeMessage m = IkeMessageCodec.decode(StrongSwanVectors.load(run).message(message));
        return m.first(SaPayload.class).orElseThrow().proposals().getFirst();
    }

    /** ESP SA payload of a protected message, decrypted with the key strongSwan logged. */
    private static Proposal espOffer(String run, int message, String encName, String integName) throws Exception {
        StrongSwanVectors v = StrongSwanVectors.load(run);
        IkeTransforms.Encryption enc = IkeTransforms.encryptionByName(encName).orElseThrow();
        IkeTransforms.Integrity integ = integName == null
                ? null
                : IkeTransforms.integrityByName(integName).orElseThrow();
        boolean fromI = v.messages().get(message).fromInitiator();
        SkCipher sk = SkCipher.create(
                enc,
                v.value(fromI ? "sk_ei.0" : "sk_er.0"),
                integ,
                integ == null ? null : v.value(fromI ? "sk_ai.0" : "sk_ar.0"),
                null);
        return sk.unprotect(v.message(message))
                .first(SaPayload.class)
                .orElseThrow()
                .proposals()
                .getFirst();
    }

    /** The proposal strings strongSwan was configured with encode to exactly the proposal it sent. */
    @ParameterizedTest
    @CsvSource({
        "gcm, aes128gcm16-prfsha256-x25519",
        "cbc, aes256-sha256-modp2048",
        "ecp, aes256gcm16-prfsha384-ecp384",
        "chacha, chacha20poly1305-prfsha512-ecp256"
    })
    void ikeProposalStringsEncodeLikeStrongSwan(String run, String text) throws Exception {
        ProposalSpec spec = ProposalParser.parse(text, SaProtocol.IKE);
        assertEquals(ikeOffer(run, 0), spec.toPayload(1, new byte[0]));
    }

    @Test
    void espProposalStringsEncodeLikeStrongSwan() throws Exception {
        Proposal gcm = espOffer("gcm", 2, "aes128gcm16", null); // IKE_AUTH request: ESP aes128gcm16
        assertEquals(gcm, ProposalParser.parse("aes128gcm16", SaProtocol.ESP).toPayload(1, gcm.spi()));
        // CREATE_CHILD_SA (child rekey) carries the PFS group; IKE_AUTH leaves it out (no KE there, §1.2)
        Proposal cbc = espOffer("cbc", 4, "aes256", "sha256");
        assertEquals(
                cbc,
                ProposalParser.parse("aes128-sha256-modp2048", SaProtocol.ESP).toPayload(1, cbc.spi()));
        Proposal ecp = espOffer("ecp", 4, "aes256gcm16", null);
        assertEquals(
                ecp, ProposalParser.parse("aes256gcm16-ecp256", SaProtocol.ESP).toPayload(1, ecp.spi()));
    }

    /** As responder to strongSwan's IKE_SA_INIT, jipsec chooses exactly what strongSwan's responder chose. */
    @ParameterizedTest
    @CsvSource({"gcm", "cbc", "ecp", "chacha"})
    void selectionAgreesWithStrongSwansResponder(String run) throws Exception {
        Selection s = ProposalSelector.select(
                List.of(ikeOffer(run, 0)), ProposalParser.defaultIke(), SaProtocol.IKE, 0, true);
        Selection.Chosen c = assertInstanceOf(Selection.Chosen.class, s, s.toString());
        assertEquals(ikeOffer(run, 1), c.negotiated().toResponse(new byte[0]));
    }

    @Test
    void espNegotiationMapsToPfkeyNumbersThroughTheAlgorithmTable() throws Exception {
        Proposal offer = espOffer("cbc", 4, "aes256", "sha256");
        Selection.Chosen c = assertInstanceOf(
                Selection.Chosen.class,
                ProposalSelector.select(
                        List.of(offer),
                        ProposalParser.parseList("aes128-sha256-modp2048", SaProtocol.ESP, false),
                        SaProtocol.ESP,
                        4,
                        true));
        assertEquals(
                "ESP:AES_CBC_128/HMAC_SHA2_256_128/MODP_2048/NO_EXT_SEQ",
                c.negotiated().toString());
        assertEquals(12, c.negotiated().pfkeyEncryption()); // SADB_X_EALG_RIJNDAELCBC
        assertEquals(5, c.negotiated().pfkeyAuthentication()); // SADB_X_AALG_SHA2_256
        assertEquals(DhGroup.MODP_2048, c.negotiated().dh());
        Selection.Chosen g = assertInstanceOf(
                Selection.Chosen.class,
                ProposalSelector.select(
                        List.of(espOffer("gcm", 2, "aes128gcm16", null)),
                        ProposalParser.defaultEsp(false),
                        SaProtocol.ESP,
                        4,
                        true));
        assertEquals(20, g.negotiated().pfkeyEncryption()); // SADB_X_EALG_AESGCM16
        assertEquals(0, g.negotiated().pfkeyAuthentication());
        assertEquals(20, g.negotiated().encryption().keyBytes()); // 16-byte key + 4-byte salt (RFC 4106 §8.1)
    }

    @Test
    void noProposalChosenSaysWhy() throws Exception {
        Selection s = ProposalSelector.select(
                List.of(ikeOffer("cbc", 0)),
                ProposalParser.parseList("aes128gcm16-prfsha256-x25519", SaProtocol.IKE, false),
                SaProtocol.IKE,
                0,
                true);
        Selection.NoProposalChosen n = assertInstanceOf(Selection.NoProposalChosen.class, s);
        assertEquals(
                List.of("offered proposal 1 vs configured 1 (IKE:AES_GCM_16_128/PRF_HMAC_SHA2_256/CURVE_25519):"
                        + " no acceptable ENCRYPTION_ALGORITHM (offered AES_CBC_256)"),
                n.reasons());
        Selection dh = ProposalSelector.select(
                List.of(ikeOffer("cbc", 0)),
                ProposalParser.parseList("aes256-sha256-x25519", SaProtocol.IKE, false),
                SaProtocol.IKE,
                0,
                true);
        assertTrue(dh.toString().endsWith("no acceptable KEY_EXCHANGE_METHOD (offered MODP_2048)"), dh.toString());
        Selection spi = ProposalSelector.select(
                List.of(ikeOffer("cbc", 0)), ProposalParser.defaultIke(), SaProtocol.IKE, 8, true);
        assertTrue(spi.toString().contains("SPI of 0 bytes, expected 8"), spi.toString());
        Selection esp = ProposalSelector.select(
                List.of(ikeOffer("cbc", 0)), ProposalParser.defaultEsp(false), SaProtocol.ESP, 4, true);
        assertTrue(esp.toString().contains("protocol 1, expected ESP"), esp.toString());
    }

    @Test
    void orderIsTheResponders_unlessTheInitiatorsIsPreferred() throws Exception {
        Proposal offer = ProposalParser.parse("aes128-aes256-sha256-ecp256-x25519", SaProtocol.IKE)
                .toPayload(1, new byte[0]);
        List<ProposalSpec> mine = ProposalParser.parseList("aes256-aes128-sha256-x25519-ecp256", SaProtocol.IKE, false);
        Negotiated responderOrder = ((Selection.Chosen)
                        ProposalSelector.select(List.of(offer), mine, SaProtocol.IKE, 0, true))
                .negotiated();
        assertEquals("IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/CURVE_25519", responderOrder.toString());
        Negotiated initiatorOrder = ((Selection.Chosen)
                        ProposalSelector.select(List.of(offer), mine, SaProtocol.IKE, 0, false))
                .negotiated();
        assertEquals("IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/ECP_256", initiatorOrder.toString());
    }

    @Test
    void pfsRulesForEsp() throws Exception {
        Proposal noPfs = ProposalParser.parse("aes128gcm16", SaProtocol.ESP).toPayload(1, new byte[4]);
        Proposal pfs =
                ProposalParser.parse("aes128gcm16-x25519", SaProtocol.ESP).toPayload(1, new byte[4]);
        Proposal optional = new Proposal(
                1,
                3,
                new byte[4],
                List.of(
                        Transform.withKeyLength(1, 20, 128),
                        new Transform(4, 31),
                        new Transform(4, 0),
                        new Transform(5, 0)));
        List<ProposalSpec> wantPfs = ProposalParser.parseList("aes128gcm16-x25519", SaProtocol.ESP, false);
        List<ProposalSpec> noPfsConf = ProposalParser.parseList("aes128gcm16", SaProtocol.ESP, false);
        assertInstanceOf(
                Selection.Chosen.class, ProposalSelector.select(List.of(pfs), wantPfs, SaProtocol.ESP, 4, true));
        assertInstanceOf(
                Selection.Chosen.class, ProposalSelector.select(List.of(optional), noPfsConf, SaProtocol.ESP, 4, true));
        assertTrue(ProposalSelector.select(List.of(noPfs), wantPfs, SaProtocol.ESP, 4, true)
                .toString()
                .contains("PFS configured, offered none"));
        assertTrue(ProposalSelector.select(List.of(pfs), noPfsConf, SaProtocol.ESP, 4, true)
                .toString()
                .contains("the peer requires PFS (offered CURVE_25519), none configured"));
    }

    @Test
    void unknownTransformTypeRejectsTheProposal_unknownIdIsSkipped() {
        Proposal odd = new Proposal(
                1,
                1,
                new byte[0],
                List.of(
                        Transform.withKeyLength(1, 20, 128),
                        new Transform(2, 5),
                        new Transform(4, 31),
                        new Transform(9, 1)));
        assertTrue(ProposalSelector.select(List.of(odd), ProposalParser.defaultIke(), SaProtocol.IKE, 0, true)
                .toString()
                .contains("unknown transform type 9"));
        Proposal extra = new Proposal(
                1,
                1,
                new byte[0],
                List.of(
                        new Transform(1, 99),
                        Transform.withKeyLength(1, 20, 128),
                        new Transform(2, 5),
                        new Transform(4, 1234),
                        new Transform(4, 31)));
        assertInstanceOf(
                Selection.Chosen.class,
                ProposalSelector.select(List.of(extra), ProposalParser.defaultIke(), SaProtocol.IKE, 0, true));
    }

    @Test
    void parserErrorsNameTheProblem() {
        record Bad(String text, SaProtocol p, String says) {}
        for (Bad b : List.of(
                new Bad("3des-sha256-modp2048", SaProtocol.IKE, "unsupported algorithm '3des'"),
                new Bad("aes128gcm16-x25519", SaProtocol.IKE, "has no PRF"),
                new Bad("aes128-sha256", SaProtocol.IKE, "no key exchange method"),
                new Bad("aes128gcm16-sha256-prfsha256-x25519", SaProtocol.IKE, "takes no integrity"),
                new Bad("aes128-aes128gcm16-sha256-x25519", SaProtocol.IKE, "mixes AEAD"),
                new Bad("sha256-x25519", SaProtocol.IKE, "no encryption"),
                new Bad("aes128-x25519", SaProtocol.ESP, "needs an integrity"),
                new Bad("aes128gcm16-prfsha256", SaProtocol.ESP, "PRFs are IKE-only"),
                new Bad("aes128gcm16-esn-prfsha256-x25519", SaProtocol.IKE, "ESN is ESP-only"),
                new Bad("aes128--sha256", SaProtocol.ESP, "empty keyword"),
                new Bad("aes128-aes128-sha256", SaProtocol.ESP, "twice"))) {
            ProposalSyntaxException e =
                    assertThrows(ProposalSyntaxException.class, () -> ProposalParser.parse(b.text, b.p), b.text);
            assertTrue(e.getMessage().contains(b.says), e.getMessage());
        }
        assertThrows(
                ProposalSyntaxException.class, () -> ProposalParser.parseList("aes128gcm16,", SaProtocol.ESP, false));
    }

    @Test
    void defaultsAndAliases() throws Exception {
        assertEquals(
                2, ProposalParser.parseList("default", SaProtocol.IKE, true).size());
        assertEquals(ProposalParser.defaultEsp(true), ProposalParser.parseList("default", SaProtocol.ESP, true));
        assertEquals(
                "ESP:AES_CBC_128/AES_CBC_192/AES_CBC_256/HMAC_SHA2_256_128/HMAC_SHA2_384_192/HMAC_SHA2_512_256"
                        + "/HMAC_SHA1_96/AES_XCBC_96/NO_EXT_SEQ",
                ProposalParser.defaultEsp(true).getFirst().toString());
        assertEquals(
                ProposalParser.parse("aes128-sha256-x25519", SaProtocol.IKE),
                ProposalParser.parse("AES-sha2_256-curve25519", SaProtocol.IKE));
        // strongSwan derives the PRF from the integrity algorithm when none is given
        assertEquals(
                "IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048",
                ProposalParser.parse("aes256-sha256-modp2048", SaProtocol.IKE).toString());
        assertEquals(
                "ESP:AES_GCM_16_128/EXT_SEQ/NO_EXT_SEQ",
                ProposalParser.parse("aes128gcm16-esn-noesn", SaProtocol.ESP).toString());
    }
}
