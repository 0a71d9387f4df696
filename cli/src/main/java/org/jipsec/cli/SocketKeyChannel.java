package org.jipsec.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jipsec.core.pfkey.PfkeyException;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.setkey.KeyChannel;
import org.jipsec.io.pfkey.PfkeyClient;

/**
 * setkey's PF_KEY channel to a running jipsecd ({@link PfkeyClient} over the Unix socket). Replies are the messages
 * of the request's type and pid; like setkey's sendkeymsg it keeps receiving while a reply carries seq ≠ 0 (a dump
 * chain) and stops at an error. Other messages (broadcasts to registered sockets) are skipped.
 */
final class SocketKeyChannel implements KeyChannel {
    private final PfkeyClient client;

    private SocketKeyChannel(PfkeyClient client) {
        this.client = client;
    }

    static SocketKeyChannel connect(Path path) throws IOException {
        try {
            return new SocketKeyChannel(PfkeyClient.connect(path));
        } catch (IOException e) {
            throw new IOException("cannot reach jipsecd on " + path + " (" + e.getMessage()
                    + "); start it with 'jipsec gateway --no-tun', or use --embedded", e);
        }
    }

    int pid() { return client.pid(); }

    @Override
    public List<PfkeyMessage> exchange(PfkeyMessage request) throws IOException {
        client.send(request);
        List<PfkeyMessage> replies = new ArrayList<>();
        while (true) {
            PfkeyMessage m = receive();
            if (m == null) throw new IOException("jipsecd closed the PF_KEY connection");
            if (m.type() != request.type() || m.pid() != request.pid()) continue;
            replies.add(m);
            if (m.errno() != 0 || m.seq() == 0) return replies;
        }
    }

    @Override
    public PfkeyMessage receive() throws IOException {
        try {
            return client.receive();
        } catch (java.io.EOFException e) {
            return null;
        } catch (PfkeyException e) {
            throw new IOException("invalid message from jipsecd: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
