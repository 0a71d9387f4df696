package org.jipsec.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.jipsec.core.sysctl.Sysctl;
import org.jipsec.io.gateway.GatewayDaemon;
import org.jipsec.io.gateway.GatewayOptions;
import org.jipsec.io.netns.CommandResult;
import org.jipsec.io.netns.NetnsLab;
import org.jipsec.io.netns.NetnsThread;

/**
 * End-to-end test support: namespaces ({@link NetnsLab}), jipsecd data planes started in-process inside them (the TUN
 * and sockets are opened on a thread in the namespace), a packet capture with dumpcap, and bounded traffic
 * generators (UDP echo, TCP transfer with a digest check). Everything is closed in {@link #close()}.
 */
final class GatewayLab implements AutoCloseable {

    final NetnsLab lab = new NetnsLab();
    final Path dir;
    private final List<GatewayDaemon> daemons = new ArrayList<>();
    private final List<Process> captures = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    final StringBuilder logs = new StringBuilder();
    /** TUN offloads on the gateways started from now on. */
    boolean offload = true;
    /** The nftables policy guard on the gateways started from now on. */
    boolean policyGuard = true;
    /** NAT-T keepalive interval of the gateways started from now on (seconds). */
    int keepaliveSeconds = 20;

    GatewayLab(Path dir) {
        this.dir = dir;
    }

    /** Starts a gateway in {@code ns} with a setkey configuration text. */
    GatewayDaemon gateway(String ns, String configText) throws Exception {
        Path conf = dir.resolve(ns + ".conf");
        Files.writeString(conf, configText);
        GatewayOptions o = GatewayOptions.defaults(dir.resolve(ns + ".pfkey"))
                .withTun("jipsec0")
                .withOffload(offload)
                .withPolicyGuard(policyGuard)
                .withKeepaliveSeconds(keepaliveSeconds);
        StringWriter sw = new StringWriter();
        PrintWriter pw = new PrintWriter(sw, true);
        Sysctl sysctl = Sysctl.withNetbsdDefaults();
        GatewayDaemon d = NetnsThread.call(
                ns,
                () -> GatewayDaemon.start(
                        o,
                        sysctl,
                        GatewayConfigFile.of(conf),
                        line -> {
                            synchronized (logs) {
                                logs.append(ns).append(": ").append(line).append('\n');
                            }
                        },
                        null,
                        false,
                        clock -> Jipsecd.dataPlaneEngine(sysctl, clock)));
        synchronized (logs) {
            logs.append(sw);
        }
        daemons.add(d);
        return d;
    }

    /** {@code ip rule add not fwmark 0x99 table 99} and host routes to each peer via the TUN with {@code src}. */
    void transportRouting(String ns, String src, String... peers) throws IOException {
        boolean v6 = src.contains(":");
        lab.ip(ns, v6 ? "-6" : "-4", "rule", "add", "not", "fwmark", "0x99", "table", "99", "pref", "100");
        for (String p : peers) lab.ip(ns, "route", "add", p, "dev", "jipsec0", "src", src, "table", "99");
    }

    CommandResult exec(String ns, int seconds, String... cmd) throws IOException {
        return lab.exec(ns, Duration.ofSeconds(seconds), cmd);
    }

