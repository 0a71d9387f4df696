package org.jipsec.io.ike;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.jipsec.core.ike.admission.InitAdmission;
import org.jipsec.core.ike.codec.IkeDecodeException;
import org.jipsec.core.ike.codec.IkeMessage;
import org.jipsec.core.ike.codec.IkeMessageCodec;
import org.jipsec.core.ike.engine.IkeEndpoint;

/**
 * The daemon's door for new IKE_SA_INIT requests (RFC 7296 §2.6): counts the half-open IKE SAs of {@link IkeRuntime},
 * asks core's {@link InitAdmission}, sends the stateless COOKIE answer, and logs refusals rate-limited. Runs on the
 * daemon's one thread.
 */
final class InitGate {

    private final IkeRuntime rt;
    /** The last log line per refusal reason, and how many were not logged since (about one line a second each). */
    private final Map<String, long[]> refusalLog = new HashMap<>();

    long droppedMalformedInit;

    InitGate(IkeRuntime rt) {
        this.rt = rt;
    }

    /**
     * RFC 7296 §2.6: whether a new IKE_SA_INIT request may create a half-open IKE SA. Under load it is answered with
     * a COOKIE and nothing is kept; over the half-open bounds it is dropped. Refusals are counted and logged at most
     * about once a second per reason.
     */
    boolean admit(IkeEndpoint from, IkeEndpoint to, byte[] bytes, long spiI, long now) {
        IkeMessage m;
        try {
            m = IkeMessageCodec.decode(bytes);
        } catch (IkeDecodeException e) {
            droppedMalformedInit++;
            refused(now, "malformed IKE_SA_INIT", from);
            return false;
        }
        int total = 0, fromIp = 0;
        for (IkeSaSlot x : rt.sas.values()) {
            if (x.halfOpenUntil == Long.MAX_VALUE) continue;
            total++;
            if (x.remote.address().equals(from.address())) fromIp++;
        }
        switch (rt.admission().decide(now, m, from.address().getAddress(), total, fromIp)) {
            case InitAdmission.Decision.Accept a -> {
                return true;
            }
            case InitAdmission.Decision.DemandCookie d -> {
                try {
                    rt.network.send(to, from, d.response(spiI));
                } catch (IOException e) {
                    rt.log.line("COOKIE to " + from + " not sent: " + e.getMessage());
                }
                refused(
                        now,
                        d.presentedInvalid()
                                ? "invalid COOKIE, new one demanded"
                                : "COOKIE demanded (" + total + " half-open IKE SAs, " + fromIp + " from this address)",
                        from);
                return false;
            }
            case InitAdmission.Decision.Drop d -> {
                rt.countHalfOpenDrop();
                refused(now, "IKE_SA_INIT dropped: " + d.reason(), from);
                return false;
            }
        }
    }

    private void refused(long now, String reason, IkeEndpoint from) {
        String key = reason.replaceAll("\\(.*", "");
        long[] l = refusalLog.computeIfAbsent(key, k -> new long[] {Long.MIN_VALUE, 0});
        if (l[0] != Long.MIN_VALUE && now - l[0] < 1000) {
            l[1]++;
            return;
        }
        rt.log.line(reason + ", from " + from + (l[1] > 0 ? " (and " + l[1] + " more not logged)" : ""));
        l[0] = now;
        l[1] = 0;
    }
}
