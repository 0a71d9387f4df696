package org.jipsec.core.xform;

import org.jipsec.core.crypto.AeadTransform;
import org.jipsec.core.crypto.CipherTransform;
import org.jipsec.core.crypto.IcvMismatchException;
import org.jipsec.core.crypto.IntegrityTransform;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.net.Bytes;
import org.jipsec.core.net.IpProtocols;
import org.jipsec.core.net.IpView;
import org.jipsec.core.net.PacketBuffer;

/**
 * ESP (RFC 4303) output and input on one SA, in transport position: the ESP header goes at the IPsec
 * insertion point of the IP packet in the buffer (tunnel mode first wraps the packet in an outer header,
 * {@link IpTunnel}).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ ----
 * |               Security Parameters Index (SPI)                 | ^Int.
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |Cov-
 * |                      Sequence Number                          | |ered
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ | ----
 * |                    IV (explicit, per algorithm)               | |   ^
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |   |
 * ~                    Payload Data (variable)                    ~ |Conf.
 * +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |Cov-
 * |               |     Padding (0-255 bytes)                     | |ered*
 * +-+-+-+-+-+-+-+-+               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |   |
 * |                               |  Pad Length   | Next Header   | v   v
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ ------
 * |         Integrity Check Value-ICV   (variable)                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * (RFC 4303 §2, Figure 1.) IVs: random for CBC (RFC 3602 §3), the 64-bit sequence number for CTR, GCM, CCM,
 * GMAC and ChaCha20-Poly1305 (RFC 3686 §3, RFC 4106 §3.1, RFC 4309 §3.1, RFC 4543 §3.1, RFC 7634 §2: an IV
 * is never repeated under a key). ESN: the high half is authenticated, never sent (RFC 4303 §2.2.1) — appended
 * to the MAC input for a separate MAC, in the AAD for combined modes (RFC 4106 §5, RFC 4543 §3.3).
 */
public final class Esp {

    private Esp() {}

    static final int HEADER = 8;

