package org.jipsec.core.ike.crypto;

import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * NAT detection data (RFC 7296 §2.23): {@code SHA-1(SPIi | SPIr | IP | Port)} for the NAT_DETECTION_SOURCE_IP
 * and NAT_DETECTION_DESTINATION_IP notifies, with SPIr zero in the IKE_SA_INIT request. A mismatch of the
 * received destination hash means this end is behind a NAT; of a source hash, the peer is. strongSwan with
 * kernel-libipsec sends a random source hash to force UDP encapsulation (ikev2-notes.md §1.1), which the
 * comparison then reports as "peer behind NAT", as it should.
 */
public final class NatDetection {
    private NatDetection() {}

    public static byte[] hash(long spiI, long spiR, InetAddress address, int port) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(KeySchedule.be64(spiI));
            sha1.update(KeySchedule.be64(spiR));
            sha1.update(address.getAddress());
            sha1.update(new byte[] {(byte) (port >>> 8), (byte) port});
            return sha1.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 unavailable", e);
        }
    }

    /** True if any received hash matches the one computed for the given endpoint (§2.23: several may be sent). */
    public static boolean matches(
            java.util.List<byte[]> received, long spiI, long spiR, InetAddress address, int port) {
        byte[] expected = hash(spiI, spiR, address, port);
        for (byte[] r : received) {
            if (MessageDigest.isEqual(expected, r)) return true;
        }
        return false;
    }
}
