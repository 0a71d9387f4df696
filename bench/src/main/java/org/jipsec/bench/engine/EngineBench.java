package org.jipsec.bench.engine;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.jipsec.core.engine.EngineSettings;
import org.jipsec.core.engine.InputDecision;
import org.jipsec.core.engine.IpsecEngine;
import org.jipsec.core.engine.OutputDecision;
import org.jipsec.core.engine.WirePacket;
import org.jipsec.core.engine.socket.UdpPackets;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.net.PacketBuffer;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.Outcome;
import org.jipsec.core.pfkey.PfkeyCodec;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;
import org.jipsec.core.spd.PolicyParser;
import org.jipsec.core.sysctl.Sysctl;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole engine path for one IPv4/UDP packet, ESP transport mode between two engines: {@code output} (selector,
 * SPD lookup among {@code policies} entries, request resolution, SAD lookup, transform, accounting) then the peer's
 * {@code input} (SA lookup, replay, ICV/decrypt, inbound policy check over the history). Compare with
 * {@code EspBench} (transforms only) for the engine's own overhead.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EngineBench {

    @Param({"64", "1400"})
    int size;

    @Param({"aes-gcm-16", "aes-cbc+hmac-sha256"})
    String alg;

    @Param({"1", "1000"})
    int policies;

    private IpsecEngine a;
    private IpsecEngine b;
    private byte[] packet;

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    private static void pfkey(IpsecEngine e, long sock, PfkeyMessage m) {
        Outcome o = e.pfkey(sock, PfkeyCodec.encode(m));
        if (o.deliveries().getLast().message().errno() != 0)
            throw new IllegalStateException("PF_KEY refused " + m.type());
    }

    private static void spd(IpsecEngine e, long sock, String src, int sp, String dst, int dp, String policy)
            throws Exception {
        pfkey(
                e,
                sock,
                PfkeyMessage.of(
                        Sadb.SADB_X_SPDADD,
                        0,
                        0,
                        1,
                        List.of(
                                new Extension.Policy(PolicyParser.parse(policy)),
                                new Extension.Address(Sadb.SADB_EXT_ADDRESS_SRC, 255, sp, new Endpoint(ip(src))),
                                new Extension.Address(Sadb.SADB_EXT_ADDRESS_DST, 255, dp, new Endpoint(ip(dst))))));
    }

    @Setup
    public void setup() throws Exception {
        a = IpsecEngine.create(
                Sysctl.withNetbsdDefaults(),
                () -> Instant.ofEpochSecond(1_700_000_000L),
                new SplittableRandom(1),
                EngineSettings.NETBSD);
        b = IpsecEngine.create(
                Sysctl.withNetbsdDefaults(),
                () -> Instant.ofEpochSecond(1_700_000_000L),
                new SplittableRandom(2),
                EngineSettings.NETBSD);
        for (IpsecEngine e : List.of(a, b)) {
            long s = e.keyEngine().openSocket();
            // other flows' policies ahead of ours in the SPD
            for (int i = 1; i < policies; i++) {
                spd(
                        e,
                        s,
                        "10.9." + (i / 250) + "." + (i % 250 + 1),
                        32,
                        "10.8.0.0",
                        16,
                        (e == a ? "out" : "in") + " ipsec esp/transport//require");
            }
            spd(e, s, "10.0.0.1", 32, "10.0.0.2", 32, (e == a ? "out" : "in") + " ipsec esp/transport//require");
            List<Extension> x = new ArrayList<>(List.of(
                    new Extension.Sa2(0, 0, 0),
                    Extension.Address.of(Sadb.SADB_EXT_ADDRESS_SRC, new Endpoint(ip("10.0.0.1"))),
                    Extension.Address.of(Sadb.SADB_EXT_ADDRESS_DST, new Endpoint(ip("10.0.0.2")))));
            if (alg.equals("aes-gcm-16")) {
                x.add(new Extension.Sa(0x1000, 8, 0, 0, 20, 0));
                x.add(new Extension.Key(Sadb.SADB_EXT_KEY_ENCRYPT, 160, new byte[20]));
            } else {
                x.add(new Extension.Sa(0x1000, 8, 0, 5, 12, 0));
                x.add(new Extension.Key(Sadb.SADB_EXT_KEY_ENCRYPT, 128, new byte[16]));
                x.add(new Extension.Key(Sadb.SADB_EXT_KEY_AUTH, 256, new byte[32]));
            }
            pfkey(e, s, PfkeyMessage.of(Sadb.SADB_ADD, Sadb.SADB_SATYPE_ESP, 0, 1, x));
        }
        packet = UdpPackets.build(
                new InetSocketAddress(ip("10.0.0.1"), 1000),
                new InetSocketAddress(ip("10.0.0.2"), 2000),
                new byte[size - 28],
                1,
                64);
    }

    @Benchmark
    public Object outputThenInput() {
        OutputDecision d = copyingOutput();
        WirePacket w = ((OutputDecision.Send) d).packets().getFirst();
        InputDecision in = copyingInput(w);
        if (!(in instanceof InputDecision.Deliver)) throw new IllegalStateException(in.toString());
        return in;
    }

    private final org.jipsec.core.engine.InPlaceOutput inPlaceResult = new org.jipsec.core.engine.InPlaceOutput();
    private byte[] roomy;

    /**
     * {@link IpsecEngine#output}, as the gateway calls it: the packet copied to HEADROOM of a reused array
     * (the TSO split's copy), protected there; the result left in the array.
     */
    @Benchmark
    public Object outputInPlace() {
        if (roomy == null)
            roomy = new byte[org.jipsec.core.xform.Xform.HEADROOM + 65536 + org.jipsec.core.xform.Xform.TAILROOM];
        System.arraycopy(packet, 0, roomy, org.jipsec.core.xform.Xform.HEADROOM, packet.length);
        PacketBuffer p = PacketBuffer.wrap(roomy, org.jipsec.core.xform.Xform.HEADROOM, packet.length);
        a.output(p, org.jipsec.core.engine.Flow.LOCAL, inPlaceResult);
        if (!inPlaceResult.sent()) throw new IllegalStateException(inPlaceResult.toString());
        return p;
    }

    /** The packet copied into a new buffer with room, protected there, the result kept as a decision (a copy). */
    @Benchmark
    public Object outputOnly() {
        return copyingOutput();
    }

    private OutputDecision copyingOutput() {
        PacketBuffer f =
                PacketBuffer.copyOf(packet, org.jipsec.core.xform.Xform.HEADROOM, org.jipsec.core.xform.Xform.TAILROOM);
        a.output(f, org.jipsec.core.engine.Flow.LOCAL, inPlaceResult);
        return inPlaceResult.toDecision(f);
    }

    private final org.jipsec.core.engine.InputResult inputResult = new org.jipsec.core.engine.InputResult();

    private InputDecision copyingInput(WirePacket w) {
        b.input(PacketBuffer.copyOf(w.packet(), 64, 0), w.encapsulation(), inputResult);
        return inputResult.toDecision();
    }
}
