package org.jipsec.core.ike.engine;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jipsec.core.crypto.IcvMismatchException;
import org.jipsec.core.ike.codec.ExchangeType;
import org.jipsec.core.ike.codec.IkeDecodeException;
import org.jipsec.core.ike.codec.IkeHeader;
import org.jipsec.core.ike.codec.IkeMessage;
import org.jipsec.core.ike.codec.KePayload;
import org.jipsec.core.ike.codec.NoncePayload;
import org.jipsec.core.ike.codec.NotifyPayload;
import org.jipsec.core.ike.codec.NotifyType;
import org.jipsec.core.ike.codec.Payload;
import org.jipsec.core.ike.codec.Proposal;
import org.jipsec.core.ike.codec.SaPayload;
import org.jipsec.core.ike.crypto.DhGroup;
import org.jipsec.core.ike.crypto.IkeSaKeys;
import org.jipsec.core.ike.crypto.KeyExchange;
import org.jipsec.core.ike.crypto.KeySchedule;
import org.jipsec.core.ike.crypto.SkCipher;
import org.jipsec.core.ike.proposal.Negotiated;
import org.jipsec.core.ike.proposal.ProposalSelector;
import org.jipsec.core.ike.proposal.SaProtocol;
import org.jipsec.core.ike.proposal.Selection;

/**
 * Rekeying the IKE SA with CREATE_CHILD_SA (RFC 7296 §1.3.2, §2.18), both roles, and simultaneous rekeys (§2.8.1)
 * as strongSwan 5.9.8 resolves them (tasks/ike_rekey.c): each side answers the other's request and completes its
 * own; the new SA whose exchange has the lowest of the four nonces is redundant and is deleted by the side that
 * initiated it, the other new SA survives, the children move to it, and its initiator deletes the old SA. A
 * collision the peer did not see (its own request got our TEMPORARY_FAILURE from the rekeyed SA, or its Delete of
 * the old SA arrives first) ends with the SA the peer completed. Refused with TEMPORARY_FAILURE (§2.25) while a
 * child exchange of ours is outstanding ("a child is half-open"), while we delete the IKE SA, or while an earlier
 * rekey's Delete is still running. Works on the engine's state; package-private.
 */
final class IkeRekey {

    /** A rekeyed IKE SA that is not (yet) the engine's current one: keys, ciphers, its nonces (§2.8.1). */
    private record NewIkeSa(
            IkeSaEngine.Role role,
            Negotiated ike,
            IkeSaKeys keys,
            SkCipher out,
            SkCipher in,
            long spiI,
            long spiR,
            byte[] ni,
            byte[] nr) {
        void destroy() {
            out.destroy();
            in.destroy();
        }

        @Override
        public String toString() {
            return "NewIkeSa[" + Long.toHexString(spiI) + "_i " + Long.toHexString(spiR) + "_r]";
        }
    }

    private final IkeSaEngine e;
    private long spi;
    private byte[] nonce;
    private KeyExchange ke;
    private int retries;
    /** The peer's rekey we answered while ours was outstanding (§2.8.1), decided when ours completes. */
    private NewIkeSa passive;
    /** SAs that only finish their Delete: the replaced one and, after a collision, the redundant one. */
    private final List<OldIkeSa> retired = new ArrayList<>();

    IkeRekey(IkeSaEngine engine) {
        this.e = engine;
    }

    boolean hasRetired() {
        return !retired.isEmpty();
    }

    boolean owns(long spiI, long spiR) {
        return retired.stream().anyMatch(o -> o.is(spiI, spiR));
    }

    void start(long now, List<IkeAction> actions) {
        spi = e.nonZeroSpi();
        nonce = e.randomBytes(IkeSaEngine.NONCE_BYTES);
        ke = e.ike.dh().generate(e.random);
        retries = 0;
        send(now, actions);
    }

