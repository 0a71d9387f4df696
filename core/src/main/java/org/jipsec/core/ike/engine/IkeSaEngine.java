package org.jipsec.core.ike.engine;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jipsec.core.crypto.IcvMismatchException;
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
import org.jipsec.core.ike.crypto.IkeSaKeys;
import org.jipsec.core.ike.crypto.KeyExchange;
import org.jipsec.core.ike.crypto.KeySchedule;
import org.jipsec.core.ike.crypto.NatDetection;
import org.jipsec.core.ike.crypto.PskAuthentication;
import org.jipsec.core.ike.crypto.SkCipher;
import org.jipsec.core.ike.proposal.Negotiated;
import org.jipsec.core.ike.proposal.ProposalSelector;
import org.jipsec.core.ike.proposal.ProposalSpec;
import org.jipsec.core.ike.proposal.SaProtocol;
import org.jipsec.core.ike.proposal.Selection;
import org.jipsec.core.ike.ts.TsNarrowing;

/**
 * One IKE SA's protocol engine (RFC 7296): IKE_SA_INIT and IKE_AUTH with a pre-shared key (§2.15) and the first
 * CHILD_SA as initiator or responder (§1.2), then INFORMATIONAL (§1.4: deletes, liveness checks) and CHILD_SA rekeys
 * with CREATE_CHILD_SA (§1.3.3) in both directions. Driven only by {@link IkeEvent}s, it returns {@link IkeAction}s;
 * clock and randomness are injected, nothing here does I/O.
 *
 * <p>What it does: proposal selection with reasons (§2.7), INVALID_KE_PAYLOAD and the retry with the requested
 * group (§1.2, §1.3), NAT detection (§2.23), the key schedule, PSK AUTH in both directions, ESP selection and TS
 * narrowing for the child (§2.9; a refused child leaves the IKE SA up, §1.2), window-1 retransmission by the
 * requester with strongSwan's backoff (§2.1), message IDs per direction (§2.2), queued local requests (§2.3), the
 * cached response for a retransmitted request (§2.1); deleting a child or the IKE SA from either side, crossing
 * deletes (§1.4.1); the liveness check after {@code dpd_delay} and the dead peer with {@code dpd_action} (§2.4);
 * child rekey with or without PFS (§2.17), the old child deleted after the new one is installed (§2.8), and
 * simultaneous child rekeys (§2.8.1). Helpers: {@link Informational}, {@link ChildRekey}, {@link OldIkeSa}. Inbound ESP SPIs come
 * from the daemon's {@link InboundSpis} (PF_KEY GETSPI), or from the injected random source without one.
 *
 * <p>IKE SA rekey (§1.3.2, §2.18) from either side, switching SPIs, keys and message IDs in place and deleting
 * the old SA; a peer's IKE rekey while we have an exchange outstanding gets TEMPORARY_FAILURE (§2.25), so two
 * crossing IKE rekeys both fail and are retried by the daemon instead of being resolved by nonces (§2.8.1).
 *
 * <p>Not yet (issue #14): additional CHILD_SAs outside a rekey (§1.3.1; answered NO_ADDITIONAL_SAS), cookies (§2.6),
 * fragmentation (RFC 7383), multiple auth rounds, certificates. Not thread-safe: the daemon feeds one SA's events
 * in order.
 */
public final class IkeSaEngine {

    public enum Role { INITIATOR, RESPONDER }

    public enum State { IDLE, INIT_SENT, AUTH_SENT, INIT_ANSWERED, ESTABLISHED, DELETING, CLOSED, FAILED }

    /** What the outstanding request is, to know what its response (or its loss, §2.4) means. */
    private enum Pending { NONE, INIT, AUTH, LIVENESS, DELETE_CHILD, DELETE_IKE, REKEY_CHILD, REKEY_IKE, DELETE_OLD_IKE }

    /** A request waiting for the window (§2.3: window 1, one outstanding request). */
    private sealed interface Queued {
        record DeleteChild(int spiIn) implements Queued {}
        record DeleteIke() implements Queued {}
        record RekeyChild(int spiIn) implements Queued {}
        record RekeyIke() implements Queued {}
    }

    private static final int NONCE_BYTES = 32; // strongSwan's NONCE_SIZE (ikev2-notes.md §1.1)

    private Role role; // of the current IKE SA: the rekey initiator is the new SA's initiator (§2.18)
    private final IkeSaConfig config;
    private final SecureRandom random;
    private final InboundSpis inboundSpis; // null: inbound ESP SPIs from random
    private final IkeEndpoint local;
    private final IkeEndpoint remote;
    private final org.jipsec.core.ike.config.IkeIdentity localId;
    private State state = State.IDLE;

    private long spiI;
    private long spiR;
    private KeyExchange ke;
    private byte[] ni;
    private byte[] nr;
    private Negotiated ike;
    private IkeSaKeys keys;
    private SkCipher out;
    private SkCipher in;
    private byte[] realMessage1;
    private byte[] realMessage2;
    private int espSpiIn;
    private List<TrafficSelector> proposedTsi;
    private List<TrafficSelector> proposedTsr;
    private boolean localBehindNat;
    private boolean remoteBehindNat;

    // window 1 (§2.3): the outstanding request (initiator) or the last response (responder)
    private byte[] pendingRequest;
    private long pendingMessageId = -1;
    private int retransmits;
    private byte[] lastRequest;
    private byte[] lastResponse;
    private Pending pending = Pending.NONE;
    private int pendingDeleteSpi;
    private ChildRekey rekey;
    private long ikeRekeySpi;
    private byte[] ikeRekeyNonce;
    private KeyExchange ikeRekeyKe;
    private int ikeRekeyRetries;
    private OldIkeSa oldSa;
    // §2.8.1: the nonces of the peer's rekey of the same child, answered while ours was outstanding
    private byte[] collisionNi;
    private byte[] collisionNr;

    // after IKE_AUTH (§2.2): our next request's message ID, and the ID we expect in the peer's next request
    private long nextRequestMid;
    private long expectedRequestMid;
    private long lastInbound;
    private final Map<Integer, ChildSa> children = new LinkedHashMap<>();
    private final Set<Integer> deletingByUs = new HashSet<>();
    private final Deque<Queued> queue = new ArrayDeque<>();

    public IkeSaEngine(Role role, IkeSaConfig config, SecureRandom random, IkeEndpoint local, IkeEndpoint remote) {
        this(role, config, random, local, remote, null);
    }

    /** With the daemon's source of inbound ESP SPIs (PF_KEY GETSPI); null = drawn from {@code random}. */
    public IkeSaEngine(Role role, IkeSaConfig config, SecureRandom random, IkeEndpoint local, IkeEndpoint remote,
                       InboundSpis inboundSpis) {
        this.inboundSpis = inboundSpis;
        this.role = role;
        this.config = config;
        this.random = random;
        this.local = local;
        this.remote = remote;
        // swanctl.conf(5) local.id: "Defaults to the IP address of the local endpoint"
        this.localId = config.localId() != null ? config.localId()
                : org.jipsec.core.ike.config.IkeIdentity.parse(local.address().getHostAddress());
    }

    public State state() {
        return state;
    }

    public Role role() {
        return role;
    }

    public long spiI() {
        return spiI;
    }

    public long spiR() {
        return spiR;
    }

    public List<IkeAction> handle(IkeEvent event) {
        List<IkeAction> actions = new ArrayList<>();
        switch (event) {
            case IkeEvent.Initiate i -> initiate(i.now(), actions);
            case IkeEvent.Timer t -> timer(t.now(), actions);
            case IkeEvent.Datagram d -> datagram(d, actions);
            case IkeEvent.DeleteChild dc -> enqueue(new Queued.DeleteChild(dc.spiIn()), dc.now(), actions);
            case IkeEvent.DeleteIke di -> deleteIke(di.now(), actions);
            case IkeEvent.RekeyChild rc -> enqueue(new Queued.RekeyChild(rc.spiIn()), rc.now(), actions);
            case IkeEvent.RekeyIke ri -> enqueue(new Queued.RekeyIke(), ri.now(), actions);
            case IkeEvent.InboundTraffic t -> lastInbound = Math.max(lastInbound, t.now());
        }
        return actions;
    }

