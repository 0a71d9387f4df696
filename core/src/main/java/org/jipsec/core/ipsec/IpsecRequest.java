package org.jipsec.core.ipsec;

import java.util.Objects;
import java.util.Optional;

/**
 * One {@code sadb_x_ipsecrequest} of an IPsec policy (spec §1.3 "sadb_x_ipsecrequest", §3.1): protocol, mode,
 * level, reqid and the optional tunnel endpoints (both present or both absent).
 */
public record IpsecRequest(
        IpsecProtocol protocol,
        IpsecMode mode,
        IpsecLevel level,
        int reqid,
        Optional<Endpoint> source,
        Optional<Endpoint> destination) {

    public IpsecRequest {
        Objects.requireNonNull(protocol);
        Objects.requireNonNull(mode);
        Objects.requireNonNull(level);
        Objects.requireNonNull(source);
        Objects.requireNonNull(destination);
        if (reqid < 0 || reqid > 0xffff) throw new IllegalArgumentException("reqid out of range: " + reqid);
        if (source.isPresent() != destination.isPresent()) {
            throw new IllegalArgumentException("tunnel endpoints come in pairs");
        }
    }

    public IpsecRequest(IpsecProtocol protocol, IpsecMode mode, IpsecLevel level, int reqid) {
        this(protocol, mode, level, reqid, Optional.empty(), Optional.empty());
    }

    public boolean hasEndpoints() {
        return source.isPresent();
    }
}
