package org.jipsec.core.ike.crypto;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jipsec.core.crypto.AeadTransform;
import org.jipsec.core.crypto.CipherTransform;
import org.jipsec.core.crypto.IcvMismatchException;
import org.jipsec.core.crypto.IntegrityTransform;
import org.jipsec.core.crypto.InvalidKeyLengthException;
import org.jipsec.core.ike.codec.EncryptedFragmentPayload;
import org.jipsec.core.ike.codec.EncryptedPayload;
import org.jipsec.core.ike.codec.IkeDecodeException;
import org.jipsec.core.ike.codec.IkeHeader;
import org.jipsec.core.ike.codec.IkeMessage;
import org.jipsec.core.ike.codec.IkeMessageCodec;
import org.jipsec.core.ike.codec.InvalidSyntaxException;
import org.jipsec.core.ike.codec.Payload;

/**
 * Protection of the Encrypted payload SK (RFC 7296 §3.14) for one direction of one IKE SA: SK_ei/SK_ai for
 * what the initiator sends, SK_er/SK_ar for what the responder sends.
 *
 * <ul>
 *   <li>CBC + HMAC (§3.14): {@code IV | E(payloads | padding | pad length) | ICV}, the padding making the
 *       encrypted part a multiple of the block size; the ICV (truncated HMAC, RFC 4868 §2.3) covers "the entire
 *       message starting with the Fixed IKE header through the Pad Length". The IV is random and unpredictable
 *       (§3.14), drawn from the injected source.</li>
 *   <li>AEAD (AES-GCM-16, RFC 5282; ChaCha20-Poly1305, RFC 7634): {@code IV(8) | E(payloads | pad length) |
 *       tag(16)}; nonce = salt (last 4 bytes of SK_e) | IV; AAD = the message from the IKE header through the SK
 *       payload's generic header (RFC 5282 §5.1), i.e. everything before the IV. No padding is needed (block
 *       size 1, as strongSwan sends and RFC 7634 Appendix B shows). The IV is a counter that never repeats
 *       under this key (RFC 5282 §3.1 needs uniqueness, not unpredictability).</li>
 * </ul>
 *
 * Receiving: the ICV is checked before anything is decrypted; a mismatch is {@link IcvMismatchException}
 * (§2.21: such a message is dropped, nothing is answered). Lengths that cannot hold IV, ICV and a pad length,
 * or a CBC text that is not whole blocks, and (after the ICV verified) a pad length longer than the
 * plaintext, are INVALID_SYNTAX. Not thread-safe; {@link #destroy()} zeroes the keys.
 */
public final class SkCipher {
    private final IkeTransforms.Encryption encryption;
    private final AeadTransform aead;
    private final CipherTransform cipher;
    private final IntegrityTransform integrity;
    private final SecureRandom random;
    private long ivCounter;

    private SkCipher(
            IkeTransforms.Encryption encryption,
            AeadTransform aead,
            CipherTransform cipher,
            IntegrityTransform integrity,
            SecureRandom random) {
        this.encryption = encryption;
        this.aead = aead;
        this.cipher = cipher;
        this.integrity = integrity;
        this.random = random;
    }

