package org.jipsec.core.setkey;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * {@code setkey -D} / {@code get} output against text written by hand from libipsec pfkey_sadump1's printf formats
 * (spec §3.3): tabs, trailing spaces, key hexdumps, lifetimes, NAT-T brackets, IPComp's missing newline. The SAs go
 * through the whole path: setkey file → parser → PF_KEY messages → key engine → SADB_DUMP replies → printer.
 * Clock: 2025-11-28 10:00:00 UTC at the add; pid 4711.
 */
class SaDumpGoldenTest {

    private static String dumpAfter(SetkeyHarness h, String config, long laterSeconds, String... flags) {
        SetkeyHarness.Result r = h.script(config);
        assertEquals("", r.err(), "the configuration loads");
        assertEquals(0, r.status());
        h.clock.addAndGet(laterSeconds);
        String[] argv = new String[flags.length + 1];
        argv[0] = "-D";
        System.arraycopy(flags, 0, argv, 1, flags.length);
        SetkeyHarness.Result d = h.run(argv);
        assertEquals(0, d.status(), d.err());
        return d.out();
    }

    @Test
    void manPageEspSaAsSpecSampleShowsIt() {
        // spec §3.3 sample; jipsec prints a never-used SA's "last:" as blanks (NetBSD shows the boot time)
        String expected = """
                10.0.11.41 10.0.11.33\s
                \tesp mode=any spi=65537(0x00010001) reqid=0(0x00000000)
                \tE: des-cbc  3ffe0501 4819ffff
                \tA: hmac-md5  61757468 656e7469 63617469 6f6e2121
                \tseq=0x00000000 replay=0 flags=0x00000040 state=mature\s
                \tcreated: Nov 28 10:00:00 2025\tcurrent: Nov 28 10:00:05 2025
                \tdiff: 5(s)\thard: 0(s)\tsoft: 0(s)
                \tlast:                     \thard: 0(s)\tsoft: 0(s)
                \tcurrent: 0(bytes)\thard: 0(bytes)\tsoft: 0(bytes)
                \tallocated: 0\thard: 0\tsoft: 0
                \tsadb_seq=0 pid=4711 refcnt=0
                """;
        assertEquals(expected, dumpAfter(new SetkeyHarness(), """
                add 10.0.11.41 10.0.11.33 esp 0x10001
                        -E des-cbc 0x3ffe05014819ffff
                        -A hmac-md5 "authentication!!" ;
                """, 5));
    }

    @Test
    void lifetimesReplayModeReqidAndPadding() {
        String expected = """
                192.0.2.1 192.0.2.2\s
                \tesp mode=tunnel spi=4097(0x00001001) reqid=7(0x00000007)
                \tE: aes-cbc  00112233 44556677 8899aabb ccddeeff
                \tA: hmac-sha256  00112233 44556677 8899aabb ccddeeff 00112233 44556677 8899aabb ccddeeff
                \tseq=0x00000000 replay=4 flags=0x00000100 state=mature\s
                \tcreated: Nov 28 10:00:00 2025\tcurrent: Nov 28 10:00:42 2025
                \tdiff: 42(s)\thard: 3600(s)\tsoft: 3000(s)
                \tlast:                     \thard: 0(s)\tsoft: 0(s)
                \tcurrent: 0(bytes)\thard: 100000(bytes)\tsoft: 90000(bytes)
                \tallocated: 0\thard: 0\tsoft: 0
                \tsadb_seq=0 pid=4711 refcnt=0
                """;
        assertEquals(expected, dumpAfter(new SetkeyHarness(), """
                add 192.0.2.1 192.0.2.2 esp 0x1001 -m tunnel -u 7 -r 4 -f random-pad -f nocyclic-seq
                    -lh 3600 -ls 3000 -bh 100000 -bs 90000
                    -E aes-cbc 0x00112233445566778899aabbccddeeff
                    -A hmac-sha256 0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff ;
                """, 42));
    }

    @Test
    void longKeysWrapEvery32BytesAndAeadPrintsItsNumber() {
        // ipsec_hexdump: newline before byte 32 (no tab), space before every 4th byte
        String expected = """
                192.0.2.1 192.0.2.2\s
                \tah mode=transport spi=8193(0x00002001) reqid=0(0x00000000)
                \tA: hmac-sha512  00010203 04050607 08090a0b 0c0d0e0f 10111213 14151617 18191a1b 1c1d1e1f
                 20212223 24252627 28292a2b 2c2d2e2f 30313233 34353637 38393a3b 3c3d3e3f
                \tseq=0x00000000 replay=0 flags=0x00000040 state=mature\s
                \tcreated: Nov 28 10:00:00 2025\tcurrent: Nov 28 10:00:00 2025
                \tdiff: 0(s)\thard: 0(s)\tsoft: 0(s)
                \tlast:                     \thard: 0(s)\tsoft: 0(s)
                \tcurrent: 0(bytes)\thard: 0(bytes)\tsoft: 0(bytes)
                \tallocated: 0\thard: 0\tsoft: 0
                \tsadb_seq=1 pid=4711 refcnt=0
                192.0.2.1 192.0.2.2\s
                \tesp mode=any spi=12289(0x00003001) reqid=0(0x00000000)
                \tE: 20  01234567 89abcdef 01234567 89abcdef 01020304
                \tseq=0x00000000 replay=0 flags=0x00000040 state=mature\s
                \tcreated: Nov 28 10:00:00 2025\tcurrent: Nov 28 10:00:00 2025
                \tdiff: 0(s)\thard: 0(s)\tsoft: 0(s)
                \tlast:                     \thard: 0(s)\tsoft: 0(s)
                \tcurrent: 0(bytes)\thard: 0(bytes)\tsoft: 0(bytes)
                \tallocated: 0\thard: 0\tsoft: 0
                \tsadb_seq=0 pid=4711 refcnt=0
                """;
        assertEquals(expected, dumpAfter(new SetkeyHarness(), """
                add 192.0.2.1 192.0.2.2 ah 0x2001 -m transport -A hmac-sha512
                    0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f ;
                add 192.0.2.1 192.0.2.2 esp 0x3001 -E aes-gcm-16 0x0123456789abcdef0123456789abcdef01020304 ;
                """, 0));
    }

