package org.jipsec.core.ike.engine;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.jipsec.core.ike.codec.KePayload;
import org.jipsec.core.ike.codec.NoncePayload;
import org.jipsec.core.ike.codec.NotifyPayload;
import org.jipsec.core.ike.codec.NotifyType;
import org.jipsec.core.ike.codec.Payload;
import org.jipsec.core.ike.codec.Proposal;
import org.jipsec.core.ike.codec.SaPayload;
import org.jipsec.core.ike.codec.TsPayload;
import org.jipsec.core.ike.crypto.KeyExchange;
import org.jipsec.core.ike.proposal.ProposalSpec;

/**
 * Rekeying a CHILD_SA with CREATE_CHILD_SA (RFC 7296 §1.3.3, §2.8): the request's payloads and the state our
 * outstanding rekey needs. strongSwan's order: {@code [N(REKEY_SA) SA No [KE] TSi TSr]}, the REKEY_SA notify carrying
 * the sender's inbound SPI of the old child (ikev2-notes.md §1.1). PFS (a KE payload) when the ESP proposals name
 * DH groups; the new KEYMAT is prf+(SK_d, [g^ir] | Ni | Nr) (§2.17). Key material stays out of toString.
 *
 * @param ke null without PFS
 */
record ChildRekey(ChildSa old, int newSpiIn, byte[] ni, KeyExchange ke, int invalidKeRetries) {

    /** strongSwan's limit on INVALID_KE_PAYLOAD retries (tasks/ike_init.c:34 MAX_RETRIES, also used for children). */
    static final int MAX_INVALID_KE_RETRIES = 5;

    List<Payload> request(List<ProposalSpec> espProposals) {
        byte[] spi = Informational.spi(newSpiIn);
        List<Proposal> proposals = new ArrayList<>();
        for (int n = 0; n < espProposals.size(); n++)
            proposals.add(espProposals.get(n).toPayload(n + 1, spi));
        List<Payload> p = new ArrayList<>();
        p.add(new NotifyPayload(
                Proposal.PROTOCOL_ESP, Informational.spi(old.spiIn()), NotifyType.REKEY_SA, new byte[0]));
        p.add(new SaPayload(proposals));
        p.add(new NoncePayload(ni));
        if (ke != null) p.add(new KePayload(ke.group().number(), ke.publicValue()));
        p.add(new TsPayload(true, old.localTs()));
        p.add(new TsPayload(false, old.remoteTs()));
        return p;
    }

    static int spiOf(byte[] spi) {
        return spi.length == 4 ? ByteBuffer.wrap(spi).getInt() : 0;
    }

    @Override
    public String toString() {
        return "ChildRekey[" + old + " new in " + Integer.toHexString(newSpiIn)
                + (ke != null ? " PFS " + ke.group() : "") + "]";
    }
}