    private void send(long now, List<IkeAction> actions) {
        // strongSwan: [SA No KE], our new SPI in the proposals' SPI field (ikev2-notes.md §1.1)
        byte[] s = ByteBuffer.allocate(8).putLong(spi).array();
        List<Proposal> proposals = new ArrayList<>();
        for (int n = 0; n < e.config.ikeProposals().size(); n++) {
            proposals.add(e.config.ikeProposals().get(n).toPayload(n + 1, s));
        }
        e.sendCreateChildSa(
                IkeSaEngine.Pending.REKEY_IKE,
                List.of(
                        new SaPayload(proposals),
                        new NoncePayload(nonce),
                        new KePayload(ke.group().number(), ke.publicValue())),
                now,
                actions);
    }

    /** The peer's CREATE_CHILD_SA with an IKE proposal, on the current SA. */
    void request(IkeMessage m, byte[] bytes, List<IkeAction> actions) {
        long mid = m.header().messageId();
        var sa = m.first(SaPayload.class);
        var nr = m.first(NoncePayload.class);
        var kePayload = m.first(KePayload.class);
        IkeSaEngine.Pending p = e.pending;
        List<Payload> refusal = null;
        Selection s = null;
        boolean collision = p == IkeSaEngine.Pending.REKEY_IKE && passive == null;
        if (e.state == IkeSaEngine.State.DELETING
                || (p != IkeSaEngine.Pending.NONE && !collision)
                || !retired.isEmpty()) {
            // strongSwan ike_rekey.c process_r: "peer initiated rekeying, but we are deleting" / "a child is
            // half-open"; here also while any exchange of ours runs on this SA: the peer retries later (§2.25)
            refusal = List.of(NotifyPayload.of(NotifyType.TEMPORARY_FAILURE));
        } else if (sa.isEmpty() || nr.isEmpty() || kePayload.isEmpty()) {
            refusal = List.of(NotifyPayload.of(NotifyType.INVALID_SYNTAX));
        } else {
            s = ProposalSelector.select(sa.get().proposals(), e.config.ikeProposals(), SaProtocol.IKE, 8, true);
            if (!(s instanceof Selection.Chosen chosen)) {
                refusal = List.of(NotifyPayload.of(NotifyType.NO_PROPOSAL_CHOSEN));
            } else if (kePayload.get().dhGroup() != chosen.negotiated().dh().number()) {
                int g = chosen.negotiated().dh().number();
                refusal = List.of(
                        NotifyPayload.of(NotifyType.INVALID_KE_PAYLOAD, new byte[] {(byte) (g >>> 8), (byte) g}));
            }
        }
        if (refusal != null) {
            e.respond(
                    bytes,
                    e.out.protect(e.header(ExchangeType.CREATE_CHILD_SA, mid, true), List.of(), refusal),
                    actions);
            return;
        }
        Selection.Chosen chosen = (Selection.Chosen) s;
        KeyExchange mine = chosen.negotiated().dh().generate(e.random);
        byte[] gir;
        try {
            gir = mine.sharedSecret(kePayload.get().data());
        } catch (IkeDecodeException x) {
            e.respond(
                    bytes,
                    e.out.protect(
                            e.header(ExchangeType.CREATE_CHILD_SA, mid, true),
                            List.of(),
                            List.of(NotifyPayload.of(NotifyType.INVALID_SYNTAX))),
                    actions);
            return;
        }
        long newSpiI = ByteBuffer.wrap(chosen.offered().spi()).getLong();
        long newSpiR = e.nonZeroSpi();
        byte[] nrNew = e.randomBytes(IkeSaEngine.NONCE_BYTES);
        e.respond(
                bytes,
                e.out.protect(
                        e.header(ExchangeType.CREATE_CHILD_SA, mid, true),
                        List.of(),
                        List.of(
                                new SaPayload(List.of(chosen.negotiated()
                                        .toResponse(ByteBuffer.allocate(8)
                                                .putLong(newSpiR)
                                                .array()))),
                                new NoncePayload(nrNew),
                                new KePayload(mine.group().number(), mine.publicValue()))),
                actions);
        NewIkeSa theirs = derive(
                IkeSaEngine.Role.RESPONDER, chosen.negotiated(), gir, nr.get().data(), nrNew, newSpiI, newSpiR);
        if (collision) {
            passive = theirs; // §2.8.1: decided when our own exchange completes
            return;
        }
        adopt(theirs, actions); // the peer deletes the old SA
    }