    /**
     * A cipher for the Encrypted payload (RFC 7296 §3.14) with one direction's keys.
     *
     * @param encrKey SK_e (key | salt for an AEAD)
     * @param integ   null for an AEAD
     * @param integKey SK_a, ignored for an AEAD
     * @param random  IV source for CBC
     */
    public static SkCipher create(
            IkeTransforms.Encryption encryption,
            byte[] encrKey,
            IkeTransforms.Integrity integ,
            byte[] integKey,
            SecureRandom random) {
        try {
            if (encryption.aead()) {
                if (integ != null) throw new IllegalArgumentException("an AEAD takes no integrity transform (§3.3)");
                return new SkCipher(encryption, encryption.row().newAead(encrKey), null, null, random);
            }
            if (integ == null) throw new IllegalArgumentException(encryption.strongSwanName() + " needs integrity");
            return new SkCipher(
                    encryption,
                    null,
                    encryption.row().newCipher(encrKey),
                    integ.row().newIntegrity(integKey),
                    random);
        } catch (InvalidKeyLengthException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Starts the IV counter at {@code next} (the first AEAD IV); for known-answer tests. */
    public void setNextIv(long next) {
        ivCounter = next;
    }

    private int ivBytes() {
        return encryption.skIvBytes();
    }

    private int icvBytes() {
        return aead != null ? aead.icvLength() : integrity.icvLength();
    }

    /**
     * The complete protected message: the header, then {@code outer} payloads in clear (none in RFC 7296's
     * exchanges), then SK carrying {@code inner}.
     */
    public byte[] protect(IkeHeader header, List<Payload> outer, List<Payload> inner) {
        byte[] plain = IkeMessageCodec.encodeInner(inner);
        int block = aead != null ? 1 : cipher.blockSize();
        int padLength = (block - (plain.length + 1) % block) % block;
        int encLength = plain.length + padLength + 1;
        int bodyLength = ivBytes() + encLength + icvBytes();
        List<Payload> all = new ArrayList<>(outer);
        all.add(new EncryptedPayload(IkeMessageCodec.firstType(inner), new byte[bodyLength]));
        byte[] m = IkeMessageCodec.encode(new IkeMessage(header, all));
        int ivAt = m.length - bodyLength;
        int encAt = ivAt + ivBytes();
        System.arraycopy(plain, 0, m, encAt, plain.length);
        Arrays.fill(plain, (byte) 0);
        // padding bytes are zero (§3.14: "MAY contain any value"); pad length last
        m[encAt + encLength - 1] = (byte) padLength;
        seal(m, ivAt, encAt, encLength);
        return m;
    }

    /** IV, encryption and ICV of the SK or SKF body at {@code ivAt}: AAD / ICV cover everything before (§3.14). */
    private void seal(byte[] m, int ivAt, int encAt, int encLength) {
        if (aead != null) {
            long iv = ++ivCounter;
            for (int i = 0; i < 8; i++) m[ivAt + i] = (byte) (iv >>> (56 - 8 * i));
            aead.start(true, m, ivAt);
            aead.aad(m, 0, ivAt);
            aead.seal(m, encAt, encLength);
        } else {
            byte[] iv = new byte[ivBytes()];
            random.nextBytes(iv);
            System.arraycopy(iv, 0, m, ivAt, iv.length);
            cipher.encrypt(m, ivAt, m, encAt, encLength);
            integrity.update(m, 0, encAt + encLength);
            integrity.finish(m, encAt + encLength);
        }
    }

    /**
     * RFC 7383 §2.5: {@code message}, a message this cipher protected, as Encrypted Fragment payloads of at most
     * {@code maxMessage} octets each (IKE header included), or the message itself when it fits or no fragment
     * could carry a byte. Each fragment is a complete IKE message with the same header, individually encrypted
     * and authenticated, Fragment Number and Total Fragments inside the AAD/ICV; the first fragment's Next
     * Payload is the first inner payload's type, the others' zero (§2.5). The message is opened with this
     * direction's own keys to get its plaintext back.
     */
    public List<byte[]> fragment(byte[] message, int maxMessage) throws IkeDecodeException, IcvMismatchException {
        if (message.length <= maxMessage) return List.of(message);
        IkeMessage outer = IkeMessageCodec.decode(message);
        if (outer.payloads().size() != 1 || !(outer.payloads().getFirst() instanceof EncryptedPayload sk)) {
            return List.of(message);
        }
        int block = aead != null ? 1 : cipher.blockSize();
        // per fragment: IKE header, SKF header (4 generic + 4), IV, ICV, pad length, at most block-1 padding
        int room = maxMessage - IkeHeader.LENGTH - 8 - ivBytes() - icvBytes() - 1 - (block - 1);
        if (room < 1) return List.of(message);
        byte[] plain = open(message, sk.body().length);
        try {
            int total = (plain.length + room - 1) / room;
            if (total > 0xffff) return List.of(message);
            List<byte[]> out = new ArrayList<>(total);
            for (int n = 1; n <= total; n++) {
                int from = (n - 1) * room;
                int len = Math.min(room, plain.length - from);
                int padLength = (block - (len + 1) % block) % block;
                int encLength = len + padLength + 1;
                int bodyLength = ivBytes() + encLength + icvBytes();
                byte[] m = IkeMessageCodec.encode(new IkeMessage(
                        outer.header(),
                        List.of(new EncryptedFragmentPayload(
                                n == 1 ? sk.firstInnerPayload() : 0, n, total, new byte[bodyLength]))));
                int ivAt = m.length - bodyLength;
                int encAt = ivAt + ivBytes();
                System.arraycopy(plain, from, m, encAt, len);
                m[encAt + encLength - 1] = (byte) padLength;
                seal(m, ivAt, encAt, encLength);
                out.add(m);
            }
            return out;
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /**
     * One verified, decrypted fragment (RFC 7383 §2.6): the message's IKE header, its place, its first inner payload
     * type, its content.
     */
    public record Fragment(IkeHeader header, int number, int total, int firstInnerPayload, byte[] content) {}

    /**
     * Verifies and decrypts a message whose only payload is SKF (RFC 7383 §2.6.1: each fragment's integrity is
     * checked before it is kept).
     */
    public Fragment unprotectFragment(byte[] datagram) throws IkeDecodeException, IcvMismatchException {
        IkeMessage outer = IkeMessageCodec.decode(datagram);
        if (outer.payloads().size() != 1 || !(outer.payloads().getFirst() instanceof EncryptedFragmentPayload f)) {
            throw new InvalidSyntaxException(
                    "an IKE fragment carries one SKF payload and nothing else (RFC 7383 §2.5)");
        }
        return new Fragment(
                outer.header(),
                f.fragmentNumber(),
                f.totalFragments(),
                f.firstInnerPayload(),
                open(datagram, f.body().length));
    }

    /** Verifies and decrypts the last {@code bodyLength} octets (an SK or SKF body): the plaintext, a copy. */
    private byte[] open(byte[] datagram, int bodyLength) throws IkeDecodeException, IcvMismatchException {
        int ivAt = datagram.length - bodyLength;
        int encAt = ivAt + ivBytes();
        int encLength = bodyLength - ivBytes() - icvBytes();
        if (encLength < 1) throw new InvalidSyntaxException("SK payload of " + bodyLength + " bytes is too short");
        byte[] m = datagram.clone();
        try {
            if (aead != null) {
                aead.start(false, m, ivAt);
                aead.aad(m, 0, ivAt);
                aead.open(m, encAt, encLength + icvBytes());
            } else {
                if (encLength % cipher.blockSize() != 0) {
                    throw new InvalidSyntaxException("SK ciphertext of " + encLength + " bytes is not whole blocks");
                }
                integrity.update(m, 0, encAt + encLength);
                if (!integrity.verify(m, encAt + encLength)) throw new IcvMismatchException();
                cipher.decrypt(m, ivAt, m, encAt, encLength);
            }
            int padLength = m[encAt + encLength - 1] & 0xff;
            if (padLength > encLength - 1) {
                throw new InvalidSyntaxException(
                        "SK pad length " + padLength + " exceeds the " + encLength + "-byte plaintext");
            }
            return Arrays.copyOfRange(m, encAt, encAt + encLength - 1 - padLength);
        } finally {
            Arrays.fill(m, (byte) 0);
        }
    }

    /**
     * Verifies and decrypts a message whose last payload is SK. Returns the message with the SK payload replaced
     * by the payloads it carried (§3.14), preceded by any payloads that were outside it.
     */
    public IkeMessage unprotect(byte[] datagram) throws IkeDecodeException, IcvMismatchException {
        IkeMessage outer = IkeMessageCodec.decode(datagram);
        if (outer.payloads().isEmpty() || !(outer.payloads().getLast() instanceof EncryptedPayload sk)) {
            throw new InvalidSyntaxException("no SK payload in a protected exchange (RFC 7296 §3.14)");
        }
        byte[] plain = open(datagram, sk.body().length);
        try {
            List<Payload> payloads =
                    new ArrayList<>(outer.payloads().subList(0, outer.payloads().size() - 1));
            payloads.addAll(IkeMessageCodec.decodeInner(sk.firstInnerPayload(), plain, 0, plain.length));
            return new IkeMessage(outer.header(), payloads);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    public void destroy() {
        if (aead != null) aead.destroy();
        if (cipher != null) cipher.destroy();
        if (integrity != null) integrity.destroy();
    }

    @Override
    public String toString() {
        return "SkCipher[" + encryption.strongSwanName()
                + (integrity != null ? "-" + integrity.algorithm().name() : "") + "]";
    }
}
