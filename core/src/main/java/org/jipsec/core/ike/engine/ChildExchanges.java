package org.jipsec.core.ike.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jipsec.core.ike.codec.IkeDecodeException;
import org.jipsec.core.ike.codec.IkeMessage;
import org.jipsec.core.ike.codec.KePayload;
import org.jipsec.core.ike.codec.NoncePayload;
import org.jipsec.core.ike.codec.NotifyPayload;
import org.jipsec.core.ike.codec.NotifyType;
import org.jipsec.core.ike.codec.Payload;
import org.jipsec.core.ike.codec.Proposal;
import org.jipsec.core.ike.codec.SaPayload;
import org.jipsec.core.ike.codec.TrafficSelector;
import org.jipsec.core.ike.codec.TsPayload;
import org.jipsec.core.ike.crypto.ChildSaKeys;
import org.jipsec.core.ike.crypto.DhGroup;
import org.jipsec.core.ike.crypto.KeyExchange;
import org.jipsec.core.ike.crypto.KeySchedule;
import org.jipsec.core.ike.proposal.Negotiated;
import org.jipsec.core.ike.proposal.ProposalSelector;
import org.jipsec.core.ike.proposal.ProposalSpec;
import org.jipsec.core.ike.proposal.SaProtocol;
import org.jipsec.core.ike.proposal.Selection;
import org.jipsec.core.ike.ts.TsNarrowing;

/**
 * CREATE_CHILD_SA for CHILD_SAs on an established IKE SA, both roles: rekeying a child (RFC 7296 §1.3.3, §2.8, with
 * the simultaneous-rekey rule of §2.8.1) and creating an additional one (§1.3.1: the responder selects the child
 * config, ESP proposal and narrowed selectors as in IKE_AUTH, §2.9). PFS when the ESP proposals name DH groups
 * (§1.3, §2.17). While our IKE SA rekey is outstanding, requests for children get TEMPORARY_FAILURE (strongSwan
 * 5.9.8 child_create.c: "unable to create CHILD_SA while rekeying IKE_SA"; §2.25); a TEMPORARY_FAILURE answer to
 * ours is retried after strongSwan's delay (§2.25). Works on the engine's state; package-private.
 */
final class ChildExchanges {

    private final IkeSaEngine e;

    ChildExchanges(IkeSaEngine engine) {
        this.e = engine;
    }

    // ---- rekey (§1.3.3) ----

    void startRekey(ChildSa old, long now, List<IkeAction> actions) {
        List<DhGroup> groups = e.config.espProposals().getFirst().groups();
        e.rekey = new ChildRekey(
                old,
                e.nonZeroInt(),
                e.randomBytes(IkeSaEngine.NONCE_BYTES),
                groups.isEmpty() ? null : groups.getFirst().generate(e.random),
                0);
        sendRekey(now, actions);
    }

    private void sendRekey(long now, List<IkeAction> actions) {
        e.sendCreateChildSa(IkeSaEngine.Pending.REKEY_CHILD, e.rekey.request(e.config.espProposals()), now, actions);
    }

