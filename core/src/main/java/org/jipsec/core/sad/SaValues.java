package org.jipsec.core.sad;

import org.jipsec.core.ipsec.Endpoint;

/**
 * What PF_KEY ADD/UPDATE/GETSPI give for a new SA (key.c key_setsaval), validated by the key engine: PF_KEY numbers
 * and key bits as they arrive, the input of {@link SecurityAssociationDatabase#insert}. (Named SaParameters until
 * the engine merge; renamed so that {@code org.jipsec.core.xform.SaParameters} — the resolved algorithms the
 * transforms run with — is the only type of that name. The one mapping from an SA to it is
 * {@code org.jipsec.core.engine.SaAdapter}.) Keys are copied
 * by the SA; the caller zeroes its own arrays. {@code hard}/{@code soft} null = no lifetimes.
 */
public record SaValues(
        int spi,
        int authAlgorithm,
        byte[] authKey,
        int authKeyBits,
        int encryptAlgorithm,
        byte[] encryptKey,
        int encryptKeyBits,
        int flags,
        int replayWindowBytes,
        int natTType,
        int natTFragLength,
        Endpoint natTOriginalInitiator,
        Endpoint natTOriginalResponder,
        SaLifetime hard,
        SaLifetime soft,
        int seq,
        int pid) {

    /** A larval SA (GETSPI): an SPI and nothing else. */
    public static SaValues larval(int spi, int seq, int pid) {
        return new SaValues(spi, 0, null, 0, 0, null, 0, 0, 0, 0, 0xffff, null, null, null, null, seq, pid);
    }

    /** Overwrites this value's key arrays with zeros (call once the SA holds its own copies). */
    public void wipeKeys() {
        if (authKey != null) java.util.Arrays.fill(authKey, (byte) 0);
        if (encryptKey != null) java.util.Arrays.fill(encryptKey, (byte) 0);
    }

    @Override
    public String toString() {
        return "SaValues[spi=0x" + Integer.toHexString(spi) + ", keys=(hidden)]";
    }
}
