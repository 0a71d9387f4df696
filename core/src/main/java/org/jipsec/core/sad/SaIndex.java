package org.jipsec.core.sad;

import java.util.Objects;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.SaType;

/**
 * {@code struct secasindex} (keydb.h): what an SA head is keyed by — protocol (as its SA type), mode, reqid and the
 * two endpoints. Endpoint ports are 0 except for NAT-T SAs, which carry the NAT-T ports (spec §1.10 GETSPI).
 */
public record SaIndex(SaType saType, IpsecMode mode, int reqid, Endpoint source, Endpoint destination) {

    public SaIndex {
        Objects.requireNonNull(saType);
        Objects.requireNonNull(mode);
        Objects.requireNonNull(source);
        Objects.requireNonNull(destination);
    }

    /**
     * key.c {@code key_saidx_match} CMP_HEAD: protocol and addresses; ports compared loosely (0 is a wildcard).
     */
    public boolean matchesHead(SaIndex other) {
        return saType == other.saType
                && sameAddress(source, other.source)
                && sameAddress(destination, other.destination);
    }

    /** CMP_REQID: as CMP_HEAD, and {@code other}'s reqid, when non-zero, must equal ours. */
    public boolean matchesReqid(SaIndex request) {
        return matchesHead(request) && (request.reqid == 0 || request.reqid == reqid);
    }

    /** CMP_MODE_REQID (outbound SA choice, spec §4.6): as CMP_REQID, and our mode ANY or equal to the request's. */
    public boolean matchesModeReqid(SaIndex request) {
        return matchesReqid(request) && (mode == IpsecMode.ANY || mode == request.mode);
    }

    static boolean sameAddress(Endpoint a, Endpoint b) {
        return a.address().equals(b.address()) && (a.port() == 0 || b.port() == 0 || a.port() == b.port());
    }
}
