package org.jipsec.core.ike.engine;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jipsec.core.crypto.IcvMismatchException;
import org.jipsec.core.ike.auth.AuthException;
import org.jipsec.core.ike.codec.AuthPayload;
import org.jipsec.core.ike.codec.ExchangeType;
import org.jipsec.core.ike.codec.IdPayload;
import org.jipsec.core.ike.codec.IkeDecodeException;
import org.jipsec.core.ike.codec.IkeHeader;
import org.jipsec.core.ike.codec.IkeMessage;
import org.jipsec.core.ike.codec.IkeMessageCodec;
import org.jipsec.core.ike.codec.KePayload;
import org.jipsec.core.ike.codec.NoncePayload;
import org.jipsec.core.ike.codec.NotifyPayload;
import org.jipsec.core.ike.codec.NotifyType;
import org.jipsec.core.ike.codec.Payload;
import org.jipsec.core.ike.codec.Proposal;
import org.jipsec.core.ike.codec.SaPayload;
import org.jipsec.core.ike.codec.TrafficSelector;
import org.jipsec.core.ike.codec.TsPayload;
import org.jipsec.core.ike.config.TrafficSelectorSpec;
import org.jipsec.core.ike.crypto.ChildSaKeys;
import org.jipsec.core.ike.crypto.KeySchedule;
import org.jipsec.core.ike.crypto.NatDetection;
import org.jipsec.core.ike.crypto.SkCipher;
import org.jipsec.core.ike.proposal.Negotiated;
import org.jipsec.core.ike.proposal.ProposalSelector;
import org.jipsec.core.ike.proposal.ProposalSpec;
import org.jipsec.core.ike.proposal.SaProtocol;
import org.jipsec.core.ike.proposal.Selection;
import org.jipsec.core.ike.ts.TsNarrowing;

/**
 * The initial exchanges of one {@link IkeSaEngine} (RFC 7296 §1.2): IKE_SA_INIT and IKE_AUTH (§2.15; who
 * authenticates how is {@link Authentication}) and the first CHILD_SA, as initiator and responder; INVALID_KE_PAYLOAD and the retry (§1.2); NAT
 * detection and floating to port 4500 (§2.23). Works on the engine's state; package-private.
 */
final class Handshake {

    private final IkeSaEngine e;

    Handshake(IkeSaEngine engine) {
        this.e = engine;
    }

    /** A datagram before the SA is established (§1.2), after the engine's header and window checks. */
    void datagram(IkeMessage m, IkeEvent.Datagram d, List<IkeAction> actions) {
        IkeHeader h = m.header();
        try {
            switch (e.state) {
                case IDLE -> {
                    if (h.exchangeType() == ExchangeType.IKE_SA_INIT && h.messageId() == 0) {
                        initRequest(m, d.bytes(), actions);
                    }
                }
                case INIT_SENT -> {
                    if (h.exchangeType() != ExchangeType.IKE_SA_INIT) return;
                    var again = m.notify(NotifyType.COOKIE);
                    // a duplicated or late answer to a request we already retried with this very cookie (§2.6): our
                    // retry is outstanding, its retransmission timer runs on
                    if (again.isPresent()
                            && e.cookie != null
                            && Arrays.equals(again.get().data(), e.cookie)) return;
                    if (m.notify(NotifyType.INVALID_KE_PAYLOAD).isEmpty()
                            && m.notify(NotifyType.COOKIE).isEmpty()) {
                        e.realMessage2 = d.bytes();
                    }
                    e.completeRequest(actions);
                    initResponse(m, actions, d.now());
                }
                case INIT_ANSWERED -> {
                    if (h.exchangeType() != ExchangeType.IKE_AUTH || h.messageId() != 1 || h.spiR() != e.spiR) return;
                    IkeMessage clear = e.unprotect(d);
                    if (clear == null) return; // RFC 7383: more fragments to come
                    authRequest(clear, e.lastWire, d, actions);
                    if (e.state == IkeSaEngine.State.ESTABLISHED) {
                        e.lastInbound = d.now();
                        e.idle(d.now(), actions);
                    }
                }
                case AUTH_SENT -> {
                    if (h.exchangeType() != ExchangeType.IKE_AUTH || h.spiR() != e.spiR) return;
                    IkeMessage clear = e.unprotect(d);
                    if (clear == null) return; // RFC 7383: more fragments to come
                    e.completeRequest(actions);
                    authResponse(clear, d.now(), actions);
                    if (e.state == IkeSaEngine.State.ESTABLISHED) {
                        e.lastInbound = d.now();
                        e.idle(d.now(), actions);
                    }
                }
                default -> {}
            }
        } catch (IcvMismatchException | IkeDecodeException e) {
            // §2.21.2: a protected message that does not verify or decode is dropped; the requester retransmits
        }
    }

