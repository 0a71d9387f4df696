package org.jipsec.bench.crypto;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.jipsec.core.crypto.AeadTransform;
import org.jipsec.core.crypto.AlgorithmKind;
import org.jipsec.core.crypto.AlgorithmTable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Inbound ESP AEAD per packet, the receiving engine's path: start with the packet's IV, AAD = SPI || seq,
 * verify and decrypt into a second buffer ({@link AeadTransform#open(byte[], int, int, byte[], int)}; the packet
 * itself is not modified, so the same sealed packets are opened again and again). Two packets with different IVs
 * alternate, as consecutive ESP packets do.
 * Run: {@code java -jar bench/target/benchmarks.jar EspAeadOpenBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EspAeadOpenBenchmark {

    @Param({"aes-gcm-8/128", "aes-gcm-16/128", "aes-ccm-16/128"})
    public String transform;

    @Param({"64", "512", "1400", "8192"})
    public int size;

    private AeadTransform rx;
    private final byte[][] packets = new byte[2][]; // SPI(4) seq(4) IV(8) ciphertext ICV
    private byte[] out;
    private int icv;
    private int turn;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        SplittableRandom rnd = new SplittableRandom(42);
        String name = transform.substring(0, transform.indexOf('/'));
        var a = AlgorithmTable.byName(AlgorithmKind.ENCRYPTION, name).orElseThrow();
        byte[] key = new byte[Integer.parseInt(transform.substring(transform.indexOf('/') + 1)) / 8 + a.saltBytes()];
        rnd.nextBytes(key);
        AeadTransform tx = a.newAead(key.clone());
        rx = a.newAead(key);
        icv = tx.icvLength();
        int len = (size + 3) & ~3;
        for (int i = 0; i < 2; i++) {
            byte[] p = new byte[16 + len + icv];
            rnd.nextBytes(p);
            p[15] = (byte) (i + 1); // IV 1, 2
            tx.start(true, p, 8);
            tx.aad(p, 0, 8);
            tx.seal(p, 16, len);
            packets[i] = p;
        }
        tx.destroy();
        out = new byte[len];
    }

    @Benchmark
    public int open() throws Exception {
        byte[] p = packets[turn ^= 1];
        rx.start(false, p, 8);
        rx.aad(p, 0, 8);
        return rx.open(p, 16, p.length - 16, out, 0);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        rx.destroy();
    }
}
