package org.jipsec.cli.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jipsec.io.netns.NetnsThread;

/**
 * Sends {@code size} bytes over TCP from one namespace to another with sockets of this JVM (opened inside the
 * namespaces through {@link NetnsThread}) and checks that the receiver got exactly those bytes (SHA-256). The
 * payload repeats {@link #MARKER}, so a capture can prove that no cleartext crossed the wire.
 */
public final class TcpTransfer {
    /** Text repeated through the payload; must never be seen on the wire between the gateways. */
    public static final String MARKER = "JIPSEC-DEMO-CLEARTEXT-MARKER ";

    /** What happened: bytes received and whether their digest equals the sent one. */
    public record Result(long bytes, boolean intact, double seconds) {}

    private TcpTransfer() {}

    /** The payload: the marker repeated to {@code size} bytes. */
    static byte[] payload(int size) {
        byte[] m = MARKER.getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = m[i % m.length];
        }
        return b;
    }

    /** Transfers {@code size} bytes from {@code src} in {@code nsFrom} to {@code dst}:{@code port} in {@code nsTo}. */
    public static Result run(String nsFrom, String src, String nsTo, String dst, int port, int size, int timeoutMillis)
            throws Exception {
        byte[] data = payload(size);
        ServerSocket server = NetnsThread.call(nsTo, () -> {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(dst), port));
            return s;
        });
        try (server) {
            server.setSoTimeout(timeoutMillis);
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(
                    () -> {
                        try (Socket c = server.accept();
                                InputStream in = c.getInputStream()) {
                            c.setSoTimeout(timeoutMillis);
                            MessageDigest md = MessageDigest.getInstance("SHA-256");
                            byte[] buf = new byte[65536];
                            long n = 0;
                            for (int r; (r = in.read(buf)) > 0; ) {
                                md.update(buf, 0, r);
                                n += r;
                            }
                            byte[] d = md.digest();
                            byte[] withCount = new byte[d.length + 8];
                            System.arraycopy(d, 0, withCount, 0, d.length);
                            for (int i = 0; i < 8; i++) {
                                withCount[d.length + i] = (byte) (n >>> (56 - 8 * i));
                            }
                            return withCount;
                        } catch (IOException | NoSuchAlgorithmException e) {
                            throw new IllegalStateException(e.getMessage(), e);
                        }
                    },
                    Thread::startVirtualThread);
            long t0 = System.nanoTime();
            Socket client = NetnsThread.call(nsFrom, () -> {
                Socket s = new Socket();
                s.bind(new InetSocketAddress(InetAddress.getByName(src), 0));
                s.connect(new InetSocketAddress(InetAddress.getByName(dst), port), timeoutMillis);
                return s;
            });
            try (client;
                    OutputStream out = client.getOutputStream()) {
                client.setSoTimeout(timeoutMillis);
                out.write(data);
                out.flush();
                client.shutdownOutput();
            }
            byte[] got;
            try {
                got = received.get(timeoutMillis, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw new IOException("the receiver failed: " + e.getCause().getMessage(), e.getCause());
            } catch (TimeoutException e) {
                throw new IOException("the receiver got nothing within " + timeoutMillis + " ms");
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            byte[] want = MessageDigest.getInstance("SHA-256").digest(data);
            long n = 0;
            for (int i = 0; i < 8; i++) {
                n = (n << 8) | (got[32 + i] & 0xff);
            }
            return new Result(n, MessageDigest.isEqual(want, java.util.Arrays.copyOf(got, 32)) && n == size, secs);
        }
    }
}