    // ---- initiator ----

    void initiate(long now, List<IkeAction> actions) {
        e.spiI = e.nonZeroSpi();
        e.ni = e.randomBytes(IkeSaEngine.NONCE_BYTES);
        ProposalSpec first = e.config.ikeProposals().getFirst();
        e.ke = first.groups().getFirst().generate(e.random);
        sendInitRequest(now, actions);
    }

    private void sendInitRequest(long now, List<IkeAction> actions) {
        List<Proposal> proposals = new ArrayList<>();
        for (int n = 0; n < e.config.ikeProposals().size(); n++) {
            proposals.add(e.config.ikeProposals().get(n).toPayload(n + 1, new byte[0]));
        }
        List<Payload> p = new ArrayList<>();
        // §2.6: the responder's cookie goes first, "all other payloads unchanged"
        if (e.cookie != null) p.add(NotifyPayload.of(NotifyType.COOKIE, e.cookie));
        p.add(new SaPayload(proposals));
        p.add(new KePayload(e.ke.group().number(), e.ke.publicValue()));
        p.add(new NoncePayload(e.ni));
        p.addAll(natNotifies(e.spiI, 0));
        if (e.framing.announces()) p.add(NotifyPayload.of(NotifyType.IKEV2_FRAGMENTATION_SUPPORTED)); // RFC 7383 §2.3
        p.addAll(e.authentication.initRequest()); // RFC 7427 §4
        byte[] m = IkeMessageCodec.encode(new IkeMessage(e.header(ExchangeType.IKE_SA_INIT, 0, false), p));
        e.realMessage1 = m;
        e.state = IkeSaEngine.State.INIT_SENT;
        e.sendRequest(m, 0, now, actions);
    }

