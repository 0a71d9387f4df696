package org.jipsec.cli.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jipsec.core.sysctl.Sysctl;
import org.jipsec.core.sysctl.SysctlNames;
import org.junit.jupiter.api.Test;

/** The log facade's output: rate-limited repeats, journal priorities, key-like strings hidden, ipsec.debug. */
class LoggingTest {

    @Test
    void repeatsBeyondTheBurstAreCountedAndReportedWhenTheWindowEnds() {
        RateLimiter r = new RateLimiter(10_000, 5, 256);
        int printed = 0;
        for (int i = 0; i < 100; i++) {
            RateLimiter.Decision d = r.offer("esp: send failed", 1000 + i);
            assertEquals(List.of(), d.summaries());
            if (d.print()) printed++;
        }
        assertEquals(5, printed, "the first 5 of a burst");
        assertTrue(r.offer("another message", 2000).print(), "other messages pass");
        RateLimiter.Decision later = r.offer("esp: send failed", 11_000);
        assertEquals(List.of("\"esp: send failed\" repeated 95 times"), later.summaries());
        assertTrue(later.print(), "a new window");
    }

    @Test
    void theOldestTrackedMessageMakesRoomAndIsReported() {
        RateLimiter r = new RateLimiter(10_000, 1, 2);
        r.offer("a", 0);
        r.offer("a", 1);
        r.offer("b", 2);
        RateLimiter.Decision d = r.offer("c", 3);
        assertEquals(List.of("\"a\" repeated 1 time"), d.summaries());
        assertTrue(d.print());
    }

    @Test
    void journalPrioritiesRepeatsAndNoKeys() {
        StringWriter sw = new StringWriter();
        AtomicLong now = new AtomicLong();
        LogOutput o = new LogOutput(new PrintWriter(sw), true, now::get);
        o.write("jipsec.gateway", Level.WARNING, "spi 0x00001001 key 0x0123456789abcdef0123456789abcdef01020304");
        o.write("jipsec.gateway", Level.ERROR, "cannot open\nsecond line");
        for (int i = 0; i < 7; i++) o.write("jipsec.gateway", Level.INFO, "again");
        o.write(Level.INFO, "status", false);
        for (int i = 0; i < 7; i++) o.write(Level.INFO, "status", false); // what a user asked for: never held back
        now.set(20_000);
        o.write("jipsec.gateway", Level.DEBUG, "later");
        String out = sw.toString();
        assertTrue(out.startsWith("<4>spi 0x00001001 key 0x<hidden>\n<3>cannot open\n<3>second line\n"), out);
        assertFalse(out.contains("0123456789abcdef"), out);
        assertEquals(5, out.lines().filter("<6>again"::equals).count(), out);
        assertEquals(8, out.lines().filter("<6>status"::equals).count(), out);
        assertTrue(out.endsWith("<6>\"again\" repeated 2 times\n<7>later\n"), out);
    }

    @Test
    void ipsecDebugRaisesTheLevelAtRunTime() throws Exception {
        Sysctl sysctl = Sysctl.withNetbsdDefaults();
        StringWriter sw = new StringWriter();
        try {
            GatewayLog.start(new PrintWriter(sw), sysctl);
            System.Logger log = System.getLogger("jipsec.test");
            assertTrue(log instanceof JipsecLoggerFinder.JipsecLogger, "the service is found: " + log.getClass());
            log.log(Level.DEBUG, "hidden");
            log.log(Level.INFO, "shown");
            sysctl.write(SysctlNames.IPSEC_DEBUG, 1);
            log.log(Level.DEBUG, "now shown");
            assertFalse(
                    System.getLogger("sun.net.httpserver").isLoggable(Level.DEBUG), "the JDK's own stay at WARNING");
            sysctl.write(SysctlNames.IPSEC_DEBUG, 0);
            log.log(Level.DEBUG, "hidden again");
            assertEquals("shown\nnow shown\n", sw.toString());
        } finally {
            LogOutput.use(null);
            LogOutput.debugWhile(() -> false);
        }
    }

    @Test
    void gatewayLinesGetLevels() {
        assertEquals(Level.WARNING, GatewayLog.levelOf("jipsec gateway: WARNING: esp SA ..."));
        assertEquals(Level.ERROR, GatewayLog.levelOf("jipsec gateway: cannot serve metrics on x; not starting"));
        assertEquals(Level.INFO, GatewayLog.levelOf("jipsec gateway: stopped"));
    }
}
