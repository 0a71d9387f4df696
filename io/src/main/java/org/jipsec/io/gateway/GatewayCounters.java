package org.jipsec.io.gateway;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One data-plane worker's own counters (the engine keeps the IPsec ones). Each worker has its own instance and is its
 * only writer, so an increment is a plain add on a cache line no other core writes: no atomic instruction, no fence,
 * no sharing between workers at any core count. Readers (status, metrics) sum the workers' instances with
 * {@link #sum}: plain reads of 64-bit fields (never torn on a 64-bit JVM), possibly a few packets stale, as for
 * SIGUSR1 before.
 */
final class GatewayCounters {
    long tunIn;
    long tunIgnored;
    long tunOut;
    long wireIn;
    long wireOut;
    long clearOut;
    long outDrops;
    long inDrops;
    long queued;
    long keepalivesIn;
    long ikeIn;
    long tunWriteErrors;
    long engineFailures;
    /** Cleartext re-emissions that came back through the TUN (a forwarding loop), dropped. */
    long loopDrops;
    /** Packets to re-emit in clear that arrived with TTL / hop limit 1 or 0, dropped (no ICMP error). */
    long hopLimitDrops;

    /** An outbound drop the data plane decided itself, counted by its cause. */
    void dropped(org.jipsec.core.engine.DropCause cause) {
        switch (cause) {
            case LOOP -> loopDrops++;
            case HOP_LIMIT -> hopLimitDrops++;
            default -> outDrops++;
        }
    }

    /** The counters by the names {@link #format} prints (metrics read them at scrape time). */
    Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
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

    /** The workers' counters added up, by name. */
    static Map<String, Long> sum(List<GatewayCounters> workers) {
        Map<String, Long> total = new LinkedHashMap<>();
        for (GatewayCounters c : workers) c.snapshot().forEach((k, v) -> total.merge(k, v, Long::sum));
        return total;
    }

    /** {@code name=value} pairs separated by spaces. */
    static String format(Map<String, Long> m) {
        StringBuilder b = new StringBuilder();
        m.forEach((k, v) ->
                (b.isEmpty() ? b : b.append(' ')).append(k).append('=').append(v));
        return b.toString();
    }
}
