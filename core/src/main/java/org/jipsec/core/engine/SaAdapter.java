package org.jipsec.core.engine;

import java.util.Arrays;
import org.jipsec.core.crypto.Algorithm;
import org.jipsec.core.crypto.AlgorithmKind;
import org.jipsec.core.crypto.AlgorithmTable;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.sad.SecurityAssociation;
import org.jipsec.core.xform.NatTraversal;
import org.jipsec.core.xform.SaFlags;
import org.jipsec.core.xform.SaParameters;

/**
 * The one mapping from the SAD's {@link SecurityAssociation} (PF_KEY numbers, key bits, {@code sadb_sa_replay} in
 * bytes, NAT-T type and ports on the endpoints) to the transforms' {@link SaParameters} (resolved
 * {@link Algorithm} rows, replay window in packets, {@link NatTraversal}). Owner of the reconciliation of the two
 * SA models: nothing else converts between them.
 */
public final class SaAdapter {

    private SaAdapter() {}

    /**
     * The transforms' view of an SA.
     *
     * @param mode the mode the transforms run the SA in (the SA's own, or — for an SA of mode "any" — the one the
     *             engine chose for the request, spec §4.4 step 4)
     * @throws IllegalArgumentException if the SA names an algorithm the table does not have, or is TCP-MD5
     */
    public static SaParameters parameters(SecurityAssociation sa, IpsecMode mode) {
        IpsecProtocol protocol = sa.protocol()
                .orElseThrow(() ->
                        new IllegalArgumentException("SA type " + sa.saType().dumpName() + " has no transform"));
        Algorithm enc = null;
        if (protocol == IpsecProtocol.ESP) enc = algorithm(AlgorithmKind.ENCRYPTION, sa.encryptAlgorithm());
        if (protocol == IpsecProtocol.IPCOMP) enc = algorithm(AlgorithmKind.COMPRESSION, sa.encryptAlgorithm());
        Algorithm auth = protocol != IpsecProtocol.IPCOMP && sa.authAlgorithm() != 0
                ? algorithm(AlgorithmKind.AUTHENTICATION, sa.authAlgorithm())
                : null;
        NatTraversal natT = null;
        if (sa.natTType() != 0 && protocol == IpsecProtocol.ESP) {
            natT = new NatTraversal(
                    sa.natTType(),
                    port(sa.natTSourcePort()),
                    port(sa.natTDestinationPort()),
                    sa.natTOriginalInitiator().map(Endpoint::address).orElse(null),
                    sa.natTOriginalResponder().map(Endpoint::address).orElse(null));
        }
        byte[] encKey = sa.encryptKey().orElse(new byte[0]);
        byte[] authKey = sa.authKey().orElse(new byte[0]);
        try {
            // RFC 4303 §3.4.3 / sadb_sa_replay: the PF_KEY field is the bitmap size in bytes (x 8 = packets)
            return new SaParameters(
                    Integer.toUnsignedLong(sa.spi()),
                    protocol,
                    mode,
                    new Endpoint(sa.source().address()),
                    new Endpoint(sa.destination().address()),
                    enc,
                    encKey,
                    auth,
                    authKey,
                    sa.flags() & SaFlags.MAX,
                    Math.min(65536, sa.replayWindowBytes() * 8),
                    false,
                    natT,
                    0);
        } finally {
            Arrays.fill(encKey, (byte) 0); // SaParameters keeps its own copies
            Arrays.fill(authKey, (byte) 0);
        }
    }

    private static int port(int p) {
        return p == 0 ? NatTraversal.DEFAULT_PORT : p;
    }

    private static Algorithm algorithm(AlgorithmKind kind, int number) {
        return AlgorithmTable.byNumber(kind, number)
                .orElseThrow(() -> new IllegalArgumentException("no " + kind + " algorithm " + number));
    }
}
