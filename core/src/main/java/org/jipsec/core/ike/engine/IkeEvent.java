package org.jipsec.core.ike.engine;

/** What drives an {@link IkeSaEngine}: the only inputs it has (no clock of its own; {@code now} in milliseconds). */
public sealed interface IkeEvent {

    /** Start the exchange as initiator (admin command, start_action = start, or an ACQUIRE). */
    record Initiate(long now) implements IkeEvent {}

    /** A datagram for this IKE SA (non-ESP marker already removed). */
    record Datagram(IkeEndpoint from, IkeEndpoint to, byte[] bytes, long now) implements IkeEvent {}

    /** The timer the engine armed last has fired. */
    record Timer(long now) implements IkeEvent {}

    /** Delete the CHILD_SA with this inbound SPI (admin terminate, PF_KEY hard EXPIRE; RFC 7296 §1.4.1). */
    record DeleteChild(int spiIn, long now) implements IkeEvent {}

    /** Rekey the CHILD_SA with this inbound SPI (rekey_time, PF_KEY soft EXPIRE, admin; RFC 7296 §1.3.3). */
    record RekeyChild(int spiIn, long now) implements IkeEvent {}

    /** Rekey the IKE SA (rekey_time, admin; RFC 7296 §1.3.2, §2.18); its children move to the new SA. */
    record RekeyIke(long now) implements IkeEvent {}

    /**
     * ESP traffic arrived on one of this SA's children (the daemon learns it from the PF_KEY lifetime's use time):
     * strongSwan sends a liveness check only after {@code dpd_delay} without any inbound traffic (§2.4).
     */
    record InboundTraffic(long now) implements IkeEvent {}

    /**
     * Create an additional CHILD_SA of the configured child {@code child} with CREATE_CHILD_SA on the established
     * IKE SA (RFC 7296 §1.3.1): an ACQUIRE for a connection whose IKE SA is up, or a second child of the
     * connection. PFS when the child's esp_proposals name DH groups (strongSwan's meaning of e.g.
     * {@code aes128gcm16-x25519}). An unknown name, or an IKE SA that is not established, does nothing.
     */
    record CreateChild(String child, long now) implements IkeEvent {}

    /** Delete the IKE SA and with it all its children (admin terminate; RFC 7296 §1.4.1). */
    record DeleteIke(long now) implements IkeEvent {}
}
