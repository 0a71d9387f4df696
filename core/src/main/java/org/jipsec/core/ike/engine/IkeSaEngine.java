package org.jipsec.core.ike.engine;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jipsec.core.crypto.IcvMismatchException;
import org.jipsec.core.ike.codec.ExchangeType;
import org.jipsec.core.ike.codec.IkeDecodeException;
import org.jipsec.core.ike.codec.IkeHeader;
import org.jipsec.core.ike.codec.IkeMessage;
import org.jipsec.core.ike.codec.IkeMessageCodec;
import org.jipsec.core.ike.codec.Payload;
import org.jipsec.core.ike.codec.Proposal;
import org.jipsec.core.ike.codec.SaPayload;
import org.jipsec.core.ike.codec.TrafficSelector;
import org.jipsec.core.ike.config.IkeConfig;
import org.jipsec.core.ike.config.IkeIdentity;
import org.jipsec.core.ike.crypto.IkeSaKeys;
import org.jipsec.core.ike.crypto.KeyExchange;
import org.jipsec.core.ike.crypto.SkCipher;
import org.jipsec.core.ike.proposal.Negotiated;

/**
 * One IKE SA's protocol engine (RFC 7296). Driven only by {@link IkeEvent}s, it returns {@link IkeAction}s; clock
 * and randomness are injected, nothing here does I/O. This class keeps the SA's state, the window-1 request and
 * response machinery and the queue of local requests; the exchanges are its package-private collaborators:
 * {@link Handshake} (IKE_SA_INIT, IKE_AUTH, NAT-T), {@link ChildExchanges} (CREATE_CHILD_SA for children),
 * {@link IkeRekey} (IKE SA rekey and its collisions), {@link Informational} (deletes, liveness).
 *
 * <p>What it does: IKE_SA_INIT and IKE_AUTH with a pre-shared key or certificates (§2.15, RFC 7427;
 * {@link Authentication}) and the first CHILD_SA as initiator or
 * responder (§1.2); proposal selection with reasons (§2.7), INVALID_KE_PAYLOAD and the retry (§1.2, §1.3); NAT
 * detection (§2.23) with the initiator floating to port 4500 after IKE_SA_INIT (also without NAT with
 * {@code encap=yes}, which fakes our NAT_DETECTION_SOURCE_IP as strongSwan does), responses sent where the request
 * came from (§2.11), the peer's address updated when an authenticated message shows a changed NAT mapping (§2.23;
 * not when we are behind the NAT), and {@link IkeAction.Endpoints} telling the daemon the endpoints, ESP-in-UDP and
 * keepalives; ESP selection and TS narrowing (§2.9; a refused child leaves the IKE SA up, §1.2); window-1
 * retransmission by the requester with strongSwan's backoff (§2.1), message IDs per direction (§2.2), queued local
 * requests (§2.3), the cached response for a retransmitted request (§2.1); deleting a child or the IKE SA from either
 * side and crossing deletes (§1.4.1); the liveness check after {@code dpd_delay} and the dead peer with
 * {@code dpd_action} (§2.4); additional CHILD_SAs by name with CREATE_CHILD_SA in both directions (§1.3.1); child
 * rekey with or without PFS (§2.17) and simultaneous child rekeys (§2.8.1); IKE SA rekey from either side (§1.3.2,
 * §2.18) and simultaneous IKE SA rekeys resolved by the nonce rule (§2.8.1), including the collision only one side
 * saw; TEMPORARY_FAILURE (§2.25) for a child exchange during our IKE rekey and for an IKE rekey while a child
 * exchange or a delete is outstanding, as strongSwan 5.9.8 does, and our refused requests retried after
 * strongSwan's 10-30 s. Inbound ESP SPIs come from the daemon's
 * {@link InboundSpis} (PF_KEY GETSPI), or from the injected random source without one.
 *
 * <p>IKE fragmentation (RFC 7383): {@link MessageFraming}. Not yet: multiple auth rounds, MOBIKE,
 * the packet's selectors of an ACQUIRE as the first TS (§2.9: NetBSD's SADB_ACQUIRE carries the SA's endpoints, not the
 * packet's), an IKE rekey accepted while a child delete of ours is outstanding (strongSwan accepts it; refused with
 * TEMPORARY_FAILURE here, the peer retries). Not
 * thread-safe: the daemon feeds one SA's events in order.
 */