    void initResponse(IkeMessage m, List<IkeAction> actions, long now) {
        var cookie = m.notify(NotifyType.COOKIE);
        if (cookie.isPresent()) {
            // §2.6: the responder is under load and keeps no state; retry IKE_SA_INIT with its cookie, same SPIi,
            // nonce and KE. A cookie is 1 to 64 octets; a responder that keeps asking is given up on (bounded).
            byte[] data = cookie.get().data();
            if (data.length < 1 || data.length > 64) {
                e.fail(
                        actions,
                        "IKE_SA_INIT answered with a COOKIE of " + data.length + " octets (RFC 7296 §2.6: 1-64)");
                return;
            }
            if (++e.cookieRetries > IkeSaEngine.MAX_COOKIE_RETRIES) {
                e.fail(actions, "responder demanded a cookie " + e.cookieRetries + " times, giving up");
                return;
            }
            e.cookie = data.clone();
            sendInitRequest(now, actions);
            return;
        }
        var invalidKe = m.notify(NotifyType.INVALID_KE_PAYLOAD);
        if (invalidKe.isPresent() && invalidKe.get().data().length == 2) {
            int group =
                    ((invalidKe.get().data()[0] & 0xff) << 8) | (invalidKe.get().data()[1] & 0xff);
            var g = e.config.ikeProposals().stream()
                    .flatMap(s -> s.groups().stream())
                    .filter(x -> x.number() == group)
                    .findFirst();
            if (g.isEmpty() || g.get() == e.ke.group()) {
                e.fail(actions, "peer wants DH group " + group + ", which is not configured");
                return;
            }
            // §1.2: retry with the group the responder asked for
            e.ke = g.get().generate(e.random);
            sendInitRequest(now, actions);
            return;
        }
        for (NotifyPayload n : m.all(NotifyPayload.class)) {
            if (n.isError()) {
                e.fail(actions, "IKE_SA_INIT refused: " + NotifyType.name(n.notifyType()));
                return;
            }
        }
        var sa = m.first(SaPayload.class);
        var kePayload = m.first(KePayload.class);
        var nonce = m.first(NoncePayload.class);
        if (sa.isEmpty()
                || kePayload.isEmpty()
                || nonce.isEmpty()
                || sa.get().proposals().size() != 1) {
            e.fail(actions, "IKE_SA_INIT response lacks SA, KE or Nonce: " + m.summary());
            return;
        }
        Selection s = ProposalSelector.select(sa.get().proposals(), e.config.ikeProposals(), SaProtocol.IKE, 0, true);
        if (!(s instanceof Selection.Chosen chosen)
                || chosen.negotiated().dh() != e.ke.group()
                || kePayload.get().dhGroup() != e.ke.group().number()) {
            e.fail(actions, "the responder chose a proposal we did not offer: " + s);
            return;
        }
        e.spiR = m.header().spiR();
        e.nr = nonce.get().data();
        // RFC 7383 §2.3: both announced it, so oversized protected messages may go in fragments
        e.framing.peerSupports = e.framing.announces()
                && m.notify(NotifyType.IKEV2_FRAGMENTATION_SUPPORTED).isPresent();
        if (!deriveKeys(chosen.negotiated(), kePayload.get(), actions)) return;
        e.authentication.readInit(m);
        detectNat(m, e.spiI, e.spiR);
        if (natTraversal()) {
            // §2.23: with a NAT (or encap=yes faking one) the initiator moves to port 4500 from IKE_AUTH on
            e.local = new IkeEndpoint(e.local.address(), IkeSaEngine.NAT_T_PORT);
            e.remote = new IkeEndpoint(e.remote.address(), IkeSaEngine.NAT_T_PORT);
        }
        // IKE_AUTH request (§1.2): IDi, [CERT...], [CERTREQ], AUTH, SA, TSi, TSr
        List<Payload> inner;
        try {
            inner = new ArrayList<>(e.authentication.ours(true));
        } catch (AuthException x) {
            e.fail(actions, "cannot authenticate: " + x.getMessage());
            return;
        }
        e.espSpiIn = e.nonZeroInt();
        e.proposedTsi = selectors(e.config.localTs(), e.local);
        e.proposedTsr = selectors(e.config.remoteTs(), e.remote);
        inner.add(new SaPayload(espProposals(e.espSpiIn)));
        inner.add(new TsPayload(true, e.proposedTsi));
        inner.add(new TsPayload(false, e.proposedTsr));
        byte[] req = e.out.protect(e.header(ExchangeType.IKE_AUTH, 1, false), List.of(), inner);
        e.state = IkeSaEngine.State.AUTH_SENT;
        e.sendRequest(req, 1, now, actions);
    }

    void authResponse(IkeMessage m, long now, List<IkeAction> actions) {
        for (NotifyPayload n : m.all(NotifyPayload.class)) {
            if (n.notifyType() == NotifyType.AUTHENTICATION_FAILED) {
                e.fail(actions, "the responder refused our authentication (AUTHENTICATION_FAILED)");
                return;
            }
        }
        var idr = m.first(IdPayload.class);
        var auth = m.first(AuthPayload.class);
        if (idr.isEmpty() || auth.isEmpty()) {
            e.fail(actions, "IKE_AUTH response lacks IDr or AUTH: " + m.summary());
            return;
        }
        String refused = e.authentication.verifyPeer(m, idr.get(), false, now, actions);
        if (refused != null) {
            e.fail(actions, "AUTHENTICATION_FAILED: " + refused);
            return;
        }
        e.established(actions);
        childFromResponse(m, actions);
    }

