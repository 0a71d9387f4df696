package org.jipsec.bench.xform;

import java.net.InetAddress;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jipsec.core.crypto.AlgorithmKind;
import org.jipsec.core.crypto.AlgorithmTable;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.net.PacketBuffer;
import org.jipsec.core.xform.DropReason;
import org.jipsec.core.xform.InboundTrace;
import org.jipsec.core.xform.SaContext;
import org.jipsec.core.xform.SaFlags;
import org.jipsec.core.xform.SaLookup;
import org.jipsec.core.xform.SaParameters;
import org.jipsec.core.xform.Xform;
import org.jipsec.core.xform.XformSettings;
import org.jipsec.core.xform.XformStats;
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
 * ESP encapsulation + decapsulation of one IPv4 packet (transport mode, the whole jipsec path: header parsing,
 * sequence number, IV, padding, AEAD or cipher+MAC, replay window, trailer check) against a bare JCE AES-GCM seal
 * and open of the same number of bytes. The target: ESP AES-128-GCM costs at most 1.15× the bare JCE pair.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EspBench {

    @Param({"64", "1400"})
    int size;

    private byte[] clear;
    private PacketBuffer frame;
    private Xform xform;
    private InboundTrace trace;
    private SaContext gcmOut, gcmIn, cbcOut, cbcIn;
    private SaLookup gcmLookup, cbcLookup;

    private Cipher jce;
    private SecretKeySpec jceKey;
    private byte[] jceBuf;
    private byte[] nonce;
    private long counter;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        clear = new byte[size];
        clear[0] = 0x45;
        clear[2] = (byte) (size >>> 8);
        clear[3] = (byte) size;
        clear[8] = 64;
        clear[9] = 17;
        byte[] a = InetAddress.getByName("192.0.2.1").getAddress(),
                b = InetAddress.getByName("192.0.2.2").getAddress();
        System.arraycopy(a, 0, clear, 12, 4);
        System.arraycopy(b, 0, clear, 16, 4);
        frame = Xform.buffer(clear);
        xform = new Xform(XformSettings.DEFAULTS, new XformStats());
        trace = new InboundTrace();
        byte[] gcmKey = new byte[20];
        byte[] cbcKey = new byte[16];
        byte[] macKey = new byte[32];
        new SplittableRandom(1).nextBytes(gcmKey);
        new SplittableRandom(2).nextBytes(cbcKey);
        new SplittableRandom(3).nextBytes(macKey);
        var gcm = AlgorithmTable.byName(AlgorithmKind.ENCRYPTION, "aes-gcm-16").orElseThrow();
        var cbc = AlgorithmTable.byName(AlgorithmKind.ENCRYPTION, "aes-cbc").orElseThrow();
        var sha = AlgorithmTable.byName(AlgorithmKind.AUTHENTICATION, "hmac-sha2-256")
                .orElseThrow();
        Endpoint src = new Endpoint(InetAddress.getByName("192.0.2.1")),
                dst = new Endpoint(InetAddress.getByName("192.0.2.2"));
        SaParameters pg = new SaParameters(
                0x1001,
                IpsecProtocol.ESP,
                IpsecMode.TRANSPORT,
                src,
                dst,
                gcm,
                gcmKey,
                null,
                null,
                SaFlags.CYCSEQ,
                1024,
                false,
                null,
                0);
        SaParameters pc = new SaParameters(
                0x1002,
                IpsecProtocol.ESP,
                IpsecMode.TRANSPORT,
                src,
                dst,
                cbc,
                cbcKey,
                sha,
                macKey,
                SaFlags.CYCSEQ,
                1024,
                false,
                null,
                0);
        gcmOut = new SaContext(pg, new SplittableRandom(4));
        gcmIn = new SaContext(pg, new SplittableRandom(5));
        cbcOut = new SaContext(pc, new SplittableRandom(6));
        cbcIn = new SaContext(pc, new SplittableRandom(7));
        gcmLookup = (p, s, bb, o, l) -> gcmIn;
        cbcLookup = (p, s, bb, o, l) -> cbcIn;

        jce = Cipher.getInstance("AES/GCM/NoPadding");
        jceKey = new SecretKeySpec(gcmKey, 0, 16, "AES");
        jceBuf = new byte[size + 16];
        nonce = new byte[12];
    }

    private void load() {
        frame.set(clear, 0, size); // the same buffer every time: its headroom/tailroom are reused
    }

    @Benchmark
    public int espAes128GcmEncapDecap() {
        load();
        DropReason r = xform.output(gcmOut, frame);
        if (r != null) throw new IllegalStateException("output " + r);
        r = xform.input(frame, gcmLookup, trace);
        if (r != null) throw new IllegalStateException("input " + r);
        return frame.length();
    }

    @Benchmark
    public int espAes128CbcHmacSha256EncapDecap() {
        load();
        DropReason r = xform.output(cbcOut, frame);
        if (r != null) throw new IllegalStateException("output " + r);
        r = xform.input(frame, cbcLookup, trace);
        if (r != null) throw new IllegalStateException("input " + r);
        return frame.length();
    }

    /** Bare JCE: AES-128-GCM seal then open of the same {@code size} bytes, fresh nonce each time. */
    @Benchmark
    public int jceAes128GcmSealOpen() throws Exception {
        counter++;
        for (int i = 0; i < 8; i++) nonce[4 + i] = (byte) (counter >>> (56 - 8 * i));
        System.arraycopy(clear, 0, jceBuf, 0, size);
        jce.init(Cipher.ENCRYPT_MODE, jceKey, new GCMParameterSpec(128, nonce));
        jce.updateAAD(nonce, 0, 8);
        int n = jce.doFinal(jceBuf, 0, size, jceBuf, 0);
        jce.init(Cipher.DECRYPT_MODE, jceKey, new GCMParameterSpec(128, nonce));
        jce.updateAAD(nonce, 0, 8);
        return jce.doFinal(jceBuf, 0, n, jceBuf, 0);
    }
}
