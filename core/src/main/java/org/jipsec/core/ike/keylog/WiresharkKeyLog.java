package org.jipsec.core.ike.keylog;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.jipsec.core.ike.crypto.IkeTransforms;
import org.jipsec.core.ike.engine.IkeAction;
import org.jipsec.core.ike.proposal.Negotiated;

/**
 * The lines of Wireshark's two decryption tables (UAT files in its profile directory), as strongSwan's save-keys
 * plugin writes them (src/libcharon/plugins/save_keys/save_keys_listener.c) and Wireshark reads them:
 * <ul>
 *   <li>{@code ikev2_decryption_table} (epan/dissectors/packet-isakmp.c): {@code SPIi,SPIr,SK_ei,SK_er,"encryption",
 *       SK_ai,SK_ar,"integrity"} — SPIs as 16 hex digits, keys in hex, algorithm names as Wireshark's table spells
 *       them. For AES-GCM SK_e includes the 4-byte salt and the integrity is {@code "NONE [RFC4306]"} with empty
 *       SK_a (RFC 5282 §7.1).</li>
 *   <li>{@code esp_sa} (epan/dissectors/packet-esp.c): {@code "IPv4","src","dst","0xSPI","encryption","0xkey",
 *       "authentication","0xkey"}, one line per direction. For AES-GCM the key is KEYMAT's key followed by the
 *       4-byte salt (RFC 4106 §8.1) with authentication {@code "NULL"}; for ChaCha20-Poly1305 the 32-byte key and
 *       4-byte salt (RFC 7634 §4).</li>
 * </ul>
 * An algorithm Wireshark has no name for gives no line ({@link Optional#empty()}): Wireshark 4.0 cannot decrypt
 * ChaCha20-Poly1305 IKE SAs or ESP (newer releases read {@code "ChaCha20 with Poly1305 [RFC7634]"} in esp_sa), nor
 * AES-XCBC IKE SAs. Pure: the caller writes the lines, and must treat them as key material.
 */
public final class WiresharkKeyLog {
    private WiresharkKeyLog() {}

    private static final HexFormat HEX = HexFormat.of();

    /** Wireshark's IKEv2 encryption name for {@code e}, if it has one (packet-isakmp.c's ikev2 UAT list). */
    static Optional<String> ikeEncryption(IkeTransforms.Encryption e) {
        return switch (e.ianaId()) {
            case IkeTransforms.ENCR_AES_CBC -> Optional.of("AES-CBC-" + e.keyBits() + " [RFC3602]");
            case IkeTransforms.ENCR_AES_GCM_16 ->
                Optional.of("AES-GCM-" + e.keyBits() + " with 16 octet ICV [RFC5282]");
            default -> Optional.empty();
        };
    }

    /** Wireshark's IKEv2 integrity name ({@code null}: an AEAD, "NONE"). */
    static Optional<String> ikeIntegrity(IkeTransforms.Integrity i) {
        if (i == null) return Optional.of("NONE [RFC4306]");
        return switch (i.ianaId()) {
            case IkeTransforms.AUTH_HMAC_SHA1_96 -> Optional.of("HMAC_SHA1_96 [RFC2404]");
            case IkeTransforms.AUTH_HMAC_SHA2_256_128 -> Optional.of("HMAC_SHA2_256_128 [RFC4868]");
            case IkeTransforms.AUTH_HMAC_SHA2_384_192 -> Optional.of("HMAC_SHA2_384_192 [RFC4868]");
            case IkeTransforms.AUTH_HMAC_SHA2_512_256 -> Optional.of("HMAC_SHA2_512_256 [RFC4868]");
            default -> Optional.empty();
        };
    }

    /** Wireshark's ESP encryption name (packet-esp.c's esp_encryption_type_vals). */
    static Optional<String> espEncryption(IkeTransforms.Encryption e) {
        return switch (e.ianaId()) {
            case IkeTransforms.ENCR_AES_CBC -> Optional.of("AES-CBC [RFC3602]");
            case IkeTransforms.ENCR_AES_GCM_16 -> Optional.of("AES-GCM with 16 octet ICV [RFC4106]");
            case IkeTransforms.ENCR_CHACHA20_POLY1305 -> Optional.of("ChaCha20 with Poly1305 [RFC7634]");
            default -> Optional.empty();
        };
    }

