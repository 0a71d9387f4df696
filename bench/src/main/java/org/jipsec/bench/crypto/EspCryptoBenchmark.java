package org.jipsec.bench.crypto;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jipsec.core.crypto.AeadTransform;
import org.jipsec.core.crypto.Algorithm;
import org.jipsec.core.crypto.AlgorithmKind;
import org.jipsec.core.crypto.AlgorithmTable;
import org.jipsec.core.crypto.CipherTransform;
import org.jipsec.core.crypto.IntegrityTransform;
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
 * Outbound ESP crypto per packet: what {@code esp_output} does to one payload of {@code size} bytes.
 * <ul>
 *   <li>AEAD: start with a fresh IV (a counter, as ESP may use, RFC 4106 §3.1), AAD = SPI || seq (8 bytes),
 *       seal in place;</li>
 *   <li>cipher + MAC: encrypt in place with the packet IV, then the ICV over SPI || seq || IV || ciphertext
 *       (RFC 4303 §3.3.4, encrypt-then-MAC); CBC payloads are rounded up to the cipher block, as ESP pads;</li>
 *   <li>{@code jce-aes-gcm-128}: the baseline — a bare javax.crypto AES/GCM Cipher, reused, sealing the same
 *       bytes with the same framing, to show what jipsec's wrapper costs.</li>
 * </ul>
 * Run: {@code java -jar bench/target/benchmarks.jar EspCryptoBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EspCryptoBenchmark {

    @Param({
        "aes-gcm-16/128",
        "aes-gcm-16/256",
        "aes-gcm-8/128",
        "chacha20-poly1305",
        "aes-ccm-16/128",
        "aes-gmac/128",
        "aes-cbc/128+hmac-sha256",
        "aes-cbc/128+hmac-sha1",
        "aes-ctr/128+hmac-sha256",
        "3des-cbc+hmac-sha1",
        "null+hmac-sha256",
        "jce-aes-gcm-128"
    })
    public String transform;

    @Param({"64", "512", "1400", "8192"})
    public int size;

    private AeadTransform aead;
    private CipherTransform cipher;
    private IntegrityTransform mac;
    private Cipher jce;
    private SecretKeySpec jceKey;
    private final byte[] jceNonce = new byte[12];

    private byte[] packet; // SPI(4) seq(4) IV payload ICV
    private int ivOff;
    private int payloadOff;
    private int payloadLen;
    private long counter;

    private static byte[] key(SplittableRandom rnd, int bytes) {
        byte[] k = new byte[bytes];
        rnd.nextBytes(k);
        return k;
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        SplittableRandom rnd = new SplittableRandom(42);
        int ivLen;
        int icvLen;
        int block = 4;
        if (transform.equals("jce-aes-gcm-128")) {
            jce = Cipher.getInstance("AES/GCM/NoPadding");
            jceKey = new SecretKeySpec(key(rnd, 16), "AES");
            rnd.nextBytes(jceNonce);
            ivLen = 8;
            icvLen = 16;
        } else if (transform.contains("+")) {
            String[] parts = transform.split("\\+", -1);
            Algorithm c = alg(AlgorithmKind.ENCRYPTION, parts[0]);
            Algorithm m = alg(AlgorithmKind.AUTHENTICATION, parts[1]);
            cipher = c.newCipher(key(rnd, keyBytes(parts[0], c)));
            mac = m.newIntegrity(key(rnd, m.keyBits().maxBits() / 8));
            ivLen = cipher.ivLength();
            icvLen = mac.icvLength();
            block = Math.max(c.blockBytes() == 16 && c.name().equals("aes-ctr") ? 4 : c.blockBytes(), 4);
        } else {
            Algorithm a = alg(AlgorithmKind.ENCRYPTION, transform);
            aead = a.newAead(key(rnd, keyBytes(transform, a)));
            ivLen = aead.ivLength();
            icvLen = aead.icvLength();
        }
        payloadLen = (size + block - 1) / block * block;
        ivOff = 8;
        payloadOff = 8 + ivLen;
        packet = new byte[payloadOff + payloadLen + icvLen];
        rnd.nextBytes(packet);
    }

    /** "aes-gcm-16/256" → 256-bit key plus the salt; a name without "/bits" takes the table's largest key. */
    private static int keyBytes(String spec, Algorithm a) {
        int slash = spec.indexOf('/');
        if (slash < 0) return a.keyBits().maxBits() / 8;
        return Integer.parseInt(spec.substring(slash + 1)) / 8 + a.saltBytes();
    }

    private static Algorithm alg(AlgorithmKind kind, String spec) {
        String name = spec.contains("/") ? spec.substring(0, spec.indexOf('/')) : spec;
        return AlgorithmTable.byName(kind, name).orElseThrow(() -> new IllegalArgumentException(spec));
    }

    private void nextIv() {
        long c = ++counter;
        for (int i = 0; i < 8; i++) packet[ivOff + i] = (byte) (c >>> (56 - 8 * i));
    }

    @Benchmark
    public int seal() throws Exception {
        nextIv();
        if (aead != null) {
            aead.start(true, packet, ivOff);
            aead.aad(packet, 0, 8);
            return aead.seal(packet, payloadOff, payloadLen);
        }
        if (cipher != null) {
            cipher.encrypt(packet, ivOff, packet, payloadOff, payloadLen);
            mac.update(packet, 0, payloadOff + payloadLen);
            mac.finish(packet, payloadOff + payloadLen);
            return payloadLen + mac.icvLength();
        }
        System.arraycopy(packet, ivOff, jceNonce, 4, 8);
        jce.init(Cipher.ENCRYPT_MODE, jceKey, new GCMParameterSpec(128, jceNonce));
        jce.updateAAD(packet, 0, 8);
        return jce.doFinal(packet, payloadOff, payloadLen, packet, payloadOff);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (aead != null) aead.destroy();
        if (cipher != null) cipher.destroy();
        if (mac != null) mac.destroy();
    }
}
