package org.jipsec.core.net.pcap;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * One captured packet.
 *
 * @param timestamp      capture time (the file's resolution, truncated to the nanosecond; {@link Instant#EPOCH}
 *                       for a pcapng Simple Packet Block, which has none)
 * @param originalLength the packet's length on the wire ({@code orig_len}); ≥ {@code data.length}
 * @param linkType       the link type of the file (classic pcap) or of the packet's interface (pcapng); see {@link LinkType}
 * @param data           the captured bytes ({@code incl_len} of them), link-layer header included
 */
public record PcapRecord(Instant timestamp, int originalLength, int linkType, byte[] data) {
    public PcapRecord {
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(data, "data");
    }

    /** Offset of the IP packet inside {@link #data}, or -1 when the frame carries no IPv4/IPv6 packet. */
    public int ipOffset() {
        return LinkType.ipOffset(linkType, data);
    }

    /** The IP packet inside the frame (a copy), or null when the frame carries no IPv4/IPv6 packet. */
    public byte[] ipPacket() {
        int at = LinkType.ipOffset(linkType, data);
        return at < 0 ? null : Arrays.copyOfRange(data, at, data.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PcapRecord r
                && timestamp.equals(r.timestamp)
                && originalLength == r.originalLength
                && linkType == r.linkType
                && Arrays.equals(data, r.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(timestamp, originalLength, linkType, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return "PcapRecord[" + timestamp + ", " + data.length + "/" + originalLength + " bytes, linktype " + linkType
                + "]";
    }
}
