package org.jipsec.core.ike.engine;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jipsec.core.ike.codec.DeletePayload;
import org.jipsec.core.ike.codec.IkeMessage;
import org.jipsec.core.ike.codec.Payload;
import org.jipsec.core.ike.codec.Proposal;

/**
 * The INFORMATIONAL exchange (RFC 7296 §1.4, §2.4), pure: answering a request and building delete requests. The
 * engine does message IDs, protection and retransmission; this class only decides payloads and which SAs go.
 */
final class Informational {

    private Informational() {}

    /**
     * What a request does: the payloads of the response, the children removed, whether the IKE SA is deleted.
     */
    record Answer(List<Payload> response, List<ChildSa> removed, boolean ikeDeleted) {}

    /**
     * §1.4.1: a Delete for the IKE SA closes it and all its children, answered empty; a Delete for ESP SPIs (the
     * peer's inbound = our outbound SPIs) removes those children and is answered with a Delete of our inbound SPIs
     * of the same pairs — except for pairs we are deleting ourselves (crossing requests: "the responses MUST NOT
     * include Delete payloads for the deleted SAs"). Unknown SPIs are ignored. An empty request (liveness check,
     * §1.4) and notifies (status, unknown) get an empty response.
     *
     * @param byIn          the installed children keyed by inbound SPI (not modified)
     * @param deletingByUs  inbound SPIs of children whose Delete we have sent and not yet seen answered
     */
    static Answer answer(IkeMessage request, Map<Integer, ChildSa> byIn, Set<Integer> deletingByUs) {
        List<DeletePayload> deletes = request.all(DeletePayload.class);
        for (DeletePayload d : deletes) {
            if (d.protocolId() == Proposal.PROTOCOL_IKE) {
                return new Answer(List.of(), List.copyOf(byIn.values()), true);
            }
        }
        List<ChildSa> removed = new ArrayList<>();
        List<byte[]> ours = new ArrayList<>();
        for (DeletePayload d : deletes) {
            if (d.protocolId() != Proposal.PROTOCOL_ESP || d.spiSize() != 4) continue; // AH is not negotiated here
            for (byte[] spi : d.spis()) {
                int peerIn = ByteBuffer.wrap(spi).getInt();
                for (ChildSa c : byIn.values()) {
                    if (c.spiOut() != peerIn || removed.contains(c)) continue;
                    removed.add(c);
                    if (!deletingByUs.contains(c.spiIn())) ours.add(spi(c.spiIn()));
                }
            }
        }
        List<Payload> response =
                ours.isEmpty() ? List.of() : List.of(new DeletePayload(Proposal.PROTOCOL_ESP, 4, ours));
        return new Answer(response, removed, false);
    }

    /** §1.4.1: the request deleting a CHILD_SA names our inbound SPI. */
    static List<Payload> deleteChild(int spiIn) {
        return List.of(new DeletePayload(Proposal.PROTOCOL_ESP, 4, List.of(spi(spiIn))));
    }

    /** §1.4.1: the request deleting the IKE SA it travels in. */
    static List<Payload> deleteIke() {
        return List.of(DeletePayload.ikeSa());
    }

    static byte[] spi(int v) {
        return ByteBuffer.allocate(4).putInt(v).array();
    }
}
