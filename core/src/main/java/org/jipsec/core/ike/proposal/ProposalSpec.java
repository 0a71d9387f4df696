package org.jipsec.core.ike.proposal;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.jipsec.core.ike.codec.Proposal;
import org.jipsec.core.ike.codec.Transform;
import org.jipsec.core.ike.crypto.DhGroup;
import org.jipsec.core.ike.crypto.IkeTransforms;
import org.jipsec.core.ike.crypto.PrfAlgorithm;

/**
 * One configured proposal: for each transform type, the acceptable algorithms in order of preference (one
 * strongSwan proposal string such as {@code aes128-aes256-sha256-modp2048-ecp256}). For ESP an empty DH list
 * means no PFS; {@code esn} lists ESN transform IDs (default: no ESN only).
 */
public record ProposalSpec(
        SaProtocol protocol,
        List<IkeTransforms.Encryption> encryption,
        List<IkeTransforms.Integrity> integrity,
        List<PrfAlgorithm> prfs,
        List<DhGroup> groups,
        List<Integer> esn) {

    public ProposalSpec {
        encryption = List.copyOf(encryption);
        integrity = List.copyOf(integrity);
        prfs = List.copyOf(prfs);
        groups = List.copyOf(groups);
        esn = List.copyOf(esn);
    }

    /**
     * The Proposal substructure (§3.3.1), transforms in strongSwan's order: ENCR, INTEG, PRF, DH, ESN (as
     * charon 5.9.8 sends them).
     */
    public Proposal toPayload(int number, byte[] spi) {
        return new Proposal(number, protocol.protocolId(), spi, transforms());
    }

    public List<Transform> transforms() {
        List<Transform> t = new ArrayList<>();
        for (IkeTransforms.Encryption e : encryption) t.add(encryptionTransform(e));
        for (IkeTransforms.Integrity i : integrity) t.add(new Transform(IkeTransforms.INTEG, i.ianaId()));
        for (PrfAlgorithm p : prfs) t.add(new Transform(IkeTransforms.PRF, p.transformId()));
        for (DhGroup g : groups) t.add(new Transform(IkeTransforms.DH, g.number()));
        for (int e : esn) t.add(new Transform(IkeTransforms.ESN, e));
        return t;
    }

    static Transform encryptionTransform(IkeTransforms.Encryption e) {
        return e.keyAttribute()
                ? Transform.withKeyLength(IkeTransforms.ENCR, e.ianaId(), e.keyBits())
                : new Transform(IkeTransforms.ENCR, e.ianaId());
    }

    /** strongSwan's notation, e.g. {@code IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048}. */
    @Override
    public String toString() {
        StringJoiner j = new StringJoiner("/", protocol + ":", "");
        for (Transform t : transforms()) j.add(TransformNames.describe(t));
        return j.toString();
    }
}
