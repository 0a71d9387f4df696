package org.jipsec.core.ikekernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;

/**
 * SADB_GETSPI for the inbound SA (racoon {@code pk_sendgetspi}: source = peer, destination = this host, SA2 with
 * mode and reqid, the ACQUIRE's seq so NetBSD resets that ACQUIRE's timer; iked adds SPIRANGE). When the SA will be
 * UDP-encapsulated the NAT-T type and ports go in too: NetBSD keys the SA head by them (key.c key_setsaidx), so the
 * UPDATE, which carries them, finds the larval SA.
 *
 * @param spiMin lowest SPI (≥ 256, RFC 4303 §2.1); {@code spiMax} highest, unsigned
 */
public record GetSpi(
        SaType saType,
        Endpoint source,
        Endpoint destination,
        IpsecMode mode,
        int reqid,
        int spiMin,
        int spiMax,
        Optional<NatT> natT) {
    public GetSpi {
        Objects.requireNonNull(saType);
        Objects.requireNonNull(source);
        Objects.requireNonNull(destination);
        Objects.requireNonNull(mode);
        Objects.requireNonNull(natT);
        if (Integer.compareUnsigned(spiMin, 256) < 0 || Integer.compareUnsigned(spiMin, spiMax) > 0) {
            throw new IllegalArgumentException("SPI range must be 256 <= min <= max");
        }
    }

    /** Any SPI from 256 up. */
    public static GetSpi of(
            SaType saType, Endpoint source, Endpoint destination, IpsecMode mode, int reqid, Optional<NatT> natT) {
        return new GetSpi(saType, source, destination, mode, reqid, 256, -1, natT);
    }

    public PfkeyMessage toMessage(int seq, int pid) {
        List<Extension> x = new ArrayList<>();
        x.add(new Extension.Sa2(mode.number(), 0, reqid));
        x.add(Extension.Address.of(Sadb.SADB_EXT_ADDRESS_SRC, source.withPort(0)));
        x.add(Extension.Address.of(Sadb.SADB_EXT_ADDRESS_DST, destination.withPort(0)));
        x.add(new Extension.SpiRange(spiMin, spiMax));
        natT.ifPresent(n -> {
            x.add(new Extension.NatTType(n.type()));
            x.add(new Extension.NatTPort(Sadb.SADB_X_EXT_NAT_T_SPORT, n.sourcePort()));
            x.add(new Extension.NatTPort(Sadb.SADB_X_EXT_NAT_T_DPORT, n.destinationPort()));
        });
        return PfkeyMessage.of(Sadb.SADB_GETSPI, saType.number(), seq, pid, x);
    }
}
