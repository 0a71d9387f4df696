package org.jipsec.core.ike.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.util.List;
import org.jipsec.core.crypto.IcvMismatchException;
import org.jipsec.core.ike.codec.EncryptedFragmentPayload;
import org.jipsec.core.ike.codec.ExchangeType;
import org.jipsec.core.ike.codec.IkeHeader;
import org.jipsec.core.ike.codec.IkeMessageCodec;
import org.jipsec.core.ike.codec.NotifyPayload;
import org.jipsec.core.ike.codec.NotifyType;
import org.jipsec.core.ike.codec.Payload;
import org.jipsec.core.ike.codec.PayloadType;
import org.junit.jupiter.api.Test;

/**
 * RFC 7383 §2.5: a protected message split into Encrypted Fragment payloads, for every IKE cipher: each fragment is
 * a complete IKE message no larger than asked, with the original header, Fragment Number 1..n of n, the first
 * inner payload type in fragment 1 only; each one verifies and decrypts alone (§2.6.1) and tampering with the
 * Fragment Number (inside the AAD/ICV) is detected; together they are the original content.
 */
class SkFragmentTest {

    static void check(IkeTransforms.Encryption enc, IkeTransforms.Integrity integ) throws Exception {
        SecureRandom rnd = new SecureRandom();
        byte[] ek = new byte[enc.keyBytes()], ik = integ == null ? new byte[0] : new byte[integ.keyBytes()];
        rnd.nextBytes(ek);
        rnd.nextBytes(ik);
        SkCipher tx = SkCipher.create(enc, ek, integ, ik, rnd);
        SkCipher rx = SkCipher.create(enc, ek, integ, ik, rnd);
        IkeHeader h = new IkeHeader(7, 8, 0, ExchangeType.IKE_AUTH, IkeHeader.FLAG_INITIATOR, 1);
        List<Payload> inner = List.of(
                NotifyPayload.of(NotifyType.COOKIE, new byte[900]), NotifyPayload.of(NotifyType.INITIAL_CONTACT));
        byte[] whole = tx.protect(h, List.of(), inner);
        List<byte[]> frags = tx.fragment(whole, 300);
        assertTrue(frags.size() >= 4, enc.strongSwanName() + ": " + frags.size());
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        int n = 0;
        for (byte[] f : frags) {
            n++;
            assertTrue(f.length <= 300, "fragment of " + f.length);
            var m = IkeMessageCodec.decode(f);
            assertEquals(h, m.header());
            var skf = (EncryptedFragmentPayload) m.payloads().getFirst();
            assertEquals(n, skf.fragmentNumber());
            assertEquals(frags.size(), skf.totalFragments());
            assertEquals(n == 1 ? PayloadType.NOTIFY : 0, skf.firstInnerPayload());
            SkCipher.Fragment got = rx.unprotectFragment(f);
            assertEquals(n, got.number());
            content.writeBytes(got.content());
            byte[] renumbered = f.clone();
            renumbered[IkeHeader.LENGTH + 5] = (byte) (n == 1 ? 2 : 1); // Fragment Number: authenticated
            assertThrows(IcvMismatchException.class, () -> rx.unprotectFragment(renumbered));
        }
        assertArrayEquals(IkeMessageCodec.encodeInner(inner), content.toByteArray(), enc.strongSwanName());
        assertEquals(List.of(whole), tx.fragment(whole, whole.length), "a message that fits is sent whole");
    }

    @Test
    void everyIkeCipherFragmentsAndEachFragmentVerifiesAlone() throws Exception {
        for (IkeTransforms.Encryption e : IkeTransforms.encryption()) {
            if (e.aead()) check(e, null);
            else for (IkeTransforms.Integrity i : IkeTransforms.integrity()) check(e, i);
        }
    }
}
