package org.jipsec.core.pfkey;

import java.util.List;
import java.util.Optional;

/**
 * What the key engine wants sent after one request or timer tick: messages for sockets, in order, and possibly a
 * dump to stream to the requesting socket.
 */
public record Outcome(List<Delivery> deliveries, Optional<Dump> dump) {

    public record Dump(long socketId, DumpStream<?> stream) {}

    public static final Outcome NONE = new Outcome(List.of(), Optional.empty());

    public Outcome {
        deliveries = List.copyOf(deliveries);
    }

    public static Outcome of(List<Delivery> deliveries) {
        return new Outcome(deliveries, Optional.empty());
    }
}