    // ---- initiator ----

    private void initiate(long now, List<IkeAction> actions) {
        if (role != Role.INITIATOR || state != State.IDLE) return;
        spiI = nonZeroSpi();
        ni = randomBytes(NONCE_BYTES);
        ProposalSpec first = config.ikeProposals().getFirst();
        ke = first.groups().getFirst().generate(random);
        sendInitRequest(now, actions, List.of());
    }

    private void sendInitRequest(long now, List<IkeAction> actions, List<Payload> prefix) {
        List<Proposal> proposals = new ArrayList<>();
        for (int n = 0; n < config.ikeProposals().size(); n++) {
            proposals.add(config.ikeProposals().get(n).toPayload(n + 1, new byte[0]));
        }
        List<Payload> p = new ArrayList<>(prefix);
        p.add(new SaPayload(proposals));
        p.add(new KePayload(ke.group().number(), ke.publicValue()));
        p.add(new NoncePayload(ni));
        p.addAll(natNotifies(spiI, 0));
        byte[] m = IkeMessageCodec.encode(new IkeMessage(header(ExchangeType.IKE_SA_INIT, 0, false), p));
        realMessage1 = m;
        state = State.INIT_SENT;
        sendRequest(m, 0, now, actions);
    }

    private void initResponse(IkeMessage m, List<IkeAction> actions, long now) {
        var invalidKe = m.notify(NotifyType.INVALID_KE_PAYLOAD);
        if (invalidKe.isPresent() && invalidKe.get().data().length == 2) {
            int group = ((invalidKe.get().data()[0] & 0xff) << 8) | (invalidKe.get().data()[1] & 0xff);
            var g = config.ikeProposals().stream().flatMap(s -> s.groups().stream()).filter(x -> x.number() == group)
                    .findFirst();
            if (g.isEmpty() || g.get() == ke.group()) {
                fail(actions, "peer wants DH group " + group + ", which is not configured");
                return;
            }
            // §1.2: retry with the group the responder asked for
            ke = g.get().generate(random);
            sendInitRequest(now, actions, List.of());
            return;
        }
        for (NotifyPayload n : m.all(NotifyPayload.class)) {
            if (n.isError()) {
                fail(actions, "IKE_SA_INIT refused: " + NotifyType.name(n.notifyType()));
                return;
            }
        }
        var sa = m.first(SaPayload.class);
        var kePayload = m.first(KePayload.class);
        var nonce = m.first(NoncePayload.class);
        if (sa.isEmpty() || kePayload.isEmpty() || nonce.isEmpty() || sa.get().proposals().size() != 1) {
            fail(actions, "IKE_SA_INIT response lacks SA, KE or Nonce: " + m.summary());
            return;
        }
        Selection s = ProposalSelector.select(sa.get().proposals(), config.ikeProposals(), SaProtocol.IKE, 0, true);
        if (!(s instanceof Selection.Chosen chosen) || chosen.negotiated().dh() != ke.group()
                || kePayload.get().dhGroup() != ke.group().number()) {
            fail(actions, "the responder chose a proposal we did not offer: " + s);
            return;
        }
        spiR = m.header().spiR();
        nr = nonce.get().data();
        if (!deriveKeys(chosen.negotiated(), kePayload.get(), actions)) return;
        detectNat(m, spiI, spiR);
        // IKE_AUTH request (§1.2): IDi, AUTH, SA, TSi, TSr
        espSpiIn = nonZeroInt();
        proposedTsi = selectors(config.localTs(), local);
        proposedTsr = selectors(config.remoteTs(), remote);
        IdPayload idi = localId.toPayload(true);
        byte[] auth = PskAuthentication.authData(ike.prf(), config.psk(), realMessage1, nr, keys.skPi(), idi.body());
        List<Payload> inner = List.of(idi, new AuthPayload(AuthPayload.SHARED_KEY_MIC, auth),
                new SaPayload(espProposals(espSpiIn)), new TsPayload(true, proposedTsi), new TsPayload(false, proposedTsr));
        byte[] req = out.protect(header(ExchangeType.IKE_AUTH, 1, false), List.of(), inner);
        state = State.AUTH_SENT;
        sendRequest(req, 1, now, actions);
    }


    private void authResponse(IkeMessage m, List<IkeAction> actions) {
        for (NotifyPayload n : m.all(NotifyPayload.class)) {
            if (n.notifyType() == NotifyType.AUTHENTICATION_FAILED) {
                fail(actions, "the responder refused our authentication (AUTHENTICATION_FAILED)");
                return;
            }
        }
        var idr = m.first(IdPayload.class);
        var auth = m.first(AuthPayload.class);
        if (idr.isEmpty() || auth.isEmpty()) {
            fail(actions, "IKE_AUTH response lacks IDr or AUTH: " + m.summary());
            return;
        }
        if (!config.remoteId().matches(idr.get())) {
            fail(actions, "peer identity " + idr.get().text() + " is not the configured " + config.remoteId());
            return;
        }
        if (auth.get().method() != AuthPayload.SHARED_KEY_MIC || !PskAuthentication.verify(ike.prf(), config.psk(),
                realMessage2, ni, keys.skPr(), idr.get().body(), auth.get().data())) {
            fail(actions, "AUTH of " + idr.get().text() + " does not verify with the configured PSK");
            return;
        }
        established(actions);
        childFromResponse(m, actions);
    }

    private void childFromResponse(IkeMessage m, List<IkeAction> actions) {
        for (NotifyPayload n : m.all(NotifyPayload.class)) {
            if (n.isError()) {
                actions.add(new IkeAction.ChildFailed(config.childName(), "peer answered " + NotifyType.name(n.notifyType())));
                return;
            }
        }
        var sa = m.first(SaPayload.class);
        List<TsPayload> ts = m.all(TsPayload.class);
        TsPayload tsi = ts.stream().filter(TsPayload::initiator).findFirst().orElse(null);
        TsPayload tsr = ts.stream().filter(t -> !t.initiator()).findFirst().orElse(null);
        if (sa.isEmpty() || tsi == null || tsr == null || sa.get().proposals().size() != 1) {
            actions.add(new IkeAction.ChildFailed(config.childName(), "no SA/TSi/TSr in the IKE_AUTH response"));
            return;
        }
        Selection s = ProposalSelector.select(sa.get().proposals(), espWithoutDh(), SaProtocol.ESP, 4, true);
        if (!(s instanceof Selection.Chosen chosen)) {
            actions.add(new IkeAction.ChildFailed(config.childName(), "responder chose an ESP proposal we did not offer: "
                    + s));
            return;
        }
        if (!TsNarrowing.isSubset(tsi.selectors(), proposedTsi) || !TsNarrowing.isSubset(tsr.selectors(), proposedTsr)) {
            actions.add(new IkeAction.ChildFailed(config.childName(), "responder's selectors are not a subset of ours"
                    + " (RFC 7296 §2.9)"));
            return;
        }
        int spiOut = ByteBuffer.wrap(sa.get().proposals().getFirst().spi()).getInt();
        ChildSaKeys k = childKeys(chosen.negotiated());
        install(IkeAction.InstallChild.of(config.childName(), chosen.negotiated(), espSpiIn, spiOut, k, true,
                tsi.selectors(), tsr.selectors()), actions);
    }

    // ---- responder ----