    /** Starts dumpcap on {@code dev} in {@code ns}; returns the capture file (written when {@link #stopCaptures}). */
    Path capture(String ns, String dev) throws Exception {
        Path f = dir.resolve(ns + "-" + dev + ".pcapng");
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, "dumpcap", "-q", "-i", dev, "-w", f.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(ns + "-dumpcap.log").toFile())
                .start();
        captures.add(p);
        for (int i = 0; i < 100 && !(Files.exists(f) && Files.size(f) > 0); i++) Thread.sleep(50);
        Thread.sleep(300);
        return f;
    }

    void stopCaptures() throws InterruptedException {
        for (Process p : captures) {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly();
        }
        captures.clear();
    }

    /** {@code tshark -r file args…}; stdout. */
    static String tshark(Path file, String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of("tshark", "-r", file.toString()));
        argv.addAll(List.of(args));
        return org.jipsec.io.netns.Commands.run(argv, Duration.ofSeconds(60)).stdout();
    }

    /** A UDP echo server in {@code ns} on {@code addr:port}; returns after it is bound. */
    void udpEcho(String ns, String addr, int port) throws Exception {
        DatagramSocket s = NetnsThread.call(
                ns, () -> new DatagramSocket(new InetSocketAddress(InetAddress.getByName(addr), port)));
        closeables.add(s);
        Thread.ofPlatform().daemon().start(() -> {
            byte[] buf = new byte[65536];
            while (!s.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    s.receive(p);
                    s.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    /** Sends {@code count} datagrams of {@code size} bytes from {@code ns}; returns how many came back intact. */
    int udpRoundTrips(String ns, String server, int port, int count, int size) throws Exception {
        try (DatagramSocket s = NetnsThread.call(ns, () -> new DatagramSocket())) {
            s.setSoTimeout(2000);
            Random r = new Random(7);
            int ok = 0;
            for (int i = 0; i < count; i++) {
                byte[] msg = new byte[size];
                r.nextBytes(msg);
                s.send(new DatagramPacket(msg, size, new InetSocketAddress(InetAddress.getByName(server), port)));
                byte[] back = new byte[65536];
                DatagramPacket p = new DatagramPacket(back, back.length);
                try {
                    s.receive(p);
                    if (java.util.Arrays.equals(msg, 0, size, back, 0, p.getLength())) ok++;
                } catch (java.net.SocketTimeoutException e) {
                    // lost: counted by the caller
                }
            }
            return ok;
        }
    }

    /**
     * A TCP server in {@code ns} that reads everything a client sends and answers its SHA-256; the client in
     * {@code clientNs} sends {@code bytes} random bytes. Returns the elapsed nanoseconds; throws if the digests differ.
     */
    long tcpTransfer(String ns, String addr, int port, String clientNs, int bytes) throws Exception {
        return tcpTransfer(ns, addr, addr, port, clientNs, bytes);
    }

    /** {@link #tcpTransfer} with the server bound to {@code bindAddr} ("::" : an IPv6 socket taking IPv4-mapped peers too). */
    long tcpTransfer(String ns, String bindAddr, String addr, int port, String clientNs, int bytes) throws Exception {
        ServerSocket ss = NetnsThread.call(ns, () -> new ServerSocket(port, 1, InetAddress.getByName(bindAddr)));
        closeables.add(ss);
        ss.setSoTimeout(20_000);
        Thread server = Thread.ofPlatform().daemon().start(() -> {
            try (Socket c = ss.accept()) {
                c.setSoTimeout(20_000);
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                InputStream in = c.getInputStream();
                byte[] buf = new byte[65536];
                long left = bytes;
                while (left > 0) {
                    int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                    if (n < 0) break;
                    md.update(buf, 0, n);
                    left -= n;
                }
                c.getOutputStream().write(md.digest());
                c.getOutputStream().flush();
            } catch (Exception e) {
                // the client sees the missing digest
            }
        });
        byte[] data = new byte[bytes];
        new Random(11).nextBytes(data);
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(data);
        long t0 = System.nanoTime();
        try (Socket c = NetnsThread.call(clientNs, () -> {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(InetAddress.getByName(addr), port), 10_000);
            return s;
        })) {
            c.setSoTimeout(20_000);
            OutputStream out = c.getOutputStream();
            out.write(data);
            out.flush();
            byte[] got = c.getInputStream().readNBytes(32);
            long t = System.nanoTime() - t0;
            if (!java.util.Arrays.equals(expected, got))
                throw new AssertionError("TCP transfer: digest mismatch or missing");
            return t;
        } finally {
            server.join(5000);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            stopCaptures();
        } finally {
            for (AutoCloseable c : closeables) {
                try {
                    c.close();
                } catch (Exception ignored) {
                }
            }
            for (GatewayDaemon d : daemons) d.close();
            lab.close();
        }
    }
}
