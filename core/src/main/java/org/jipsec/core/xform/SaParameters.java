package org.jipsec.core.xform;

import java.util.Arrays;
import java.util.Objects;
import org.jipsec.core.crypto.Algorithm;
import org.jipsec.core.crypto.AlgorithmKind;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;

/**
 * Everything a transform needs to know about one SA, immutable. The SAD maps its own SecurityAssociation onto
 * this; {@link SaContext} holds the per-SA mutable state (keyed transforms, counters, replay window).
 *
 * <p>Keys are defensive copies; {@link #toString()} never shows them.
 *
 * @param spi            SPI (ESP/AH) or CPI (IPComp, low 16 bits unless {@link SaFlags#RAWCPI})
 * @param protocol       ESP, AH or IPComp
 * @param mode           TRANSPORT or TUNNEL (ANY is treated as transport unless the packet needs a tunnel)
 * @param src            SA source (outer source in tunnel mode)
 * @param dst            SA destination
 * @param encryption     ESP cipher or AEAD, IPComp compression algorithm; null for AH
 * @param encryptionKey  key incl. salt (empty for NULL)
 * @param auth           integrity algorithm (ESP separate MAC, AH); null for none/AEAD/IPComp
 * @param authKey        integrity key
 * @param flags          {@link SaFlags} bits
 * @param replayWindow   anti-replay window in packets (0 = off)
 * @param esn            64-bit extended sequence numbers (RFC 4303 §2.2.1)
 * @param natT           UDP encapsulation (RFC 3948) or null
 * @param tfcPadTo       RFC 4303 §2.7 TFC padding: pad tunnel-mode payloads up to this many bytes (0 = off)
 */
public record SaParameters(
        long spi,
        IpsecProtocol protocol,
        IpsecMode mode,
        Endpoint src,
        Endpoint dst,
        Algorithm encryption,
        byte[] encryptionKey,
        Algorithm auth,
        byte[] authKey,
        int flags,
        int replayWindow,
        boolean esn,
        NatTraversal natT,
        int tfcPadTo) {

    public SaParameters {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(dst, "dst");
        if (spi < 0 || spi > 0xffffffffL) throw new IllegalArgumentException("SPI out of range");
        if (src.isIpv6() != dst.isIpv6())
            throw new IllegalArgumentException("SA source and destination families differ");
        encryptionKey = encryptionKey == null ? new byte[0] : encryptionKey.clone();
        authKey = authKey == null ? new byte[0] : authKey.clone();
        if (encryption != null && encryption.kind() == AlgorithmKind.AUTHENTICATION)
            throw new IllegalArgumentException(encryption.name() + " is not an encryption algorithm");
        if (auth != null && auth.kind() != AlgorithmKind.AUTHENTICATION)
            throw new IllegalArgumentException(auth.name() + " is not an authentication algorithm");
        if (replayWindow < 0 || replayWindow > 65536)
            throw new IllegalArgumentException("replay window " + replayWindow);
        if (tfcPadTo < 0 || tfcPadTo > 65535) throw new IllegalArgumentException("TFC padding " + tfcPadTo);
        if (natT != null && protocol != IpsecProtocol.ESP)
            throw new IllegalArgumentException("UDP encapsulation is for ESP only (RFC 3948)");
    }

    /** A copy of the encryption key; the caller should zero it after use. */
    @Override
    public byte[] encryptionKey() {
        return encryptionKey.clone();
    }

    /** A copy of the authentication key; the caller should zero it after use. */
    @Override
    public byte[] authKey() {
        return authKey.clone();
    }

    /** Length of the encryption key incl. salt, without copying it (statistics: esp_init's GMAC choice). */
    public int encryptionKeyLength() {
        return encryptionKey.length;
    }

    public boolean isTunnel() {
        return mode == IpsecMode.TUNNEL;
    }

    /** Zeroes this record's own key copies (when the SA dies). */
    public void zeroKeys() {
        Arrays.fill(encryptionKey, (byte) 0);
        Arrays.fill(authKey, (byte) 0);
    }

    public SaParameters withSpi(long newSpi) {
        return new SaParameters(
                newSpi,
                protocol,
                mode,
                src,
                dst,
                encryption,
                encryptionKey,
                auth,
                authKey,
                flags,
                replayWindow,
                esn,
                natT,
                tfcPadTo);
    }

    public SaParameters withMode(IpsecMode m) {
        return new SaParameters(
                spi,
                protocol,
                m,
                src,
                dst,
                encryption,
                encryptionKey,
                auth,
                authKey,
                flags,
                replayWindow,
                esn,
                natT,
                tfcPadTo);
    }

    public SaParameters withReplay(int window, boolean newEsn) {
        return new SaParameters(
                spi,
                protocol,
                mode,
                src,
                dst,
                encryption,
                encryptionKey,
                auth,
                authKey,
                flags,
                window,
                newEsn,
                natT,
                tfcPadTo);
    }

    public SaParameters withNatT(NatTraversal n) {
        return new SaParameters(
                spi,
                protocol,
                mode,
                src,
                dst,
                encryption,
                encryptionKey,
                auth,
                authKey,
                flags,
                replayWindow,
                esn,
                n,
                tfcPadTo);
    }

    public SaParameters withFlags(int f) {
        return new SaParameters(
                spi,
                protocol,
                mode,
                src,
                dst,
                encryption,
                encryptionKey,
                auth,
                authKey,
                f,
                replayWindow,
                esn,
                natT,
                tfcPadTo);
    }

    public SaParameters withTfcPadTo(int n) {
        return new SaParameters(
                spi,
                protocol,
                mode,
                src,
                dst,
                encryption,
                encryptionKey,
                auth,
                authKey,
                flags,
                replayWindow,
                esn,
                natT,
                n);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SaParameters p
                && spi == p.spi
                && protocol == p.protocol
                && mode == p.mode
                && src.equals(p.src)
                && dst.equals(p.dst)
                && Objects.equals(encryption, p.encryption)
                && java.security.MessageDigest.isEqual(encryptionKey, p.encryptionKey)
                && Objects.equals(auth, p.auth)
                && java.security.MessageDigest.isEqual(authKey, p.authKey)
                && flags == p.flags
                && replayWindow == p.replayWindow
                && esn == p.esn
                && Objects.equals(natT, p.natT)
                && tfcPadTo == p.tfcPadTo;
    }

    @Override
    public int hashCode() {
        return Objects.hash(spi, protocol, mode, src, dst, encryption, auth, flags);
    }

    @Override
    public String toString() {
        return String.format(
                "%s %s->%s spi=0x%08x mode=%s enc=%s auth=%s flags=0x%x replay=%d esn=%b%s",
                protocol.keyword(),
                src,
                dst,
                spi,
                mode.keyword(),
                encryption == null ? "none" : encryption.name(),
                auth == null ? "none" : auth.name(),
                flags,
                replayWindow,
                esn,
                natT == null ? "" : " nat-t=" + natT.sourcePort() + "/" + natT.destPort());
    }
}