    private void initRequest(IkeMessage m, byte[] bytes, List<IkeAction> actions) {
        var sa = m.first(SaPayload.class);
        var kePayload = m.first(KePayload.class);
        var nonce = m.first(NoncePayload.class);
        if (sa.isEmpty() || kePayload.isEmpty() || nonce.isEmpty()) {
            fail(actions, "IKE_SA_INIT request lacks SA, KE or Nonce: " + m.summary());
            return;
        }
        spiI = m.header().spiI();
        Selection s = ProposalSelector.select(sa.get().proposals(), config.ikeProposals(), SaProtocol.IKE, 0, true);
        if (!(s instanceof Selection.Chosen chosen)) {
            respondUnprotected(m, List.of(NotifyPayload.of(NotifyType.NO_PROPOSAL_CHOSEN)), actions);
            fail(actions, "IKE_SA_INIT from " + remote + ": " + s);
            return;
        }
        if (kePayload.get().dhGroup() != chosen.negotiated().dh().number()) {
            // §1.2: INVALID_KE_PAYLOAD with the group we want, two bytes; no state kept
            int g = chosen.negotiated().dh().number();
            respondUnprotected(m, List.of(NotifyPayload.of(NotifyType.INVALID_KE_PAYLOAD, new byte[] {(byte) (g >>> 8),
                    (byte) g})), actions);
            actions.add(new IkeAction.Failed("IKE_SA_INIT from " + remote + " with KE group "
                    + kePayload.get().dhGroup() + ", asked for " + chosen.negotiated().dh()));
            state = State.IDLE;
            return;
        }
        realMessage1 = bytes;
        ni = nonce.get().data();
        spiR = nonZeroSpi();
        nr = randomBytes(NONCE_BYTES);
        ke = chosen.negotiated().dh().generate(random);
        if (!deriveKeys(chosen.negotiated(), kePayload.get(), actions)) return;
        detectNat(m, spiI, 0);
        List<Payload> p = new ArrayList<>();
        p.add(new SaPayload(List.of(chosen.negotiated().toResponse(new byte[0]))));
        p.add(new KePayload(ke.group().number(), ke.publicValue()));
        p.add(new NoncePayload(nr));
        p.addAll(natNotifies(spiI, spiR));
        byte[] resp = IkeMessageCodec.encode(new IkeMessage(header(ExchangeType.IKE_SA_INIT, 0, true), p));
        realMessage2 = resp;
        state = State.INIT_ANSWERED;
        respond(bytes, resp, actions);
    }

    private void authRequest(IkeMessage m, byte[] bytes, List<IkeAction> actions) {
        var idi = m.first(IdPayload.class).filter(IdPayload::initiator);
        var auth = m.first(AuthPayload.class);
        if (idi.isEmpty() || auth.isEmpty()) {
            fail(actions, "IKE_AUTH request lacks IDi or AUTH: " + m.summary());
            return;
        }
        if (!config.remoteId().matches(idi.get())
                || auth.get().method() != AuthPayload.SHARED_KEY_MIC
                || !PskAuthentication.verify(ike.prf(), config.psk(), realMessage1, nr, keys.skPi(), idi.get().body(),
                auth.get().data())) {
            respond(bytes, out.protect(header(ExchangeType.IKE_AUTH, 1, true), List.of(),
                    List.of(NotifyPayload.of(NotifyType.AUTHENTICATION_FAILED))), actions);
            fail(actions, config.remoteId().matches(idi.get())
                    ? "AUTH of " + idi.get().text() + " does not verify with the configured PSK"
                    : "peer identity " + idi.get().text() + " is not the configured " + config.remoteId());
            return;
        }
        IdPayload idr = localId.toPayload(false);
        byte[] myAuth = PskAuthentication.authData(ike.prf(), config.psk(), realMessage2, ni, keys.skPr(), idr.body());
        List<Payload> inner = new ArrayList<>(List.of(idr, new AuthPayload(AuthPayload.SHARED_KEY_MIC, myAuth)));
        IkeAction childAction = childForRequest(m, inner);
        respond(bytes, out.protect(header(ExchangeType.IKE_AUTH, 1, true), List.of(), inner), actions);
        established(actions);
        if (childAction instanceof IkeAction.InstallChild c) install(c, actions);
        else actions.add(childAction);
    }

    private IkeAction childForRequest(IkeMessage m, List<Payload> inner) {
        var sa = m.first(SaPayload.class);
        List<TsPayload> ts = m.all(TsPayload.class);
        TsPayload tsi = ts.stream().filter(TsPayload::initiator).findFirst().orElse(null);
        TsPayload tsr = ts.stream().filter(t -> !t.initiator()).findFirst().orElse(null);
        if (sa.isEmpty() || tsi == null || tsr == null) {
            return new IkeAction.ChildFailed(config.childName(), "IKE_AUTH request without SA/TSi/TSr (childless)");
        }
        Selection s = ProposalSelector.select(sa.get().proposals(), espWithoutDh(), SaProtocol.ESP, 4, true);
        if (!(s instanceof Selection.Chosen chosen)) {
            inner.add(NotifyPayload.of(NotifyType.NO_PROPOSAL_CHOSEN));
            return new IkeAction.ChildFailed(config.childName(), s.toString());
        }
        TsNarrowing.Result r = TsNarrowing.respond(tsi.selectors(), tsr.selectors(), selectors(config.localTs(), local),
                selectors(config.remoteTs(), remote));
        if (!(r instanceof TsNarrowing.Result.Narrowed n)) {
            inner.add(NotifyPayload.of(NotifyType.TS_UNACCEPTABLE));
            return new IkeAction.ChildFailed(config.childName(), ((TsNarrowing.Result.Unacceptable) r).reason());
        }
        espSpiIn = nonZeroInt();
        int spiOut = ByteBuffer.wrap(chosen.offered().spi()).getInt();
        inner.add(new SaPayload(List.of(chosen.negotiated().toResponse(ByteBuffer.allocate(4).putInt(espSpiIn).array()))));
        inner.add(new TsPayload(true, n.tsi()));
        inner.add(new TsPayload(false, n.tsr()));
        ChildSaKeys k = childKeys(chosen.negotiated());
        return IkeAction.InstallChild.of(config.childName(), chosen.negotiated(), espSpiIn, spiOut, k, false, n.tsr(),
                n.tsi());
    }

    // ---- after IKE_AUTH: INFORMATIONAL (§1.4) ----

    private void established(IkeMessage m, IkeEvent.Datagram d, List<IkeAction> actions) {
        IkeHeader h = m.header();
        if (oldSa != null && h.spiI() == oldSa.spiI() && h.spiR() == oldSa.spiR()) {
            oldSaMessage(m, d, actions);
            return;
        }
        if (h.spiI() != spiI || h.spiR() != spiR) return;
        long mid = h.messageId();
        if (!h.isResponse()) {
            // §2.1/§2.2: the previous request again gets the cached response; anything but the next ID is dropped
            if (lastRequest != null && mid == expectedRequestMid - 1 && Arrays.equals(lastRequest, d.bytes())) {
                actions.add(new IkeAction.Send(local, remote, lastResponse));
                return;
            }
            if (mid != expectedRequestMid) return;
        } else if (mid != pendingMessageId || pendingRequest == null) {
            return;
        }
        IkeMessage clear;
        try {
            clear = in.unprotect(d.bytes());
        } catch (IcvMismatchException | IkeDecodeException e) {
            return; // §2.21.2: dropped; the requester retransmits
        }
        lastInbound = d.now();
        if (h.isResponse()) {
            response(clear, d.now(), actions);
        } else {
            expectedRequestMid++;
            request(clear, d.bytes(), actions);
        }
    }

