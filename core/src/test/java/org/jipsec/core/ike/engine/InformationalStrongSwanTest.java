package org.jipsec.core.ike.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jipsec.core.ike.StrongSwanVectors;
import org.jipsec.core.ike.codec.DeletePayload;
import org.jipsec.core.ike.codec.ExchangeType;
import org.jipsec.core.ike.codec.IkeMessage;
import org.jipsec.core.ike.codec.IkeMessageCodec;
import org.jipsec.core.ike.codec.Proposal;
import org.jipsec.core.ike.codec.SaPayload;
import org.jipsec.core.ike.codec.Transform;
import org.jipsec.core.ike.crypto.IkeTransforms;
import org.jipsec.core.ike.crypto.SkCipher;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * strongSwan 5.9.8's recorded INFORMATIONAL exchanges (resources org/jipsec/core/ike/strongswan): the delete of
 * the old CHILD_SA after a child rekey, the delete of the old IKE SA after an IKE rekey and the delete on the new
 * IKE SA. Each request decrypts with the logged keys, {@link Informational#answer} gives strongSwan's response
 * payloads, and for the AEAD runs (IV = strongSwan's counter) the re-encrypted answer is strongSwan's datagram byte
 * for byte (RFC 7296 §1.4.1, §3.14).
 */
class InformationalStrongSwanTest {

    static List<String> runs() {
        return StrongSwanVectors.RUNS;
    }

    private static SkCipher cipher(StrongSwanVectors v, int n, boolean fromInitiator) throws Exception {
        IkeTransforms.Encryption enc = null;
        IkeTransforms.Integrity integ = null;
        SaPayload sa =
                IkeMessageCodec.decode(v.message(1)).first(SaPayload.class).orElseThrow();
        for (Transform t : sa.proposals().getFirst().transforms()) {
            if (t.type() == IkeTransforms.ENCR)
                enc = IkeTransforms.encryption(t.id(), t.keyLength().orElse(0)).orElseThrow();
            if (t.type() == IkeTransforms.INTEG)
                integ = IkeTransforms.integrity(t.id()).orElseThrow();
        }
        String side = fromInitiator ? "i." : "r.";
        byte[] ak = integ == null ? null : v.value("sk_a" + side + n);
        return SkCipher.create(enc, v.value("sk_e" + side + n), integ, ak, null);
    }

    private static int espSpi(IkeMessage m) {
        return ByteBuffer.wrap(m.first(SaPayload.class)
                        .orElseThrow()
                        .proposals()
                        .getFirst()
                        .spi())
                .getInt();
    }

    /** Our answer, encrypted with strongSwan's next IV, must be strongSwan's response (AEAD only: CBC IVs are random). */
    private static void assertAnswer(
            StrongSwanVectors v, int n, IkeMessage request, byte[] recorded, Informational.Answer a) throws Exception {
        IkeMessage theirs = cipher(v, n, false).unprotect(recorded);
        SkCipher responder = cipher(v, n, false); // fresh: a JCE ChaCha20 refuses a (key, nonce) it has seen
        assertEquals(theirs.payloads(), a.response(), v.name() + " " + theirs.summary());
        assertEquals(ExchangeType.INFORMATIONAL, theirs.header().exchangeType());
        if (IkeMessageCodec.decode(v.message(1))
                .first(SaPayload.class)
                .orElseThrow()
                .proposals()
                .getFirst()
                .transforms()
                .stream()
                .anyMatch(t -> t.type() == IkeTransforms.INTEG)) {
            return;
        }
        long iv = ByteBuffer.wrap(recorded, 32, 8).getLong();
        responder.setNextIv(iv - 1);
        assertArrayEquals(recorded, responder.protect(theirs.header(), List.of(), a.response()), v.name() + " bytes");
        assertEquals(request.header().messageId(), theirs.header().messageId());
    }

    @ParameterizedTest
    @MethodSource("runs")
    void deletesAreAnsweredAsStrongSwanAnswers(String run) throws Exception {
        StrongSwanVectors v = StrongSwanVectors.load(run);
        SkCipher fromI = cipher(v, 0, true);
        SkCipher fromR = cipher(v, 0, false);
        int iIn = espSpi(fromI.unprotect(v.message(2)));
        int rIn = espSpi(fromR.unprotect(v.message(3)));

        // the rekey initiator deletes the old child with its inbound SPI; the responder names its own of the pair
        IkeMessage del = fromI.unprotect(v.message(6));
        assertEquals(
                new DeletePayload(Proposal.PROTOCOL_ESP, 4, List.of(Informational.spi(iIn))),
                del.first(DeletePayload.class).orElseThrow());
        ChildSa child = new ChildSa("net", rIn, iIn);
        Informational.Answer a = Informational.answer(del, Map.of(rIn, child), Set.of());
        assertEquals(List.of(child), a.removed());
        assertTrue(!a.ikeDeleted());
        assertAnswer(v, 0, del, v.message(7), a);

        // the same request while we delete that child ourselves (crossing deletes, §1.4.1): no Delete in the answer
        assertEquals(
                List.of(),
                Informational.answer(del, Map.of(rIn, child), Set.of(rIn)).response());

        // an unknown SPI is ignored and answered empty
        assertEquals(List.of(), Informational.answer(del, Map.of(), Set.of()).response());

        // the old IKE SA after the IKE rekey: D(IKE) -> empty answer, every child on it goes
        IkeMessage delIke = fromI.unprotect(v.message(10));
        Informational.Answer b = Informational.answer(delIke, Map.of(rIn, child), Set.of());
        assertTrue(b.ikeDeleted());
        assertEquals(List.of(child), b.removed());
        assertAnswer(v, 0, delIke, v.message(11), b);

        // the delete on the new IKE SA, message ID 0 there (§2.18)
        SkCipher newI = cipher(v, 1, true);
        IkeMessage delNew = newI.unprotect(v.message(12));
        assertEquals(0, delNew.header().messageId());
        Informational.Answer c = Informational.answer(delNew, Map.of(), Set.of());
        assertTrue(c.ikeDeleted());
        assertAnswer(v, 1, delNew, v.message(13), c);
    }
}
