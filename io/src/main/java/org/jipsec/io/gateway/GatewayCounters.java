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

    /** The counters by the names {@link #format()} prints (metrics read them at scrape time). */
    java.util.Map<String, Long> snapshot() {
        java.util.Map<String, Long> m = new java.util.LinkedHashMap<>();
        m.put("tun_in", tunIn);
        m.put("tun_ignored", tunIgnored);
        m.put("tun_out", tunOut);
        m.put("wire_in", wireIn);
        m.put("wire_out", wireOut);
        m.put("clear_out", clearOut);
        m.put("out_drops", outDrops);
        m.put("in_drops", inDrops);
        m.put("queued", queued);
        m.put("keepalives_in", keepalivesIn);
        m.put("ike_in", ikeIn);
        m.put("tun_write_errors", tunWriteErrors);
        m.put("engine_failures", engineFailures);
        m.put("loop_drops", loopDrops);
        m.put("hop_limit_drops", hopLimitDrops);
        return m;
    }

    String format() {
        return "tun_in=" + tunIn + " tun_ignored=" + tunIgnored + " tun_out=" + tunOut + " wire_in=" + wireIn
                + " wire_out=" + wireOut
                + " clear_out=" + clearOut + " out_drops=" + outDrops + " in_drops=" + inDrops + " queued=" + queued
                + " keepalives_in=" + keepalivesIn + " ike_in=" + ikeIn + " tun_write_errors=" + tunWriteErrors
                + " engine_failures=" + engineFailures + " loop_drops=" + loopDrops + " hop_limit_drops="
                + hopLimitDrops;
    }
}