    private void request(IkeMessage m, byte[] bytes, List<IkeAction> actions) {
        int exchange = m.header().exchangeType();
        long mid = m.header().messageId();
        if (exchange == ExchangeType.INFORMATIONAL) {
            Informational.Answer a = Informational.answer(m, children, deletingByUs);
            respond(bytes, out.protect(header(ExchangeType.INFORMATIONAL, mid, true), List.of(), a.response()), actions);
            for (ChildSa c : a.removed()) remove(c, actions);
            if (a.ikeDeleted()) teardown(actions, new IkeAction.Closed("deleted by " + remote));
            return;
        }
        if (exchange == ExchangeType.CREATE_CHILD_SA) {
            List<IkeAction> installs = new ArrayList<>();
            boolean ikeRekey = m.first(SaPayload.class).map(sa -> sa.proposals().stream()
                    .anyMatch(p -> p.protocolId() == Proposal.PROTOCOL_IKE)).orElse(false);
            if (ikeRekey) {
                ikeRekeyRequest(m, bytes, actions);
                return;
            }
            List<Payload> answer = rekeyRequest(m, installs);
            respond(bytes, out.protect(header(exchange, mid, true), List.of(), answer), actions);
            actions.addAll(installs);
            return;
        }
        // §1.5/§2.21: other exchange types on an established SA are not answered; the ID is consumed
    }

    private void response(IkeMessage m, long now, List<IkeAction> actions) {
        Pending was = pending;
        int spi = pendingDeleteSpi;
        completeRequest(actions);
        switch (was) {
            case DELETE_CHILD -> {
                deletingByUs.remove(spi);
                ChildSa c = children.get(spi);
                // §1.4.1: removed when the answer arrives, whether it names the pair or (crossing deletes) not
                if (c != null) remove(c, actions);
            }
            case DELETE_IKE -> {
                teardown(actions, new IkeAction.Closed("deleted"));
                return;
            }
            case REKEY_CHILD -> {
                rekeyResponse(m, now, actions);
                if (pendingRequest != null) return; // retried with another group
            }
            case REKEY_IKE -> {
                ikeRekeyResponse(m, now, actions);
                if (pendingRequest != null) return; // retried, or the old SA's Delete is outstanding
            }
            default -> { }
        }
        idle(now, actions);
    }

    private void enqueue(Queued q, long now, List<IkeAction> actions) {
        if (state != State.ESTABLISHED) return;
        if (q instanceof Queued.DeleteChild dc && !children.containsKey(dc.spiIn())) return;
        if (q instanceof Queued.RekeyChild rc && !children.containsKey(rc.spiIn())) return;
        queue.add(q);
        if (pendingRequest == null) idle(now, actions);
    }

    private void deleteIke(long now, List<IkeAction> actions) {
        switch (state) {
            case ESTABLISHED -> {
                queue.clear();
                queue.addFirst(new Queued.DeleteIke());
                if (pendingRequest == null) idle(now, actions);
                // else: sent when the outstanding request completes (window 1, §2.3)
            }
            case DELETING, CLOSED, FAILED -> { }
            default -> {
                // not established: nothing to tell the peer (§1.4.1 needs the keys), just forget it
                pendingRequest = null;
                teardown(actions, new IkeAction.Closed("deleted before it was established"));
            }
        }
    }

    /** Nothing outstanding: start the next queued request, or wait for the liveness check (§2.4). */
    private void idle(long now, List<IkeAction> actions) {
        if (state != State.ESTABLISHED || pendingRequest != null) return;
        Queued q = queue.poll();
        while ((q instanceof Queued.DeleteChild dc && !children.containsKey(dc.spiIn()))
                || (q instanceof Queued.RekeyChild rc && !children.containsKey(rc.spiIn()))) {
            q = queue.poll();
        }
        if (q instanceof Queued.RekeyIke) {
            ikeRekeySpi = nonZeroSpi();
            ikeRekeyNonce = randomBytes(NONCE_BYTES);
            ikeRekeyKe = ike.dh().generate(random);
            ikeRekeyRetries = 0;
            sendIkeRekey(now, actions);
            return;
        }
        if (q instanceof Queued.RekeyChild rc) {
            ChildSa old = children.get(rc.spiIn());
            var groups = config.espProposals().getFirst().groups();
            rekey = new ChildRekey(old, nonZeroInt(), randomBytes(NONCE_BYTES),
                    groups.isEmpty() ? null : groups.getFirst().generate(random), 0);
            sendRekey(now, actions);
            return;
        }
        if (q instanceof Queued.DeleteIke) {
            state = State.DELETING;
            informational(Pending.DELETE_IKE, Informational.deleteIke(), now, actions);
            return;
        }
        if (q instanceof Queued.DeleteChild dc) {
            deletingByUs.add(dc.spiIn());
            pendingDeleteSpi = dc.spiIn();
            informational(Pending.DELETE_CHILD, Informational.deleteChild(dc.spiIn()), now, actions);
            return;
        }
        long delay = config.dpdDelay().toMillis();
        if (delay <= 0) return;
        if (now >= lastInbound + delay) {
            // §1.4/§2.4: an empty INFORMATIONAL request; strongSwan sends it after dpd_delay without inbound traffic
            informational(Pending.LIVENESS, List.of(), now, actions);
        } else {
            actions.add(new IkeAction.ArmTimer(lastInbound + delay));
        }
    }

    private void sendRekey(long now, List<IkeAction> actions) {
        long mid = nextRequestMid++;
        byte[] req = out.protect(header(ExchangeType.CREATE_CHILD_SA, mid, false), List.of(),
                rekey.request(config.espProposals()));
        pending = Pending.REKEY_CHILD;
        sendRequest(req, mid, now, actions);
    }

    /** §1.3.3, §2.8: the peer's answer to our child rekey; on success the new child, then the old one's Delete. */
    private void rekeyResponse(IkeMessage m, long now, List<IkeAction> actions) {
        ChildRekey r = rekey;
        rekey = null;
        byte[] otherNi = collisionNi;
        byte[] otherNr = collisionNr;
        collisionNi = null;
        collisionNr = null;
        var invalidKe = m.notify(NotifyType.INVALID_KE_PAYLOAD);
        if (invalidKe.isPresent() && invalidKe.get().data().length == 2 && r.ke() != null
                && r.invalidKeRetries() < ChildRekey.MAX_INVALID_KE_RETRIES) {
            int group = ((invalidKe.get().data()[0] & 0xff) << 8) | (invalidKe.get().data()[1] & 0xff);
            var g = config.espProposals().stream().flatMap(x -> x.groups().stream()).filter(x -> x.number() == group)
                    .findFirst();
            if (g.isPresent() && g.get() != r.ke().group()) {
                // §1.3: retry with the group the responder asked for
                rekey = new ChildRekey(r.old(), r.newSpiIn(), r.ni(), g.get().generate(random), r.invalidKeRetries() + 1);
                collisionNi = otherNi;
                collisionNr = otherNr;
                sendRekey(now, actions);
                return;
            }
        }
        for (NotifyPayload n : m.all(NotifyPayload.class)) {
            if (n.isError()) {
                actions.add(new IkeAction.ChildFailed(r.old().name(), "rekey of " + r.old() + " refused: "
                        + NotifyType.name(n.notifyType())));
                return;
            }
        }
        var sa = m.first(SaPayload.class);
        var nonce = m.first(NoncePayload.class);
        if (sa.isEmpty() || nonce.isEmpty() || sa.get().proposals().size() != 1) {
            actions.add(new IkeAction.ChildFailed(r.old().name(), "rekey response lacks SA or Nonce: " + m.summary()));
            return;
        }
        Selection s = ProposalSelector.select(sa.get().proposals(), config.espProposals(), SaProtocol.ESP, 4, true);
        if (!(s instanceof Selection.Chosen chosen)) {
            actions.add(new IkeAction.ChildFailed(r.old().name(), "rekey: responder chose a proposal we did not offer: "
                    + s));
            return;
        }
        byte[] gir = null;
        if (chosen.negotiated().dh() != null) {
            var ke = m.first(KePayload.class);
            if (r.ke() == null || ke.isEmpty() || ke.get().dhGroup() != r.ke().group().number()
                    || chosen.negotiated().dh() != r.ke().group()) {
                actions.add(new IkeAction.ChildFailed(r.old().name(), "rekey: KE does not match the chosen group"));
                return;
            }
            try {
                gir = r.ke().sharedSecret(ke.get().data());
            } catch (IkeDecodeException e) {
                actions.add(new IkeAction.ChildFailed(r.old().name(), "rekey: peer's KE: " + e.getMessage()));
                return;
            }
        }
        int spiOut = ChildRekey.spiOf(sa.get().proposals().getFirst().spi());
        ChildSaKeys k = KeySchedule.childSaKeys(ike.prf(), keys.skD(), gir, r.ni(), nonce.get().data(),
                chosen.negotiated().encryption().keyBytes(), chosen.negotiated().integrity() == null ? 0
                        : chosen.negotiated().integrity().keyBytes());
        if (gir != null) Arrays.fill(gir, (byte) 0);
        install(IkeAction.InstallChild.of(r.old().name(), chosen.negotiated(), r.newSpiIn(), spiOut, k, true,
                r.old().localTs(), r.old().remoteTs()), actions);
        if (otherNi != null && lowest(r.ni(), nonce.get().data(), otherNi, otherNr)) {
            // §2.8.1: "the SA created with the lowest of the four nonces ... is redundant and SHOULD be closed by the
            // endpoint that created it": ours; the peer, which won, deletes the old child
            queue.addFirst(new Queued.DeleteChild(r.newSpiIn()));
            return;
        }
        // §2.8: the new child is installed; now the old one is deleted (strongSwan: INFORMATIONAL [D])
        if (children.containsKey(r.old().spiIn())) queue.addFirst(new Queued.DeleteChild(r.old().spiIn()));
    }