    private void childFromResponse(IkeMessage m, List<IkeAction> actions) {
        String child = e.config.childName();
        for (NotifyPayload n : m.all(NotifyPayload.class)) {
            if (n.isError()) {
                actions.add(new IkeAction.ChildFailed(child, "peer answered " + NotifyType.name(n.notifyType())));
                return;
            }
        }
        var sa = m.first(SaPayload.class);
        List<TsPayload> ts = m.all(TsPayload.class);
        TsPayload tsi = ts.stream().filter(TsPayload::initiator).findFirst().orElse(null);
        TsPayload tsr = ts.stream().filter(t -> !t.initiator()).findFirst().orElse(null);
        if (sa.isEmpty() || tsi == null || tsr == null || sa.get().proposals().size() != 1) {
            actions.add(new IkeAction.ChildFailed(child, "no SA/TSi/TSr in the IKE_AUTH response"));
            return;
        }
        Selection s = ProposalSelector.select(
                sa.get().proposals(), withoutDh(e.config.espProposals()), SaProtocol.ESP, 4, true);
        if (!(s instanceof Selection.Chosen chosen)) {
            actions.add(new IkeAction.ChildFailed(child, "responder chose an ESP proposal we did not offer: " + s));
            return;
        }
        if (!TsNarrowing.isSubset(tsi.selectors(), e.proposedTsi)
                || !TsNarrowing.isSubset(tsr.selectors(), e.proposedTsr)) {
            actions.add(new IkeAction.ChildFailed(
                    child, "responder's selectors are not a subset of ours" + " (RFC 7296 §2.9)"));
            return;
        }
        int spiOut = ByteBuffer.wrap(sa.get().proposals().getFirst().spi()).getInt();
        ChildSaKeys k = childKeys(chosen.negotiated());
        e.install(
                IkeAction.InstallChild.of(
                        child, chosen.negotiated(), e.espSpiIn, spiOut, k, true, tsi.selectors(), tsr.selectors()),
                actions);
    }

    // ---- responder ----

    void initRequest(IkeMessage m, byte[] bytes, List<IkeAction> actions) {
        var sa = m.first(SaPayload.class);
        var kePayload = m.first(KePayload.class);
        var nonce = m.first(NoncePayload.class);
        if (sa.isEmpty() || kePayload.isEmpty() || nonce.isEmpty()) {
            e.fail(actions, "IKE_SA_INIT request lacks SA, KE or Nonce: " + m.summary());
            return;
        }
        e.spiI = m.header().spiI();
        Selection s = ProposalSelector.select(sa.get().proposals(), e.config.ikeProposals(), SaProtocol.IKE, 0, true);
        if (!(s instanceof Selection.Chosen chosen)) {
            e.respondUnprotected(m, List.of(NotifyPayload.of(NotifyType.NO_PROPOSAL_CHOSEN)), actions);
            e.fail(actions, "IKE_SA_INIT from " + e.remote + ": " + s);
            return;
        }
        if (kePayload.get().dhGroup() != chosen.negotiated().dh().number()) {
            // §1.2: INVALID_KE_PAYLOAD with the group we want, two bytes; no state kept
            int g = chosen.negotiated().dh().number();
            e.respondUnprotected(
                    m,
                    List.of(NotifyPayload.of(NotifyType.INVALID_KE_PAYLOAD, new byte[] {(byte) (g >>> 8), (byte) g})),
                    actions);
            actions.add(new IkeAction.Failed("IKE_SA_INIT from " + e.remote + " with KE group "
                    + kePayload.get().dhGroup() + ", asked for "
                    + chosen.negotiated().dh()));
            e.state = IkeSaEngine.State.IDLE;
            return;
        }
        e.realMessage1 = bytes;
        e.ni = nonce.get().data();
        e.spiR = e.nonZeroSpi();
        e.nr = e.randomBytes(IkeSaEngine.NONCE_BYTES);
        e.ke = chosen.negotiated().dh().generate(e.random);
        if (!deriveKeys(chosen.negotiated(), kePayload.get(), actions)) return;
        detectNat(m, e.spiI, 0);
        List<Payload> p = new ArrayList<>();
        p.add(new SaPayload(List.of(chosen.negotiated().toResponse(new byte[0]))));
        p.add(new KePayload(e.ke.group().number(), e.ke.publicValue()));
        p.add(new NoncePayload(e.nr));
        p.addAll(natNotifies(e.spiI, e.spiR));
        e.authentication.readInit(m);
        p.addAll(e.authentication.initResponse(m)); // CERTREQ (§3.7), RFC 7427 §4
        // RFC 7383 §2.3: announced back only when the initiator announced it
        e.framing.peerSupports =
                m.notify(NotifyType.IKEV2_FRAGMENTATION_SUPPORTED).isPresent();
        if (e.framing.peerSupports && e.framing.announces()) {
            p.add(NotifyPayload.of(NotifyType.IKEV2_FRAGMENTATION_SUPPORTED));
        }
        byte[] resp = IkeMessageCodec.encode(new IkeMessage(e.header(ExchangeType.IKE_SA_INIT, 0, true), p));
        e.realMessage2 = resp;
        e.state = IkeSaEngine.State.INIT_ANSWERED;
        e.respond(bytes, resp, actions);
    }

