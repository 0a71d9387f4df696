package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.jipsec.core.pfkey.AlgorithmCatalog;
import org.jipsec.core.pfkey.KeyEngine;
import org.jipsec.core.pfkey.KeySettings;
import org.jipsec.core.pfkey.SpdPolicyStore;
import org.jipsec.core.setkey.EmbeddedKeyChannel;
import org.jipsec.core.setkey.HostResolver;
import org.jipsec.core.setkey.KeyChannel;
import org.jipsec.core.setkey.SetkeyOptions;
import org.jipsec.core.setkey.SetkeyRunner;
import org.jipsec.core.spd.Spd;
import org.jipsec.core.sysctl.Sysctl;
import org.jipsec.io.pfkey.PfkeyServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The full round trip: setkey → PF_KEY over a real Unix socket (temp path) → jipsecd's engine → SADB_DUMP /
 * X_SPDDUMP → the same text as the hand-written golden output, and the same text as the embedded engine prints.
 */
class SetkeyRoundTripTest {

    @TempDir
    Path dir;

    static final long T0 = 1_764_324_000L; // 2025-11-28 10:00:00 UTC

    static final String CONFIG = """
            # a gateway's configuration, in setkey(8) syntax
            flush;
            spdflush;
            add 10.0.11.41 10.0.11.33 esp 0x10001
                    -E des-cbc 0x3ffe05014819ffff
                    -A hmac-md5 "authentication!!" ;
            add 192.0.2.1[4501] 198.51.100.7 esp-udp 0x3001 -m transport -lh 3600 -ls 3000
                    -E aes-gcm-16 0x0123456789abcdef0123456789abcdef01020304 ;
            spdadd 10.0.11.41/32[21] 10.0.11.33/32[any] any
                    -P out ipsec esp/tunnel/192.168.0.1-192.168.1.2/require ;
            spdadd ::/0 ::/0 icmp6 135,0 -P in none ;
            """;

    static final String SAD = """
            10.0.11.41 10.0.11.33\s
            \tesp mode=any spi=65537(0x00010001) reqid=0(0x00000000)
            \tE: des-cbc  3ffe0501 4819ffff
            \tA: hmac-md5  61757468 656e7469 63617469 6f6e2121
            \tseq=0x00000000 replay=0 flags=0x00000040 state=mature\s
            \tcreated: Nov 28 10:00:00 2025\tcurrent: Nov 28 10:00:10 2025
            \tdiff: 10(s)\thard: 0(s)\tsoft: 0(s)
            \tlast:                     \thard: 0(s)\tsoft: 0(s)
            \tcurrent: 0(bytes)\thard: 0(bytes)\tsoft: 0(bytes)
            \tallocated: 0\thard: 0\tsoft: 0
            \tsadb_seq=1 pid=4711 refcnt=0
            192.0.2.1[4501] 198.51.100.7[4500]\s
            \tesp-udp mode=transport spi=12289(0x00003001) reqid=0(0x00000000)
            \tE: 20  01234567 89abcdef 01234567 89abcdef 01020304
            \tseq=0x00000000 replay=0 flags=0x00000040 state=mature\s
            \tcreated: Nov 28 10:00:00 2025\tcurrent: Nov 28 10:00:10 2025
            \tdiff: 10(s)\thard: 3600(s)\tsoft: 3000(s)
            \tlast:                     \thard: 0(s)\tsoft: 0(s)
            \tcurrent: 0(bytes)\thard: 0(bytes)\tsoft: 0(bytes)
            \tallocated: 0\thard: 0\tsoft: 0
            \tsadb_seq=0 pid=4711 refcnt=0
            """;

    static final String SPD = """
            ::/0 ::/0 58(ipv6-icmp) 135,0
            \tin none
            \tspid=2 seq=1 pid=4711
            \trefcnt=0
            10.0.11.41[21] 10.0.11.33[any] 255(reserved)
            \tout ipsec
            \tesp/tunnel/192.168.0.1-192.168.1.2/require
            \tspid=1 seq=0 pid=4711
            \trefcnt=0
            """;