    /**
     * Protects the IP packet in {@code f} in place: inserts ESP after the IP header (and the IPv6 extension
     * headers that stay outside, RFC 4303 §3.1.1).
     *
     * @return null when done, or why the packet was not sent
     */
    static DropReason output(SaContext sa, PacketBuffer f, XformStats stats) {
        SaParameters p = sa.parameters();
        SaContext.Keyed k = sa.keyed();
        IpView ip = k.ip;
        DropReason bad = DropReason.of(ip.parse(f.array(), f.start(), f.end(), false));
        if (bad != null) return bad;
        if (ip.fragment) return DropReason.INVALID; // RFC 4303 §3.3.4 / RFC 4302 §3.3.4: whole packets only
        if (ip.ipEnd != f.end()) f.trimBack(f.end() - ip.ipEnd); // link-layer padding is not IP payload
        long seq = sa.allocateSequence();
        if (seq == 0) return sa.sequenceRefusal(); // RFC 4303 §3.3.3 (wrap), or not saved yet (issue #12)

        CipherTransform cipher = k.cipher;
        AeadTransform aead = k.aead;
        IntegrityTransform mac = k.integrity;
        int ivLen = aead != null ? aead.ivLength() : cipher.ivLength();
        int blk = Math.max(4, aead != null ? aead.blockSize() : cipher.blockSize()); // RFC 4303 §2.4: 4-byte alignment
        int icvLen = aead != null ? aead.icvLength() : mac != null ? mac.icvLength() : 0;

        int nextHeader = f.array()[ip.nhOffset] & 0xff;
        int hdrLen = ip.hdrEnd - f.start();
        int payloadLen = f.end() - ip.hdrEnd;
        // RFC 4303 §2.7: TFC padding only where the inner length is recoverable (tunnel mode: the inner IP length)
        int tfc = 0;
        if (p.tfcPadTo() > payloadLen && (nextHeader == IpProtocols.IPV4 || nextHeader == IpProtocols.IPV6))
            tfc = p.tfcPadTo() - payloadLen;
        int padLen = (blk - ((payloadLen + tfc + 2) % blk)) % blk; // RFC 4303 §2.4, NetBSD esp_output
        int grow = HEADER + ivLen + tfc + padLen + 2 + icvLen;
        if (f.length() + grow > 0xffff && ip.version == 4) return DropReason.TOO_BIG;
        if (f.length() - 40 + grow > 0xffff && ip.version == 6) return DropReason.TOO_BIG;

        // open the gap for ESP header + IV; headers in front move forward (nhOffset moves with them)
        int nhRel = ip.nhOffset - f.start();
        int esp = f.insert(hdrLen, HEADER + ivLen);
        int payload = esp + HEADER + ivLen;
        int tail = f.append(tfc + padLen + 2 + icvLen);
        byte[] b = f.array();
        int start = f.start();

        Bytes.put32(b, esp, (int) p.spi());
        Bytes.put32(b, esp + 4, (int) seq);
        // IV
        int ivOff = esp + HEADER;
        byte[] forced = sa.forcedIv();
        if (forced != null) {
            System.arraycopy(forced, 0, b, ivOff, Math.min(forced.length, ivLen));
        } else if (ivLen > 0) {
            boolean counterIv = aead != null || cipher.blockSize() <= 4;
            if (counterIv) {
                Bytes.put64(b, ivOff, seq); // unique per key: the (extended) sequence number
            } else {
                byte[] r = k.scratch;
                sa.random().nextBytes(r);
                System.arraycopy(r, 0, b, ivOff, ivLen);
            }
        }
        // trailer: TFC padding (zeros), padding, pad length, next header
        for (int i = 0; i < tfc; i++) b[tail + i] = 0;
        int padOff = tail + tfc;
        switch (p.flags() & SaFlags.PMASK) {
            case SaFlags.PRAND -> {
                for (int i = 0; i < padLen; i++)
                    b[padOff + i] = (byte) sa.random().nextInt(256);
            }
            case SaFlags.PZERO -> {
                for (int i = 0; i < padLen; i++) b[padOff + i] = 0;
            }
            default -> {
                for (int i = 0; i < padLen; i++) b[padOff + i] = (byte) (i + 1); // RFC 4303 §2.4: 1, 2, 3, …
            }
        }
        b[padOff + padLen] = (byte) padLen;
        b[padOff + padLen + 1] = (byte) nextHeader;
        int ptLen = payloadLen + tfc + padLen + 2;
        int icvOff = payload + ptLen;

        if (aead != null) {
            aead.start(true, b, ivOff);
            aad(k, aead, b, esp, seq, p.esn());
            // GMAC (RFC 4543 §3.2): the transform itself adds IV and payload to the AAD and encrypts nothing
            aead.seal(b, payload, ptLen);
        } else {
            cipher.encrypt(b, ivOff, b, payload, ptLen);
            if (mac != null) {
                mac.update(b, esp, HEADER + ivLen + ptLen);
                if (p.esn()) { // RFC 4303 §2.2.1 / App. A: high-order bits appended to the ICV input
                    Bytes.put32(k.scratch, 0, (int) (seq >>> 32));
                    mac.update(k.scratch, 0, 4);
                }
                mac.finish(b, icvOff);
            }
        }
        // outer header: protocol 50 and lengths
        b[start + nhRel] = (byte) IpProtocols.ESP;
        IpView.fixLength(b, start, f.end());
        k.countOut(f.length());
        stats.output(IpsecProtocol.ESP, f.length());
        return null;
    }

    /** RFC 4106 §5 / RFC 7634 §2.1: AAD = SPI || 32-bit seq, or SPI || seq high || seq low with ESN. */
    private static void aad(SaContext.Keyed k, AeadTransform aead, byte[] b, int esp, long seq, boolean esn) {
        if (esn) {
            byte[] s = k.scratch;
            System.arraycopy(b, esp, s, 0, 4);
            Bytes.put32(s, 4, (int) (seq >>> 32));
            Bytes.put32(s, 8, (int) seq);
            aead.aad(s, 0, 12);
        } else {
            aead.aad(b, esp, 8);
        }
    }

