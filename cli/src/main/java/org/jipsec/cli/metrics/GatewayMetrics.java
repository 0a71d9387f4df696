package org.jipsec.cli.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import org.jipsec.core.engine.IpsecEngine;
import org.jipsec.core.engine.IpsecStatistics;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.pfkey.KeyEngine;
import org.jipsec.core.pfkey.StoredPolicy;
import org.jipsec.core.sad.SaLifetime;
import org.jipsec.core.sad.SaState;
import org.jipsec.core.sad.SecurityAssociation;
import org.jipsec.core.xform.DropReason;
import org.jipsec.core.xform.SaContext;
import org.jipsec.core.xform.XformStats;
import org.jipsec.io.gateway.GatewayDaemon;
import org.jipsec.io.pfkey.PfkeyServer;

/**
 * jipsecd's metrics for Prometheus (issue #18), collected at scrape time from the counters the engine, the data plane
 * and the PF_KEY server already keep: nothing is added to the packet path. The SAD and SPD are read under the engine
 * lock (the PF_KEY server's, as every other reader takes it), once per scrape and for as long as one walk of the SAD
 * takes; the data plane's own counters and the policy guard's (which runs {@code nft}) are read outside it.
 *
 * <p>Per-SA series carry the labels {@code spi} (0x-hex, as setkey prints it), {@code src}, {@code dst},
 * {@code proto} (esp, ah, ipcomp) and {@code mode}; at most {@code maxSaSeries} SAs (MATURE and DYING, in the SAD's
 * dump order) get them, so that a gateway with many SAs cannot blow up the scrape. The SAs above the cap are counted
 * in {@code jipsec_sa_series_omitted}; their traffic is still in the per-protocol totals.
 */
public final class GatewayMetrics implements MultiCollector {

    /**
     * The metric names this collector can export, as they appear in a scrape (counters with {@code _total}); the
     * dashboard test checks its queries against them.
     */
    public static final List<String> NAMES = List.of(
            "jipsec_sas",
            "jipsec_policies",
            "jipsec_pfkey_clients",
            "jipsec_pfkey_queue_drops_total",
            "jipsec_sa_series_omitted",
            "jipsec_sa_bytes_total",
            "jipsec_sa_packets_total",
            "jipsec_sa_replay_drops_total",
            "jipsec_sa_lifetime_remaining_seconds",
            "jipsec_sa_lifetime_remaining_bytes",
            "jipsec_pending_packets",
            "jipsec_ipsec_stats_total",
            "jipsec_xform_packets_total",
            "jipsec_xform_bytes_total",
            "jipsec_xform_drops_total",
            "jipsec_dataplane_packets_total",
            "jipsec_dataplane_drops_total",
            "jipsec_socket_receive_queue_drops_total",
            "jipsec_socket_send_errors_total");

    private static final List<String> DATAPLANE_DROPS =
            List.of("out_drops", "in_drops", "loop_drops", "hop_limit_drops", "tun_write_errors", "engine_failures");

    private static final System.Logger LOG = System.getLogger("jipsec.metrics");

    private final PfkeyServer server;
    private final GatewayDaemon daemon;
    private final int maxSaSeries;
    private final LongSupplier nowSeconds;

    /**
     * @param server      the PF_KEY server (its lock is the engine lock)
     * @param daemon      the data plane, or null ({@code --no-tun}: the key engine's metrics only)
     * @param maxSaSeries how many SAs get per-SA series (0: none)
     * @param nowSeconds  the engine's clock in seconds (lifetimes left are counted from it)
     */
    public GatewayMetrics(PfkeyServer server, GatewayDaemon daemon, int maxSaSeries, LongSupplier nowSeconds) {
        if (maxSaSeries < 0) throw new IllegalArgumentException("maxSaSeries " + maxSaSeries);
        this.server = server;
        this.daemon = daemon;
        this.maxSaSeries = maxSaSeries;
        this.nowSeconds = nowSeconds;
    }

    /** One SA's values, copied under the lock. */
    private record SaRow(Labels labels, long bytes, long packets, long replayDrops, long secondsLeft, long bytesLeft) {}