    private final AtomicLong clock = new AtomicLong(T0);

    private KeyEngine engine() {
        Sysctl sysctl = Sysctl.withNetbsdDefaults();
        Spd spd = new Spd(
                new InstantSource() {
                    @Override
                    public Instant instant() {
                        return Instant.ofEpochSecond(clock.get());
                    }
                },
                sysctl);
        return new KeyEngine(
                new KeySettings().bindTo(sysctl),
                clock::get,
                new SplittableRandom(1),
                new SpdPolicyStore(spd),
                AlgorithmCatalog.TABLE);
    }

    private record Run(int status, String out, String err) {}

    private Run setkey(KeyChannelFactory channels, String... argv) throws Exception {
        StringWriter o = new StringWriter(), e = new StringWriter();
        Files.writeString(dir.resolve("ipsec.conf"), CONFIG);
        SetkeyRunner.Environment env = new SetkeyRunner.Environment() {
            @Override
            public KeyChannel open() throws IOException {
                return channels.open();
            }

            @Override
            public String readStdin() {
                return "";
            }

            @Override
            public String readFile(String name) throws IOException {
                return Files.readString(dir.resolve(name));
            }

            @Override
            public byte[] readBytes(String name) throws IOException {
                return Files.readAllBytes(dir.resolve(name));
            }

            @Override
            public HostResolver resolver() {
                return HostResolver.NUMERIC;
            }

            @Override
            public long nowMicros() {
                return clock.get() * 1_000_000L;
            }

            @Override
            public ZoneId zone() {
                return ZoneOffset.UTC;
            }

            @Override
            public void sleepOneSecond() throws InterruptedException {
                throw new InterruptedException();
            }

            @Override
            public int pid() {
                return 4711;
            }
        };
        int status =
                new SetkeyRunner(env, new PrintWriter(o), new PrintWriter(e)).run(SetkeyOptions.parse(List.of(argv)));
        return new Run(status, o.toString(), e.toString());
    }

    @FunctionalInterface
    private interface KeyChannelFactory {
        KeyChannel open() throws IOException;
    }

    @Test
    void overTheSocketTheDumpsAreTheGoldenText() throws Exception {
        try (PfkeyServer server = PfkeyServer.start(engine(), dir.resolve("pfkey"), 1 << 20, false)) {
            KeyChannelFactory socket = () -> SocketKeyChannel.connect(server.path());
            assertEquals(new Run(0, "", ""), setkey(socket, "-f", "ipsec.conf"));
            clock.addAndGet(10);
            assertEquals(new Run(0, SAD, ""), setkey(socket, "-D"));
            assertEquals(new Run(0, SPD, ""), setkey(socket, "-DP"));
        }
        // the embedded engine prints exactly the same
        clock.set(T0);
        KeyEngine local = engine();
        KeyChannelFactory embedded = () -> new EmbeddedKeyChannel(local);
        assertEquals(new Run(0, "", ""), setkey(embedded, "-f", "ipsec.conf"));
        clock.addAndGet(10);
        assertEquals(new Run(0, SAD, ""), setkey(embedded, "-D"));
        assertEquals(new Run(0, SPD, ""), setkey(embedded, "-DP"));
    }

    @Test
    void theCommandLineOverTheSocket() throws Exception {
        try (PfkeyServer server = PfkeyServer.start(engine(), dir.resolve("pfkey"), 1 << 20, false)) {
            Files.writeString(dir.resolve("ipsec.conf"), CONFIG);
            String p = server.path().toString();
            MainTest.Result load = MainTest.run(
                    "setkey", "--pfkey", p, "-f", dir.resolve("ipsec.conf").toString());
            assertEquals(new MainTest.Result(0, "", ""), load);
            MainTest.Result sp = MainTest.run("setkey", "--pfkey", p, "-DP");
            String pid = Long.toString(ProcessHandle.current().pid());
            assertEquals(SPD.replace("pid=4711", "pid=" + pid), sp.out());
            MainTest.Result sa = MainTest.run("setkey", "--pfkey", p, "-D", "-a");
            assertTrue(
                    sa.out()
                            .contains(
                                    "\tE: des-cbc  3ffe0501 4819ffff\n\tA: hmac-md5  61757468 656e7469 63617469 6f6e2121\n"),
                    sa.out());
            assertEquals(0, MainTest.run("setkey", "--pfkey", p, "-F").status());
            assertEquals(
                    "No SAD entries.\n",
                    MainTest.run("setkey", "--pfkey", p, "-D").out());
        }
    }

