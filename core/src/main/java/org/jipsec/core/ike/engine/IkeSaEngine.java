package org.jipsec.core.ike.engine;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * One IKE SA's protocol engine for the initial exchanges (RFC 7296 §1.2): IKE_SA_INIT and IKE_AUTH with a
 * pre-shared key (§2.15) and the first CHILD_SA, as initiator or responder. Driven only by {@link IkeEvent}s,
 * it returns {@link IkeAction}s; clock and randomness are injected, nothing here does I/O.
 *
 * <p>What it does: proposal selection with reasons (§2.7), INVALID_KE_PAYLOAD and the retry with the requested
 * group (§1.2), NAT detection (§2.23), the key schedule, PSK AUTH in both directions, ESP selection and TS
 * narrowing for the child (§2.9; a refused child leaves the IKE SA up, §1.2), window-1 retransmission by the
 * requester with strongSwan's backoff (§2.1) and the cached response for a retransmitted request (§2.1).
 * Inbound ESP SPIs come from the injected random source here; the daemon will take them from PF_KEY GETSPI.
 *
 * <p>Not yet (issue #14, next step): CREATE_CHILD_SA (rekeys), INFORMATIONAL (delete, DPD), cookies,
 * multiple auth rounds, certificates; the engine answers other exchanges on an established SA with nothing.
 * Not thread-safe: the daemon feeds one SA's events in order.
 */
public final class IkeSaEngine {

    public enum Role { INITIATOR, RESPONDER }

    public enum State { IDLE, INIT_SENT, AUTH_SENT, INIT_ANSWERED, ESTABLISHED, FAILED }

    private static final int NONCE_BYTES = 32; // strongSwan's NONCE_SIZE (ikev2-notes.md §1.1)

    private final Role role;
    private final IkeSaConfig config;
    private final SecureRandom random;
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

    public IkeSaEngine(Role role, IkeSaConfig config, SecureRandom random, IkeEndpoint local, IkeEndpoint remote) {
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
        Selection s = ProposalSelector.select(sa.get().proposals(), config.espProposals(), SaProtocol.ESP, 4, true);
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
        actions.add(IkeAction.InstallChild.of(config.childName(), chosen.negotiated(), espSpiIn, spiOut, k, true,
                tsi.selectors(), tsr.selectors()));
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
        actions.add(childAction);
    }

    private IkeAction childForRequest(IkeMessage m, List<Payload> inner) {
        var sa = m.first(SaPayload.class);
        List<TsPayload> ts = m.all(TsPayload.class);
        TsPayload tsi = ts.stream().filter(TsPayload::initiator).findFirst().orElse(null);
        TsPayload tsr = ts.stream().filter(t -> !t.initiator()).findFirst().orElse(null);
        if (sa.isEmpty() || tsi == null || tsr == null) {
            return new IkeAction.ChildFailed(config.childName(), "IKE_AUTH request without SA/TSi/TSr (childless)");
        }
        Selection s = ProposalSelector.select(sa.get().proposals(), config.espProposals(), SaProtocol.ESP, 4, true);
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

    // ---- shared ----

    private void datagram(IkeEvent.Datagram d, List<IkeAction> actions) {
        IkeMessage m;
        try {
            m = IkeMessageCodec.decode(d.bytes());
        } catch (IkeDecodeException e) {
            return; // §2.21: malformed unauthenticated messages are dropped (the daemon counts them)
        }
        IkeHeader h = m.header();
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
                }
                case AUTH_SENT -> {
                    if (h.exchangeType() != ExchangeType.IKE_AUTH || h.spiR() != spiR) return;
                    IkeMessage clear = in.unprotect(d.bytes());
                    completeRequest(actions);
                    authResponse(clear, actions);
                }
                default -> { }
            }
        } catch (IcvMismatchException | IkeDecodeException e) {
            // §2.21.2: a protected message that does not verify or decode is dropped; the requester retransmits
        }
    }

    private void timer(long now, List<IkeAction> actions) {
        if (pendingRequest == null) return;
        if (retransmits >= config.retransmitTries()) {
            fail(actions, "giving up after " + retransmits + " retransmits of " + ExchangeType.name(
                    pendingMessageId == 0 ? ExchangeType.IKE_SA_INIT : ExchangeType.IKE_AUTH) + " to " + remote);
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
        pendingRequest = m;
        pendingMessageId = messageId;
        retransmits = 0;
        actions.add(new IkeAction.Send(local, remote, m));
        actions.add(new IkeAction.ArmTimer(now + timeout(0)));
    }

    private void completeRequest(List<IkeAction> actions) {
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
        List<Proposal> p = new ArrayList<>();
        for (int n = 0; n < config.espProposals().size(); n++) {
            ProposalSpec spec = config.espProposals().get(n);
            // no KE in IKE_AUTH, so no DH transforms there (strongSwan strips them the same way)
            ProposalSpec noDh = new ProposalSpec(spec.protocol(), spec.encryption(), spec.integrity(), spec.prfs(),
                    List.of(), spec.esn());
            p.add(noDh.toPayload(n + 1, s));
        }
        return p;
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
        actions.add(new IkeAction.Established(ike, localBehindNat, remoteBehindNat));
    }

    private void fail(List<IkeAction> actions, String reason) {
        state = State.FAILED;
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

    private int nonZeroInt() {
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
