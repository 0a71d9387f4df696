package org.jipsec.core.setkey;

import java.util.ArrayList;
import java.util.List;
import org.jipsec.core.pfkey.Delivery;
import org.jipsec.core.pfkey.DumpStream;
import org.jipsec.core.pfkey.KeyEngine;
import org.jipsec.core.pfkey.Outcome;
import org.jipsec.core.pfkey.PfkeyMessage;

/**
 * setkey against an in-process {@link KeyEngine} ({@code jipsec setkey --embedded}, tests, {@code gateway --config}):
 * a PF_KEY socket of the engine whose replies are collected synchronously. Not thread-safe, like the engine.
 */
public final class EmbeddedKeyChannel implements KeyChannel {
    private final KeyEngine engine;
    private final long socket;

    public EmbeddedKeyChannel(KeyEngine engine) {
        this.engine = engine;
        this.socket = engine.openSocket();
    }

    @Override
    public List<PfkeyMessage> exchange(PfkeyMessage request) {
        Outcome o = engine.handle(socket, request);
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