    /** §1.3.3, §2.8: the peer's answer to our child rekey; on success the new child, then the old one's Delete. */
    void rekeyResponse(IkeMessage m, long now, List<IkeAction> actions) {
        ChildRekey r = e.rekey;
        e.rekey = null;
        byte[] otherNi = e.collisionNi;
        byte[] otherNr = e.collisionNr;
        e.collisionNi = null;
        e.collisionNr = null;
        DhGroup retry = invalidKeRetry(m, r.ke(), r.invalidKeRetries(), e.config.espProposals());
        if (retry != null) {
            // §1.3: retry with the group the responder asked for
            e.rekey = new ChildRekey(r.old(), r.newSpiIn(), r.ni(), retry.generate(e.random), r.invalidKeRetries() + 1);
            e.collisionNi = otherNi;
            e.collisionNr = otherNr;
            sendRekey(now, actions);
            return;
        }
        if (m.notify(NotifyType.TEMPORARY_FAILURE).isPresent()) {
            e.defer(new IkeSaEngine.Queued.RekeyChild(r.old().spiIn()), now);
            return;
        }
        Keyed k = keyed(m, e.config.espProposals(), r.ke(), r.ni(), r.old().name(), "rekey of " + r.old(), actions);
        if (k == null) return;
        e.install(
                IkeAction.InstallChild.of(
                        r.old().name(),
                        k.esp(),
                        r.newSpiIn(),
                        k.spiOut(),
                        k.keys(),
                        true,
                        r.old().localTs(),
                        r.old().remoteTs()),
                actions);
        if (otherNi != null && lowest(r.ni(), k.nr(), otherNi, otherNr)) {
            // §2.8.1: "the SA created with the lowest of the four nonces ... is redundant and SHOULD be closed by the
            // endpoint that created it": ours; the peer, which won, deletes the old child
            e.queue.addFirst(new IkeSaEngine.Queued.DeleteChild(r.newSpiIn()));
            return;
        }
        // §2.8: the new child is installed; now the old one is deleted (strongSwan: INFORMATIONAL [D])
        if (e.children.containsKey(r.old().spiIn())) {
            e.queue.addFirst(new IkeSaEngine.Queued.DeleteChild(r.old().spiIn()));
        }
    }

    /** §1.3.3: the peer rekeys one of our children; answered with our new SPI and nonce (and KE with PFS). */
    List<Payload> request(IkeMessage m, List<IkeAction> actions) {
        if (e.pending == IkeSaEngine.Pending.REKEY_IKE || e.state == IkeSaEngine.State.DELETING) {
            // strongSwan child_create.c build_r: no CHILD_SA while the IKE SA is rekeyed or deleted (§2.25)
            return List.of(NotifyPayload.of(NotifyType.TEMPORARY_FAILURE));
        }
        var rekeySa = m.notify(NotifyType.REKEY_SA);
        if (rekeySa.isEmpty()) return createRequest(m, actions);
        int peerOld = ChildRekey.spiOf(rekeySa.get().spi());
        ChildSa old = e.children.values().stream()
                .filter(c -> c.spiOut() == peerOld)
                .findFirst()
                .orElse(null);
        if (old == null) {
            // §2.25: the child is gone (e.g. a crossing delete)
            return List.of(new NotifyPayload(
                    Proposal.PROTOCOL_ESP, rekeySa.get().spi(), NotifyType.CHILD_SA_NOT_FOUND, new byte[0]));
        }
        if (e.deletingByUs.contains(old.spiIn()) || e.queue.contains(new IkeSaEngine.Queued.DeleteChild(old.spiIn()))) {
            // §2.25: we are deleting it (our rekey completed first, or a delete crossed): try later
            return List.of(NotifyPayload.of(NotifyType.TEMPORARY_FAILURE));
        }
        var sa = m.first(SaPayload.class);
        var nonce = m.first(NoncePayload.class);
        TsPayload tsi = ts(m, true);
        TsPayload tsr = ts(m, false);
        if (sa.isEmpty() || nonce.isEmpty() || tsi == null || tsr == null) {
            return List.of(NotifyPayload.of(NotifyType.INVALID_SYNTAX));
        }
        Selection s = ProposalSelector.select(sa.get().proposals(), e.config.espProposals(), SaProtocol.ESP, 4, true);
        if (!(s instanceof Selection.Chosen chosen)) {
            actions.add(new IkeAction.ChildFailed(old.name(), "peer's rekey: " + s));
            return List.of(NotifyPayload.of(NotifyType.NO_PROPOSAL_CHOSEN));
        }
        Accepted a = accept(chosen, m, nonce.get().data());
        if (a.refusal() != null) return a.refusal();
        if (e.rekey != null && e.rekey.old().equals(old)) {
            // §2.8.1: both sides rekey this child; decided when our own exchange completes
            e.collisionNi = nonce.get().data();
            e.collisionNr = a.nr();
        }
        // the old child stays until the rekey initiator deletes it (§2.8)
        e.install(
                IkeAction.InstallChild.of(
                        old.name(), a.esp(), a.spiIn(), a.spiOut(), a.keys(), false, old.localTs(), old.remoteTs()),
                actions);
        return a.response(tsi.selectors(), tsr.selectors());
    }