    void authRequest(IkeMessage m, byte[] bytes, IkeEvent.Datagram d, List<IkeAction> actions) {
        var idi = m.first(IdPayload.class).filter(IdPayload::initiator);
        var auth = m.first(AuthPayload.class);
        if (idi.isEmpty() || auth.isEmpty()) {
            e.fail(actions, "IKE_AUTH request lacks IDi or AUTH: " + m.summary());
            return;
        }
        String refused = e.authentication.verifyPeer(m, idi.get(), true, d.now(), actions);
        List<Payload> inner = null;
        if (refused == null) {
            try {
                inner = new ArrayList<>(e.authentication.ours(false));
            } catch (AuthException x) {
                refused = "cannot authenticate ourselves: " + x.getMessage();
            }
        }
        if (refused != null) {
            e.respond(
                    bytes,
                    e.out.protect(
                            e.header(ExchangeType.IKE_AUTH, 1, true),
                            List.of(),
                            List.of(NotifyPayload.of(NotifyType.AUTHENTICATION_FAILED))),
                    actions);
            e.fail(actions, "AUTHENTICATION_FAILED: " + refused);
            return;
        }
        // §2.11, §2.23: the initiator has floated (to 4500, maybe through a NAT); we use what it came from and to
        e.local = d.to();
        e.remote = d.from();
        IkeAction childAction = childForRequest(m, inner);
        e.respond(bytes, e.out.protect(e.header(ExchangeType.IKE_AUTH, 1, true), List.of(), inner), actions);
        e.established(actions);
        if (childAction instanceof IkeAction.InstallChild c) e.install(c, actions);
        else actions.add(childAction);
    }

