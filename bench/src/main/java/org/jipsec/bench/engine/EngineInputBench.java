package org.jipsec.bench.engine;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.jipsec.core.engine.Encapsulation;
import org.jipsec.core.engine.EngineSettings;
import org.jipsec.core.engine.InputDecision;
import org.jipsec.core.engine.InputResult;
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
 * The gateway's receive path in the engine alone: one ESP-in-UDP datagram as the NAT-T socket hands it over
 * ({@link Encapsulation.UdpDatagram}: the ESP bytes and the outer endpoints), tunnel mode, AES-128-GCM (the
 * {@code jipsec bench} tunnel), through {@link IpsecEngine#input}: SA lookup, ICV check and decryption,
 * decapsulation, inbound policy check, the delivered copy. The SA's replay window is 0 (off), so the same datagram
 * can be fed again and again; everything else is the real path.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EngineInputBench {

    @Param({"1400"})
    int size;

    private IpsecEngine b;
    private byte[] datagram;
    private Encapsulation.UdpDatagram how;

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
        IpsecEngine a = IpsecEngine.create(
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
            spd(
                    e,
                    s,
                    "10.1.0.0",
                    16,
                    "10.2.0.0",
                    16,
                    (e == a ? "out" : "in") + " ipsec esp/tunnel/192.0.2.1-192.0.2.2/require");
            List<Extension> x = new ArrayList<>(List.of(
                    new Extension.Sa2(2, 0, 0),
                    Extension.Address.of(Sadb.SADB_EXT_ADDRESS_SRC, new Endpoint(ip("192.0.2.1"))),
                    Extension.Address.of(Sadb.SADB_EXT_ADDRESS_DST, new Endpoint(ip("192.0.2.2"))),
                    new Extension.Sa(0x1000, 0, 0, 0, 20, 0), // replay window 0, aes-gcm-16
                    new Extension.Key(Sadb.SADB_EXT_KEY_ENCRYPT, 160, new byte[20]),
                    new Extension.NatTType(2),
                    new Extension.NatTPort(Sadb.SADB_X_EXT_NAT_T_SPORT, 4500),
                    new Extension.NatTPort(Sadb.SADB_X_EXT_NAT_T_DPORT, 4500)));
            pfkey(e, s, PfkeyMessage.of(Sadb.SADB_ADD, Sadb.SADB_SATYPE_ESP, 0, 1, x));
        }
        byte[] inner = UdpPackets.build(
                new InetSocketAddress(ip("10.1.0.1"), 1000),
                new InetSocketAddress(ip("10.2.0.1"), 2000),
                new byte[size - 28],
                1,
                64);
        PacketBuffer f =
                PacketBuffer.copyOf(inner, org.jipsec.core.xform.Xform.HEADROOM, org.jipsec.core.xform.Xform.TAILROOM);
        org.jipsec.core.engine.InPlaceOutput r = new org.jipsec.core.engine.InPlaceOutput();
        a.output(f, org.jipsec.core.engine.Flow.FORWARDED, r);
        OutputDecision d = r.toDecision(f);
        WirePacket w = ((OutputDecision.Send) d).packets().getFirst();
        datagram = w.payload();
        how = new Encapsulation.UdpDatagram(new Endpoint(ip("192.0.2.1"), 4500), new Endpoint(ip("192.0.2.2"), 4500));
        InputDecision in = udpDatagramInput();
        if (!(in instanceof InputDecision.Deliver)) throw new IllegalStateException(in.toString());
    }

    private final byte[] lent = new byte[64 + 65536];
    private final InputResult result = new InputResult();

    /**
     * {@link IpsecEngine#input} on a fresh copy of the datagram without headroom (the engine rebuilds the header in
     * its own buffer), the delivered packet kept as a new array.
     */
    @Benchmark
    public InputDecision udpDatagramInput() {
        b.input(PacketBuffer.wrap(datagram.clone()), how, result);
        return result.toDecision();
    }

    /**
     * As the gateway's data plane does it: the datagram copied into a buffer lent to the engine (64 bytes of
     * headroom), the delivered packet left in the engine's buffer ({@link IpsecEngine#input(PacketBuffer,
     * Encapsulation, InputResult)}).
     */
    @Benchmark
    public Object lentDatagramInput() {
        System.arraycopy(datagram, 0, lent, 64, datagram.length);
        b.input(PacketBuffer.wrap(lent, 64, datagram.length), how, result);
        if (!result.delivered()) throw new IllegalStateException(String.valueOf(result.decision()));
        return result;
    }
}
