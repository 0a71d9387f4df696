package org.jipsec.core.ike.proposal;

import java.util.ArrayList;
import java.util.List;
import org.jipsec.core.ike.codec.Proposal;
import org.jipsec.core.ike.codec.Transform;
import org.jipsec.core.ike.crypto.DhGroup;
import org.jipsec.core.ike.crypto.IkeTransforms;
import org.jipsec.core.ike.crypto.PrfAlgorithm;

/**
 * The algorithms one proposal selection agreed on: one per transform type (§2.7: "the responder MUST
 * select a single proposal ... and MUST include only one transform of each type"). For ESP the PF_KEY
 * numbers for SADB_ADD/UPDATE come from the algorithm table row ({@link #pfkeyEncryption()},
 * {@link #pfkeyAuthentication()}).
 *
 * @param integrity null for an AEAD
 * @param prf       null for ESP
 * @param dh        null for ESP without PFS
 * @param esn       true if extended sequence numbers were chosen (ESP)
 */
public record Negotiated(
        SaProtocol protocol,
        int proposalNumber,
        IkeTransforms.Encryption encryption,
        IkeTransforms.Integrity integrity,
        PrfAlgorithm prf,
        DhGroup dh,
        boolean esn) {

    /** {@code sadb_sa_encrypt} (RFC 2367; jipsec's AlgorithmTable). */
    public int pfkeyEncryption() {
        return encryption.row().number();
    }

    /** {@code sadb_sa_auth}: 0 (SADB_AALG_NONE) for an AEAD. */
    public int pfkeyAuthentication() {
        return integrity == null ? 0 : integrity.row().number();
    }

    /** The single-transform proposal the responder returns (§2.7), numbered as the offer it accepts. */
    public Proposal toResponse(byte[] spi) {
        List<Transform> t = new ArrayList<>();
        t.add(ProposalSpec.encryptionTransform(encryption));
        if (integrity != null) t.add(new Transform(IkeTransforms.INTEG, integrity.ianaId()));
        if (prf != null) t.add(new Transform(IkeTransforms.PRF, prf.transformId()));
        if (dh != null) t.add(new Transform(IkeTransforms.DH, dh.number()));
        if (protocol == SaProtocol.ESP) {
            t.add(new Transform(IkeTransforms.ESN, esn ? IkeTransforms.ESN_ON : IkeTransforms.ESN_NONE));
        }
        return new Proposal(proposalNumber, protocol.protocolId(), spi, t);
    }

    /** strongSwan's log notation, e.g. {@code ESP:AES_GCM_16_128/NO_EXT_SEQ}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(protocol.name()).append(':');
        List<Transform> ts = toResponse(new byte[0]).transforms();
        for (int i = 0; i < ts.size(); i++) sb.append(i == 0 ? "" : "/").append(TransformNames.describe(ts.get(i)));
        return sb.toString();
    }
}
