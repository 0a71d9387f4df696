package org.jipsec.core.ike.engine;

/** What drives an {@link IkeSaEngine}: the only inputs it has (no clock of its own; {@code now} in milliseconds). */
public sealed interface IkeEvent {

    /** Start the exchange as initiator (admin command, start_action = start, or an ACQUIRE). */
    record Initiate(long now) implements IkeEvent {}

    /** A datagram for this IKE SA (non-ESP marker already removed). */
    record Datagram(IkeEndpoint from, IkeEndpoint to, byte[] bytes, long now) implements IkeEvent {}

    /** The timer the engine armed last has fired. */
    record Timer(long now) implements IkeEvent {}
}