    // ---- additional CHILD_SA (§1.3.1) ----

    void startCreate(IkeSaConfig.ChildConfig child, long now, List<IkeAction> actions) {
        List<DhGroup> groups = child.espProposals().getFirst().groups();
        e.create = new CreateChild(
                child,
                e.nonZeroInt(),
                e.randomBytes(IkeSaEngine.NONCE_BYTES),
                groups.isEmpty() ? null : groups.getFirst().generate(e.random),
                Handshake.selectors(child.localTs(), e.local),
                Handshake.selectors(child.remoteTs(), e.remote),
                0);
        e.sendCreateChildSa(IkeSaEngine.Pending.CREATE_CHILD, e.create.request(), now, actions);
    }

    void createResponse(IkeMessage m, long now, List<IkeAction> actions) {
        CreateChild c = e.create;
        e.create = null;
        DhGroup retry =
                invalidKeRetry(m, c.ke(), c.invalidKeRetries(), c.child().espProposals());
        if (retry != null) {
            e.create = new CreateChild(
                    c.child(),
                    c.newSpiIn(),
                    c.ni(),
                    retry.generate(e.random),
                    c.tsi(),
                    c.tsr(),
                    c.invalidKeRetries() + 1);
            e.sendCreateChildSa(IkeSaEngine.Pending.CREATE_CHILD, e.create.request(), now, actions);
            return;
        }
        if (m.notify(NotifyType.TEMPORARY_FAILURE).isPresent()) {
            e.defer(new IkeSaEngine.Queued.CreateChild(c.child().name()), now);
            return;
        }
        String name = c.child().name();
        TsPayload tsi = ts(m, true);
        TsPayload tsr = ts(m, false);
        if (m.all(NotifyPayload.class).stream().noneMatch(NotifyPayload::isError) && (tsi == null || tsr == null)) {
            actions.add(new IkeAction.ChildFailed(name, "CREATE_CHILD_SA response lacks TSi/TSr: " + m.summary()));
            return;
        }
        Keyed k = keyed(m, c.child().espProposals(), c.ke(), c.ni(), name, "CREATE_CHILD_SA for " + name, actions);
        if (k == null) return;
        e.install(
                IkeAction.InstallChild.of(
                        name, k.esp(), c.newSpiIn(), k.spiOut(), k.keys(), true, tsi.selectors(), tsr.selectors()),
                actions);
        if (!TsNarrowing.isSubset(tsi.selectors(), c.tsi()) || !TsNarrowing.isSubset(tsr.selectors(), c.tsr())) {
            // §2.9: the responder may only narrow; the peer has its half installed, so the pair is deleted again
            actions.add(
                    new IkeAction.ChildFailed(name, "responder's selectors are not a subset of ours (RFC 7296 §2.9)"));
            e.queue.addFirst(new IkeSaEngine.Queued.DeleteChild(c.newSpiIn()));
        }
    }

