package org.jipsec.io.ike;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import org.jipsec.core.ikekernel.HandoffFrame;
import org.jipsec.io.unix.PeerCredentials;

/**
 * iked's side of the UDP 4500 split: connects to jipsecd's handoff socket (the server must be root or this user,
 * {@link PeerCredentials}), receives the IKE datagrams jipsecd got on UDP 4500 and gives it those to send from
 * there. Blocking; one reader thread and one writer at a time.
 */
public final class IkeHandoffClient implements Closeable {
    private final SocketChannel ch;

    private IkeHandoffClient(SocketChannel ch) {
        this.ch = ch;
    }

    public static IkeHandoffClient connect(Path path) throws IOException {
        return new IkeHandoffClient(PeerCredentials.connectTrusted(path));
    }

    /** The next datagram (payload with the non-ESP marker); EOF when jipsecd closed the socket. */
    public HandoffFrame receive() throws IOException {
        byte[] prefix = new byte[HandoffFrame.PREFIX_BYTES];
        readFully(ByteBuffer.wrap(prefix));
        try {
            int total = HandoffFrame.frameLength(prefix, 0);
            byte[] frame = new byte[total];
            System.arraycopy(prefix, 0, frame, 0, prefix.length);
            readFully(ByteBuffer.wrap(frame, prefix.length, total - prefix.length));
            return HandoffFrame.decode(frame, 0, total);
        } catch (HandoffFrame.FrameException e) {
            throw new IOException("bad frame from jipsecd: " + e.getMessage());
        }
    }

    /** Has jipsecd send {@code f} (its payload must start with the non-ESP marker, or be one 0xFF keepalive). */
    public synchronized void send(HandoffFrame f) throws IOException {
        if (!f.isIkeOrKeepalive()) throw new IllegalArgumentException("only IKE (non-ESP marker) or keepalives");
        ByteBuffer b = ByteBuffer.wrap(f.encode());
        while (b.hasRemaining()) ch.write(b);
    }

    private void readFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) if (ch.read(b) < 0) throw new EOFException("jipsecd closed the IKE handoff socket");
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
