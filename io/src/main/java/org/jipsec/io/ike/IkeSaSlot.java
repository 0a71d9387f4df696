package org.jipsec.io.ike;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jipsec.core.ike.codec.TrafficSelector;
import org.jipsec.core.ike.config.IkeConfig;
import org.jipsec.core.ike.engine.IkeEndpoint;
import org.jipsec.core.ike.engine.IkeSaEngine;
import org.jipsec.core.ike.proposal.Negotiated;

/**
 * What the daemon keeps beside one {@link IkeSaEngine}: its connection and child, the engine's timer, the daemon's
 * own rekey deadlines, the larval SAs GETSPI made for it and the CHILD_SAs it installed. Owned by the event loop.
 */
final class IkeSaSlot {

    /** A CHILD_SA in the kernel: both SPIs, the SPD entries it added (none when a trap policy covers it). */
    record Installed(
            String child,
            long uniqueId,
            int spiIn,
            int spiOut,
            Negotiated esp,
            boolean udpEncap,
            int natPeerPort,
            List<TrafficSelector> localTs,
            List<TrafficSelector> remoteTs,
            String policyKey,
            long installedAt,
            long rekeyAt) {
        Installed withRekeyAt(long at) {
            return new Installed(
                    child,
                    uniqueId,
                    spiIn,
                    spiOut,
                    esp,
                    udpEncap,
                    natPeerPort,
                    localTs,
                    remoteTs,
                    policyKey,
                    installedAt,
                    at);
        }
    }

    final long uniqueId;
    final IkeConfig.Connection connection;
    final IkeConfig.Child child;
    /** Our and the peer's endpoint, as the engine last said ({@code IkeAction.Endpoints}: ports after floating). */
    IkeEndpoint local;

    IkeEndpoint remote;
    /** CHILD_SAs are ESP-in-UDP between {@link #local} and {@link #remote} (RFC 7296 §2.23, RFC 3948). */
    boolean udpEncap;
    /** We are behind a NAT: a keepalive goes to the peer at {@link #keepaliveAt} (RFC 3948 §4), or Long.MAX_VALUE. */
    long keepaliveAt = Long.MAX_VALUE;
    /** Further children (start_action=start, ACQUIREs) to create with CREATE_CHILD_SA once the IKE SA is up. */
    final java.util.Set<String> childrenToCreate = new java.util.LinkedHashSet<>();

    IkeSaEngine engine;
    /** The engine's armed timer, or Long.MAX_VALUE. */
    long timerAt = Long.MAX_VALUE;

    long rekeyIkeAt = Long.MAX_VALUE;
    long establishedAt = -1;
    /** A responder not established by then is dropped (strongSwan's half_open_timeout), or Long.MAX_VALUE. */
    long halfOpenUntil = Long.MAX_VALUE;

    Negotiated ike;
    boolean localBehindNat;
    boolean remoteBehindNat;
    /** The ACQUIRE that started it, for the first GETSPI (racoon {@code pk_sendgetspi}); 0 when used or none. */
    int acquireSeq;
    /** The newest use time (kernel seconds) seen on an inbound SA, for the liveness check (RFC 7296 §2.4). */
    long lastUseTime;
    /** Failed initial sequences so far (keyingtries). */
    int tries;

    final Map<Integer, PfkeyKernel.Allocated> larval = new LinkedHashMap<>();
    final Map<Integer, Installed> children = new LinkedHashMap<>();

    IkeSaSlot(
            long uniqueId,
            IkeConfig.Connection connection,
            IkeConfig.Child child,
            IkeEndpoint local,
            IkeEndpoint remote) {
        this.uniqueId = uniqueId;
        this.connection = connection;
        this.child = child;
        this.local = local;
        this.remote = remote;
    }

    boolean nat() {
        return udpEncap || localBehindNat || remoteBehindNat;
    }

    /** The configured child {@code name} of this connection (the IKE_AUTH one when unknown). */
    IkeConfig.Child child(String name) {
        for (IkeConfig.Child c : connection.children()) if (c.name().equals(name)) return c;
        return child;
    }

    String name() {
        return connection.name() + "[" + uniqueId + "]";
    }
}