    // ---- IKE SA rekey (§1.3.2, §2.18) ----

    private void sendIkeRekey(long now, List<IkeAction> actions) {
        // strongSwan: [SA No KE], our new SPI in the proposals' SPI field (ikev2-notes.md §1.1)
        byte[] spi = ByteBuffer.allocate(8).putLong(ikeRekeySpi).array();
        List<Proposal> proposals = new ArrayList<>();
        for (int n = 0; n < config.ikeProposals().size(); n++) {
            proposals.add(config.ikeProposals().get(n).toPayload(n + 1, spi));
        }
        long mid = nextRequestMid++;
        byte[] req = out.protect(header(ExchangeType.CREATE_CHILD_SA, mid, false), List.of(), List.of(
                new SaPayload(proposals), new NoncePayload(ikeRekeyNonce),
                new KePayload(ikeRekeyKe.group().number(), ikeRekeyKe.publicValue())));
        pending = Pending.REKEY_IKE;
        sendRequest(req, mid, now, actions);
    }

    private void ikeRekeyRequest(IkeMessage m, byte[] bytes, List<IkeAction> actions) {
        long mid = m.header().messageId();
        List<Payload> refusal = null;
        var sa = m.first(SaPayload.class);
        var nonce = m.first(NoncePayload.class);
        var kePayload = m.first(KePayload.class);
        Selection s = null;
        if (pendingRequest != null || oldSa != null) {
            // an exchange of ours is outstanding (incl. our own IKE rekey, §2.8.1 not resolved for the IKE SA
            // here): the peer retries later, as strongSwan does with TEMPORARY_FAILURE (§2.25)
            refusal = List.of(NotifyPayload.of(NotifyType.TEMPORARY_FAILURE));
        } else if (sa.isEmpty() || nonce.isEmpty() || kePayload.isEmpty()) {
            refusal = List.of(NotifyPayload.of(NotifyType.INVALID_SYNTAX));
        } else {
            s = ProposalSelector.select(sa.get().proposals(), config.ikeProposals(), SaProtocol.IKE, 8, true);
            if (!(s instanceof Selection.Chosen)) {
                refusal = List.of(NotifyPayload.of(NotifyType.NO_PROPOSAL_CHOSEN));
            } else if (kePayload.get().dhGroup() != ((Selection.Chosen) s).negotiated().dh().number()) {
                int g = ((Selection.Chosen) s).negotiated().dh().number();
                refusal = List.of(NotifyPayload.of(NotifyType.INVALID_KE_PAYLOAD,
                        new byte[] {(byte) (g >>> 8), (byte) g}));
            }
        }
        if (refusal != null) {
            respond(bytes, out.protect(header(ExchangeType.CREATE_CHILD_SA, mid, true), List.of(), refusal), actions);
            return;
        }
        Selection.Chosen chosen = (Selection.Chosen) s;
        KeyExchange mine = chosen.negotiated().dh().generate(random);
        byte[] gir;
        try {
            gir = mine.sharedSecret(kePayload.get().data());
        } catch (IkeDecodeException e) {
            respond(bytes, out.protect(header(ExchangeType.CREATE_CHILD_SA, mid, true), List.of(),
                    List.of(NotifyPayload.of(NotifyType.INVALID_SYNTAX))), actions);
            return;
        }
        long newSpiI = ByteBuffer.wrap(chosen.offered().spi()).getLong();
        long newSpiR = nonZeroSpi();
        byte[] nrNew = randomBytes(NONCE_BYTES);
        respond(bytes, out.protect(header(ExchangeType.CREATE_CHILD_SA, mid, true), List.of(), List.of(
                new SaPayload(List.of(chosen.negotiated().toResponse(ByteBuffer.allocate(8).putLong(newSpiR).array()))),
                new NoncePayload(nrNew), new KePayload(mine.group().number(), mine.publicValue()))), actions);
        switchTo(Role.RESPONDER, chosen.negotiated(), gir, nonce.get().data(), nrNew, newSpiI, newSpiR, actions);
    }

    private void ikeRekeyResponse(IkeMessage m, long now, List<IkeAction> actions) {
        var invalidKe = m.notify(NotifyType.INVALID_KE_PAYLOAD);
        if (invalidKe.isPresent() && invalidKe.get().data().length == 2
                && ikeRekeyRetries < ChildRekey.MAX_INVALID_KE_RETRIES) {
            int group = ((invalidKe.get().data()[0] & 0xff) << 8) | (invalidKe.get().data()[1] & 0xff);
            var g = config.ikeProposals().stream().flatMap(x -> x.groups().stream()).filter(x -> x.number() == group)
                    .findFirst();
            if (g.isPresent() && g.get() != ikeRekeyKe.group()) {
                ikeRekeyKe = g.get().generate(random);
                ikeRekeyRetries++;
                sendIkeRekey(now, actions);
                return;
            }
        }
        for (NotifyPayload n : m.all(NotifyPayload.class)) {
            if (n.isError()) {
                actions.add(new IkeAction.RekeyFailed("IKE SA rekey refused: " + NotifyType.name(n.notifyType())));
                return;
            }
        }
        var sa = m.first(SaPayload.class);
        var nonce = m.first(NoncePayload.class);
        var kePayload = m.first(KePayload.class);
        if (sa.isEmpty() || nonce.isEmpty() || kePayload.isEmpty() || sa.get().proposals().size() != 1
                || sa.get().proposals().getFirst().spi().length != 8) {
            actions.add(new IkeAction.RekeyFailed("IKE SA rekey response lacks SA, Nonce or KE: " + m.summary()));
            return;
        }
        Selection s = ProposalSelector.select(sa.get().proposals(), config.ikeProposals(), SaProtocol.IKE, 8, true);
        if (!(s instanceof Selection.Chosen chosen) || chosen.negotiated().dh() != ikeRekeyKe.group()
                || kePayload.get().dhGroup() != ikeRekeyKe.group().number()) {
            actions.add(new IkeAction.RekeyFailed("IKE SA rekey: the responder chose what we did not offer: " + s));
            return;
        }
        byte[] gir;
        try {
            gir = ikeRekeyKe.sharedSecret(kePayload.get().data());
        } catch (IkeDecodeException e) {
            actions.add(new IkeAction.RekeyFailed("IKE SA rekey: peer's KE: " + e.getMessage()));
            return;
        }
        long newSpiR = ByteBuffer.wrap(sa.get().proposals().getFirst().spi()).getLong();
        switchTo(Role.INITIATOR, chosen.negotiated(), gir, ikeRekeyNonce, nonce.get().data(), ikeRekeySpi, newSpiR,
                actions);
        // §1.4.1, §2.18: the rekey initiator deletes the old IKE SA, on the old SA
        long mid = oldSa.nextRequestMid();
        IkeHeader h = new IkeHeader(oldSa.spiI(), oldSa.spiR(), 0, ExchangeType.INFORMATIONAL,
                oldSa.originalInitiator() ? IkeHeader.FLAG_INITIATOR : 0, mid);
        byte[] del = oldSa.out().protect(h, List.of(), Informational.deleteIke());
        pending = Pending.DELETE_OLD_IKE;
        sendRequest(del, mid, now, actions);
    }