    /**
     * Verifies and decrypts the ESP packet at {@code esp} (absolute offset; the IP header is at
     * {@code f.start()}, {@code ip.nhOffset} holds 50; UDP encapsulation has been removed before). On success the buffer holds
     * the packet with ESP removed; the byte at {@code nhOffset} tells what it carries (4/41: a tunnelled packet).
     * Order as strongSwan's esp_packet.c: parse, replay check, ICV verify/decrypt, replay commit, padding check.
     *
     * @return null on success, else the drop reason (already counted in {@code stats})
     */
    static DropReason input(SaContext sa, PacketBuffer f, int esp, int nhOffset, XformStats stats, long[] seqOut) {
        return input(sa, f, esp, nhOffset, stats, seqOut, null);
    }

    /**
     * {@link #input(SaContext, PacketBuffer, int, int, XformStats, long[])}, decrypting a combined-mode payload into
     * the other array of {@code bufs} (when {@code f} is on one of them) instead of in place; the buffer then
     * continues on that array. Same checks, same order, same result.
     */
    static DropReason input(
            SaContext sa, PacketBuffer f, int esp, int nhOffset, XformStats stats, long[] seqOut, InputBuffers bufs) {
        DropReason r = input0(sa, f, esp, nhOffset, seqOut, bufs);
        if (r != null) stats.drop(IpsecProtocol.ESP, r);
        return r;
    }

    private static DropReason input0(
            SaContext sa, PacketBuffer f, int esp, int nhOffset, long[] seqOut, InputBuffers bufs) {
        SaParameters p = sa.parameters();
        SaContext.Keyed k = sa.keyed();
        CipherTransform cipher = k.cipher;
        AeadTransform aead = k.aead;
        IntegrityTransform mac = k.integrity;
        int ivLen = aead != null ? aead.ivLength() : cipher.ivLength();
        int blk = Math.max(4, aead != null ? aead.blockSize() : cipher.blockSize());
        int icvLen = aead != null ? aead.icvLength() : mac != null ? mac.icvLength() : 0;
        byte[] b = f.array();
        int end = f.end();
        // parse: RFC 4303 §3.4.2 — lengths before anything is read
        int ctLen = end - esp - HEADER - ivLen - icvLen;
        if (ctLen < 2) return DropReason.SHORT;
        if (ctLen % blk != 0) return DropReason.BAD_LENGTH; // NetBSD: payload not a multiple of the block size
        int wireSeq = Bytes.i32(b, esp + 4);
        boolean integrity = aead != null || mac != null;
        if (seqOut != null) seqOut[0] = wireSeq & 0xffffffffL; // for the verdict even when refused
        // replay check (only with integrity: RFC 4303 §3.4.3, NetBSD "only when an auth algorithm is set")
        long seq;
        if (integrity) {
            // before the ICV: another worker may commit meanwhile, so commit() checks again after it
            seq = sa.replayWindow().check(wireSeq);
            if (seq == ReplayWindow.REPLAYED) return k.replayed();
        } else {
            seq = wireSeq & 0xffffffffL;
        }
        if (seqOut != null) seqOut[0] = seq;
        int ivOff = esp + HEADER;
        int payload = ivOff + ivLen;
        // ICV verify / decrypt (RFC 4303 §3.4.4)
        // RFC 4303 App. A3: after many consecutive ICV failures on an ESN SA, also try the next subspace (Seqh+1)
        boolean resync = p.esn() && integrity && sa.esnFailures() >= SaContext.ESN_RESYNC_THRESHOLD;
        byte[] saved = null;
        if (resync)
            saved = java.util.Arrays.copyOfRange(b, esp, end); // rare path: the first try may scramble the buffer
        byte[] spare = !resync && aead != null && bufs != null ? bufs.other(b) : null;
        boolean ok;
        if (spare != null && spare.length >= b.length) {
            ok = verifyAndDecryptInto(k, p, f, spare, esp, ivLen, ctLen, icvLen, seq);
            b = f.array(); // the plaintext's array (if verified)
        } else {
            ok = verifyAndDecrypt(k, p, b, esp, ivLen, ctLen, icvLen, seq);
        }
        if (!ok && resync) {
            long next = seq + (1L << 32);
            long checked;
            synchronized (sa.replayWindow()) {
                checked = sa.replayWindow().checkSequence(next);
            }
            if (checked != ReplayWindow.REPLAYED) {
                System.arraycopy(saved, 0, b, esp, saved.length);
                ok = verifyAndDecrypt(k, p, b, esp, ivLen, ctLen, icvLen, next);
                if (ok) {
                    seq = next;
                    if (seqOut != null) seqOut[0] = seq;
                }
            }
        }
        if (!ok) {
            if (p.esn() && integrity) sa.esnFailure();
            return DropReason.BAD_AUTH;
        }
        if (p.esn()) sa.esnSuccess();
        // replay commit, after the ICV verified
        if (integrity) {
            synchronized (sa.replayWindow()) {
                if (!sa.mayAccept(seq)) return DropReason.SEQ_UNSAVED; // above the saved mark (issue #12)
                if (!sa.replayWindow().commit(seq)) return k.replayed();
            }
        }
        // padding check (NetBSD esp_input_cb, spec §4.10; RFC 4303 §2.4)
        int padLen = b[payload + ctLen - 2] & 0xff;
        int nextHeader = b[payload + ctLen - 1] & 0xff;
        if (padLen + 2 > ctLen) return DropReason.BAD_LENGTH;
        if ((p.flags() & SaFlags.PMASK) != SaFlags.PRAND && padLen > 0) {
            int last = b[payload + ctLen - 3] & 0xff;
            if (last != padLen && last != 0) return DropReason.BAD_PADDING;
        }
        k.countIn(f.length());
        if (nextHeader == IpProtocols.NONE) return DropReason.DUMMY; // RFC 4303 §2.6: dummy packet, dropped silently
        // strip: ESP header + IV in front, trailer + ICV behind
        int dataLen = ctLen - padLen - 2;
        f.trimBack(end - (payload + dataLen));
        int nhRel = nhOffset - f.start();
        f.remove(esp - f.start(), HEADER + ivLen);
        f.array()[f.start() + nhRel] = (byte) nextHeader;
        IpView.fixLength(f.array(), f.start(), f.end());
        return null;
    }

