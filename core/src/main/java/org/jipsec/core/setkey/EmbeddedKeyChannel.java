package org.jipsec.core.setkey;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jipsec.core.pfkey.Delivery;
import org.jipsec.core.pfkey.DumpStream;
import org.jipsec.core.pfkey.KeyEngine;
import org.jipsec.core.pfkey.Outcome;
import org.jipsec.core.pfkey.PfkeyMessage;

/**
 * setkey against an in-process {@link KeyEngine} ({@code jipsec setkey --embedded}, tests):
 * a PF_KEY socket of the engine whose replies are collected synchronously. Not thread-safe, like the engine.
 *
 * <p>The engine's answer to a request also goes to its other sockets (SADB_ADD, SADB_X_SPDADD… are sent to ALL,
 * with promiscuous copies, spec §1.10): given an {@code announce} sink, every outcome is handed to it, so that a
 * server can deliver those messages to its clients as the kernel does for a {@code setkey -f}.
 */
public final class EmbeddedKeyChannel implements KeyChannel {
    private final KeyEngine engine;
    private final long socket;
    private final Consumer<Outcome> announce;

    public EmbeddedKeyChannel(KeyEngine engine) {
        this(engine, o -> {});
    }

    /** @param announce receives each outcome (deliveries to this channel's own socket included; ignore those) */
    public EmbeddedKeyChannel(KeyEngine engine, Consumer<Outcome> announce) {
        this.engine = engine;
        this.socket = engine.openSocket();
        this.announce = java.util.Objects.requireNonNull(announce);
    }

    @Override
    public List<PfkeyMessage> exchange(PfkeyMessage request) {
        Outcome o = engine.handle(socket, request);
        announce.accept(o);
        List<PfkeyMessage> replies = new ArrayList<>();
        for (Delivery d : o.deliveries()) {
            if (d.socketId() == socket && !d.promiscCopy()) replies.add(d.message());
        }
        if (o.dump().isPresent() && o.dump().get().socketId() == socket) {
            DumpStream<?> s = o.dump().get().stream();
            while (s.hasNext()) replies.add(s.next());
        }
        return replies;
    }

    @Override
    public void close() {
        engine.closeSocket(socket);
    }
}