    /** What is copied under the engine lock. */
    private static final class Locked {
        final Map<String, long[]> sas = new LinkedHashMap<>(); // "proto state" -> count
        final EnumMap<PolicyDirection, long[]> policies = new EnumMap<>(PolicyDirection.class);
        final Map<Labels, SaRow> rows = new LinkedHashMap<>();
        long omitted;
        int clients;
        int pending = -1;
        long[] xform; // per protocol: in/out packets, in/out bytes
        long[][] xformDrops;
    }

    @Override
    public MetricSnapshots collect() {
        long started = System.nanoTime();
        Locked l = new Locked();
        long now = nowSeconds.getAsLong();
        server.lock().lock();
        try {
            KeyEngine keys = server.withEngine(k -> k);
            keys.sad().forEach(SaType.UNSPEC, sa -> saw(l, sa, now));
            for (StoredPolicy p : keys.policies().snapshot()) {
                l.policies.computeIfAbsent(p.selector().direction(), d -> new long[1])[0]++;
            }
            l.clients = keys.socketCount();
            if (daemon != null) {
                IpsecEngine e = daemon.engine();
                l.pending = e.pendingPackets();
                XformStats x = e.xformStatistics();
                IpsecProtocol[] ps = IpsecProtocol.values();
                l.xform = new long[ps.length * 4];
                l.xformDrops = new long[ps.length][DropReason.values().length];
                for (IpsecProtocol p : ps) {
                    int i = p.ordinal() * 4;
                    l.xform[i] = x.inputPackets(p);
                    l.xform[i + 1] = x.outputPackets(p);
                    l.xform[i + 2] = x.inputBytes(p);
                    l.xform[i + 3] = x.outputBytes(p);
                    for (DropReason r : DropReason.values()) l.xformDrops[p.ordinal()][r.ordinal()] = x.drops(p, r);
                }
            }
        } finally {
            server.lock().unlock();
        }
        List<MetricSnapshot> out = new ArrayList<>();
        GaugeSnapshot.Builder sas = GaugeSnapshot.builder()
                .name("jipsec_sas")
                .help("Security associations in the SAD, by protocol and state");
        l.sas.forEach((k, n) -> {
            String[] ps = k.split(" ", 2);
            sas.dataPoint(gauge(n[0], "proto", ps[0], "state", ps[1]));
        });
        out.add(sas.build());
        GaugeSnapshot.Builder pol =
                GaugeSnapshot.builder().name("jipsec_policies").help("Security policies in the SPD, by direction");
        for (PolicyDirection d : new PolicyDirection[] {PolicyDirection.INBOUND, PolicyDirection.OUTBOUND}) {
            pol.dataPoint(gauge(l.policies.getOrDefault(d, new long[1])[0], "direction", d.keyword()));
        }
        long[] any = l.policies.get(PolicyDirection.ANY);
        if (any != null) pol.dataPoint(gauge(any[0], "direction", PolicyDirection.ANY.keyword()));
        out.add(pol.build());
        out.add(GaugeSnapshot.builder()
                .name("jipsec_pfkey_clients")
                .help("PF_KEY sockets connected")
                .dataPoint(gauge(l.clients))
                .build());
        out.add(CounterSnapshot.builder()
                .name("jipsec_pfkey_queue_drops")
                .help("PF_KEY messages dropped because a client's bounded queue was full")
                .dataPoint(counter(server.droppedMessages()))
                .build());
        out.add(GaugeSnapshot.builder()
                .name("jipsec_sa_series_omitted")
                .help("SAs without per-SA series because there are more than --metrics-max-sa-series")
                .dataPoint(gauge(l.omitted))
                .build());
        addSaFamilies(out, l);
        if (daemon != null) addDataPlane(out, l);
        LOG.log(
                System.Logger.Level.DEBUG,
                () -> "metrics scrape: " + l.rows.size() + " SAs with series, " + l.omitted + " omitted, "
                        + (System.nanoTime() - started) / 1000 + " us");
        return new MetricSnapshots(out);
    }

