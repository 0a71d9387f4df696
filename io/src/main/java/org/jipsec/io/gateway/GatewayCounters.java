package org.jipsec.io.gateway;

/**
 * The data plane's own counters (the engine keeps the IPsec ones). Written by the data-plane thread only; read
 * by the status report (a racy but harmless read of longs).
 */
final class GatewayCounters {
    volatile long tunIn;
    volatile long tunIgnored;
    volatile long tunOut;
    volatile long wireIn;
    volatile long wireOut;
    volatile long clearOut;
    volatile long outDrops;
    volatile long inDrops;
    volatile long queued;
    volatile long keepalivesIn;
    volatile long ikeIn;
    volatile long tunWriteErrors;
    volatile long engineFailures;
    /** Cleartext re-emissions that came back through the TUN (a forwarding loop), dropped. */
    volatile long loopDrops;
    /** Packets to re-emit in clear that arrived with TTL / hop limit 1 or 0, dropped (no ICMP error). */
    volatile long hopLimitDrops;

    /** An outbound drop the data plane decided itself, counted by its cause. */
    void dropped(org.jipsec.core.engine.DropCause cause) {
        switch (cause) {
            case LOOP -> loopDrops++;
            case HOP_LIMIT -> hopLimitDrops++;
            default -> outDrops++;
        }
    }

    String format() {
        return "tun_in=" + tunIn + " tun_ignored=" + tunIgnored + " tun_out=" + tunOut + " wire_in=" + wireIn + " wire_out=" + wireOut
                + " clear_out=" + clearOut + " out_drops=" + outDrops + " in_drops=" + inDrops + " queued=" + queued
                + " keepalives_in=" + keepalivesIn + " ike_in=" + ikeIn + " tun_write_errors=" + tunWriteErrors
                + " engine_failures=" + engineFailures + " loop_drops=" + loopDrops + " hop_limit_drops=" + hopLimitDrops;
    }
}
