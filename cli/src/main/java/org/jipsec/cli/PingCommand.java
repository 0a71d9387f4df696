package org.jipsec.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jipsec.core.spd.PolicyParseException;
import org.jipsec.core.spd.PolicyParser;
import org.jipsec.io.ffm.Datagram;
import org.jipsec.io.ffm.LibC;
import org.jipsec.io.pfkey.PfkeyServer;
import org.jipsec.io.raw.RawIpSocket;
import org.jipsec.io.sockpolicy.SocketPolicyClient;
import org.jipsec.io.sockpolicy.SocketPolicyProtocol;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jipsec ping}: NetBSD's {@code ping -E policy} / {@code ping6 -P policy} (ipsec_set_policy(3) strings set on
 * the ping's socket with setsockopt {@code IP_IPSEC_POLICY}/{@code IPV6_IPSEC_POLICY}), for hosts whose IPsec is
 * jipsecd. The socket is a raw ICMP socket; its policies are registered with the running gateway for the flow the
 * socket uses (peer, ICMP identifier), and the gateway's engine applies them to the echo requests it protects and
 * the replies it delivers (docs/socket-policy.md). Output and exit statuses as NetBSD's ping: 0 when a reply
 * arrived, 2 when none did, 1 for a usage error or a policy the kernel refuses.
 */
@Command(
        name = "ping",
        mixinStandardHelpOptions = false,
        exitCodeOnInvalidInput = 1,
        sortOptions = false,
        description = {
            "Send ICMP echo requests through jipsec with per-socket IPsec policies (NetBSD ping -E / ping6 -P).",
            "",
            "Each -P POLICY is an ipsec_set_policy(3) string starting with 'in' or 'out' (one per direction, a later one "
                    + "replaces an earlier): 'bypass' (root only), 'entrust' (the SPD decides) or 'ipsec REQUESTS'. They are "
                    + "registered with the running jipsecd (the socket beside --pfkey), whose engine applies them to this "
                    + "ping's packets (docs/socket-policy.md).",
            "",
            "Exit status: 0 when a reply arrived, 2 when none did, 1 for a usage error or a refused policy."
        },
        footerHeading = "%nExample:%n",
        footer = {
            "  jipsec ping -c 1 -w 3 -P 'out ipsec esp/transport//require' 10.0.0.2",
            "  jipsec ping -c 1 -P 'in ipsec ah/transport//require' 10.0.0.2",
            "  jipsec ping -6 -c 3 -P 'out bypass' fd00::2"
        })
public final class PingCommand implements Callable<Integer> {

    /** NetBSD ping's MAXPACKET: 65535 - IP header - ICMP header. */
    static final int MAX_DATA = 65535 - 60 - 8;

    @Option(names = "-6", description = "Use IPv6 (ICMPv6; NetBSD ping6)")
    boolean ipv6;

    @Option(names = "-c", paramLabel = "N", description = "Stop after sending (and receiving) N packets")
    int count = -1;

    @Option(names = "-i", paramLabel = "SEC", description = "Wait SEC seconds between packets (default 1)")
    double interval = 1.0;

    @Option(
            names = "-W",
            paramLabel = "SEC",
            description = "Wait SEC seconds for the last reply (default: 10 intervals)")
    double lastWait = -1;

    @Option(
            names = {"-w", "-X"},
            paramLabel = "SEC",
            description = "Stop after SEC seconds in all (NetBSD ping -w, ping6 -X)")
    double deadline = -1;

    @Option(names = "-s", paramLabel = "SIZE", description = "Data bytes per packet (default 56)")
    int size = 56;

    @Option(names = "-p", paramLabel = "PATTERN", description = "Fill the data with 1-16 bytes given in hex")
    String patternText;

    @Option(
            names = {"-P", "-E"},
            paramLabel = "POLICY",
            description = "Per-socket IPsec policy (repeatable: in and out)")
    List<String> policies = new ArrayList<>();

    @Option(names = "-I", paramLabel = "ADDR", description = "Source address")
    String source;

    @Option(names = "-n", description = "Numeric output only (always: accepted for NetBSD's command lines)")
    boolean numeric;

    @Option(names = "-q", description = "Quiet: only the summary")
    boolean quiet;

    @Option(
            names = "--pfkey",
            paramLabel = "PATH",
            description = "PF_KEY socket of jipsecd; the socket-policy socket is beside it (default: ${DEFAULT-VALUE})")
    Path pfkey = PfkeyServer.DEFAULT_PATH;

    @Option(names = "--help", usageHelp = true, description = "Show this help")
    boolean help;

