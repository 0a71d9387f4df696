package org.jipsec.core.seqstate;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Who an SA's saved state belongs to: its PF_KEY satype, SPI, source and destination addresses, and the fingerprint
 * of its keys ({@link KeyFingerprint}) — so that the same SPI with fresh keys starts fresh, and the same keys under
 * the same SPI continue where they stopped.
 *
 * @param satype      PF_KEY satype number
 * @param spi         SPI as on the wire
 * @param source      4 or 16 address bytes
 * @param destination same family as {@code source}
 * @param fingerprint {@link KeyFingerprint#LENGTH} bytes
 */
public record SaIdentity(int satype, int spi, byte[] source, byte[] destination, byte[] fingerprint) {

    public SaIdentity {
        if (satype < 0 || satype > 255) throw new IllegalArgumentException("satype " + satype);
        Objects.requireNonNull(source);
        Objects.requireNonNull(destination);
        if ((source.length != 4 && source.length != 16) || destination.length != source.length)
            throw new IllegalArgumentException("addresses must be both IPv4 or both IPv6");
        if (fingerprint.length != KeyFingerprint.LENGTH) throw new IllegalArgumentException("fingerprint length");
        source = source.clone();
        destination = destination.clone();
        fingerprint = fingerprint.clone();
    }

    @Override
    public byte[] source() {
        return source.clone();
    }

    @Override
    public byte[] destination() {
        return destination.clone();
    }

    @Override
    public byte[] fingerprint() {
        return fingerprint.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SaIdentity i
                && satype == i.satype
                && spi == i.spi
                && Arrays.equals(source, i.source)
                && Arrays.equals(destination, i.destination)
                && Arrays.equals(fingerprint, i.fingerprint);
    }

    @Override
    public int hashCode() {
        return ((satype * 31 + spi) * 31 + Arrays.hashCode(destination)) * 31 + Arrays.hashCode(fingerprint);
    }

    /** {@code satype 3 spi 0x1000 10.0.0.1->10.0.0.2} (no fingerprint: it is not needed to read a log). */
    public String describe() {
        return "satype " + satype + " spi 0x" + Integer.toHexString(spi) + " " + address(source) + "->"
                + address(destination);
    }

    @Override
    public String toString() {
        return describe() + " keys " + HexFormat.of().formatHex(fingerprint, 0, 4);
    }

    private static String address(byte[] a) {
        try {
            return org.jipsec.core.spd.AddressText.format(
                    java.net.InetAddress.getByAddress(a), 0); // fd00::1, as setkey
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e); // 4 or 16 bytes
        }
    }
}