    /**
     * The responder's CHILD_SA of IKE_AUTH. As strongSwan does (and as for CREATE_CHILD_SA, {@link ChildExchanges}),
     * the child config is picked by the proposed selectors among all of the connection's children, in configured
     * order: the first whose selectors narrow (RFC 7296 §2.9) and whose ESP proposals match.
     */
    private IkeAction childForRequest(IkeMessage m, List<Payload> inner) {
        String first = e.config.childName();
        var sa = m.first(SaPayload.class);
        List<TsPayload> ts = m.all(TsPayload.class);
        TsPayload tsi = ts.stream().filter(TsPayload::initiator).findFirst().orElse(null);
        TsPayload tsr = ts.stream().filter(t -> !t.initiator()).findFirst().orElse(null);
        if (sa.isEmpty() || tsi == null || tsr == null) {
            return new IkeAction.ChildFailed(first, "IKE_AUTH request without SA/TSi/TSr (childless)");
        }
        java.util.StringJoiner why = new java.util.StringJoiner("; ");
        boolean tsMatched = false;
        for (IkeSaConfig.ChildConfig child : e.config.children()) {
            TsNarrowing.Result r = TsNarrowing.respond(
                    tsi.selectors(),
                    tsr.selectors(),
                    selectors(child.localTs(), e.local),
                    selectors(child.remoteTs(), e.remote));
            if (!(r instanceof TsNarrowing.Result.Narrowed n)) {
                why.add(child.name() + ": " + ((TsNarrowing.Result.Unacceptable) r).reason());
                continue;
            }
            tsMatched = true;
            Selection s = ProposalSelector.select(
                    sa.get().proposals(), withoutDh(child.espProposals()), SaProtocol.ESP, 4, true);
            if (!(s instanceof Selection.Chosen chosen)) {
                why.add(child.name() + ": " + s);
                continue;
            }
            e.espSpiIn = e.nonZeroInt();
            int spiOut = ByteBuffer.wrap(chosen.offered().spi()).getInt();
            inner.add(new SaPayload(List.of(chosen.negotiated().toResponse(Informational.spi(e.espSpiIn)))));
            inner.add(new TsPayload(true, n.tsi()));
            inner.add(new TsPayload(false, n.tsr()));
            ChildSaKeys k = childKeys(chosen.negotiated());
            return IkeAction.InstallChild.of(
                    child.name(), chosen.negotiated(), e.espSpiIn, spiOut, k, false, n.tsr(), n.tsi());
        }
        inner.add(NotifyPayload.of(tsMatched ? NotifyType.NO_PROPOSAL_CHOSEN : NotifyType.TS_UNACCEPTABLE));
        return new IkeAction.ChildFailed(
                first,
                "no child of the connection fits the proposed TSi " + tsi.selectors() + " TSr " + tsr.selectors()
                        + " and ESP proposals: " + why);
    }

    // ---- shared ----

    private boolean deriveKeys(Negotiated n, KePayload peer, List<IkeAction> actions) {
        byte[] gir;
        try {
            gir = e.ke.sharedSecret(peer.data());
        } catch (IkeDecodeException x) {
            e.fail(actions, "peer's KE: " + x.getMessage());
            return false;
        }
        e.ike = n;
        byte[] skeyseed = KeySchedule.skeyseed(n.prf(), e.ni, e.nr, gir);
        e.keys = KeySchedule.ikeSaKeys(
                n.prf(),
                skeyseed,
                e.ni,
                e.nr,
                e.spiI,
                e.spiR,
                n.integrity() == null ? 0 : n.integrity().keyBytes(),
                n.encryption().keyBytes());
        Arrays.fill(skeyseed, (byte) 0);
        Arrays.fill(gir, (byte) 0);
        SkCipher fromI = SkCipher.create(n.encryption(), e.keys.skEi(), n.integrity(), e.keys.skAi(), e.random);
        SkCipher fromR = SkCipher.create(n.encryption(), e.keys.skEr(), n.integrity(), e.keys.skAr(), e.random);
        e.out = e.role == IkeSaEngine.Role.INITIATOR ? fromI : fromR;
        e.in = e.role == IkeSaEngine.Role.INITIATOR ? fromR : fromI;
        // as strongSwan's save-keys (ike_derived_keys): logged before IKE_AUTH, so a failing AUTH can be read too
        if (e.config.keyLog()) actions.add(IkeAction.IkeKeysForLog.of(e.spiI, e.spiR, n, e.keys));
        return true;
    }

