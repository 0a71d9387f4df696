package org.jipsec.core.ike.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Properties every decoded message has, shared by the fuzz and mutation tests. */
final class IkeCodecProperties {
    private IkeCodecProperties() {}

    /**
     * Encoding a decoded message gives bytes that decode to an equal message and re-encode identically
     * (the first encoding may differ from the input only in reserved bits, critical bits of known payloads and
     * unknown header flags, which the decoder drops as RFC 7296 §2.5/§3.1 say).
     */
    static void roundTrips(IkeMessage m) {
        byte[] once = IkeMessageCodec.encode(m);
        IkeMessage again;
        try {
            again = IkeMessageCodec.decode(once);
        } catch (IkeDecodeException e) {
            throw new AssertionError("our own encoding does not decode: " + e.getMessage(), e);
        }
        assertEquals(m, again);
        assertArrayEquals(once, IkeMessageCodec.encode(again));
    }
}