    /** Wireshark's ESP authentication name ({@code null}: an AEAD, whose ICV the cipher checks: "NULL"). */
    static Optional<String> espAuthentication(IkeTransforms.Integrity i) {
        if (i == null) return Optional.of("NULL");
        return switch (i.ianaId()) {
            case IkeTransforms.AUTH_HMAC_SHA1_96 -> Optional.of("HMAC-SHA-1-96 [RFC2404]");
            case IkeTransforms.AUTH_HMAC_SHA2_256_128 -> Optional.of("HMAC-SHA-256-128 [RFC4868]");
            case IkeTransforms.AUTH_HMAC_SHA2_384_192 -> Optional.of("HMAC-SHA-384-192 [RFC4868]");
            case IkeTransforms.AUTH_HMAC_SHA2_512_256 -> Optional.of("HMAC-SHA-512-256 [RFC4868]");
            // AES-XCBC-MAC-96 has no entry: decrypt without checking the 96-bit ICV
            case IkeTransforms.AUTH_AES_XCBC_96 -> Optional.of("ANY 96 bit authentication [no checking]");
            default -> Optional.empty();
        };
    }

    /** The {@code ikev2_decryption_table} line of an IKE SA, or empty when Wireshark cannot decrypt it. */
    public static Optional<String> ikeLine(IkeAction.IkeKeysForLog k) {
        return ikeLine(k.spiI(), k.spiR(), k.ike(), k.skEi(), k.skEr(), k.skAi(), k.skAr());
    }

    public static Optional<String> ikeLine(
            long spiI, long spiR, Negotiated ike, byte[] skEi, byte[] skEr, byte[] skAi, byte[] skAr) {
        Optional<String> enc = ikeEncryption(ike.encryption());
        Optional<String> integ = ikeIntegrity(ike.integrity());
        if (enc.isEmpty() || integ.isEmpty()) return Optional.empty();
        return Optional.of(String.format(
                "%016x,%016x,%s,%s,\"%s\",%s,%s,\"%s\"",
                spiI,
                spiR,
                HEX.formatHex(skEi),
                HEX.formatHex(skEr),
                enc.get(),
                HEX.formatHex(skAi),
                HEX.formatHex(skAr),
                integ.get()));
    }

    /**
     * The two {@code esp_sa} lines of a CHILD_SA — outbound ({@code local} → {@code remote}, {@code spiOut}) then
     * inbound — or none when Wireshark cannot decrypt it. The addresses are the outer ones on the wire (for a
     * UDP-encapsulated SA, those of the UDP packets), as a capture on this host sees them.
     */
    public static List<String> espLines(IkeAction.InstallChild c, InetAddress local, InetAddress remote) {
        Negotiated esp = c.esp();
        Optional<String> enc = espEncryption(esp.encryption());
        Optional<String> auth = espAuthentication(esp.integrity());
        if (enc.isEmpty() || auth.isEmpty()) return List.of();
        if (local.getClass() != remote.getClass()) throw new IllegalArgumentException("address families differ");
        return List.of(
                espLine(local, remote, c.spiOut(), enc.get(), c.encrOut(), auth.get(), c.integOut()),
                espLine(remote, local, c.spiIn(), enc.get(), c.encrIn(), auth.get(), c.integIn()));
    }

    private static String espLine(
            InetAddress src, InetAddress dst, int spi, String enc, byte[] ek, String auth, byte[] ak) {
        return String.format(
                "\"%s\",\"%s\",\"%s\",\"0x%08x\",\"%s\",\"0x%s\",\"%s\",\"%s\"",
                src instanceof Inet4Address ? "IPv4" : "IPv6",
                address(src),
                address(dst),
                spi,
                enc,
                HEX.formatHex(ek),
                auth,
                ak.length == 0 ? "" : "0x" + HEX.formatHex(ak));
    }

    /** The literal address without a scope ({@code fe80::1%eth0} → {@code fe80:0:0:0:0:0:0:1}). */
    private static String address(InetAddress a) {
        String s = a.getHostAddress();
        int pct = s.indexOf('%');
        return pct < 0 ? s : s.substring(0, pct);
    }
}