    /** Our rekey was answered (on the current SA). */
    void response(IkeMessage m, long now, List<IkeAction> actions) {
        DhGroup retry = invalidKeRetry(m);
        if (retry != null) {
            ke = retry.generate(e.random);
            retries++;
            send(now, actions);
            return;
        }
        NewIkeSa theirs = passive;
        passive = null;
        String failure = null;
        NewIkeSa ours = null;
        for (NotifyPayload n : m.all(NotifyPayload.class)) {
            if (n.isError() && failure == null) failure = "IKE SA rekey refused: " + NotifyType.name(n.notifyType());
        }
        if (failure == null) {
            var sa = m.first(SaPayload.class);
            var nr = m.first(NoncePayload.class);
            var kePayload = m.first(KePayload.class);
            boolean complete = sa.isPresent()
                    && nr.isPresent()
                    && kePayload.isPresent()
                    && sa.get().proposals().size() == 1
                    && sa.get().proposals().getFirst().spi().length == 8;
            Selection s = complete
                    ? ProposalSelector.select(sa.get().proposals(), e.config.ikeProposals(), SaProtocol.IKE, 8, true)
                    : null;
            if (!complete) {
                failure = "IKE SA rekey response lacks SA, Nonce or KE: " + m.summary();
            } else if (!(s instanceof Selection.Chosen chosen)
                    || chosen.negotiated().dh() != ke.group()
                    || kePayload.get().dhGroup() != ke.group().number()) {
                failure = "IKE SA rekey: the responder chose what we did not offer: " + s;
            } else {
                try {
                    byte[] gir = ke.sharedSecret(kePayload.get().data());
                    ours = derive(
                            IkeSaEngine.Role.INITIATOR,
                            chosen.negotiated(),
                            gir,
                            nonce,
                            nr.get().data(),
                            spi,
                            ByteBuffer.wrap(sa.get().proposals().getFirst().spi())
                                    .getLong());
                } catch (IkeDecodeException x) {
                    failure = "IKE SA rekey: peer's KE: " + x.getMessage();
                }
            }
        }
        ke = null;
        nonce = null;
        if (failure != null) {
            if (theirs != null) {
                // §2.8.1, strongSwan conclude_collision: ours failed, the peer's completed rekey stands
                adopt(theirs, actions);
                return;
            }
            if (m.notify(NotifyType.TEMPORARY_FAILURE).isPresent()) e.defer(new IkeSaEngine.Queued.RekeyIke(), now);
            actions.add(new IkeAction.RekeyFailed(failure));
            return;
        }
        if (theirs != null && ChildExchanges.lowest(ours.ni(), ours.nr(), theirs.ni(), theirs.nr())) {
            // §2.8.1: "the SA created with the lowest of the four nonces ... is redundant and SHOULD be closed by
            // the endpoint that created it": ours. The peer's SA survives; the peer deletes the old one.
            adopt(theirs, actions);
            OldIkeSa redundant = new OldIkeSa(ours.spiI(), ours.spiR(), true, ours.out(), ours.in(), 0, 0, null, null);
            retired.add(redundant);
            actions.add(new IkeAction.RedundantSa(ours.spiI(), ours.spiR()));
            sendDelete(redundant, now, actions);
            return;
        }
        OldIkeSa old = adopt(ours, actions);
        if (theirs != null) {
            // we won: the peer deletes the SA it created; we answer its Delete on it
            retired.add(new OldIkeSa(theirs.spiI(), theirs.spiR(), false, theirs.out(), theirs.in(), 0, 0, null, null));
            actions.add(new IkeAction.RedundantSa(theirs.spiI(), theirs.spiR()));
        }
        // §1.4.1, §2.18: the rekey initiator deletes the old IKE SA, on the old SA
        sendDelete(old, now, actions);
    }

