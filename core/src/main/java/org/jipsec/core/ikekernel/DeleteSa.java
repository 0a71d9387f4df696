package org.jipsec.core.ikekernel;

import java.util.List;
import java.util.Objects;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;

/** SADB_DELETE of one SA by (protocol, SPI, source, destination) — libipsec {@code pfkey_send_delete}: SA, SRC, DST. */
public record DeleteSa(SaId sa) {
    public DeleteSa {
        Objects.requireNonNull(sa);
    }

    public PfkeyMessage toMessage(int seq, int pid) {
        return PfkeyMessage.of(
                Sadb.SADB_DELETE,
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
}