public final class IkeSaEngine {

    public enum Role {
        INITIATOR,
        RESPONDER
    }

    public enum State {
        IDLE,
        INIT_SENT,
        AUTH_SENT,
        INIT_ANSWERED,
        ESTABLISHED,
        DELETING,
        CLOSED,
        FAILED
    }

    /** What the outstanding request is, to know what its response (or its loss, §2.4) means. */
    enum Pending {
        NONE("a request"),
        INIT("IKE_SA_INIT"),
        AUTH("IKE_AUTH"),
        LIVENESS("INFORMATIONAL (liveness check)"),
        DELETE_CHILD("INFORMATIONAL (delete)"),
        DELETE_IKE("INFORMATIONAL (delete)"),
        REKEY_CHILD("CREATE_CHILD_SA (child rekey)"),
        CREATE_CHILD("CREATE_CHILD_SA (new child)"),
        REKEY_IKE("CREATE_CHILD_SA (IKE rekey)"),
        DELETE_OLD_IKE("INFORMATIONAL (delete of a rekeyed IKE SA)");

        final String exchange;

        Pending(String exchange) {
            this.exchange = exchange;
        }
    }

    /** A request waiting for the window (§2.3: window 1, one outstanding request). */
    sealed interface Queued {
        record DeleteChild(int spiIn) implements Queued {}

        record DeleteIke() implements Queued {}

        record RekeyChild(int spiIn) implements Queued {}

        record RekeyIke() implements Queued {}

        record CreateChild(String name) implements Queued {}
    }

    /** A request refused with TEMPORARY_FAILURE, queued again at {@code at} (§2.25). */
    private record Deferred(long at, Queued request) {}

    static final int NONCE_BYTES = 32; // strongSwan's NONCE_SIZE (ikev2-notes.md §1.1)
    /** Cookies a responder may demand before the initiator gives up (RFC 7296 §2.6; strongSwan: MAX_COOKIE_RETRIES 3). */
    static final int MAX_COOKIE_RETRIES = 3;

    static final int NAT_T_PORT = 4500; // RFC 7296 §2.23, RFC 3948
    /** strongSwan's ike_sa.h RETRY_INTERVAL and RETRY_JITTER: a refused rekey is retried after 10-30 s. */
    private static final long RETRY_INTERVAL_MS = 30_000;

    private static final long RETRY_JITTER_MS = 20_000;

    Role role; // of the current IKE SA: the rekey initiator is the new SA's initiator (§2.18)
    final IkeSaConfig config;
    final SecureRandom random;
    private final SpiDraws draws;
    final IkeIdentity localId;
    IkeEndpoint local;
    IkeEndpoint remote;
    State state = State.IDLE;

    long spiI;
    long spiR;
    KeyExchange ke;
    byte[] ni;
    byte[] nr;
    Negotiated ike;
    IkeSaKeys keys;
    SkCipher out;
    SkCipher in;
    byte[] realMessage1;
    /** The responder's COOKIE (RFC 7296 §2.6) our IKE_SA_INIT retries carry first, and how often we were asked. */
    byte[] cookie;

    int cookieRetries;
    byte[] realMessage2;
    int espSpiIn;
    List<TrafficSelector> proposedTsi;
    List<TrafficSelector> proposedTsr;
    boolean natDetectionSeen;
    boolean localBehindNat;
    boolean remoteBehindNat;

