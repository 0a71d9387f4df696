package org.jipsec.core.xform;

/**
 * Why a transform refused a packet. Each reason has a counter per protocol ({@link XformStats}); the
 * descriptions follow the lines of NetBSD's {@code netstat -s -p esp|ah|ipcomp} (sys/netipsec/esp_var.h,
 * ah_var.h, ipcomp_var.h and usr.bin/netstat/fast_ipsec.c) where NetBSD has one.
 */
public enum DropReason {
    /** {@code esps_hdrops}: packet shorter than its headers say. */
    SHORT("packets shorter than header shows"),
    /** {@code esps_badilen}: payload length not a multiple of the block size, or trailer longer than payload. */
    BAD_LENGTH("packets with bad length"),
    /** {@code esps_notdb}: no SA for the SPI and destination. */
    NO_SA("packets with no SA / bad SPI"),
    /** {@code esps_pdrops}: protocol disabled (net.inet.ipsec.esp_enable etc. = 0). */
    DISABLED("packets dropped: protocol disabled"),
    /** {@code esps_replay}: sequence number seen before or left of the window (RFC 4303 §3.4.3). */
    REPLAY("possibly replayed packets"),
    /** {@code esps_wrap}: sender sequence number would cycle (RFC 4303 §3.3.3). */
    SEQ_WRAP("packets not sent: sequence number wrap"),
    /**
     * jipsec: the sequence number is not yet saved in the state directory (written ahead in blocks, issue #12) — the
     * disk is slow, full or unwritable; sent or accepted once the block is on disk.
     */
    SEQ_UNSAVED("packets held back: sequence numbers not yet saved to the state directory"),
    /** {@code esps_badauth}: ICV did not verify (RFC 4303 §3.4.4). */
    BAD_AUTH("packets with bad authentication"),
    /** {@code esps_badenc}: padding check failed after decryption (spec §4.10). */
    BAD_PADDING("packets with bad padding (decryption failed)"),
    /** Decryption failed outright (e.g. a cipher refused its input). */
    DECRYPT_FAILED("packets that failed to decrypt"),
    /**
     * Next header not deliverable: a tunnel payload whose IP version is not the one the next header announced
     * (NetBSD: {@code ipips_family}, and {@code esps_tunnel} "tunnel sanity check failures" of the outer protocol).
     */
    BAD_NEXT_HEADER("packets with bad next header"),
    /** Malformed IP, extension, UDP or tunnel header. */
    BAD_HEADER("packets with malformed headers"),
    /** The SA cannot handle this packet (wrong family for the SA, bad mode, jumbogram). */
    INVALID("packets rejected: SA cannot handle them"),
    /** Protected packet would exceed 65535 bytes. */
    TOO_BIG("packets too big after encapsulation"),
    /** RFC 4303 §2.6: dummy packet (next header 59), dropped silently. */
    DUMMY("dummy packets discarded"),
    /** A fragment reached the transforms: IPsec packets are reassembled first (RFC 4303 §3.4.1). */
    FRAGMENT("fragments not reassembled before IPsec"),
    /** IPComp: inflate failed. */
    DECOMPRESS_FAILED("packets that failed to decompress"),
    /** IPComp: inflated output larger than allowed (decompression bomb). */
    DECOMPRESS_TOO_BIG("packets that decompress too large"),
    /** RFC 3948 §2.2: a NAT keepalive (one 0xFF byte) — consumed, not an error. */
    NAT_KEEPALIVE("NAT keepalives received"),
    /** RFC 3948 §2.1: UDP payload with the non-ESP marker (IKE) — not for the data plane. */
    NON_ESP("UDP-encapsulated packets that were not ESP (IKE)");

    private final String description;

    DropReason(String description) {
        this.description = description;
    }

    /** The netstat-style line text. */
    public String description() {
        return description;
    }

    /** The short name printed in verdict lines: lower case, hyphenated ({@code bad-auth}). */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** The drop a malformed header found by {@link org.jipsec.core.net.IpView#parse} counts as; null for none. */
    public static DropReason of(org.jipsec.core.net.IpView.Problem p) {
        if (p == null) return null;
        return switch (p) {
            case SHORT -> SHORT;
            case BAD_HEADER -> BAD_HEADER;
            case JUMBOGRAM -> INVALID; // NetBSD EMSGSIZE (spec §4.11)
        };
    }
}
