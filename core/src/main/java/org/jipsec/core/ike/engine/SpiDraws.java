package org.jipsec.core.ike.engine;

import java.security.SecureRandom;

/**
 * What an IKE SA draws from its injected random source: nonces and other random bytes, IKE SPIs (RFC 7296 §3.1:
 * never zero) and inbound ESP SPIs, from the daemon's {@link InboundSpis} (PF_KEY GETSPI) when it gave one, else
 * random outside the reserved 0..255 (RFC 4303 §2.1). Split from {@link IkeSaEngine} (issue #16 item 3).
 */
final class SpiDraws {

    private final SecureRandom random;
    private final InboundSpis inboundSpis; // null: inbound ESP SPIs from random

    SpiDraws(SecureRandom random, InboundSpis inboundSpis) {
        this.random = random;
        this.inboundSpis = inboundSpis;
    }

    byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    long ikeSpi() {
        long v;
        do {
            v = random.nextLong();
        } while (v == 0);
        return v;
    }

    /** {@code natTraversal}: the IKE SA runs over UDP encapsulation (passed to {@link InboundSpis#allocate}). */
    int childSpi(boolean natTraversal) {
        if (inboundSpis != null) return inboundSpis.allocate(natTraversal);
        int v;
        do {
            v = random.nextInt();
        } while (Integer.compareUnsigned(v, 256) < 0); // SPIs 1..255 are reserved (RFC 4303 §2.1)
        return v;
    }
}
