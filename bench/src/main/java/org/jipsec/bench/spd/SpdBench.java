package org.jipsec.bench.spd;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.ipsec.PolicyType;
import org.jipsec.core.ipsec.XPolicy;
import org.jipsec.core.spd.FlowKey;
import org.jipsec.core.spd.PolicyLifetime;
import org.jipsec.core.spd.PolicyOrigin;
import org.jipsec.core.spd.SecurityPolicy;
import org.jipsec.core.spd.SelectorSet;
import org.jipsec.core.spd.Spd;
import org.jipsec.core.spd.SpdException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * SPD lookup, insertion and deletion at 10, 1,000 and 100,000 outbound IPv4 policies.
 *
 * <p>Policies: random source/destination in 10.0.0.0/8 with prefix lengths drawn from
 * {@code prefixes} ("typical": /16, /24, /32 on each side; "all": every length 0..32, the index's
 * worst case), protocol TCP/UDP/any, ports specific or any. Lookups cycle through 4096 packets, half
 * built inside a random policy's selector (hits), half random (mostly misses, which walk every
 * prefix length in use). add+delete: one SPDADD then SPDDELETE of a fresh selector at that size.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class SpdBench {

    @Param({"10", "1000", "100000"})
    public int size;

    @Param({"typical", "all"})
    public String prefixes;

    private Spd spd;
    private FlowKey[] packets;
    private int next;
    private SelectorSet[] fresh;
    private int freshNext;
    private XPolicy discard;

    private static InetAddress ia(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private int prefix(SplittableRandom r) {
        if (prefixes.equals("all")) return r.nextInt(33);
        int[] p = {16, 24, 32};
        return p[r.nextInt(3)];
    }

    private static byte[] addr(SplittableRandom r) {
        return new byte[] {10, (byte) r.nextInt(256), (byte) r.nextInt(256), (byte) r.nextInt(256)};
    }

    private SelectorSet selector(SplittableRandom r) {
        int[] protos = {6, 17, 255};
        int proto = protos[r.nextInt(3)];
        int sport = proto == 255 || r.nextBoolean() ? 0 : 1 + r.nextInt(65535);
        int dport = proto == 255 || r.nextBoolean() ? 0 : 1 + r.nextInt(1024);
        return new SelectorSet(
                new Endpoint(ia(addr(r)), sport), prefix(r), new Endpoint(ia(addr(r)), dport), prefix(r), proto);
    }

    @Setup(Level.Trial)
    public void setUp() throws SpdException {
        SplittableRandom r = new SplittableRandom(42);
        spd = new Spd(() -> Instant.EPOCH, () -> 1000);
        discard = new XPolicy(PolicyType.DISCARD, PolicyDirection.OUTBOUND, 0, 0, List.of());
        List<SecurityPolicy> added = new ArrayList<>();
        while (spd.size() < size) {
            try {
                added.add(spd.add(selector(r), discard, PolicyOrigin.USER, PolicyLifetime.NONE));
            } catch (SpdException e) {
                // exact duplicate drawn: draw again
            }
        }
        packets = new FlowKey[4096];
        for (int i = 0; i < packets.length; i++) {
            if (i % 2 == 0) {
                SelectorSet s = added.get(r.nextInt(added.size())).selector();
                byte[] src = s.source().address().getAddress();
                byte[] dst = s.destination().address().getAddress();
                int proto = s.upperProtocol() == 255 ? 6 : s.upperProtocol();
                int sp = s.source().port() == 0 ? 40000 : s.source().port();
                int dp = s.destination().port() == 0 ? 443 : s.destination().port();
                packets[i] = new FlowKey(src, dst, proto, sp, dp);
            } else {
                packets[i] = new FlowKey(
                        addr(r), addr(r), r.nextBoolean() ? 6 : 17, 1 + r.nextInt(65535), 1 + r.nextInt(1024));
            }
        }
        fresh = new SelectorSet[4096];
        for (int i = 0; i < fresh.length; i++) {
            // 11.0.0.0/8 never collides with the installed policies
            fresh[i] = new SelectorSet(
                    new Endpoint(ia(new byte[] {11, (byte) (i >> 8), (byte) i, 1}), 0),
                    32,
                    new Endpoint(ia(new byte[] {11, 9, 9, 9}), 0),
                    32,
                    255);
        }
    }

    @Benchmark
    public Object lookup() {
        FlowKey k = packets[next++ & 4095];
        return spd.lookup(PolicyDirection.OUTBOUND, k);
    }

    @Benchmark
    public Object addThenDelete() throws SpdException {
        SelectorSet s = fresh[freshNext++ & 4095];
        spd.add(s, discard, PolicyOrigin.USER, PolicyLifetime.NONE);
        return spd.delete(PolicyDirection.OUTBOUND, s, PolicyOrigin.USER);
    }
}