    /**
     * The peer deletes the current SA while our rekey is outstanding and its own (answered by us) is complete:
     * it did not see the collision (§2.8.1); its new SA survives. False when this is an ordinary delete.
     */
    boolean peerDeletedCurrent(long now, List<IkeAction> actions) {
        if (passive == null || e.pending != IkeSaEngine.Pending.REKEY_IKE) return false;
        NewIkeSa theirs = passive;
        passive = null;
        ke = null;
        nonce = null;
        e.completeRequest(actions);
        OldIkeSa old = adopt(theirs, actions);
        retired.remove(old);
        old.destroy();
        e.idle(now, actions);
        return true;
    }

    private void sendDelete(OldIkeSa sa, long now, List<IkeAction> actions) {
        long mid = sa.nextRequestMid++;
        byte[] del =
                sa.out.protect(sa.header(ExchangeType.INFORMATIONAL, mid, false), List.of(), Informational.deleteIke());
        e.pending = IkeSaEngine.Pending.DELETE_OLD_IKE;
        e.pendingSa = sa;
        e.sendRequest(del, mid, now, actions);
    }

    /**
     * §2.18: SKEYSEED' = prf(SK_d (old), g^ir (new) | Ni | Nr), the seven keys from prf+(SKEYSEED', Ni | Nr | SPIi |
     * SPIr) with the old SA's PRF for both (strongSwan keymat_v2.c; the PRF does not change here).
     */
    private NewIkeSa derive(
            IkeSaEngine.Role role, Negotiated n, byte[] gir, byte[] niNew, byte[] nrNew, long newSpiI, long newSpiR) {
        byte[] skeyseed = KeySchedule.rekeySkeyseed(e.ike.prf(), e.keys.skD(), gir, niNew, nrNew);
        IkeSaKeys k = KeySchedule.ikeSaKeys(
                e.ike.prf(),
                skeyseed,
                niNew,
                nrNew,
                newSpiI,
                newSpiR,
                n.integrity() == null ? 0 : n.integrity().keyBytes(),
                n.encryption().keyBytes());
        Arrays.fill(skeyseed, (byte) 0);
        Arrays.fill(gir, (byte) 0);
        SkCipher fromI = SkCipher.create(n.encryption(), k.skEi(), n.integrity(), k.skAi(), e.random);
        SkCipher fromR = SkCipher.create(n.encryption(), k.skEr(), n.integrity(), k.skAr(), e.random);
        return role == IkeSaEngine.Role.INITIATOR
                ? new NewIkeSa(role, n, k, fromI, fromR, newSpiI, newSpiR, niNew, nrNew)
                : new NewIkeSa(role, n, k, fromR, fromI, newSpiI, newSpiR, niNew, nrNew);
    }

    /** The children move to {@code n}, which becomes current (§2.18: message IDs from 0); returns the old SA. */
    private OldIkeSa adopt(NewIkeSa n, List<IkeAction> actions) {
        OldIkeSa old = new OldIkeSa(
                e.spiI,
                e.spiR,
                e.role == IkeSaEngine.Role.INITIATOR,
                e.out,
                e.in,
                e.nextRequestMid,
                e.expectedRequestMid,
                e.lastRequest,
                e.lastResponse);
        retired.add(old);
        e.role = n.role();
        e.spiI = n.spiI();
        e.spiR = n.spiR();
        e.ike = n.ike();
        e.keys = n.keys();
        e.out = n.out();
        e.in = n.in();
        e.nextRequestMid = 0;
        e.expectedRequestMid = 0;
        e.lastRequest = null;
        e.lastResponse = null;
        actions.add(new IkeAction.IkeRekeyed(e.ike, e.spiI, e.spiR));
        if (e.config.keyLog()) actions.add(IkeAction.IkeKeysForLog.of(e.spiI, e.spiR, e.ike, e.keys));
        return old;
    }

