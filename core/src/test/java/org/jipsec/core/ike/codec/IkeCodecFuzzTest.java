package org.jipsec.core.ike.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;

/**
 * Jazzer fuzzing of the IKE message decoder (design.md: a decoder of untrusted bytes throws only its declared
 * exception). Runs in regression mode under surefire over the seeds in
 * src/test/resources/org/jipsec/core/ike/codec/IkeCodecFuzzTestInputs/ (strongSwan's messages); with
 * JAZZER_FUZZ=1 it fuzzes.
 */
class IkeCodecFuzzTest {

    /** Arbitrary bytes: only IkeDecodeException; what decodes re-encodes stably. */
    @FuzzTest(maxDuration = "30s")
    void decoderThrowsOnlyIkeDecodeException(byte[] data) {
        IkeMessage m;
        try {
            m = IkeMessageCodec.decode(data);
        } catch (IkeDecodeException e) {
            return;
        }
        IkeCodecProperties.roundTrips(m);
        // the same bytes as an SK payload's content, first payload type from the first byte
        if (data.length > 0) {
            try {
                List<Payload> inner = IkeMessageCodec.decodeInner(data[0] & 0xff, data, 1, data.length - 1);
                byte[] again = IkeMessageCodec.encodeInner(inner);
                assertArrayEquals(
                        again,
                        IkeMessageCodec.encodeInner(
                                IkeMessageCodec.decodeInner(IkeMessageCodec.firstType(inner), again, 0, again.length)));
            } catch (IkeDecodeException e) {
                // declared
            }
        }
    }
}