    // window 1 (§2.3): the outstanding request (initiator) or the last response (responder)
    byte[] pendingRequest;
    long pendingMessageId = -1;
    private int retransmits;
    byte[] lastRequest;
    byte[] lastResponse;
    /** What went on the wire for {@link #pendingRequest} and {@link #lastResponse}: it, or its fragments. */
    List<byte[]> pendingWire = List.of();

    List<byte[]> lastResponseWire = List.of();
    /** The datagram of the last message {@link #unprotect} returned (fragment 1 of a fragmented one). */
    byte[] lastWire;

    final MessageFraming framing = new MessageFraming();
    Pending pending = Pending.NONE;
    /** The retired IKE SA the outstanding request travels on (its Delete), or null for the current SA. */
    OldIkeSa pendingSa;

    private int pendingDeleteSpi;
    ChildRekey rekey;
    CreateChild create;
    // §2.8.1: the nonces of the peer's rekey of the same child, answered while ours was outstanding
    byte[] collisionNi;
    byte[] collisionNr;
    /** Where the datagram being handled came from and went to: responses go back there (§2.11). */
    private IkeEndpoint replyFrom;

    private IkeEndpoint replyTo;

    // after IKE_AUTH (§2.2): our next request's message ID, and the ID we expect in the peer's next request
    long nextRequestMid;
    long expectedRequestMid;
    long lastInbound;
    final Map<Integer, ChildSa> children = new LinkedHashMap<>();
    final Set<Integer> deletingByUs = new HashSet<>();
    final Deque<Queued> queue = new ArrayDeque<>();
    private final List<Deferred> deferred = new ArrayList<>();

    final Authentication authentication;
    private final Handshake handshake = new Handshake(this);
    private final ChildExchanges childExchanges = new ChildExchanges(this);
    private final IkeRekey ikeRekey = new IkeRekey(this);

    public IkeSaEngine(Role role, IkeSaConfig config, SecureRandom random, IkeEndpoint local, IkeEndpoint remote) {
        this(role, config, random, local, remote, null);
    }

