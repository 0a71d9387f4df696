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
 * Proposal selection (RFC 7296 §2.7, §3.3.6): the responder picks one offered proposal and one transform of
 * each type from it. Order: strongSwan's default ({@code charon.prefer_configured_proposals = yes}) walks the
 * configured proposals and, inside each, the configured algorithms in order, taking the first the peer offered;
 * with {@code preferConfigured = false} the initiator's order wins (RFC 7296 §2.7 leaves the choice to the
 * responder). An initiator checks the responder's answer with the same function (one offered proposal).
 *
 * <p>Rules: a proposal of another protocol or with a wrong SPI size does not match; a transform type this
 * implementation does not know rejects the proposal (§3.3.6); unknown transform IDs are simply not chosen;
 * for ESP, DH is optional on both sides — a DH list containing NONE (0) makes PFS optional; ESN defaults
 * to "no ESN" if the offer lacks the type.
 */
public final class ProposalSelector {
    private ProposalSelector() {}

    public static Selection select(
            List<Proposal> offered,
            List<ProposalSpec> configured,
            SaProtocol protocol,
            int spiSize,
            boolean preferConfigured) {
        List<String> reasons = new ArrayList<>();
        if (preferConfigured) {
            for (int c = 0; c < configured.size(); c++) {
                for (Proposal o : offered) {
                    Selection s = match(o, configured.get(c), c + 1, protocol, spiSize, true, reasons);
                    if (s != null) return s;
                }
            }
        } else {
            for (Proposal o : offered) {
                for (int c = 0; c < configured.size(); c++) {
                    Selection s = match(o, configured.get(c), c + 1, protocol, spiSize, false, reasons);
                    if (s != null) return s;
                }
            }
        }
        if (offered.isEmpty()) reasons.add("the peer offered no proposal");
        if (configured.isEmpty()) reasons.add("no proposal configured");
        return new Selection.NoProposalChosen(reasons);
    }

