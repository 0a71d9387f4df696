package org.jipsec.core.engine;

import java.time.Duration;
import org.jipsec.core.net.Reassembler;

/**
 * The engine's own knobs (not NetBSD sysctls).
 *
 * @param pendingPerSa      packets held per missing SA while an ACQUIRE is outstanding; 0 = NetBSD behaviour (the
 *                          packet that triggers the ACQUIRE is dropped, spec §4.7)
 * @param pendingPackets    packets held overall
 * @param pendingBytes      bytes held overall
 * @param pendingTimeout    how long a held packet may wait for its SA
 * @param reassembly        limits of inbound IP reassembly (IPsec packets are reassembled first, RFC 4303 §3.4.1)
 * @param natTPorts         UDP destination ports carrying ESP-in-UDP (RFC 3948: 4500)
 */
public record EngineSettings(
        int pendingPerSa,
        int pendingPackets,
        long pendingBytes,
        Duration pendingTimeout,
        Reassembler.Limits reassembly,
        int... natTPorts) {

    public EngineSettings {
        if (pendingPerSa < 0 || pendingPackets < 0 || pendingBytes < 0)
            throw new IllegalArgumentException("negative bound");
        if (pendingTimeout.isNegative() || pendingTimeout.isZero()) throw new IllegalArgumentException("timeout");
        natTPorts = natTPorts.length == 0 ? new int[] {4500} : natTPorts.clone();
    }

    /** Hold up to 4 packets per missing SA (64 / 256 KiB overall) for 30 s; default reassembly limits; port 4500. */
    public static final EngineSettings DEFAULTS =
            new EngineSettings(4, 64, 256 * 1024, Duration.ofSeconds(30), Reassembler.Limits.defaults(), 4500);

    /** NetBSD's behaviour: no pending queue, the packet that triggers an ACQUIRE is dropped. */
    public static final EngineSettings NETBSD =
            new EngineSettings(0, 0, 0, Duration.ofSeconds(30), Reassembler.Limits.defaults(), 4500);

    public EngineSettings withPending(int perSa) {
        return new EngineSettings(
                perSa,
                Math.max(pendingPackets, perSa),
                Math.max(pendingBytes, 65536L * perSa),
                pendingTimeout,
                reassembly,
                natTPorts);
    }

    @Override
    public int[] natTPorts() {
        return natTPorts.clone();
    }
}