    private ChildSaKeys childKeys(Negotiated esp) {
        // §2.17: the first CHILD_SA is keyed from the IKE_SA_INIT nonces, no PFS
        return KeySchedule.childSaKeys(
                e.ike.prf(),
                e.keys.skD(),
                null,
                e.ni,
                e.nr,
                esp.encryption().keyBytes(),
                esp.integrity() == null ? 0 : esp.integrity().keyBytes());
    }

    private List<Proposal> espProposals(int spi) {
        List<ProposalSpec> specs = withoutDh(e.config.espProposals());
        List<Proposal> p = new ArrayList<>();
        for (int n = 0; n < specs.size(); n++) p.add(specs.get(n).toPayload(n + 1, Informational.spi(spi)));
        return p;
    }

    /** No KE in IKE_AUTH, so no DH transforms there, offered or selected (strongSwan strips them the same way). */
    static List<ProposalSpec> withoutDh(List<ProposalSpec> esp) {
        return esp.stream()
                .map(spec -> new ProposalSpec(
                        spec.protocol(), spec.encryption(), spec.integrity(), spec.prfs(), List.of(), spec.esn()))
                .toList();
    }

    static List<TrafficSelector> selectors(List<TrafficSelectorSpec> specs, IkeEndpoint endpoint) {
        return specs.stream().map(s -> s.toSelector(endpoint.address())).toList();
    }

    /**
     * §2.23: "a host that ... is not behind a NAT SHOULD send all packets ... to the IP address and port in the
     * validated packet" when an authenticated message of a peer behind a NAT comes from elsewhere.
     */
    void natMappingChanged(IkeEvent.Datagram d, List<IkeAction> actions) {
        if (!e.remoteBehindNat || e.localBehindNat || d.from().equals(e.remote)) return;
        e.remote = d.from();
        e.local = d.to();
        actions.add(endpoints());
    }

    /** §2.23: NAT on either side, or faked with encap=yes: port 4500 and ESP-in-UDP. */
    boolean natTraversal() {
        return e.localBehindNat || e.remoteBehindNat || (e.config.encap() && e.natDetectionSeen);
    }

    IkeAction.Endpoints endpoints() {
        // RFC 3948 §4: keepalives are sent by the side behind the NAT (strongSwan: not for a faked NAT)
        return new IkeAction.Endpoints(e.local, e.remote, natTraversal(), e.localBehindNat);
    }

    /**
     * §2.23: NAT_DETECTION_SOURCE_IP and _DESTINATION_IP. With {@code encap=yes} the source hash is random, so the
     * peer sees us "behind a NAT" and both sides float and encapsulate (strongSwan's tasks/ike_natd.c does the same).
     */
    private List<Payload> natNotifies(long i, long r) {
        byte[] source =
                e.config.encap() ? e.randomBytes(20) : NatDetection.hash(i, r, e.local.address(), e.local.port());
        return List.of(
                NotifyPayload.of(NotifyType.NAT_DETECTION_SOURCE_IP, source),
                NotifyPayload.of(
                        NotifyType.NAT_DETECTION_DESTINATION_IP,
                        NatDetection.hash(i, r, e.remote.address(), e.remote.port())));
    }

    private void detectNat(IkeMessage m, long i, long r) {
        List<byte[]> src = m.all(NotifyPayload.class).stream()
                .filter(n -> n.notifyType() == NotifyType.NAT_DETECTION_SOURCE_IP)
                .map(NotifyPayload::data)
                .toList();
        List<byte[]> dst = m.all(NotifyPayload.class).stream()
                .filter(n -> n.notifyType() == NotifyType.NAT_DETECTION_DESTINATION_IP)
                .map(NotifyPayload::data)
                .toList();
        if (src.isEmpty() || dst.isEmpty()) return; // §2.23: no NAT-D, no NAT detection (and no floating)
        e.natDetectionSeen = true;
        e.remoteBehindNat = !NatDetection.matches(src, i, r, e.remote.address(), e.remote.port());
        e.localBehindNat = !NatDetection.matches(dst, i, r, e.local.address(), e.local.port());
    }
}