    @Parameters(paramLabel = "HOST", arity = "1")
    String host;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String usage = checkArguments();
        if (usage != null) {
            err.println("jipsec ping: " + usage);
            return 1;
        }
        String in = null, outPolicy = null;
        for (String p : policies) { // NetBSD ping.c: the prefix picks the slot, the last one wins
            if (p.startsWith("in")) in = p;
            else if (p.startsWith("out")) outPolicy = p;
            else {
                err.println("jipsec ping: invalid security policy: " + p);
                return 1;
            }
            try {
                PolicyParser.parse(p); // ipsec_set_policy(3) before setsockopt: setkey's message
            } catch (PolicyParseException e) {
                err.println("jipsec ping: " + e.getMessage() + " at [" + p + "]");
                return 1;
            }
        }
        InetAddress peer;
        try {
            peer = resolve(host, ipv6);
        } catch (UnknownHostException e) {
            err.println("jipsec ping: Cannot resolve \"" + host + "\" (" + e.getMessage() + ")");
            return 1;
        }
        boolean v6 = peer instanceof Inet6Address;
        InetAddress local;
        try {
            local = source != null ? InetAddress.ofLiteral(source) : sourceFor(peer);
        } catch (IllegalArgumentException e) {
            err.println("jipsec ping: -I " + source + ": not a numeric address");
            return 1;
        } catch (IOException e) {
            err.println("jipsec ping: no route to " + peer.getHostAddress() + " (" + e.getMessage() + ")");
            return 1;
        }
        if ((local instanceof Inet6Address) != v6) {
            err.println("jipsec ping: -I " + source + ": not of the destination's address family");
            return 1;
        }
        List<String> slots = new ArrayList<>();
        if (in != null) slots.add(in);
        if (outPolicy != null) slots.add(outPolicy);
        SecureRandom random = new SecureRandom();
        int id = random.nextInt(0x10000);
        SocketPolicyClient registration = null;
        try (RawIpSocket s = RawIpSocket.open(v6, v6 ? 58 : 1, RawIpSocket.Options.defaults())) {
            s.bind(local);
            if (!slots.isEmpty()) {
                Path socket = SocketPolicyProtocol.besidePfkey(pfkey);
                for (int attempt = 0; ; attempt++) {
                    try {
                        registration = SocketPolicyClient.registerEcho(socket, peer, id, local, slots);
                        break;
                    } catch (SocketPolicyClient.RefusedException e) {
                        if (e.errno().equals("EADDRINUSE") && attempt < 8) {
                            id = random.nextInt(0x10000);
                            continue;
                        }
                        err.println("jipsec ping: ipsec policy cannot be configured: " + e.getMessage() + " ("
                                + e.errno() + ")");
                        return 1;
                    } catch (IOException e) {
                        err.println("jipsec ping: ipsec policy cannot be configured: jipsecd at " + socket + ": "
                                + e.getMessage());
                        return 1;
                    }
                }
                if (!registration.clearAccepted()) {
                    // the policy refuses cleartext replies, which never pass through the engine: take only the
                    // engine's deliveries, which come out of the TUN checked with this socket's policy
                    int tun;
                    try {
                        tun = LibC.ifNameToIndex(registration.tun()); // this thread's namespace (not /proc's)
                    } catch (IOException e) {
                        err.println("jipsec ping: interface " + registration.tun() + " of jipsecd: " + e.getMessage());
                        return 1;
                    }
                    s.socket().setOption(LibC.SOL_SOCKET, SO_BINDTOIFINDEX, tun, "SO_BINDTOIFINDEX");
                }
            }
            return run(s, peer, id, out);
        } finally {
            if (registration != null) registration.close();
        }
    }

    /** Linux socket(7) {@code SO_BINDTOIFINDEX} (since 5.0): SO_BINDTODEVICE by interface index. */
    static final int SO_BINDTOIFINDEX = 62;

    private String checkArguments() {
        if (count == 0 || count < -1) return "Bad/invalid number of packets: " + count;
        if (!(interval > 0)) return "Bad/invalid interval: " + interval;
        if (size < 0) return "Bad/invalid packet size: " + size;
        if (size > MAX_DATA) return "packet size is too large";
        if (deadline != -1 && !(deadline > 0)) return "Bad/invalid maxwait time: " + deadline;
        if (lastWait != -1 && !(lastWait > 0)) return "Bad/invalid wait time: " + lastWait;
        if (patternText != null && IcmpEcho.pattern(patternText) == null) {
            return "\"-p " + patternText + "\": patterns must be specified with 1-32 hex digits";
        }
        return null;
    }

    private int run(RawIpSocket s, InetAddress peer, int id, PrintWriter out) throws IOException {
        boolean v6 = peer instanceof Inet6Address;
        byte[] pattern = patternText == null ? null : IcmpEcho.pattern(patternText);
        byte[] data = IcmpEcho.data(size, pattern);
        String addr = org.jipsec.core.spd.AddressText.format(peer, 0);
        if (pattern != null && !quiet)
            out.println("PATTERN: 0x" + java.util.HexFormat.of().formatHex(pattern));
        out.println("PING " + host + " (" + addr + "): " + size + " data bytes");
        out.flush();
        long start = System.nanoTime();
        long end = deadline > 0 ? start + (long) (deadline * 1e9) : Long.MAX_VALUE;
        long intervalNanos = (long) (interval * 1e9);
        Map<Integer, Long> sent = new HashMap<>();
        int transmitted = 0, received = 0, repeats = 0;
        double tmin = Double.MAX_VALUE, tmax = 0, tsum = 0, tsumsq = 0;
        long nextSend = start;
        long lastSent = start;
        byte[] buf = new byte[65536];
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        while (true) {
            long now = System.nanoTime();
            if (now >= end) break;
            boolean more = count < 0 || transmitted < count;
            if (more && now >= nextSend) {
                int seq = transmitted & 0xffff;
                byte[] m = IcmpEcho.request(v6, id, seq, data);
                sent.put(seq, System.nanoTime());
                try {
                    s.send(m, 0, m.length, peer);
                } catch (IOException e) {
                    out.println("jipsec ping: sendto: " + e.getMessage());
                }
                transmitted++;
                lastSent = System.nanoTime();
                nextSend += intervalNanos;
                continue;
            }
            long waitUntil;
            if (more) {
                waitUntil = Math.min(nextSend, end);
            } else {
                if (count > 0 && received >= count) break;
                double w = lastWait > 0 ? lastWait : Math.max(2 * tmax / 1000.0, 10 * interval);
                waitUntil = Math.min(end, lastSent + (long) (w * 1e9));
                if (now >= waitUntil) break;
            }
            int ms = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (waitUntil - now + 999_999) / 1_000_000));
            Datagram d = s.receive(buf, 0, buf.length, ms);
            if (d == null) continue;
            if (!d.source().getAddress().equals(peer)) continue;
            IcmpEcho.Reply r = IcmpEcho.parse(v6, id, buf, d.length());
            if (r == null) continue;
            Long t0 = sent.get(r.seq());
            double ms1 = t0 == null ? 0 : (System.nanoTime() - t0) / 1e6;
            boolean dup = !seen.add(r.seq());
            if (dup) repeats++;
            else received++;
            if (t0 != null) {
                tsum += ms1;
                tsumsq += ms1 * ms1;
                tmin = Math.min(tmin, ms1);
                tmax = Math.max(tmax, ms1);
            }
            if (!quiet) {
                out.println(r.icmpLength() + " bytes from " + addr + ": icmp_seq=" + r.seq()
                        + (r.ttl() >= 0 ? " ttl=" + r.ttl() : "") + String.format(Locale.ROOT, " time=%.3f ms", ms1)
                        + (dup ? " (DUP!)" : ""));
                out.flush();
            }
        }
        out.println();
        out.println("----" + host + " PING Statistics----");
        StringBuilder b = new StringBuilder();
        b.append(transmitted).append(" packets transmitted, ").append(received).append(" packets received, ");
        if (repeats > 0) b.append('+').append(repeats).append(" duplicates, ");
        if (transmitted > 0) {
            b.append(String.format(Locale.ROOT, "%.1f%% packet loss", (transmitted - received) * 100.0 / transmitted));
        }
        out.println(b);
        int n = received + repeats;
        if (n > 0) {
            double avg = tsum / n;
            double var = n > 1 ? (tsumsq - n * avg * avg) / (n - 1) : 0;
            out.println(String.format(
                    Locale.ROOT,
                    "round-trip min/avg/max/stddev = %.3f/%.3f/%.3f/%.3f ms",
                    tmin,
                    avg,
                    tmax,
                    Math.sqrt(Math.max(0, var))));
        }
        out.flush();
        return received > 0 ? 0 : 2; // NetBSD ping.c finish()
    }

    /** HOST as a numeric address or a name; {@code -6} takes an IPv6 address, otherwise an IPv4 one is preferred. */
    static InetAddress resolve(String host, boolean v6) throws UnknownHostException {
        InetAddress first = null;
        for (InetAddress a : InetAddress.getAllByName(host)) {
            if (v6 ? a instanceof Inet6Address : a instanceof Inet4Address) return a;
            if (first == null) first = a;
        }
        if (v6 || first == null) throw new UnknownHostException(v6 ? "no IPv6 address" : "no address");
        return first;
    }

    /** The source address the routing table picks for {@code peer} (a connected UDP socket's local address). */
    static InetAddress sourceFor(InetAddress peer) throws IOException {
        try (DatagramSocket d = new DatagramSocket()) {
            d.connect(new InetSocketAddress(peer, 9));
            InetAddress a = d.getLocalAddress();
            if (a == null || a.isAnyLocalAddress()) throw new IOException("no source address");
            return a;
        }
    }
}
