package org.jipsec.io.ike;

import java.io.Closeable;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.jipsec.core.ike.control.AdminResult;
import org.jipsec.core.ike.control.ControlFrameException;
import org.jipsec.core.ike.control.IkeControlCodec;
import org.jipsec.core.ike.control.IkeControlCodec.Op;
import org.jipsec.core.ike.control.IkeControlCodec.Request;
import org.jipsec.core.ike.control.IkeControlCodec.Response;
import org.jipsec.core.ike.control.IkeStatus;
import org.jipsec.io.unix.PeerCredentials;

/**
 * The client of {@code jipsec iked}'s control socket ({@link IkeControlServer}): what {@code jipsec ike} uses.
 * Like {@link IkeHandoffClient} it talks only to a server whose {@code SO_PEERCRED} uid is root's or this process's
 * ({@link PeerCredentials}). Blocking, one request at a time.
 */
public final class IkeControlClient implements Closeable {

    /** Nobody listens at the path (no file, or a socket file left by a daemon that is gone). */
    public static final class NotListeningException extends IOException {
        public NotListeningException(Path path) {
            super("no jipsec iked listening on " + path);
        }
    }

    /** The daemon could not read our request (a protocol error; its message says which rule). */
    public static final class ProtocolException extends IOException {
        public ProtocolException(String message) {
            super(message);
        }
    }

    private final SocketChannel ch;

    private IkeControlClient(SocketChannel ch) {
        this.ch = ch;
    }

    /** Connects; {@link NotListeningException} when no daemon is there, {@link PeerCredentials.UntrustedServerException}. */
    public static IkeControlClient connect(Path path) throws IOException {
        try {
            return new IkeControlClient(PeerCredentials.connectTrusted(path));
        } catch (ConnectException | NoSuchFileException e) {
            throw new NotListeningException(path);
        } catch (SocketException e) {
            // connect(2) to a missing path: ENOENT, reported by the JDK as a SocketException
            String m = String.valueOf(e.getMessage());
            if (m.contains("No such file") || m.contains("Connection refused")) throw new NotListeningException(path);
            throw e;
        }
    }

    public IkeStatus status() throws IOException {
        return switch (exchange(Request.status())) {
            case Response.Status(IkeStatus s) -> s;
            case Response.Result r -> throw new ProtocolException("iked answered a status request with a result");
            case Response.ProtocolError(String m) -> throw new ProtocolException(m);
        };
    }

    public AdminResult initiate(String name) throws IOException {
        return command(Op.INITIATE, name);
    }

    public AdminResult terminate(String name) throws IOException {
        return command(Op.TERMINATE, name);
    }

    public AdminResult rekey(String name) throws IOException {
        return command(Op.REKEY, name);
    }

    private AdminResult command(Op op, String name) throws IOException {
        return switch (exchange(new Request(op, name))) {
            case Response.Result(AdminResult a) -> a;
            case Response.Status s -> throw new ProtocolException("iked answered a command with a status");
            case Response.ProtocolError(String m) -> throw new ProtocolException(m);
        };
    }

    /** Sends one request frame and reads its answer. */
    Response exchange(Request r) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(IkeControlCodec.encode(r));
        while (out.hasRemaining()) ch.write(out);
        byte[] header = new byte[IkeControlCodec.HEADER_BYTES];
        IkeControlServer.readFully(ch, ByteBuffer.wrap(header), false);
        try {
            IkeControlCodec.Header h = IkeControlCodec.header(header, 0, false);
            byte[] frame = new byte[IkeControlCodec.HEADER_BYTES + h.bodyLength()];
            System.arraycopy(header, 0, frame, 0, header.length);
            IkeControlServer.readFully(ch, ByteBuffer.wrap(frame, header.length, h.bodyLength()), false);
            return IkeControlCodec.decodeResponse(frame);
        } catch (ControlFrameException e) {
            throw new IOException("bad answer from iked: " + e.getMessage());
        }
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