    /** A message for one of the retired SAs (true), or not (false). */
    boolean retiredMessage(IkeMessage m, IkeEvent.Datagram d, List<IkeAction> actions) {
        IkeHeader h = m.header();
        OldIkeSa o = retired.stream()
                .filter(x -> x.is(h.spiI(), h.spiR()))
                .findFirst()
                .orElse(null);
        if (o == null) return false;
        if (!h.isResponse()) {
            if (o.lastRequest != null
                    && h.messageId() == o.expectedRequestMid - 1
                    && Arrays.equals(o.lastRequest, d.bytes())) {
                actions.add(new IkeAction.Send(d.to(), d.from(), o.lastResponse));
                return true;
            }
            if (h.messageId() != o.expectedRequestMid) return true;
            IkeMessage clear;
            try {
                clear = o.in.unprotect(d.bytes());
            } catch (IcvMismatchException | IkeDecodeException x) {
                return true;
            }
            o.expectedRequestMid++;
            List<Payload> answer;
            Informational.Answer a = null;
            if (h.exchangeType() == ExchangeType.INFORMATIONAL) {
                a = Informational.answer(clear, e.children, e.deletingByUs);
                answer = a.ikeDeleted() ? List.of() : a.response();
            } else {
                // strongSwan: an SA being deleted takes no new exchanges (§2.25)
                answer = List.of(NotifyPayload.of(NotifyType.TEMPORARY_FAILURE));
            }
            byte[] resp = o.out.protect(o.header(h.exchangeType(), h.messageId(), true), List.of(), answer);
            o.lastRequest = d.bytes();
            o.lastResponse = resp;
            actions.add(new IkeAction.Send(d.to(), d.from(), resp));
            if (a != null && a.ikeDeleted()) {
                drop(o);
                if (e.pendingSa == o) {
                    e.completeRequest(actions); // crossing Deletes of this SA (§1.4.1)
                    e.idle(d.now(), actions);
                }
            } else if (a != null) {
                for (ChildSa c : a.removed()) e.remove(c, actions); // the children are shared by every SA
            }
            return true;
        }
        if (e.pendingSa != o || h.messageId() != e.pendingMessageId) return true;
        try {
            o.in.unprotect(d.bytes());
        } catch (IcvMismatchException | IkeDecodeException x) {
            return true;
        }
        drop(o);
        e.completeRequest(actions);
        e.idle(d.now(), actions);
        return true;
    }

    /** Our Delete on a retired SA was never answered: §1.4.1, it is gone anyway. */
    void deleteGivenUp(long now, List<IkeAction> actions) {
        if (e.pendingSa != null) drop(e.pendingSa);
        e.completeRequest(actions);
        e.idle(now, actions);
    }

    private void drop(OldIkeSa o) {
        if (retired.remove(o)) o.destroy();
    }

    void clear() {
        for (OldIkeSa o : retired) o.destroy();
        retired.clear();
        if (passive != null) passive.destroy();
        passive = null;
        ke = null;
        nonce = null;
    }

    private DhGroup invalidKeRetry(IkeMessage m) {
        if (retries >= ChildRekey.MAX_INVALID_KE_RETRIES) return null;
        var invalidKe = m.notify(NotifyType.INVALID_KE_PAYLOAD);
        if (invalidKe.isEmpty() || invalidKe.get().data().length != 2) return null;
        int group = ((invalidKe.get().data()[0] & 0xff) << 8) | (invalidKe.get().data()[1] & 0xff);
        return e.config.ikeProposals().stream()
                .flatMap(x -> x.groups().stream())
                .filter(x -> x.number() == group)
                .filter(g -> g != ke.group())
                .findFirst()
                .orElse(null);
    }
}