    /**
     * §2.18: SKEYSEED' = prf(SK_d (old), g^ir (new) | Ni | Nr), the seven keys from prf+(SKEYSEED', Ni | Nr | SPIi |
     * SPIr) with the old SA's PRF for both (strongSwan keymat_v2.c; the PRF does not change here). The children
     * move to the new SA; the old one is kept for its Delete exchange only.
     */
    private void switchTo(Role newRole, Negotiated n, byte[] gir, byte[] niNew, byte[] nrNew, long newSpiI,
                          long newSpiR, List<IkeAction> actions) {
        byte[] skeyseed = KeySchedule.rekeySkeyseed(ike.prf(), keys.skD(), gir, niNew, nrNew);
        IkeSaKeys k = KeySchedule.ikeSaKeys(ike.prf(), skeyseed, niNew, nrNew, newSpiI, newSpiR,
                n.integrity() == null ? 0 : n.integrity().keyBytes(), n.encryption().keyBytes());
        Arrays.fill(skeyseed, (byte) 0);
        Arrays.fill(gir, (byte) 0);
        dropOldSa();
        oldSa = new OldIkeSa(spiI, spiR, role == Role.INITIATOR, out, in, nextRequestMid, expectedRequestMid,
                lastRequest, lastResponse);
        role = newRole;
        spiI = newSpiI;
        spiR = newSpiR;
        keys = k;
        SkCipher fromI = SkCipher.create(n.encryption(), k.skEi(), n.integrity(), k.skAi(), random);
        SkCipher fromR = SkCipher.create(n.encryption(), k.skEr(), n.integrity(), k.skAr(), random);
        out = role == Role.INITIATOR ? fromI : fromR;
        in = role == Role.INITIATOR ? fromR : fromI;
        // §2.18: message IDs start again at 0 on the new SA
        nextRequestMid = 0;
        expectedRequestMid = 0;
        lastRequest = null;
        lastResponse = null;
        ikeRekeyKe = null;
        ikeRekeyNonce = null;
        actions.add(new IkeAction.IkeRekeyed(ike, spiI, spiR));
    }

    /** A message on the rekeyed SA: the Delete from the rekey initiator, its answer, or a retransmission (§2.1). */
    private void oldSaMessage(IkeMessage m, IkeEvent.Datagram d, List<IkeAction> actions) {
        IkeHeader h = m.header();
        OldIkeSa o = oldSa;
        if (!h.isResponse()) {
            if (o.lastRequest() != null && Arrays.equals(o.lastRequest(), d.bytes())) {
                actions.add(new IkeAction.Send(local, remote, o.lastResponse()));
                return;
            }
            if (h.messageId() != o.expectedRequestMid() || h.exchangeType() != ExchangeType.INFORMATIONAL) return;
            try {
                IkeMessage clear = o.in().unprotect(d.bytes());
                if (!Informational.answer(clear, java.util.Map.of(), java.util.Set.of()).ikeDeleted()) return;
            } catch (IcvMismatchException | IkeDecodeException e) {
                return;
            }
            IkeHeader rh = new IkeHeader(o.spiI(), o.spiR(), 0, ExchangeType.INFORMATIONAL,
                    (o.originalInitiator() ? IkeHeader.FLAG_INITIATOR : 0) | IkeHeader.FLAG_RESPONSE, h.messageId());
            actions.add(new IkeAction.Send(local, remote, o.out().protect(rh, List.of(), List.of())));
            dropOldSa();
            return;
        }
        if (pending != Pending.DELETE_OLD_IKE || h.messageId() != pendingMessageId) return;
        try {
            o.in().unprotect(d.bytes());
        } catch (IcvMismatchException | IkeDecodeException e) {
            return;
        }
        dropOldSa();
        completeRequest(actions);
        idle(d.now(), actions);
    }

    private void dropOldSa() {
        if (oldSa != null) oldSa.destroy();
        oldSa = null;
    }

    /** True if the lowest of the four nonces is one of our exchange's (unsigned bytewise, as strongSwan's memcmp). */
    private static boolean lowest(byte[] ourNi, byte[] ourNr, byte[] peerNi, byte[] peerNr) {
        byte[] ours = Arrays.compareUnsigned(ourNi, ourNr) <= 0 ? ourNi : ourNr;
        byte[] theirs = Arrays.compareUnsigned(peerNi, peerNr) <= 0 ? peerNi : peerNr;
        return Arrays.compareUnsigned(ours, theirs) < 0;
    }

