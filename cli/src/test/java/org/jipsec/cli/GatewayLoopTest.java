package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.jipsec.io.netns.CommandResult;
import org.jipsec.testkit.RequiresRoot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No forwarding loops (issue #12, item 3), from the outside: the built gateway as a child process, no policy at all,
 * and a main-table route that sends a destination into the TUN — so the data plane re-emits the packet in clear and
 * the kernel routes the re-emission (marked or not) straight back into the TUN. An unprivileged process sends a bounded
 * number of UDP datagrams there. Each must be re-emitted once and dropped at its first return (counted as
 * {@code loop_drops}), and nothing may still circulate afterwards (counted in packets, not time). Datagrams sent with
 * TTL / hop limit 1 are not re-emitted at all ({@code hop_limit_drops}). Before the fix one datagram made ~100,000
 * laps a second.
 */
@RequiresRoot
class GatewayLoopTest {

    static final String TUN = "jiploop0";
    static final int SENT = 20;
    static final int SENT_TTL1 = 5;

    @TempDir
    Path dir;

    @BeforeAll
    static void need() throws Exception {
        DaemonProcess.need();
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void aPacketRoutedBackIntoTheTunMakesOneLapAndIsDroppedAsALoop(int family) throws Exception {
        boolean v6 = family == 6;
        String src = v6 ? "fd94::1" : "10.94.0.1";
        String dst = v6 ? "fd94:9::5" : "10.94.9.5";
        try (GatewayLab g = new GatewayLab(dir)) {
            String a = g.lab.namespace();
            g.lab.address(a, "lo", src + (v6 ? "/128" : "/32"));
            try (DaemonProcess gw = DaemonProcess.start(
                    dir, "gw", a, TUN, "--pfkey", dir.resolve("pfkey").toString())) {
                g.lab.ip(a, v6 ? "-6" : "-4", "route", "add", dst, "dev", TUN, "src", src);
                long before = forwarded(gw.counters());

                CommandResult send = g.exec(
                        a,
                        30,
                        "setpriv",
                        "--reuid=65534",
                        "--regid=65534",
                        "--clear-groups",
                        "/usr/bin/python3",
                        "-c",
                        sender(v6, dst, SENT, 0) + sender(v6, dst, SENT_TTL1, 1));
                assertTrue(send.ok(), send.stdout() + send.stderr());

                Map<String, Long> c = gw.counters();
                for (int i = 0; i < 100 && c.getOrDefault("loop_drops", 0L) < SENT; i++) {
                    Thread.sleep(100);
                    c = gw.counters();
                }
                assertEquals(SENT, c.getOrDefault("loop_drops", -1L), "loop drops\n" + c + "\n" + gw.stderr());
                assertEquals(SENT_TTL1, c.get("hop_limit_drops"), c.toString());
                assertEquals(SENT, c.get("clear_out"), "each datagram re-emitted once\n" + c);
                // read from the TUN: each datagram twice (sent, came back), each TTL-1 datagram once
                assertEquals(2 * SENT + SENT_TTL1, forwarded(c) - before, c.toString());

                // nothing circulates: the TUN count stands still over further status reads
                for (int i = 0; i < 5; i++) {
                    Thread.sleep(100);
                    Map<String, Long> later = gw.counters();
                    assertEquals(forwarded(c), forwarded(later), "packets still looping\n" + later);
                }
            }
        }
    }

    /** Packets read from the TUN minus the ignored link-scoped ones (MLD, router solicitations…). */
    private static long forwarded(Map<String, Long> c) {
        return c.get("tun_in") - c.get("tun_ignored");
    }

    /** Python sending {@code n} UDP datagrams to {@code dst}:9 (TTL / hop limit {@code ttl}, 0 = default). */
    private static String sender(boolean v6, String dst, int n, int ttl) {
        return "import socket\n"
                + "s = socket.socket(socket.AF_INET" + (v6 ? "6" : "") + ", socket.SOCK_DGRAM)\n"
                + (ttl == 0
                        ? ""
                        : v6
                                ? "s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, " + ttl + ")\n"
                                : "s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, " + ttl + ")\n")
                + "for i in range(" + n + "):\n"
                + "    s.sendto(b'loop %d' % i, ('" + dst + "', 9))\n"
                + "s.close()\n";
    }
}
