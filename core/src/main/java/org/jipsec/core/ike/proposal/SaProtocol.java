package org.jipsec.core.ike.proposal;

import org.jipsec.core.ike.codec.Proposal;

/** What a proposal negotiates (RFC 7296 §3.3.1 Protocol ID). AH is not offered by jipsec's IKE. */
public enum SaProtocol {
    IKE(Proposal.PROTOCOL_IKE),
    ESP(Proposal.PROTOCOL_ESP);

    private final int protocolId;

    SaProtocol(int protocolId) {
        this.protocolId = protocolId;
    }

    public int protocolId() {
        return protocolId;
    }
}