    /**
     * ICV check and decryption of a combined-mode payload from {@code f}'s array into {@code out} at the same
     * offsets; on success the headers in front of the payload are copied along and {@code f} moves onto {@code out}
     * (its old array is left as it was). False, {@code f} untouched, if the ICV does not verify.
     */
    private static boolean verifyAndDecryptInto(
            SaContext.Keyed k,
            SaParameters p,
            PacketBuffer f,
            byte[] out,
            int esp,
            int ivLen,
            int ctLen,
            int icvLen,
            long seq) {
        byte[] b = f.array();
        int ivOff = esp + HEADER;
        int payload = ivOff + ivLen;
        k.aead.start(false, b, ivOff);
        aad(k, k.aead, b, esp, seq, p.esn());
        try {
            k.aead.open(b, payload, ctLen + icvLen, out, payload);
        } catch (IcvMismatchException e) {
            return false;
        }
        System.arraycopy(b, f.start(), out, f.start(), payload - f.start()); // IP header(s), ESP header, IV
        f.replaceArray(out);
        return true;
    }

    /** ICV check and decryption in place; false if the ICV does not verify. */
    private static boolean verifyAndDecrypt(
            SaContext.Keyed k, SaParameters p, byte[] b, int esp, int ivLen, int ctLen, int icvLen, long seq) {
        int ivOff = esp + HEADER;
        int payload = ivOff + ivLen;
        if (k.aead != null) {
            k.aead.start(false, b, ivOff);
            aad(k, k.aead, b, esp, seq, p.esn());
            try {
                k.aead.open(b, payload, ctLen + icvLen);
            } catch (IcvMismatchException e) {
                return false;
            }
            return true;
        }
        if (k.integrity != null) {
            k.integrity.update(b, esp, HEADER + ivLen + ctLen);
            if (p.esn()) {
                Bytes.put32(k.scratch, 0, (int) (seq >>> 32));
                k.integrity.update(k.scratch, 0, 4);
            }
            if (!k.integrity.verify(b, payload + ctLen)) return false;
        }
        k.cipher.decrypt(b, ivOff, b, payload, ctLen);
        return true;
    }
}
