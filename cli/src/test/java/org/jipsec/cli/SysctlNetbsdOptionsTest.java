package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jipsec sysctl} with NetBSD sysctl(8)'s options and exit statuses (sbin/sysctl/sysctl.c), on the embedded
 * tree. NetBSD's tests/net/ipsec scripts call {@code sysctl -q -w name=value} and {@code sysctl name} (matching
 * {@code = 1}); the rest is what sysctl.c prints.
 */
class SysctlNetbsdOptionsTest {

    @TempDir
    Path dir;

    private static MainTest.Result sysctl(String... args) {
        String[] argv = new String[args.length + 2];
        argv[0] = "sysctl";
        argv[1] = "--embedded";
        System.arraycopy(args, 0, argv, 2, args.length);
        return MainTest.run(argv);
    }

    @Test
    void quietWriteAndTheReadsTheScriptsUse() {
        assertEquals(new MainTest.Result(0, "", ""), sysctl("-q", "-w", "net.inet.ipsec.def_policy=0"));
        assertEquals(new MainTest.Result(0, "", ""), sysctl("-qw", "net.key.debug=1"));
        assertEquals(new MainTest.Result(0, "net.inet.ipsec.enabled = 1\n", ""), sysctl("net.inet.ipsec.enabled"));
        assertEquals(new MainTest.Result(0, "", ""), sysctl("-q", "net.inet.ipsec.enabled"));
        assertEquals(new MainTest.Result(0, "1000\n", ""), sysctl("-n", "net.key.spi_try"));
        assertEquals(new MainTest.Result(0, "net.key.spi_try=1000\n", ""), sysctl("-e", "net.key.spi_try"));
        assertEquals(new MainTest.Result(0, "net.key.spi_try = 0x000003e8\n", ""), sysctl("-x", "net.key.spi_try"));
        assertEquals(
                new MainTest.Result(0, "net.inet.ipsec.def_policy: 1 -> 0\n", ""),
                sysctl("-w", "net.inet.ipsec.def_policy=0"));
        assertEquals(new MainTest.Result(0, "0\n", ""), sysctl("-nw", "net.inet.ipsec.def_policy=0"));
        assertEquals(new MainTest.Result(0, "net.key.spi_try: 1000 -> 16\n", ""), sysctl("-w", "net.key.spi_try=0x10"));
        assertEquals(new MainTest.Result(0, "net.key.spi_try: 1000 -> 8\n", ""), sysctl("-w", "net.key.spi_try=010"));
    }

    @Test
    void hexDumpWithXx() {
        String line = String.format("%-58s|%-18s|", "0000000  e8 03 00 00", " ....");
        assertEquals(
                new MainTest.Result(0, "net.key.spi_try = \n" + line + "\n0000004 bytes\n", ""),
                sysctl("-xx", "net.key.spi_try"));
    }

    @Test
    void unknownNamesStopWithStatusOne() {
        assertEquals(
                new MainTest.Result(
                        1, "", "sysctl: fourth level name 'nonesuch' in 'net.inet.ipsec.nonesuch' is invalid\n"),
                sysctl("net.inet.ipsec.nonesuch", "net.key.spi_try"));
        assertEquals(
                new MainTest.Result(1, "", "sysctl: second level name 'nokey' in 'net.nokey.x' is invalid\n"),
                sysctl("net.nokey.x"));
        assertEquals(new MainTest.Result(1, "", ""), sysctl("-q", "net.inet.ipsec.nonesuch"));
        assertEquals(new MainTest.Result(0, "", ""), sysctl("-w", "net.inet.ipsec.nonesuch?=1"));
    }

    @Test
    void writesNeedMinusWAndANumber() {
        assertEquals(
                new MainTest.Result(1, "", "sysctl: Must specify -w to set variables\n"), sysctl("net.key.debug=1"));
        assertEquals(new MainTest.Result(1, "", "sysctl: lots: not a number\n"), sysctl("-w", "net.key.debug=lots"));
        assertEquals(
                new MainTest.Result(1, "", "sysctl: 4294967296: Result too large\n"),
                sysctl("-w", "net.key.debug=4294967296"));
        MainTest.Result ro = sysctl("-w", "net.inet.ipsec.used=1", "net.key.debug=1");
        assertEquals(1, ro.status());
        assertEquals("", ro.out(), "sysctlerror(0) ends sysctl at once");
        assertTrue(ro.err().startsWith("sysctl: net.inet.ipsec.used: "), ro.err());
        MainTest.Result bad = sysctl("-w", "net.inet.ipsec.esp_trans_deflev=3");
        assertEquals(1, bad.status());
        assertTrue(bad.err().startsWith("sysctl: net.inet.ipsec.esp_trans_deflev: "), bad.err());
    }

    @Test
    void nodesListTheirVariablesAndStructuresNeedMinusX() {
        MainTest.Result node = sysctl("net.inet6.ipsec6");
        assertEquals(0, node.status());
        assertTrue(node.out().startsWith("net.inet6.ipsec6."), node.out());
        assertTrue(node.out().contains("net.inet6.ipsec6.used = 0\n"), node.out());
        assertTrue(!node.out().contains("net.inet.ipsec."), node.out());
        assertEquals(
                new MainTest.Result(1, "", "sysctl: net.key.dumpsp: use 'setkey' to view this information\n"),
                sysctl("net.key.dumpsp"));
        MainTest.Result all = sysctl("-a");
        assertEquals(0, all.status());
        assertTrue(all.out().contains("net.key.prefered_oldsa = 0\n"), all.out());
        assertEquals(1, sysctl("-a", "-q").status(), "sysctl.c: -a with -q is a usage error");
        assertEquals(1, sysctl().status());
        assertTrue(sysctl().err().startsWith("usage:\tsysctl "));
    }

    @Test
    void minusFReadsEveryLineAndFailsAtTheEnd() throws Exception {
        Path f = dir.resolve("sysctl.conf");
        Files.writeString(f, "net.key.debug=1\n# a comment\n\nnet.inet.ipsec.nonesuch=1\n  net.key.spi_try = 500  \n");
        MainTest.Result r = sysctl("-f", f.toString());
        assertEquals(
                new MainTest.Result(
                        1,
                        "net.key.debug: 0 -> 1\nnet.key.spi_try: 1000 -> 500\n",
                        "sysctl: " + f
                                + "#4: fourth level name 'nonesuch' in 'net.inet.ipsec.nonesuch=1' is invalid\n"),
                r);
        Files.writeString(f, "net.key.debug=1\n");
        assertEquals(new MainTest.Result(0, "", ""), sysctl("-q", "-f", f.toString()));
    }
}
