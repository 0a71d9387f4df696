package org.jipsec.core.ike.codec;

import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * A decoded IKE message: the header and its payload chain in wire order. If the message is protected its last
 * payload is an {@link EncryptedPayload} (or {@link EncryptedFragmentPayload}) whose inner payloads the SK
 * codec decrypts into a second {@code IkeMessage} with the same header.
 */
public record IkeMessage(IkeHeader header, List<Payload> payloads) {

    public IkeMessage {
        payloads = List.copyOf(payloads);
    }

    /** The first payload of the given record type, if any. */
    public <T extends Payload> Optional<T> first(Class<T> type) {
        for (Payload p : payloads) {
            if (type.isInstance(p)) return Optional.of(type.cast(p));
        }
        return Optional.empty();
    }

    /** All payloads of the given record type, in order. */
    public <T extends Payload> List<T> all(Class<T> type) {
        return payloads.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The first notify of the given type (§3.10), if any. */
    public Optional<NotifyPayload> notify(int notifyType) {
        return all(NotifyPayload.class).stream()
                .filter(n -> n.notifyType() == notifyType)
                .findFirst();
    }

    /**
     * strongSwan's log summary, e.g. {@code IKE_SA_INIT request 0 [ SA KE No N(NAT_DETECTION_SOURCE_IP) ]}:
     * payload types and notify names only, never payload contents.
     */
    public String summary() {
        StringJoiner j = new StringJoiner(
                " ",
                ExchangeType.name(header.exchangeType()) + (header.isResponse() ? " response " : " request ")
                        + header.messageId() + " [ ",
                " ]");
        for (Payload p : payloads) {
            j.add(
                    p instanceof NotifyPayload n
                            ? "N(" + NotifyType.name(n.notifyType()) + ")"
                            : PayloadType.name(p.type()));
        }
        return j.toString();
    }
}