    @Test
    void promiscuousModePrintsWhatOthersSend() throws Exception {
        PfkeyServer server = PfkeyServer.start(engine(), dir.resolve("pfkey"), 1 << 20, false);
        Run[] result = new Run[1];
        Thread x = Thread.ofPlatform().start(() -> {
            try {
                result[0] = setkey(() -> SocketKeyChannel.connect(server.path()), "-x");
            } catch (Exception e) {
                result[0] = new Run(-1, "", e.toString());
            }
        });
        try (org.jipsec.io.pfkey.PfkeyClient other = org.jipsec.io.pfkey.PfkeyClient.connect(server.path())) {
            for (int i = 0; i < 500 && server.clientCount() < 2; i++) Thread.sleep(10);
            Thread.sleep(200); // the -x client's X_PROMISC is answered before the FLUSH below
            other.request(org.jipsec.core.pfkey.PfkeyMessage.of(
                    org.jipsec.core.pfkey.Sadb.SADB_FLUSH, 0, other.nextSeq(), other.pid(), List.of()));
        }
        Thread.sleep(200);
        server.close(); // end of stream ends setkey -x
        x.join(10_000);
        assertEquals(0, result[0].status(), result[0].toString());
        // setkey.c printdate (-x): "HH:MM:SS.usec " then a newline, then kdebug_sadb
        // (the first message is the promiscuous copy of the -x client's own X_PROMISC reply, as on NetBSD)
        assertTrue(
                result[0].out().startsWith("10:00:00.000000 \nsadb_msg{ version=2 type=11 errno=0 satype=1"),
                result[0].out());
        assertTrue(
                result[0].out().contains("10:00:00.000000 \nsadb_msg{ version=2 type=9 errno=0 satype=0"),
                result[0].out());
    }

    @Test
    void aSilentDaemonIsATimeoutNotAHang() throws Exception {
        try (java.nio.channels.ServerSocketChannel silent =
                java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            silent.bind(java.net.UnixDomainSocketAddress.of(dir.resolve("silent")));
            Run r = setkey(() -> SocketKeyChannel.connect(dir.resolve("silent"), 300), "-D");
            assertEquals(new Run(1, "", "setkey: no reply from jipsecd within 300 ms\n"), r);
        }
    }

    @Test
    void noDaemonIsAClearError() {
        MainTest.Result r =
                MainTest.run("setkey", "--pfkey", dir.resolve("none").toString(), "-D");
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith("setkey: cannot reach jipsecd on "), r.err());
        assertTrue(r.err().contains("--embedded"), r.err());
    }

    @Test
    void embeddedCheckAndUsage() throws Exception {
        Files.writeString(dir.resolve("ipsec.conf"), CONFIG);
        MainTest.Result n =
                MainTest.run("setkey", "-n", "-f", dir.resolve("ipsec.conf").toString());
        assertEquals(new MainTest.Result(0, "", ""), n, "-n needs no daemon");
        MainTest.Result e = MainTest.run(
                "setkey", "--embedded", "-f", dir.resolve("ipsec.conf").toString());
        assertEquals(new MainTest.Result(0, "", ""), e);
        MainTest.Result u = MainTest.run("setkey");
        assertEquals(1, u.status());
        assertTrue(u.out().contains("usage: setkey [-v] file ..."), u.out());
        MainTest.Result bad = MainTest.run("setkey", "-q");
        assertEquals(1, bad.status());
        assertTrue(bad.err().contains("unknown option -- q"), bad.err());
    }
}