    /**
     * §1.3.1: the peer asks for an additional CHILD_SA. strongSwan picks the child config by the selectors, then
     * the proposal: the first configured child whose selectors intersect and whose ESP proposals match.
     */
    private List<Payload> createRequest(IkeMessage m, List<IkeAction> actions) {
        var sa = m.first(SaPayload.class);
        var nonce = m.first(NoncePayload.class);
        TsPayload tsi = ts(m, true);
        TsPayload tsr = ts(m, false);
        if (sa.isEmpty() || nonce.isEmpty() || tsi == null || tsr == null) {
            return List.of(NotifyPayload.of(NotifyType.INVALID_SYNTAX));
        }
        java.util.StringJoiner why = new java.util.StringJoiner("; ");
        boolean tsMatched = false;
        for (IkeSaConfig.ChildConfig child : e.config.children()) {
            TsNarrowing.Result r = TsNarrowing.respond(
                    tsi.selectors(),
                    tsr.selectors(),
                    Handshake.selectors(child.localTs(), e.local),
                    Handshake.selectors(child.remoteTs(), e.remote));
            if (!(r instanceof TsNarrowing.Result.Narrowed n)) {
                why.add(child.name() + ": " + ((TsNarrowing.Result.Unacceptable) r).reason());
                continue;
            }
            tsMatched = true;
            Selection s = ProposalSelector.select(sa.get().proposals(), child.espProposals(), SaProtocol.ESP, 4, true);
            if (!(s instanceof Selection.Chosen chosen)) {
                why.add(child.name() + ": " + s);
                continue;
            }
            Accepted a = accept(chosen, m, nonce.get().data());
            if (a.refusal() != null) return a.refusal();
            e.install(
                    IkeAction.InstallChild.of(
                            child.name(), a.esp(), a.spiIn(), a.spiOut(), a.keys(), false, n.tsr(), n.tsi()),
                    actions);
            return a.response(n.tsi(), n.tsr());
        }
        actions.add(new IkeAction.ChildFailed(e.config.childName(), "peer's CREATE_CHILD_SA refused: " + why));
        return List.of(NotifyPayload.of(tsMatched ? NotifyType.NO_PROPOSAL_CHOSEN : NotifyType.TS_UNACCEPTABLE));
    }

    // ---- shared ----

    /** The responder's side of a selected ESP proposal: KE (PFS) check, our SPI and nonce, the keys. */
    private record Accepted(
            List<Payload> refusal, Negotiated esp, int spiIn, int spiOut, byte[] nr, KePayload ke, ChildSaKeys keys) {
        List<Payload> response(List<TrafficSelector> tsi, List<TrafficSelector> tsr) {
            List<Payload> p = new ArrayList<>();
            p.add(new SaPayload(List.of(esp.toResponse(Informational.spi(spiIn)))));
            p.add(new NoncePayload(nr));
            if (ke != null) p.add(ke);
            p.add(new TsPayload(true, tsi));
            p.add(new TsPayload(false, tsr));
            return p;
        }

        static Accepted refused(NotifyPayload n) {
            return new Accepted(List.of(n), null, 0, 0, null, null, null);
        }
    }

    private Accepted accept(Selection.Chosen chosen, IkeMessage m, byte[] ni) {
        DhGroup dh = chosen.negotiated().dh();
        var ke = m.first(KePayload.class);
        byte[] gir = null;
        KeyExchange mine = null;
        if (dh != null) {
            if (ke.isEmpty() || ke.get().dhGroup() != dh.number()) {
                // §1.3, §2.7: the group we want, two bytes
                return Accepted.refused(NotifyPayload.of(
                        NotifyType.INVALID_KE_PAYLOAD, new byte[] {(byte) (dh.number() >>> 8), (byte) dh.number()}));
            }
            mine = dh.generate(e.random);
            try {
                gir = mine.sharedSecret(ke.get().data());
            } catch (IkeDecodeException x) {
                return Accepted.refused(NotifyPayload.of(NotifyType.INVALID_SYNTAX));
            }
        }
        int spiIn = e.nonZeroInt();
        byte[] nr = e.randomBytes(IkeSaEngine.NONCE_BYTES);
        Negotiated esp = chosen.negotiated();
        ChildSaKeys k = KeySchedule.childSaKeys(
                e.ike.prf(),
                e.keys.skD(),
                gir,
                ni,
                nr,
                esp.encryption().keyBytes(),
                esp.integrity() == null ? 0 : esp.integrity().keyBytes());
        if (gir != null) Arrays.fill(gir, (byte) 0);
        return new Accepted(
                null,
                esp,
                spiIn,
                ChildRekey.spiOf(chosen.offered().spi()),
                nr,
                mine == null ? null : new KePayload(dh.number(), mine.publicValue()),
                k);
    }

    /** The initiator's side of a CREATE_CHILD_SA response for a child: the chosen proposal and the keys. */
    private record Keyed(Negotiated esp, int spiOut, byte[] nr, ChildSaKeys keys) {}