    private void saw(Locked l, SecurityAssociation sa, long now) {
        String proto = sa.saType().dumpName();
        l.sas.computeIfAbsent(proto + " " + sa.state().name().toLowerCase(Locale.ROOT), k -> new long[1])[0]++;
        if (sa.state() != SaState.MATURE && sa.state() != SaState.DYING) return;
        if (l.rows.size() >= maxSaSeries) {
            l.omitted++;
            return;
        }
        Labels labels = Labels.of(
                "spi",
                String.format("0x%08x", sa.spi()),
                "src",
                sa.source().address().getHostAddress(),
                "dst",
                sa.destination().address().getHostAddress(),
                "proto",
                proto,
                "mode",
                sa.mode().name().toLowerCase(Locale.ROOT));
        long bytes = sa.bytes(), packets = sa.allocations(), replay = 0;
        List<SaContext> ctxs = daemon == null ? List.of() : daemon.engine().contextsOf(sa);
        if (!ctxs.isEmpty()) { // every mode's context shares the SA's counters
            SaContext c = ctxs.getFirst();
            bytes = Math.max(bytes, c.inbound().bytes() + c.outbound().bytes());
            packets = Math.max(packets, c.inbound().packets() + c.outbound().packets());
            replay = c.replayDrops();
        }
        SaLifetime hard = sa.hardLifetime();
        long secondsLeft =
                hard.addtimeSeconds() == 0 ? -1 : Math.max(0, sa.createdSeconds() + hard.addtimeSeconds() - now);
        long bytesLeft = hard.bytes() == 0 ? -1 : Math.max(0, hard.bytes() - bytes);
        l.rows.putIfAbsent(labels, new SaRow(labels, bytes, packets, replay, secondsLeft, bytesLeft));
    }

