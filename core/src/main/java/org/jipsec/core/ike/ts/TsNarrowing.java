package org.jipsec.core.ike.ts;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jipsec.core.ike.codec.TrafficSelector;

/**
 * Traffic selector narrowing (RFC 7296 §2.9) as pure functions.
 *
 * <p>The responder intersects what the initiator proposed with its own configuration, side by side: TSi with
 * its {@code remote_ts}, TSr with its {@code local_ts}. Each configured selector (in configured order, as
 * strongSwan's {@code child_cfg_t.get_traffic_selectors} walks them) is intersected with each proposed one of
 * the same type: addresses and ports to the overlapping range, the protocol to the specific one if the other
 * is 0 ("any"). Empty intersections are dropped, duplicates kept once. If either side ends up empty the
 * answer is TS_UNACCEPTABLE (§2.9: "If the responder's policy does not allow it to accept any part of the
 * proposed Traffic Selectors, it responds with a TS_UNACCEPTABLE Notify message"), with the reason.
 *
 * <p>The initiator checks the response: §2.9 "the responder MUST NOT respond with ... selectors that are not a
 * subset of the proposed ones" — {@link #isSubset}.
 */
public final class TsNarrowing {
    private TsNarrowing() {}

    /** The outcome for the responder. */
    public sealed interface Result {
        record Narrowed(List<TrafficSelector> tsi, List<TrafficSelector> tsr) implements Result {
            public Narrowed {
                tsi = List.copyOf(tsi);
                tsr = List.copyOf(tsr);
            }
        }

        /** TS_UNACCEPTABLE (§3.10.1, type 38), with what did not overlap. */
        record Unacceptable(String reason) implements Result {}
    }

    public static Result respond(
            List<TrafficSelector> tsi,
            List<TrafficSelector> tsr,
            List<TrafficSelector> localConfigured,
            List<TrafficSelector> remoteConfigured) {
        List<TrafficSelector> i = narrow(tsi, remoteConfigured);
        if (i.isEmpty()) {
            return new Result.Unacceptable("TSi " + tsi + " does not overlap remote_ts " + remoteConfigured);
        }
        List<TrafficSelector> r = narrow(tsr, localConfigured);
        if (r.isEmpty()) {
            return new Result.Unacceptable("TSr " + tsr + " does not overlap local_ts " + localConfigured);
        }
        return new Result.Narrowed(i, r);
    }

    /** The intersections of every configured selector with every proposed one, in configured order. */
    public static List<TrafficSelector> narrow(List<TrafficSelector> proposed, List<TrafficSelector> configured) {
        List<TrafficSelector> out = new ArrayList<>();
        for (TrafficSelector c : configured) {
            for (TrafficSelector p : proposed) {
                TrafficSelector x = intersect(c, p);
                if (x != null && !out.contains(x)) out.add(x);
            }
        }
        return out;
    }

    /** The intersection of two selectors, or null if they share nothing (or are of different address families). */
    public static TrafficSelector intersect(TrafficSelector a, TrafficSelector b) {
        if (a.tsType() != b.tsType()) return null;
        int protocol;
        if (a.ipProtocol() == 0) {
            protocol = b.ipProtocol();
        } else if (b.ipProtocol() == 0 || b.ipProtocol() == a.ipProtocol()) {
            protocol = a.ipProtocol();
        } else {
            return null;
        }
        int startPort = Math.max(a.startPort(), b.startPort());
        int endPort = Math.min(a.endPort(), b.endPort());
        if (startPort > endPort) return null; // includes OPAQUE (start > end) selectors: nothing to share
        byte[] start = max(a.startAddress(), b.startAddress());
        byte[] end = min(a.endAddress(), b.endAddress());
        if (compare(start, end) > 0) return null;
        return new TrafficSelector(a.tsType(), protocol, startPort, endPort, start.clone(), end.clone());
    }

    /** True if every selector of {@code response} lies inside some selector of {@code proposed}. */
    public static boolean isSubset(List<TrafficSelector> response, List<TrafficSelector> proposed) {
        for (TrafficSelector r : response) {
            boolean inside = false;
            for (TrafficSelector p : proposed) inside |= r.equals(intersect(r, p));
            if (!inside) return false;
        }
        return true;
    }

    static int compare(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    private static byte[] max(byte[] a, byte[] b) {
        return compare(a, b) >= 0 ? a : b;
    }

    private static byte[] min(byte[] a, byte[] b) {
        return compare(a, b) <= 0 ? a : b;
    }
}