    private static Selection match(
            Proposal o,
            ProposalSpec c,
            int cIndex,
            SaProtocol protocol,
            int spiSize,
            boolean preferConfigured,
            List<String> reasons) {
        String where = "offered proposal " + o.number() + " vs configured " + cIndex + " (" + c + ")";
        if (o.protocolId() != protocol.protocolId()) {
            reasons.add(where + ": protocol " + o.protocolId() + ", expected " + protocol);
            return null;
        }
        if (o.spi().length != spiSize) {
            reasons.add(where + ": SPI of " + o.spi().length + " bytes, expected " + spiSize);
            return null;
        }
        List<IkeTransforms.Encryption> oEnc = new ArrayList<>();
        List<IkeTransforms.Integrity> oInteg = new ArrayList<>();
        List<PrfAlgorithm> oPrf = new ArrayList<>();
        List<Integer> oDh = new ArrayList<>();
        List<Integer> oEsn = new ArrayList<>();
        List<Transform> byType1 = new ArrayList<>(),
                byType2 = new ArrayList<>(),
                byType3 = new ArrayList<>(),
                byType4 = new ArrayList<>(),
                byType5 = new ArrayList<>();
        for (Transform t : o.transforms()) {
            switch (t.type()) {
                case IkeTransforms.ENCR -> {
                    byType1.add(t);
                    IkeTransforms.encryption(t.id(), t.keyLength().orElse(0)).ifPresent(oEnc::add);
                }
                case IkeTransforms.PRF -> {
                    byType2.add(t);
                    PrfAlgorithm p = PrfAlgorithm.byTransformId(t.id());
                    if (p != null) oPrf.add(p);
                }
                case IkeTransforms.INTEG -> {
                    byType3.add(t);
                    if (t.id() != 0) IkeTransforms.integrity(t.id()).ifPresent(oInteg::add);
                }
                case IkeTransforms.DH -> {
                    byType4.add(t);
                    oDh.add(t.id());
                }
                case IkeTransforms.ESN -> {
                    byType5.add(t);
                    oEsn.add(t.id());
                }
                default -> {
                    // §3.3.6: a transform type the responder does not understand rejects the proposal
                    reasons.add(where + ": unknown transform type " + t.type());
                    return null;
                }
            }
        }
        IkeTransforms.Encryption enc = pick(c.encryption(), oEnc, preferConfigured);
        if (enc == null) {
            reasons.add(where + ": no acceptable " + TransformNames.typeName(IkeTransforms.ENCR) + " (offered "
                    + names(byType1) + ")");
            return null;
        }
        IkeTransforms.Integrity integ = null;
        if (!enc.aead()) {
            integ = pick(c.integrity(), oInteg, preferConfigured);
            if (integ == null) {
                reasons.add(where + ": no acceptable " + TransformNames.typeName(IkeTransforms.INTEG) + " (offered "
                        + names(byType3) + ")");
                return null;
            }
        } else if (!oInteg.isEmpty()) {
            reasons.add(where + ": AEAD with an integrity algorithm (offered " + names(byType3) + ")");
            return null;
        }
        PrfAlgorithm prf = null;
        DhGroup dh = null;
        boolean esn = false;
        if (protocol == SaProtocol.IKE) {
            prf = pick(c.prfs(), oPrf, preferConfigured);
            if (prf == null) {
                reasons.add(where + ": no acceptable " + TransformNames.typeName(IkeTransforms.PRF) + " (offered "
                        + names(byType2) + ")");
                return null;
            }
            dh = pickGroup(c.groups(), oDh, preferConfigured);
            if (dh == null) {
                reasons.add(where + ": no acceptable " + TransformNames.typeName(IkeTransforms.DH) + " (offered "
                        + names(byType4) + ")");
                return null;
            }
        } else {
            if (!byType2.isEmpty()) {
                reasons.add(where + ": a PRF in an ESP proposal");
                return null;
            }
            boolean peerWantsPfs = !oDh.isEmpty() && !oDh.contains(0);
            if (c.groups().isEmpty()) {
                if (peerWantsPfs) {
                    reasons.add(where + ": the peer requires PFS (offered " + names(byType4) + "), none configured");
                    return null;
                }
            } else {
                dh = pickGroup(c.groups(), oDh, preferConfigured);
                if (dh == null) {
                    reasons.add(where + ": no acceptable " + TransformNames.typeName(IkeTransforms.DH) + " (PFS "
                            + "configured, offered " + (byType4.isEmpty() ? "none" : names(byType4)) + ")");
                    return null;
                }
            }
            List<Integer> offeredEsn = oEsn.isEmpty() ? List.of(IkeTransforms.ESN_NONE) : oEsn;
            Integer e = pick(c.esn(), offeredEsn, preferConfigured);
            if (e == null) {
                reasons.add(where + ": no acceptable " + TransformNames.typeName(IkeTransforms.ESN) + " (offered "
                        + names(byType5) + ")");
                return null;
            }
            esn = e == IkeTransforms.ESN_ON;
        }
        return new Selection.Chosen(o, new Negotiated(protocol, o.number(), enc, integ, prf, dh, esn));
    }

    private static <T> T pick(List<T> configured, List<T> offered, boolean preferConfigured) {
        List<T> first = preferConfigured ? configured : offered;
        List<T> second = preferConfigured ? offered : configured;
        for (T t : first) {
            if (second.contains(t)) return t;
        }
        return null;
    }

    private static DhGroup pickGroup(List<DhGroup> configured, List<Integer> offered, boolean preferConfigured) {
        List<Integer> numbers = configured.stream().map(DhGroup::number).toList();
        Integer n = pick(numbers, offered, preferConfigured);
        return n == null ? null : DhGroup.byNumber(n);
    }

    private static String names(List<Transform> ts) {
        if (ts.isEmpty()) return "none";
        StringJoiner j = new StringJoiner("/");
        for (Transform t : ts) j.add(TransformNames.describe(t));
        return j.toString();
    }
}