    /** §1.3.3: the peer rekeys one of our children; answered with our new SPI and nonce (and KE with PFS). */
    private List<Payload> rekeyRequest(IkeMessage m, List<IkeAction> actions) {
        var rekeySa = m.notify(NotifyType.REKEY_SA);
        if (rekeySa.isEmpty()) {
            // a new CHILD_SA outside a rekey (§1.3.1): one child per IKE SA here, as the daemon configures it
            return List.of(NotifyPayload.of(NotifyType.NO_ADDITIONAL_SAS));
        }
        int peerOld = ChildRekey.spiOf(rekeySa.get().spi());
        ChildSa old = children.values().stream().filter(c -> c.spiOut() == peerOld).findFirst().orElse(null);
        boolean replaced = deletingByUs.contains(old == null ? 0 : old.spiIn())
                || queue.contains(new Queued.DeleteChild(old == null ? 0 : old.spiIn()));
        if (old != null && replaced) {
            // §2.25: we are deleting it (our rekey completed first, or a delete crossed): try later
            return List.of(NotifyPayload.of(NotifyType.TEMPORARY_FAILURE));
        }
        if (old == null) {
            // §2.25: the child is gone (e.g. a crossing delete)
            return List.of(new NotifyPayload(Proposal.PROTOCOL_ESP, rekeySa.get().spi(), NotifyType.CHILD_SA_NOT_FOUND,
                    new byte[0]));
        }
        var sa = m.first(SaPayload.class);
        var nonce = m.first(NoncePayload.class);
        List<TsPayload> ts = m.all(TsPayload.class);
        TsPayload tsi = ts.stream().filter(TsPayload::initiator).findFirst().orElse(null);
        TsPayload tsr = ts.stream().filter(t -> !t.initiator()).findFirst().orElse(null);
        if (sa.isEmpty() || nonce.isEmpty() || tsi == null || tsr == null) {
            return List.of(NotifyPayload.of(NotifyType.INVALID_SYNTAX));
        }
        Selection s = ProposalSelector.select(sa.get().proposals(), config.espProposals(), SaProtocol.ESP, 4, true);
        if (!(s instanceof Selection.Chosen chosen)) {
            actions.add(new IkeAction.ChildFailed(old.name(), "peer's rekey: " + s));
            return List.of(NotifyPayload.of(NotifyType.NO_PROPOSAL_CHOSEN));
        }
        var dh = chosen.negotiated().dh();
        var ke = m.first(KePayload.class);
        byte[] gir = null;
        KeyExchange mine = null;
        if (dh != null) {
            if (ke.isEmpty() || ke.get().dhGroup() != dh.number()) {
                // §1.3, §2.7: the group we want, two bytes
                return List.of(NotifyPayload.of(NotifyType.INVALID_KE_PAYLOAD,
                        new byte[] {(byte) (dh.number() >>> 8), (byte) dh.number()}));
            }
            mine = dh.generate(random);
            try {
                gir = mine.sharedSecret(ke.get().data());
            } catch (IkeDecodeException e) {
                return List.of(NotifyPayload.of(NotifyType.INVALID_SYNTAX));
            }
        }
        int spiIn = nonZeroInt();
        int spiOut = ChildRekey.spiOf(chosen.offered().spi());
        byte[] nrNew = randomBytes(NONCE_BYTES);
        ChildSaKeys k = KeySchedule.childSaKeys(ike.prf(), keys.skD(), gir, nonce.get().data(), nrNew,
                chosen.negotiated().encryption().keyBytes(), chosen.negotiated().integrity() == null ? 0
                        : chosen.negotiated().integrity().keyBytes());
        if (gir != null) Arrays.fill(gir, (byte) 0);
        List<Payload> p = new ArrayList<>();
        p.add(new SaPayload(List.of(chosen.negotiated().toResponse(Informational.spi(spiIn)))));
        p.add(new NoncePayload(nrNew));
        if (mine != null) p.add(new KePayload(dh.number(), mine.publicValue()));
        p.add(new TsPayload(true, tsi.selectors()));
        p.add(new TsPayload(false, tsr.selectors()));
        if (rekey != null && rekey.old().equals(old)) {
            // §2.8.1: both sides rekey this child; decided when our own exchange completes
            collisionNi = nonce.get().data();
            collisionNr = nrNew;
        }
        // the old child stays until the rekey initiator deletes it (§2.8)
        install(IkeAction.InstallChild.of(old.name(), chosen.negotiated(), spiIn, spiOut, k, false, old.localTs(),
                old.remoteTs()), actions);
        return p;
    }

    private void informational(Pending kind, List<Payload> payloads, long now, List<IkeAction> actions) {
        long mid = nextRequestMid++;
        byte[] req = out.protect(header(ExchangeType.INFORMATIONAL, mid, false), List.of(), payloads);
        pending = kind;
        sendRequest(req, mid, now, actions);
    }

    private void install(IkeAction.InstallChild c, List<IkeAction> actions) {
        children.put(c.spiIn(), new ChildSa(c.child(), c.spiIn(), c.spiOut(), c.localTs(), c.remoteTs()));
        actions.add(c);
    }

    private void remove(ChildSa c, List<IkeAction> actions) {
        if (children.remove(c.spiIn()) == null) return;
        deletingByUs.remove(c.spiIn());
        actions.add(new IkeAction.RemoveChild(c.name(), c.spiIn(), c.spiOut()));
    }

    /** The IKE SA is gone: every child first (§1.4.1: deleting an IKE SA closes its children), then {@code last}. */
    private void teardown(List<IkeAction> actions, IkeAction last) {
        for (ChildSa c : List.copyOf(children.values())) remove(c, actions);
        state = State.CLOSED;
        pending = Pending.NONE;
        pendingRequest = null;
        rekey = null;
        collisionNi = null;
        collisionNr = null;
        dropOldSa();
        queue.clear();
        actions.add(new IkeAction.CancelTimer());
        actions.add(last);
        if (out != null) out.destroy();
        if (in != null) in.destroy();
    }

    /** Whether a rekeyed IKE SA still waits for its Delete exchange (§2.18), for status and tests. */
    boolean hasOldSa() {
        return oldSa != null;
    }

    /** The CHILD_SAs installed and not removed, for status and tests. */
    public int childCount() {
        return children.size();
    }

    // ---- shared ----

    private void datagram(IkeEvent.Datagram d, List<IkeAction> actions) {
        IkeMessage m;
        try {
            m = IkeMessageCodec.decode(d.bytes());
        } catch (IkeDecodeException e) {
            return; // §2.21: malformed unauthenticated messages are dropped (the daemon counts them)
        }
        IkeHeader h = m.header();
        if (state == State.ESTABLISHED || state == State.DELETING) {
            established(m, d, actions);
            return;
        }
        if (state == State.CLOSED || state == State.FAILED) return;
        boolean expectResponse = role == Role.INITIATOR;
        if (h.isResponse() != expectResponse) return;
        if (h.spiI() != spiI && !(role == Role.RESPONDER && state == State.IDLE)) return;
        if (!h.isResponse()) {
            // §2.1: a retransmitted request gets the cached response, byte for byte
            if (lastRequest != null && Arrays.equals(lastRequest, d.bytes())) {
                actions.add(new IkeAction.Send(local, remote, lastResponse));
                return;
            }
        } else if (h.messageId() != pendingMessageId) {
            return; // not the answer to our outstanding request
        }
        try {
            switch (state) {
                case IDLE -> {
                    if (h.exchangeType() == ExchangeType.IKE_SA_INIT && h.messageId() == 0) initRequest(m, d.bytes(), actions);
                }
                case INIT_SENT -> {
                    if (h.exchangeType() != ExchangeType.IKE_SA_INIT) return;
                    if (m.notify(NotifyType.INVALID_KE_PAYLOAD).isEmpty()) realMessage2 = d.bytes();
                    completeRequest(actions);
                    initResponse(m, actions, d.now());
                }
                case INIT_ANSWERED -> {
                    if (h.exchangeType() != ExchangeType.IKE_AUTH || h.messageId() != 1 || h.spiR() != spiR) return;
                    authRequest(in.unprotect(d.bytes()), d.bytes(), actions);
                    if (state == State.ESTABLISHED) {
                        lastInbound = d.now();
                        idle(d.now(), actions);
                    }
                }
                case AUTH_SENT -> {
                    if (h.exchangeType() != ExchangeType.IKE_AUTH || h.spiR() != spiR) return;
                    IkeMessage clear = in.unprotect(d.bytes());
                    completeRequest(actions);
                    authResponse(clear, actions);
                    if (state == State.ESTABLISHED) {
                        lastInbound = d.now();
                        idle(d.now(), actions);
                    }
                }
                default -> { }
            }
        } catch (IcvMismatchException | IkeDecodeException e) {
            // §2.21.2: a protected message that does not verify or decode is dropped; the requester retransmits
        }
    }

    private void timer(long now, List<IkeAction> actions) {
        if (state == State.CLOSED || state == State.FAILED) return;
        if (pendingRequest == null) {
            if (state == State.ESTABLISHED) idle(now, actions);
            return;
        }
        if (retransmits >= config.retransmitTries()) {
            String exchange = switch (pending) {
                case INIT -> "IKE_SA_INIT";
                case AUTH -> "IKE_AUTH";
                case LIVENESS -> "INFORMATIONAL (liveness check)";
                case DELETE_CHILD, DELETE_IKE -> "INFORMATIONAL (delete)";
                case REKEY_CHILD -> "CREATE_CHILD_SA (child rekey)";
                case REKEY_IKE -> "CREATE_CHILD_SA (IKE rekey)";
                case DELETE_OLD_IKE -> "INFORMATIONAL (delete of the rekeyed IKE SA)";
                case NONE -> "a request";
            };
            String what = "giving up after " + retransmits + " retransmits of " + exchange + " request "
                    + pendingMessageId + " to " + remote;
            switch (pending) {
                case INIT, AUTH -> fail(actions, what);
                // §1.4.1: a Delete that is never answered closes the SA anyway
                case DELETE_IKE -> teardown(actions, new IkeAction.Closed("deleted; " + what));
                case DELETE_OLD_IKE -> {
                    // §1.4.1: an unanswered Delete closes the SA anyway; the new IKE SA is unaffected
                    dropOldSa();
                    completeRequest(actions);
                    idle(now, actions);
                }
                // §2.4: a peer that does not answer is dead; strongSwan's dpd_action applies
                default -> teardown(actions, new IkeAction.DeadPeer(what, config.dpdAction()));
            }
            return;
        }
        retransmits++;
        actions.add(new IkeAction.Send(local, remote, pendingRequest));
        actions.add(new IkeAction.ArmTimer(now + timeout(retransmits)));
    }

