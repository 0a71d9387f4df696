package org.jipsec.core.ike.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.jipsec.core.ike.StrongSwanVectors;
import org.jipsec.core.ike.codec.IkeMessage;
import org.jipsec.core.ike.codec.IkeMessageCodec;
import org.jipsec.core.ike.codec.NotifyType;
import org.junit.jupiter.api.Test;

class NatDetectionTest {

    /**
     * strongSwan's NAT_DETECTION_DESTINATION_IP in the recorded IKE_SA_INIT (10.231.0.1:500 → 10.231.0.2:500):
     * SHA-1(SPIi | 0 | 10.231.0.2 | 500) in the request, SHA-1(SPIi | SPIr | 10.231.0.1 | 500) in the response.
     * Its NAT_DETECTION_SOURCE_IP is random (kernel-libipsec forces UDP encapsulation), so it does not match.
     */
    @Test
    void strongSwansNatDetectionHashes() throws Exception {
        StrongSwanVectors v = StrongSwanVectors.load("gcm");
        IkeMessage req = IkeMessageCodec.decode(v.message(0));
        IkeMessage resp = IkeMessageCodec.decode(v.message(1));
        InetAddress i = InetAddress.getByName("10.231.0.1");
        InetAddress r = InetAddress.getByName("10.231.0.2");
        long spiI = resp.header().spiI();
        long spiR = resp.header().spiR();
        assertArrayEquals(
                req.notify(NotifyType.NAT_DETECTION_DESTINATION_IP)
                        .orElseThrow()
                        .data(),
                NatDetection.hash(spiI, 0, r, 500));
        assertArrayEquals(
                resp.notify(NotifyType.NAT_DETECTION_DESTINATION_IP)
                        .orElseThrow()
                        .data(),
                NatDetection.hash(spiI, spiR, i, 500));
        assertFalse(
                NatDetection.matches(
                        List.of(req.notify(NotifyType.NAT_DETECTION_SOURCE_IP)
                                .orElseThrow()
                                .data()),
                        spiI,
                        0,
                        i,
                        500),
                "strongSwan's source hash is deliberately random");
        assertTrue(NatDetection.matches(List.of(new byte[20], NatDetection.hash(spiI, 0, r, 500)), spiI, 0, r, 500));
    }
}
