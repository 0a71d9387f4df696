package org.jipsec.core.ike.engine;

import java.util.ArrayList;
import java.util.List;
import org.jipsec.core.ike.codec.KePayload;
import org.jipsec.core.ike.codec.NoncePayload;
import org.jipsec.core.ike.codec.Payload;
import org.jipsec.core.ike.codec.Proposal;
import org.jipsec.core.ike.codec.SaPayload;
import org.jipsec.core.ike.codec.TrafficSelector;
import org.jipsec.core.ike.codec.TsPayload;
import org.jipsec.core.ike.crypto.KeyExchange;

/**
 * Our outstanding request for an additional CHILD_SA (RFC 7296 §1.3.1): {@code [SA Ni [KEi] TSi TSr]}, the
 * proposals carrying our new inbound SPI; a KE (PFS) when the child's ESP proposals name DH groups. The KEYMAT is
 * prf+(SK_d, [g^ir] | Ni | Nr) (§2.17). Key material stays out of toString.
 *
 * @param ke null without PFS
 */
record CreateChild(
        IkeSaConfig.ChildConfig child,
        int newSpiIn,
        byte[] ni,
        KeyExchange ke,
        List<TrafficSelector> tsi,
        List<TrafficSelector> tsr,
        int invalidKeRetries) {

    List<Payload> request() {
        byte[] spi = Informational.spi(newSpiIn);
        List<Proposal> proposals = new ArrayList<>();
        for (int n = 0; n < child.espProposals().size(); n++) {
            proposals.add(child.espProposals().get(n).toPayload(n + 1, spi));
        }
        List<Payload> p = new ArrayList<>();
        p.add(new SaPayload(proposals));
        p.add(new NoncePayload(ni));
        if (ke != null) p.add(new KePayload(ke.group().number(), ke.publicValue()));
        p.add(new TsPayload(true, tsi));
        p.add(new TsPayload(false, tsr));
        return p;
    }

    @Override
    public String toString() {
        return "CreateChild[" + child.name() + " in " + Integer.toHexString(newSpiIn)
                + (ke != null ? " PFS " + ke.group() : "") + "]";
    }
}