    /** strongSwan: timeout × base^n (strongswan.conf(5) "IKEv2 RETRANSMISSION"). */
    private long timeout(int n) {
        return (long) (config.retransmitTimeout().toMillis() * Math.pow(config.retransmitBase(), n));
    }

    private void sendRequest(byte[] m, long messageId, long now, List<IkeAction> actions) {
        if (state == State.INIT_SENT) pending = Pending.INIT;
        else if (state == State.AUTH_SENT) pending = Pending.AUTH;
        pendingRequest = m;
        pendingMessageId = messageId;
        retransmits = 0;
        actions.add(new IkeAction.Send(local, remote, m));
        actions.add(new IkeAction.ArmTimer(now + timeout(0)));
    }

    private void completeRequest(List<IkeAction> actions) {
        pending = Pending.NONE;
        pendingRequest = null;
        pendingMessageId = -1;
        actions.add(new IkeAction.CancelTimer());
    }

    private void respond(byte[] request, byte[] response, List<IkeAction> actions) {
        lastRequest = request;
        lastResponse = response;
        actions.add(new IkeAction.Send(local, remote, response));
    }

    private void respondUnprotected(IkeMessage request, List<Payload> payloads, List<IkeAction> actions) {
        IkeHeader h = new IkeHeader(request.header().spiI(), 0, 0, request.header().exchangeType(),
                IkeHeader.FLAG_RESPONSE, request.header().messageId());
        actions.add(new IkeAction.Send(local, remote, IkeMessageCodec.encode(new IkeMessage(h, payloads))));
    }

    private boolean deriveKeys(Negotiated n, KePayload peer, List<IkeAction> actions) {
        byte[] gir;
        try {
            gir = ke.sharedSecret(peer.data());
        } catch (IkeDecodeException e) {
            fail(actions, "peer's KE: " + e.getMessage());
            return false;
        }
        ike = n;
        byte[] skeyseed = KeySchedule.skeyseed(n.prf(), ni, nr, gir);
        keys = KeySchedule.ikeSaKeys(n.prf(), skeyseed, ni, nr, spiI, spiR,
                n.integrity() == null ? 0 : n.integrity().keyBytes(), n.encryption().keyBytes());
        Arrays.fill(skeyseed, (byte) 0);
        Arrays.fill(gir, (byte) 0);
        SkCipher fromI = SkCipher.create(n.encryption(), keys.skEi(), n.integrity(), keys.skAi(), random);
        SkCipher fromR = SkCipher.create(n.encryption(), keys.skEr(), n.integrity(), keys.skAr(), random);
        out = role == Role.INITIATOR ? fromI : fromR;
        in = role == Role.INITIATOR ? fromR : fromI;
        return true;
    }

    private ChildSaKeys childKeys(Negotiated esp) {
        // §2.17: the first CHILD_SA is keyed from the IKE_SA_INIT nonces, no PFS
        return KeySchedule.childSaKeys(ike.prf(), keys.skD(), null, ni, nr, esp.encryption().keyBytes(),
                esp.integrity() == null ? 0 : esp.integrity().keyBytes());
    }

    private List<Proposal> espProposals(int spi) {
        byte[] s = ByteBuffer.allocate(4).putInt(spi).array();
        List<ProposalSpec> specs = espWithoutDh();
        List<Proposal> p = new ArrayList<>();
        for (int n = 0; n < specs.size(); n++) p.add(specs.get(n).toPayload(n + 1, s));
        return p;
    }

    /** No KE in IKE_AUTH, so no DH transforms there, offered or selected (strongSwan strips them the same way). */
    private List<ProposalSpec> espWithoutDh() {
        return config.espProposals().stream().map(spec -> new ProposalSpec(spec.protocol(), spec.encryption(),
                spec.integrity(), spec.prfs(), List.of(), spec.esn())).toList();
    }

    private static List<TrafficSelector> selectors(List<TrafficSelectorSpec> specs, IkeEndpoint endpoint) {
        return specs.stream().map(s -> s.toSelector(endpoint.address())).toList();
    }

    private List<Payload> natNotifies(long i, long r) {
        return List.of(NotifyPayload.of(NotifyType.NAT_DETECTION_SOURCE_IP, NatDetection.hash(i, r, local.address(),
                        local.port())),
                NotifyPayload.of(NotifyType.NAT_DETECTION_DESTINATION_IP, NatDetection.hash(i, r, remote.address(),
                        remote.port())));
    }

    private void detectNat(IkeMessage m, long i, long r) {
        List<byte[]> src = m.all(NotifyPayload.class).stream()
                .filter(n -> n.notifyType() == NotifyType.NAT_DETECTION_SOURCE_IP).map(NotifyPayload::data).toList();
        List<byte[]> dst = m.all(NotifyPayload.class).stream()
                .filter(n -> n.notifyType() == NotifyType.NAT_DETECTION_DESTINATION_IP).map(NotifyPayload::data).toList();
        if (src.isEmpty() || dst.isEmpty()) return; // §2.23: no NAT-D, no NAT detection
        remoteBehindNat = !NatDetection.matches(src, i, r, remote.address(), remote.port());
        localBehindNat = !NatDetection.matches(dst, i, r, local.address(), local.port());
    }

    private void established(List<IkeAction> actions) {
        state = State.ESTABLISHED;
        // §2.2: IKE_SA_INIT and IKE_AUTH used 0 and 1 of the original initiator's requests
        nextRequestMid = role == Role.INITIATOR ? 2 : 0;
        expectedRequestMid = role == Role.INITIATOR ? 0 : 2;
        actions.add(new IkeAction.Established(ike, localBehindNat, remoteBehindNat));
    }

    private void fail(List<IkeAction> actions, String reason) {
        state = State.FAILED;
        pending = Pending.NONE;
        pendingRequest = null;
        actions.add(new IkeAction.CancelTimer());
        actions.add(new IkeAction.Failed(reason));
    }

    private IkeHeader header(int exchange, long mid, boolean response) {
        int flags = (role == Role.INITIATOR ? IkeHeader.FLAG_INITIATOR : 0) | (response ? IkeHeader.FLAG_RESPONSE : 0);
        return new IkeHeader(spiI, spiR, 0, exchange, flags, mid);
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private long nonZeroSpi() {
        long v;
        do {
            v = random.nextLong();
        } while (v == 0);
        return v;
    }

    /** An inbound ESP SPI: from the daemon (PF_KEY GETSPI) when it gave a source, else random. */
    private int nonZeroInt() {
        if (inboundSpis != null) return inboundSpis.allocate(localBehindNat || remoteBehindNat);
        int v;
        do {
            v = random.nextInt();
        } while (Integer.compareUnsigned(v, 256) < 0); // SPIs 1..255 are reserved (RFC 4303 §2.1)
        return v;
    }

    @Override
    public String toString() {
        return "IkeSaEngine[" + role + " " + state + " " + Long.toHexString(spiI) + "_i " + Long.toHexString(spiR)
                + "_r]";
    }
}
