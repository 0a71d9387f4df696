package org.jipsec.core.ikekernel;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;

/**
 * SADB_GET of one SA (RFC 2367 §3.1.5; libipsec {@code pfkey_send_get}: SA, SRC, DST) for its current lifetime:
 * what {@code jipsec ike status} shows as bytes and packets, and what tells iked that ESP arrived (the use time), so
 * that it sends a liveness check only after {@code dpd_delay} without traffic (RFC 7296 §2.4). The reply's keys
 * are never read.
 */
public record GetSa(SaId sa) {

    /** An SA's use so far (KAME's current lifetime: allocations count packets; times are the kernel's seconds). */
    public record Usage(long packets, long bytes, long addTime, long useTime) {}

    public GetSa {
        Objects.requireNonNull(sa);
    }

    public PfkeyMessage toMessage(int seq, int pid) {
        return PfkeyMessage.of(
                Sadb.SADB_GET,
                sa.saType().number(),
                seq,
                pid,
                List.of(
                        new Extension.Sa(sa.spi(), 0, 0, 0, 0, 0),
                        Extension.Address.of(
                                Sadb.SADB_EXT_ADDRESS_SRC, sa.source().withPort(0)),
                        Extension.Address.of(
                                Sadb.SADB_EXT_ADDRESS_DST, sa.destination().withPort(0))));
    }

    /** The usage in a SADB_GET reply; empty without a current lifetime. */
    public static Optional<Usage> usage(PfkeyMessage reply) {
        return reply.lifetime(Sadb.SADB_EXT_LIFETIME_CURRENT)
                .map(l -> new Usage(l.allocations(), l.bytes(), l.addtime(), l.usetime()));
    }
}