    /** With the daemon's source of inbound ESP SPIs (PF_KEY GETSPI); null = drawn from {@code random}. */
    public IkeSaEngine(
            Role role,
            IkeSaConfig config,
            SecureRandom random,
            IkeEndpoint local,
            IkeEndpoint remote,
            InboundSpis inboundSpis) {
        this.draws = new SpiDraws(random, inboundSpis);
        this.role = role;
        this.config = config;
        this.random = random;
        this.local = local;
        this.remote = remote;
        // swanctl.conf(5) local.id: the IP address of the local endpoint, or the certificate's subject (pubkey)
        this.localId = Authentication.defaultLocalId(config, local);
        this.authentication = new Authentication(this);
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

    /** The endpoints in use: after floating to 4500 or a NAT mapping change they differ from the constructor's. */
    public IkeEndpoint local() {
        return local;
    }

    public IkeEndpoint remote() {
        return remote;
    }

    /**
     * Whether a datagram with these SPIs is for this engine: the current SA, or one that still finishes its Delete
     * after a rekey (§2.18) or a rekey collision (§2.8.1).
     */
    public boolean owns(long spiI, long spiR) {
        return (spiI == this.spiI && spiR == this.spiR) || ikeRekey.owns(spiI, spiR);
    }

    public List<IkeAction> handle(IkeEvent event) {
        List<IkeAction> actions = new ArrayList<>();
        switch (event) {
            case IkeEvent.Initiate i -> {
                if (role == Role.INITIATOR && state == State.IDLE) handshake.initiate(i.now(), actions);
            }
            case IkeEvent.Timer t -> timer(t.now(), actions);
            case IkeEvent.Datagram d -> datagram(d, actions);
            case IkeEvent.DeleteChild dc -> enqueue(new Queued.DeleteChild(dc.spiIn()), dc.now(), actions);
            case IkeEvent.DeleteIke di -> deleteIke(di.now(), actions);
            case IkeEvent.RekeyChild rc -> enqueue(new Queued.RekeyChild(rc.spiIn()), rc.now(), actions);
            case IkeEvent.RekeyIke ri -> enqueue(new Queued.RekeyIke(), ri.now(), actions);
            case IkeEvent.CreateChild cc -> {
                if (config.child(cc.child()) != null) enqueue(new Queued.CreateChild(cc.child()), cc.now(), actions);
            }
            case IkeEvent.InboundTraffic t -> lastInbound = Math.max(lastInbound, t.now());
        }
        return actions;
    }

    // ---- datagrams ----

    private void datagram(IkeEvent.Datagram d, List<IkeAction> actions) {
        IkeMessage m;
        try {
            m = IkeMessageCodec.decode(d.bytes());
        } catch (IkeDecodeException e) {
            return; // §2.21: malformed unauthenticated messages are dropped (the daemon counts them)
        }
        replyFrom = d.to();
        replyTo = d.from();
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
                for (byte[] r : lastResponseWire) actions.add(new IkeAction.Send(d.to(), d.from(), r));
                return;
            }
        } else if (h.messageId() != pendingMessageId) {
            return; // not the answer to our outstanding request
        }
        handshake.datagram(m, d, actions);
    }

    /** After IKE_AUTH: messages of the current SA, or of a retired one (§2.18, §2.8.1). */
    private void established(IkeMessage m, IkeEvent.Datagram d, List<IkeAction> actions) {
        IkeHeader h = m.header();
        if (h.spiI() != spiI || h.spiR() != spiR) {
            ikeRekey.retiredMessage(m, d, actions);
            return;
        }
        long mid = h.messageId();
        if (!h.isResponse()) {
            // §2.1/§2.2: the previous request again gets the cached response; anything but the next ID is dropped
            // RFC 7383 §2.6.1: of a fragmented request, only fragment 1 (kept as lastRequest) triggers the resend
            if (lastRequest != null && mid == expectedRequestMid - 1 && Arrays.equals(lastRequest, d.bytes())) {
                for (byte[] r : lastResponseWire) actions.add(new IkeAction.Send(d.to(), d.from(), r));
                return;
            }
            if (mid != expectedRequestMid) return;
        } else if (mid != pendingMessageId || pendingRequest == null || pendingSa != null) {
            return;
        }
        IkeMessage clear;
        try {
            clear = unprotect(d);
        } catch (IcvMismatchException | IkeDecodeException e) {
            return; // §2.21.2: dropped; the requester retransmits
        }
        if (clear == null) return; // RFC 7383: more fragments to come
        lastInbound = d.now();
        handshake.natMappingChanged(d, actions);
        if (h.isResponse()) {
            response(clear, d.now(), actions);
        } else {
            expectedRequestMid++;
            request(clear, lastWire, d.now(), actions);
        }
    }

    private void request(IkeMessage m, byte[] bytes, long now, List<IkeAction> actions) {
        int exchange = m.header().exchangeType();
        long mid = m.header().messageId();
        if (exchange == ExchangeType.INFORMATIONAL) {
            Informational.Answer a = Informational.answer(m, children, deletingByUs);
            respond(
                    bytes,
                    out.protect(header(ExchangeType.INFORMATIONAL, mid, true), List.of(), a.response()),
                    actions);
            if (a.ikeDeleted() && ikeRekey.peerDeletedCurrent(now, actions)) return;
            for (ChildSa c : a.removed()) remove(c, actions);
            if (a.ikeDeleted()) teardown(actions, new IkeAction.Closed("deleted by " + remote));
            return;
        }
        if (exchange == ExchangeType.CREATE_CHILD_SA) {
            boolean ikeRekeyRequest = m.first(SaPayload.class)
                    .map(sa -> sa.proposals().stream().anyMatch(p -> p.protocolId() == Proposal.PROTOCOL_IKE))
                    .orElse(false);
            if (ikeRekeyRequest) {
                // §2.4: a protected request from the peer is proof of liveness, so an outstanding liveness check of
                // ours is done and does not block the peer's IKE rekey (as strongSwan accepts it); our own window
                // (§2.3) is independent of the peer's requests
                if (pending == Pending.LIVENESS) completeRequest(actions);
                ikeRekey.request(m, bytes, actions);
                if (pendingRequest == null) idle(now, actions);
                return;
            }
            List<IkeAction> installs = new ArrayList<>();
            List<Payload> answer = childExchanges.request(m, installs);
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
            case REKEY_CHILD -> childExchanges.rekeyResponse(m, now, actions);
            case CREATE_CHILD -> childExchanges.createResponse(m, now, actions);
            case REKEY_IKE -> ikeRekey.response(m, now, actions);
            default -> {}
        }
        if (pendingRequest == null) idle(now, actions); // else retried, or a retired SA's Delete is outstanding
    }

    // ---- local requests (window 1, §2.3) ----

    private void enqueue(Queued q, long now, List<IkeAction> actions) {
        if (state != State.ESTABLISHED) return;
        if (q instanceof Queued.DeleteChild dc && !children.containsKey(dc.spiIn())) return;
        if (q instanceof Queued.RekeyChild rc && !children.containsKey(rc.spiIn())) return;
        queue.add(q);
        if (pendingRequest == null) idle(now, actions);
    }

    /** A request the peer answered with TEMPORARY_FAILURE is queued again after strongSwan's delay (§2.25). */
    void defer(Queued q, long now) {
        deferred.add(new Deferred(now + RETRY_INTERVAL_MS - Math.floorMod(random.nextLong(), RETRY_JITTER_MS), q));
    }

    private void deleteIke(long now, List<IkeAction> actions) {
        switch (state) {
            case ESTABLISHED -> {
                queue.clear();
                deferred.clear();
                queue.addFirst(new Queued.DeleteIke());
                if (pendingRequest == null) idle(now, actions);
                // else: sent when the outstanding request completes (window 1, §2.3)
            }
            case DELETING, CLOSED, FAILED -> {}
            default -> {
                // not established: nothing to tell the peer (§1.4.1 needs the keys), just forget it
                pendingRequest = null;
                teardown(actions, new IkeAction.Closed("deleted before it was established"));
            }
        }
    }

    /** Nothing outstanding: start the next queued request, or wait for the liveness check (§2.4). */
    void idle(long now, List<IkeAction> actions) {
        if (state != State.ESTABLISHED || pendingRequest != null) return;
        deferred.removeIf(x -> {
            if (x.at() > now) return false;
            queue.add(x.request());
            return true;
        });
        Queued q = queue.poll();
        while ((q instanceof Queued.DeleteChild dc && !children.containsKey(dc.spiIn()))
                || (q instanceof Queued.RekeyChild rc && !children.containsKey(rc.spiIn()))) {
            q = queue.poll();
        }
        switch (q) {
            case Queued.RekeyIke r -> {
                ikeRekey.start(now, actions);
                return;
            }
            case Queued.RekeyChild rc -> {
                childExchanges.startRekey(children.get(rc.spiIn()), now, actions);
                return;
            }
            case Queued.CreateChild cc -> {
                childExchanges.startCreate(config.child(cc.name()), now, actions);
                return;
            }
            case Queued.DeleteIke di -> {
                state = State.DELETING;
                informational(Pending.DELETE_IKE, Informational.deleteIke(), now, actions);
                return;
            }
            case Queued.DeleteChild dc -> {
                deletingByUs.add(dc.spiIn());
                pendingDeleteSpi = dc.spiIn();
                informational(Pending.DELETE_CHILD, Informational.deleteChild(dc.spiIn()), now, actions);
                return;
            }
            case null -> {}
        }
        long wake = Long.MAX_VALUE;
        long delay = config.dpdDelay().toMillis();
        if (delay > 0) {
            if (now >= lastInbound + delay) {
                // §1.4/§2.4: an empty INFORMATIONAL request; strongSwan sends it after dpd_delay without inbound
                // traffic
                informational(Pending.LIVENESS, List.of(), now, actions);
                return;
            }
            wake = lastInbound + delay;
        }
        for (Deferred x : deferred) wake = Math.min(wake, x.at());
        if (wake != Long.MAX_VALUE) actions.add(new IkeAction.ArmTimer(wake));
    }

    private void informational(Pending kind, List<Payload> payloads, long now, List<IkeAction> actions) {
        long mid = nextRequestMid++;
        byte[] req = out.protect(header(ExchangeType.INFORMATIONAL, mid, false), List.of(), payloads);
        pending = kind;
        sendRequest(req, mid, now, actions);
    }

    void sendCreateChildSa(Pending kind, List<Payload> payloads, long now, List<IkeAction> actions) {
        long mid = nextRequestMid++;
        byte[] req = out.protect(header(ExchangeType.CREATE_CHILD_SA, mid, false), List.of(), payloads);
        pending = kind;
        sendRequest(req, mid, now, actions);
    }

    // ---- children ----

    void install(IkeAction.InstallChild c, List<IkeAction> actions) {
        children.put(c.spiIn(), new ChildSa(c.child(), c.spiIn(), c.spiOut(), c.localTs(), c.remoteTs()));
        actions.add(c);
    }

    void remove(ChildSa c, List<IkeAction> actions) {
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
        pendingSa = null;
        rekey = null;
        create = null;
        collisionNi = null;
        collisionNr = null;
        ikeRekey.clear();
        queue.clear();
        deferred.clear();
        actions.add(new IkeAction.CancelTimer());
        actions.add(last);
        if (out != null) out.destroy();
        if (in != null) in.destroy();
    }

    /** Whether a rekeyed IKE SA still waits for its Delete exchange (§2.18, §2.8.1), for status and tests. */
    boolean hasOldSa() {
        return ikeRekey.hasRetired();
    }

    /** The CHILD_SAs installed and not removed, for status and tests. */
    public int childCount() {
        return children.size();
    }

    // ---- timers and the window ----

    private void timer(long now, List<IkeAction> actions) {
        if (state == State.CLOSED || state == State.FAILED) return;
        if (pendingRequest == null) {
            if (state == State.ESTABLISHED) idle(now, actions);
            return;
        }
        if (retransmits >= config.retransmitTries()) {
            String what = "giving up after " + retransmits + " retransmits of " + pending.exchange + " request "
                    + pendingMessageId + " to " + remote;
            switch (pending) {
                case INIT, AUTH -> fail(actions, what);
                // §1.4.1: a Delete that is never answered closes the SA anyway
                case DELETE_IKE -> teardown(actions, new IkeAction.Closed("deleted; " + what));
                // §1.4.1: an unanswered Delete closes the SA anyway; the current IKE SA is unaffected
                case DELETE_OLD_IKE -> ikeRekey.deleteGivenUp(now, actions);
                // §2.4: a peer that does not answer is dead; strongSwan's dpd_action applies
                default -> teardown(actions, new IkeAction.DeadPeer(what, config.dpdAction()));
            }
            return;
        }
        retransmits++;
        for (byte[] w : pendingWire)
            actions.add(new IkeAction.Send(local, remote, w)); // all fragments (RFC 7383 §2.6.1)
        actions.add(new IkeAction.ArmTimer(now + timeout(retransmits)));
    }

    /** strongSwan: timeout × base^n (strongswan.conf(5) "IKEv2 RETRANSMISSION"). */
    private long timeout(int n) {
        return (long) (config.retransmitTimeout().toMillis() * Math.pow(config.retransmitBase(), n));
    }

    void sendRequest(byte[] m, long messageId, long now, List<IkeAction> actions) {
        if (state == State.INIT_SENT) pending = Pending.INIT;
        else if (state == State.AUTH_SENT) pending = Pending.AUTH;
        if (pending != Pending.DELETE_OLD_IKE) pendingSa = null;
        pendingRequest = m;
        pendingWire = wire(m);
        pendingMessageId = messageId;
        retransmits = 0;
        for (byte[] w : pendingWire) actions.add(new IkeAction.Send(local, remote, w));
        actions.add(new IkeAction.ArmTimer(now + timeout(0)));
    }

    void completeRequest(List<IkeAction> actions) {
        pending = Pending.NONE;
        pendingRequest = null;
        pendingSa = null;
        pendingMessageId = -1;
        actions.add(new IkeAction.CancelTimer());
    }

    /** §2.11: a response goes back to the address and port the request came from, from where it was sent to. */
    void respond(byte[] request, byte[] response, List<IkeAction> actions) {
        lastRequest = request;
        lastResponse = response;
        lastResponseWire = wire(response);
        for (byte[] w : lastResponseWire) actions.add(new IkeAction.Send(replyFrom, replyTo, w));
    }

    // ---- IKE fragmentation (RFC 7383): MessageFraming ----

    /** swanctl {@code fragmentation} and strongSwan's {@code charon.fragment_size} (whole IP datagram), for this SA. */
    public void fragmentation(IkeConfig.Fragmentation mode, int maxDatagram) {
        framing.configure(mode, maxDatagram);
    }

    List<byte[]> wire(byte[] m) {
        return framing.wire(m, out, remote);
    }

    IkeMessage unprotect(IkeEvent.Datagram d) throws IcvMismatchException, IkeDecodeException {
        IkeMessage m = framing.unprotect(d, in);
        lastWire = framing.lastWire();
        return m;
    }

    /** Fragments dropped by reassembly (bounds, superseded), for status and tests. */
    public long fragmentsDropped() {
        return framing.dropped();
    }

    void respondUnprotected(IkeMessage request, List<Payload> payloads, List<IkeAction> actions) {
        IkeHeader h = new IkeHeader(
                request.header().spiI(),
                0,
                0,
                request.header().exchangeType(),
                IkeHeader.FLAG_RESPONSE,
                request.header().messageId());
        actions.add(new IkeAction.Send(replyFrom, replyTo, IkeMessageCodec.encode(new IkeMessage(h, payloads))));
    }

    // ---- state changes ----

    void established(List<IkeAction> actions) {
        state = State.ESTABLISHED;
        // §2.2: IKE_SA_INIT and IKE_AUTH used 0 and 1 of the original initiator's requests
        nextRequestMid = role == Role.INITIATOR ? 2 : 0;
        expectedRequestMid = role == Role.INITIATOR ? 0 : 2;
        actions.add(handshake.endpoints());
        actions.add(new IkeAction.Established(ike, localBehindNat, remoteBehindNat));
    }

    void fail(List<IkeAction> actions, String reason) {
        state = State.FAILED;
        pending = Pending.NONE;
        pendingRequest = null;
        actions.add(new IkeAction.CancelTimer());
        actions.add(new IkeAction.Failed(reason));
    }

    IkeHeader header(int exchange, long mid, boolean response) {
        int flags = (role == Role.INITIATOR ? IkeHeader.FLAG_INITIATOR : 0) | (response ? IkeHeader.FLAG_RESPONSE : 0);
        return new IkeHeader(spiI, spiR, 0, exchange, flags, mid);
    }

    byte[] randomBytes(int n) {
        return draws.bytes(n);
    }

    long nonZeroSpi() {
        return draws.ikeSpi();
    }

    /** An inbound ESP SPI: from the daemon (PF_KEY GETSPI) when it gave a source, else random. */
    int nonZeroInt() {
        return draws.childSpi(handshake.natTraversal());
    }

    @Override
    public String toString() {
        return "IkeSaEngine[" + role + " " + state + " " + Long.toHexString(spiI) + "_i " + Long.toHexString(spiR)
                + "_r]";
    }
}