    @Test
    void natTraversalAndIpcompAndPorts() {
        // esp-udp: NAT-T ports in brackets after the addresses; IPComp's "C:" line has no newline (pfkey_dump.c)
        String expected = """
                192.0.2.1 192.0.2.2\s
                \tipcomp mode=any spi=16385(0x00004001) reqid=0(0x00000000)
                \tC: deflate \tseq=0x00000000 replay=0 flags=0x000000c0 state=mature\s
                \tcreated: Nov 28 10:00:00 2025\tcurrent: Nov 28 10:00:01 2025
                \tdiff: 1(s)\thard: 0(s)\tsoft: 0(s)
                \tlast:                     \thard: 0(s)\tsoft: 0(s)
                \tcurrent: 0(bytes)\thard: 0(bytes)\tsoft: 0(bytes)
                \tallocated: 0\thard: 0\tsoft: 0
                \tsadb_seq=1 pid=4711 refcnt=0
                192.0.2.1[4501] 198.51.100.7[4500]\s
                \tesp-udp mode=transport spi=12289(0x00003001) reqid=0(0x00000000)
                \tE: aes-cbc  00112233 44556677 8899aabb ccddeeff
                \tA: hmac-sha1  00112233 44556677 8899aabb ccddeeff 00112233
                \tseq=0x00000000 replay=0 flags=0x00000040 state=mature\s
                \tcreated: Nov 28 10:00:00 2025\tcurrent: Nov 28 10:00:01 2025
                \tdiff: 1(s)\thard: 0(s)\tsoft: 0(s)
                \tlast:                     \thard: 0(s)\tsoft: 0(s)
                \tcurrent: 0(bytes)\thard: 0(bytes)\tsoft: 0(bytes)
                \tallocated: 0\thard: 0\tsoft: 0
                \tsadb_seq=0 pid=4711 refcnt=0
                """;
        SetkeyHarness h = new SetkeyHarness();
        String config = """
                add 192.0.2.1 192.0.2.2 ipcomp 0x4001 -C deflate -R ;
                add 192.0.2.1[4501] 198.51.100.7 esp-udp 0x3001 -m transport
                    -E aes-cbc 0x00112233445566778899aabbccddeeff -A hmac-sha1 0x00112233445566778899aabbccddeeff00112233 ;
                """;
        assertEquals(expected, dumpAfter(h, config, 1));
        // -p: the sockaddr ports in brackets too (the SA's addresses carry port 0 here)
        String withPorts = h.run("-Dp").out();
        assertEquals("192.0.2.1[0] 192.0.2.2[0] ", withPorts.lines().findFirst().orElseThrow());
    }

    @Test
    void emptyDatabasesAndGet() {
        SetkeyHarness h = new SetkeyHarness();
        assertEquals("No SAD entries.\n", h.run("-D").out());
        assertEquals("No SPD entries.\n", h.run("-DP").out());
        SetkeyHarness.Result r = h.script("""
                add 2001:db8::1 2001:db8::2 ah 0x500 -A hmac-sha1 "12345678901234567890" ;
                get 2001:db8::1 2001:db8::2 ah 0x500 ;
                get 2001:db8::1 2001:db8::2 ah 0x501 ;
                """);
        assertEquals("""
                2001:db8::1 2001:db8::2\s
                \tah mode=any spi=1280(0x00000500) reqid=0(0x00000000)
                \tA: hmac-sha1  31323334 35363738 39303132 33343536 37383930
                \tseq=0x00000000 replay=0 flags=0x00000040 state=mature\s
                \tcreated: Nov 28 10:00:00 2025\tcurrent: Nov 28 10:00:00 2025
                \tdiff: 0(s)\thard: 0(s)\tsoft: 0(s)
                \tlast:                     \thard: 0(s)\tsoft: 0(s)
                \tcurrent: 0(bytes)\thard: 0(bytes)\tsoft: 0(bytes)
                \tallocated: 0\thard: 0\tsoft: 0
                \tsadb_seq=0 pid=4711 refcnt=0
                The result of line 3: No entry.
                """, r.out());
        // NetBSD's setkey -f: a refusal is reported on standard output and does not change the status (-s: status 1)
        assertEquals(0, r.status());
        assertEquals("", r.err());
    }

    @Test
    void shortFormatWithL() {
        SetkeyHarness h = new SetkeyHarness();
        h.script("add 10.0.0.1 10.0.0.2 esp 0x1234 -lh 60 -ls 50 -E null ;");
        h.clock.addAndGet(65); // 10:01:05
        h.loopRounds = 1;
        SetkeyHarness.Result r = h.run("-Dl");
        // time p   s spi      ltime   src -> dst; SA addresses carry protocol 255: "#255 "
        assertEquals("""
                time p   s spi      ltime   src -> dst
                0105 esp M 00001234  65/60  #255 10.0.0.1 -> #255 10.0.0.2
                """, r.out());
    }
}
