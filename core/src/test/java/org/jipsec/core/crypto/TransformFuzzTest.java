package org.jipsec.core.crypto;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;

/**
 * Random algorithms, keys, IVs, offsets and lengths: the transforms throw nothing but their declared
 * exceptions — InvalidKeyLengthException for a key the table refuses, IcvMismatchException for a packet that
 * does not verify, IllegalArgumentException for a range outside the buffer or a length the cipher cannot take,
 * IllegalStateException for an IV reused under one key.
 */
class TransformFuzzTest {

    private static final List<Algorithm> ROWS = AlgorithmTable.all().stream()
            .filter(a -> !(a.factory() instanceof Algorithm.Factory.None))
            .toList();

    @FuzzTest(maxDuration = "20s")
    void transformsThrowOnlyDeclaredExceptions(FuzzedDataProvider data) {
        Algorithm a = ROWS.get(data.consumeInt(0, ROWS.size() - 1));
        byte[] key = data.consumeBytes(data.consumeInt(0, 80));
        byte[] iv = data.consumeBytes(data.consumeInt(0, 20));
        int ivOff = data.consumeInt(-2, 20);
        int off = data.consumeInt(-2, 40);
        int len = data.consumeInt(-2, 300);
        byte[] buf = data.consumeBytes(data.consumeInt(0, 400));
        byte[] aad = data.consumeBytes(data.consumeInt(0, 16));
        boolean encrypt = data.consumeBoolean();
        try {
            switch (a.factory()) {
                case Algorithm.Factory.Cipher f -> {
                    CipherTransform t = a.newCipher(key);
                    if (encrypt) t.encrypt(iv, ivOff, buf, off, len);
                    else t.decrypt(iv, ivOff, buf, off, len);
                    t.destroy();
                }
                case Algorithm.Factory.Aead f -> {
                    AeadTransform t = a.newAead(key);
                    t.start(encrypt, iv, ivOff);
                    t.aad(aad, 0, aad.length);
                    if (encrypt) t.seal(buf, off, len);
                    else t.open(buf, off, len);
                    t.destroy();
                }
                case Algorithm.Factory.Integrity f -> {
                    IntegrityTransform t = a.newIntegrity(key);
                    t.update(buf, off, len);
                    if (encrypt) t.finish(iv, ivOff);
                    else t.verify(iv, ivOff);
                    t.destroy();
                }
                case Algorithm.Factory.None n -> {}
            }
        } catch (InvalidKeyLengthException | IcvMismatchException | IllegalArgumentException expected) {
            // declared
        }
    }
}
