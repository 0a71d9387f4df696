package org.jipsec.cli.ike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jipsec.core.ike.codec.ExchangeType;
import org.jipsec.core.ike.codec.IkeHeader;
import org.jipsec.core.ike.codec.IkeMessage;
import org.jipsec.core.ike.codec.IkeMessageCodec;
import org.jipsec.core.ike.codec.KePayload;
import org.jipsec.core.ike.codec.NoncePayload;
import org.jipsec.core.ike.codec.SaPayload;
import org.jipsec.core.ike.proposal.ProposalParser;
import org.jipsec.core.ike.proposal.SaProtocol;
import org.jipsec.io.netns.CommandResult;
import org.jipsec.testkit.RequiresRoot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #15 item 2 from the outside (RFC 7296 §2.6): a scripted half-open flood — 100 IKE_SA_INIT requests from 100
 * spoofed addresses (scapy, inside the lab) — against {@code jipsec iked} with {@code --settings} setting
 * charon.cookie_threshold = 10. iked keeps 10 half-open SAs, answers the rest with a COOKIE and no state, counts it
 * in {@code jipsec ike status} and logs it rate-limited; strongSwan 5.9.8 then initiates, is asked for a cookie,
 * retries with it, and a ping flows through the tunnel.
 */
@RequiresRoot
class IkedCookieFloodTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void tools() throws Exception {
        IkeLab.needStrongSwan();
        IkeLab.need("/usr/bin/python3"); // with scapy (scripts/install-peers)
    }

    /** One IKE_SA_INIT request as an initiator would send it (SA, KE X25519, Ni), SPIi replaced per packet. */
    static byte[] initRequest() throws Exception {
        SecureRandom r = new SecureRandom();
        byte[] ke = new byte[32], ni = new byte[32];
        r.nextBytes(ke);
        r.nextBytes(ni);
        var proposal = ProposalParser.parse("aes128gcm16-prfsha256-x25519", SaProtocol.IKE)
                .toPayload(1, new byte[0]);
        return IkeMessageCodec.encode(new IkeMessage(
                new IkeHeader(1, 0, 0, ExchangeType.IKE_SA_INIT, IkeHeader.FLAG_INITIATOR, 0),
                List.of(new SaPayload(List.of(proposal)), new KePayload(31, ke), new NoncePayload(ni))));
    }

    static final String FLOOD = String.join(
            "\n",
            "import sys, os",
            "from scapy.all import IP, UDP, Raw, send",
            "base = bytes.fromhex(sys.argv[1]); dst = sys.argv[2]; n = int(sys.argv[3])",
            "pkts = [IP(src='10.197.0.%d' % (10 + i % 200), dst=dst) / UDP(sport=500, dport=500)"
                    + " / Raw(load=os.urandom(8) + base[8:]) for i in range(n)]",
            "send(pkts, verbose=0)",
            "print(len(pkts))");

    static long counter(String status, String name) {
        Matcher m = Pattern.compile(name + "=(\\d+)").matcher(status);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /**
     * Starts {@code jipsec iked} as responder in left (jipsecd gateway under it, cookie_threshold = 10) and floods it
     * from right with 100 IKE_SA_INIT from 100 spoofed addresses; returns once it has sent 90 cookies and keeps 10
     * half-open SAs.
     */
    static JipsecIked floodedResponder(IkeLab lab, SwanctlConf c) throws Exception {
        JipsecIked left = JipsecIked.startGateway(lab, lab.left, "left", lab.leftInner, lab.rightInner);
        // the flood's addresses match the connection too, so each accepted request costs real state
        Files.writeString(
                left.config,
                c.withStart("none")
                        .text(false)
                        .replace("remote_addrs = " + lab.rightAddr, "remote_addrs = 10.197.0.0/24"));
        Path settings = left.dir.resolve("iked-settings.conf");
        Files.writeString(settings, "charon {\n    cookie_threshold = 10\n    half_open_timeout = 60s\n}\n");
        left.startIked("--settings", settings.toString());

        CommandResult flood = lab.exec(
                lab.right,
                60,
                "/usr/bin/python3",
                "-c",
                FLOOD,
                HexFormat.of().formatHex(initRequest()),
                lab.leftAddr,
                "100");
        assertTrue(flood.ok() && flood.stdout().strip().equals("100"), "flood: " + flood.stdout() + flood.stderr());
        String status = "";
        for (int i = 0; i < 100 && counter(status, "cookies_sent") < 90; i++) {
            Thread.sleep(100);
            status = left.ike("status").stdout();
        }
        assertEquals(90, counter(status, "cookies_sent"), "the flood beyond cookie_threshold: " + status);
        assertEquals(
                10,
                Pattern.compile("CONNECTING|INIT_ANSWERED")
                        .matcher(status)
                        .results()
                        .count(),
                "half-open IKE SAs kept: " + status);
        return left;
    }

    /** After the flood the legitimate initiator was asked for a cookie too, and the refusals were logged rate-limited. */
    static void assertCookieDemandedAndLogged(JipsecIked left) throws Exception {
        String status = left.ike("status").stdout();
        assertTrue(counter(status, "cookies_sent") >= 91, "the initiator was asked for a cookie too: " + status);
        long logged = left.ikedLog()
                .lines()
                .filter(l -> l.contains("COOKIE demanded"))
                .count();
        assertTrue(logged >= 1 && logged <= 10, "cookie refusals logged at about one line a second: " + logged);
    }

    @Test
    void aHalfOpenFloodMakesIkedDemandCookiesWhileStrongSwanStillConnects() throws Exception {
        try (IkeLab lab = IkeLab.direct(dir)) {
            lab.run(() -> {
                SwanctlConf c = SwanctlConf.of(
                                "ss", lab.leftAddr, lab.rightAddr, lab.leftInner + "/32", lab.rightInner + "/32")
                        .withProposals("aes128gcm16-prfsha256-x25519", "aes128gcm16");
                Charon right = Charon.start(lab, lab.right, "right");
                right.load(c.mirror("none"));
                JipsecIked left = floodedResponder(lab, c);

                CommandResult r = right.initiate("ss", 30);
                assertTrue(r.ok(), "swanctl --initiate under a flood: " + r.stdout() + r.stderr());
                SaList.IkeSa sa = right.awaitEstablished("ss", Duration.ofSeconds(5));
                StrongSwanInteropTest.awaitChildInJipsec(left, sa.children().get(0));
                Traffic.PingCount p = Traffic.ping(lab, lab.left, lab.leftInner, lab.rightInner, 5, 0.2);
                assertEquals(5, p.received(), "ping through the tunnel " + p);
                assertCookieDemandedAndLogged(left);
            });
        }
    }

    /** The same flood, and {@code jipsec iked} as the legitimate initiator: it retries with the cookie and gets in. */
    @Test
    void aHalfOpenFloodMakesIkedDemandCookiesWhileJipsecStillConnects() throws Exception {
        try (IkeLab lab = IkeLab.direct(dir)) {
            lab.run(() -> {
                SwanctlConf c = SwanctlConf.of(
                                "pair", lab.leftAddr, lab.rightAddr, lab.leftInner + "/32", lab.rightInner + "/32")
                        .withProposals("aes128gcm16-prfsha256-x25519", "aes128gcm16");
                JipsecIked left = floodedResponder(lab, c);
                JipsecIked right = JipsecIked.startGateway(lab, lab.right, "right", lab.rightInner, lab.leftInner);
                right.startIked(c.mirror("start"));
                Set<String> r =
                        right.awaitSpis(s -> s.size() == 2, "a CHILD_SA in right's jipsecd", Duration.ofSeconds(30));
                left.awaitSpis(s -> s.equals(r), "the same CHILD_SA in left's jipsecd", Duration.ofSeconds(15));
                Traffic.PingCount p = Traffic.ping(lab, lab.right, lab.rightInner, lab.leftInner, 5, 0.2);
                assertEquals(5, p.received(), "ping through the tunnel " + p);
                assertCookieDemandedAndLogged(left);
            });
        }
    }

    /** The initiator's side (§2.6): strongSwan demands a cookie from every new peer; jipsec retries with it. */
    @Test
    void jipsecRetriesWithTheCookieAStrongSwanResponderDemands() throws Exception {
        try (IkeLab lab = IkeLab.direct(dir)) {
            lab.run(() -> {
                SwanctlConf c = SwanctlConf.of(
                                "ss", lab.leftAddr, lab.rightAddr, lab.leftInner + "/32", lab.rightInner + "/32")
                        .withProposals("aes128gcm16-prfsha256-x25519", "aes128gcm16");
                // charon counts half-open IKE SAs per peer address: one left open from jipsec's address (another port)
                // makes it demand a cookie from jipsec's own request (cookie_threshold_ip = 1)
                Charon right = Charon.start(lab, lab.right, "right", "cookie_threshold_ip = 1");
                right.load(c.mirror("none"));
                JipsecIked left = JipsecIked.startGateway(lab, lab.left, "left", lab.leftInner, lab.rightInner);
                CommandResult half = lab.exec(
                        lab.left,
                        20,
                        "/usr/bin/python3",
                        "-c",
                        String.join(
                                "\n",
                                "import socket, sys",
                                "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
                                "s.bind((sys.argv[2], 0)); s.settimeout(5)",
                                "s.sendto(bytes.fromhex(sys.argv[1]), (sys.argv[3], 500))",
                                "print(len(s.recv(4096)))"),
                        HexFormat.of().formatHex(initRequest()),
                        lab.leftAddr,
                        lab.rightAddr);
                assertTrue(half.ok(), "a half-open IKE SA at charon: " + half.stdout() + half.stderr());
                left.startIked(c.withStart("start"));
                SaList.IkeSa sa = right.awaitEstablished("ss", Duration.ofSeconds(30));
                StrongSwanInteropTest.awaitChildInJipsec(left, sa.children().get(0));
                Traffic.PingCount p = Traffic.ping(lab, lab.left, lab.leftInner, lab.rightInner, 5, 0.2);
                assertEquals(5, p.received(), "ping through the tunnel " + p);
                String charonLog = JipsecIked.read(right.dir.resolve("charon.log"));
                assertTrue(charonLog.contains("N(COOKIE)"), "charon demanded a cookie:\n" + charonLog);
            });
        }
    }
}