    private static void addSaFamilies(List<MetricSnapshot> out, Locked l) {
        CounterSnapshot.Builder bytes = CounterSnapshot.builder()
                .name("jipsec_sa_bytes")
                .help("Bytes protected or unprotected by the SA (both directions of use, as its lifetime counts them)");
        CounterSnapshot.Builder packets =
                CounterSnapshot.builder().name("jipsec_sa_packets").help("Packets that used the SA");
        CounterSnapshot.Builder replay = CounterSnapshot.builder()
                .name("jipsec_sa_replay_drops")
                .help("Packets the SA's replay window refused (duplicates or left of the window)");
        GaugeSnapshot.Builder secs = GaugeSnapshot.builder()
                .name("jipsec_sa_lifetime_remaining_seconds")
                .help("Seconds until the SA's hard add-time lifetime expires (SAs with one only)");
        GaugeSnapshot.Builder left = GaugeSnapshot.builder()
                .name("jipsec_sa_lifetime_remaining_bytes")
                .help("Bytes until the SA's hard byte lifetime expires (SAs with one only)");
        for (SaRow r : l.rows.values()) {
            bytes.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                    .labels(r.labels)
                    .value((double) r.bytes)
                    .build());
            packets.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                    .labels(r.labels)
                    .value((double) r.packets)
                    .build());
            replay.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                    .labels(r.labels)
                    .value((double) r.replayDrops)
                    .build());
            if (r.secondsLeft >= 0) {
                secs.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                        .labels(r.labels)
                        .value((double) r.secondsLeft)
                        .build());
            }
            if (r.bytesLeft >= 0) {
                left.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                        .labels(r.labels)
                        .value((double) r.bytesLeft)
                        .build());
            }
        }
        out.add(bytes.build());
        out.add(packets.build());
        out.add(replay.build());
        out.add(secs.build());
        out.add(left.build());
    }

    private void addDataPlane(List<MetricSnapshot> out, Locked l) {
        out.add(GaugeSnapshot.builder()
                .name("jipsec_pending_packets")
                .help("Packets held while an ACQUIRE waits for an SA")
                .dataPoint(gauge(l.pending))
                .build());
        long[] stats = daemon.statistics(); // the engine's ipsecstats plus the policy guard's drops (runs nft)
        CounterSnapshot.Builder ipsec = CounterSnapshot.builder()
                .name("jipsec_ipsec_stats")
                .help("NetBSD's ipsecstats counters (netstat -s -p ipsec), by name: the engine's drop causes "
                        + "in_polvio, out_polvio, out_nosa, out_inval, ...");
        for (int i = 0; i < stats.length; i++) ipsec.dataPoint(counter(stats[i], "counter", IpsecStatistics.name(i)));
        out.add(ipsec.build());
        CounterSnapshot.Builder xp = CounterSnapshot.builder()
                .name("jipsec_xform_packets")
                .help("Packets the transforms processed, by protocol and direction");
        CounterSnapshot.Builder xb = CounterSnapshot.builder()
                .name("jipsec_xform_bytes")
                .help("Bytes the transforms processed, by protocol and direction");
        CounterSnapshot.Builder xd = CounterSnapshot.builder()
                .name("jipsec_xform_drops")
                .help("Packets the transforms dropped, by protocol and reason (netstat -s -p esp|ah|ipcomp)");
        for (IpsecProtocol p : IpsecProtocol.values()) {
            String proto = p.name().toLowerCase(Locale.ROOT);
            int i = p.ordinal() * 4;
            xp.dataPoint(counter(l.xform[i], "proto", proto, "direction", "in"));
            xp.dataPoint(counter(l.xform[i + 1], "proto", proto, "direction", "out"));
            xb.dataPoint(counter(l.xform[i + 2], "proto", proto, "direction", "in"));
            xb.dataPoint(counter(l.xform[i + 3], "proto", proto, "direction", "out"));
            for (DropReason r : DropReason.values()) {
                xd.dataPoint(counter(
                        l.xformDrops[p.ordinal()][r.ordinal()],
                        "proto",
                        proto,
                        "reason",
                        r.name().toLowerCase(Locale.ROOT)));
            }
        }
        out.add(xp.build());
        out.add(xb.build());
        out.add(xd.build());
        Map<String, Long> dp = daemon.dataPlaneCounters();
        CounterSnapshot.Builder packets = CounterSnapshot.builder()
                .name("jipsec_dataplane_packets")
                .help("The data plane's packet counters (SIGUSR1's tun_in, wire_out, ...)");
        CounterSnapshot.Builder drops = CounterSnapshot.builder()
                .name("jipsec_dataplane_drops")
                .help("Packets the data plane dropped, by cause (out, in, loop, hop_limit, tun_write_errors, "
                        + "engine_failures)");
        dp.forEach((name, v) -> {
            if (name.equals("send_errors") || name.equals("rxq_overflows")) return;
            if (DATAPLANE_DROPS.contains(name)) drops.dataPoint(counter(v, "cause", name.replace("_drops", "")));
            else packets.dataPoint(counter(v, "counter", name));
        });
        out.add(packets.build());
        out.add(drops.build());
        out.add(CounterSnapshot.builder()
                .name("jipsec_socket_receive_queue_drops")
                .help("Packets the kernel dropped because a wire receive socket's queue was full (SO_RXQ_OVFL)")
                .dataPoint(counter(dp.getOrDefault("rxq_overflows", 0L)))
                .build());
        out.add(CounterSnapshot.builder()
                .name("jipsec_socket_send_errors")
                .help("Packets a wire socket failed to send")
                .dataPoint(counter(dp.getOrDefault("send_errors", 0L)))
                .build());
    }

    private static GaugeSnapshot.GaugeDataPointSnapshot gauge(long v, String... labels) {
        return GaugeSnapshot.GaugeDataPointSnapshot.builder()
                .labels(Labels.of(labels))
                .value((double) v)
                .build();
    }

    /** A counter's value: the engine's counters are unsigned 64-bit, shown as such. */
    private static CounterSnapshot.CounterDataPointSnapshot counter(long v, String... labels) {
        double d = v >= 0 ? v : Double.parseDouble(Long.toUnsignedString(v));
        return CounterSnapshot.CounterDataPointSnapshot.builder()
                .labels(Labels.of(labels))
                .value(d)
                .build();
    }
}
