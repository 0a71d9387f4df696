package org.jipsec.core.crypto;

import org.bouncycastle.crypto.Mac;
import org.bouncycastle.crypto.digests.RIPEMD160Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * MACs the JDK lacks, over Bouncy Castle's lightweight API: HMAC-RIPEMD-160-96 (RFC 2857) and
 * AES-CMAC-96 (RFC 4494, CMAC per RFC 4493 truncated to 96 bits).
 */
final class BcMacIntegrity extends TruncatedIntegrity {
    private final Mac mac;
    private final KeyParameter keyParam;

    private BcMacIntegrity(Algorithm alg, byte[] key, Mac mac, int icv) {
        super(alg, icv, mac.getMacSize());
        this.mac = mac;
        this.keyParam = new KeyParameter(key);
        mac.init(keyParam);
    }

    static BcMacIntegrity hmacRipemd160(Algorithm alg, byte[] key, int icv) {
        return new BcMacIntegrity(alg, key, new HMac(new RIPEMD160Digest()), icv);
    }

    static BcMacIntegrity aesCmac(Algorithm alg, byte[] key, int icv) {
        return new BcMacIntegrity(alg, key, new CMac(AESEngine.newInstance()), icv);
    }

    @Override
    void feed(byte[] b, int off, int len) {
        mac.update(b, off, len);
    }

    @Override
    void compute(byte[] out) {
        mac.doFinal(out, 0);
    }

    @Override
    void wipe() {
        Buffers.zero(keyParam.getKey());
        mac.reset();
    }
}