    private Keyed keyed(
            IkeMessage m,
            List<ProposalSpec> offered,
            KeyExchange ke,
            byte[] ni,
            String child,
            String what,
            List<IkeAction> actions) {
        for (NotifyPayload n : m.all(NotifyPayload.class)) {
            if (n.isError()) {
                actions.add(new IkeAction.ChildFailed(child, what + " refused: " + NotifyType.name(n.notifyType())));
                return null;
            }
        }
        var sa = m.first(SaPayload.class);
        var nonce = m.first(NoncePayload.class);
        if (sa.isEmpty() || nonce.isEmpty() || sa.get().proposals().size() != 1) {
            actions.add(new IkeAction.ChildFailed(child, what + ": response lacks SA or Nonce: " + m.summary()));
            return null;
        }
        Selection s = ProposalSelector.select(sa.get().proposals(), offered, SaProtocol.ESP, 4, true);
        if (!(s instanceof Selection.Chosen chosen)) {
            actions.add(new IkeAction.ChildFailed(child, what + ": responder chose a proposal we did not offer: " + s));
            return null;
        }
        byte[] gir = null;
        if (chosen.negotiated().dh() != null) {
            var peerKe = m.first(KePayload.class);
            if (ke == null
                    || peerKe.isEmpty()
                    || peerKe.get().dhGroup() != ke.group().number()
                    || chosen.negotiated().dh() != ke.group()) {
                actions.add(new IkeAction.ChildFailed(child, what + ": KE does not match the chosen group"));
                return null;
            }
            try {
                gir = ke.sharedSecret(peerKe.get().data());
            } catch (IkeDecodeException x) {
                actions.add(new IkeAction.ChildFailed(child, what + ": peer's KE: " + x.getMessage()));
                return null;
            }
        }
        Negotiated esp = chosen.negotiated();
        ChildSaKeys k = KeySchedule.childSaKeys(
                e.ike.prf(),
                e.keys.skD(),
                gir,
                ni,
                nonce.get().data(),
                esp.encryption().keyBytes(),
                esp.integrity() == null ? 0 : esp.integrity().keyBytes());
        if (gir != null) Arrays.fill(gir, (byte) 0);
        return new Keyed(
                esp,
                ChildRekey.spiOf(sa.get().proposals().getFirst().spi()),
                nonce.get().data(),
                k);
    }

    /** §1.3: INVALID_KE_PAYLOAD naming another configured group → that group, up to strongSwan's retry limit. */
    static DhGroup invalidKeRetry(IkeMessage m, KeyExchange ke, int retries, List<ProposalSpec> proposals) {
        var invalidKe = m.notify(NotifyType.INVALID_KE_PAYLOAD);
        if (invalidKe.isEmpty()
                || invalidKe.get().data().length != 2
                || ke == null
                || retries >= ChildRekey.MAX_INVALID_KE_RETRIES) {
            return null;
        }
        int group = ((invalidKe.get().data()[0] & 0xff) << 8) | (invalidKe.get().data()[1] & 0xff);
        return proposals.stream()
                .flatMap(x -> x.groups().stream())
                .filter(x -> x.number() == group)
                .filter(g -> g != ke.group())
                .findFirst()
                .orElse(null);
    }

    private static TsPayload ts(IkeMessage m, boolean initiator) {
        return m.all(TsPayload.class).stream()
                .filter(t -> t.initiator() == initiator)
                .findFirst()
                .orElse(null);
    }

    /** True if the lowest of the four nonces is one of our exchange's (unsigned bytewise, as strongSwan's memcmp). */
    static boolean lowest(byte[] ourNi, byte[] ourNr, byte[] peerNi, byte[] peerNr) {
        byte[] ours = Arrays.compareUnsigned(ourNi, ourNr) <= 0 ? ourNi : ourNr;
        byte[] theirs = Arrays.compareUnsigned(peerNi, peerNr) <= 0 ? peerNi : peerNr;
        return Arrays.compareUnsigned(ours, theirs) < 0;
    }
}
