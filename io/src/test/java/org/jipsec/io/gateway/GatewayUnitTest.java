package org.jipsec.io.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The parts of the data plane that need no root: options and the link-scoped packet filter. */
class GatewayUnitTest {

    private static boolean linkScoped(String hex) {
        byte[] b = HexFormat.of().parseHex(hex);
        boolean native_ = org.jipsec.core.net.IpView.linkScopedDestination(MemorySegment.ofArray(b), b.length);
        // the heap variant the send path uses (packet at an offset, as after the headroom) must agree
        byte[] roomy = new byte[7 + b.length];
        System.arraycopy(b, 0, roomy, 7, b.length);
        assertEquals(native_, org.jipsec.core.net.IpView.linkScopedDestination(roomy, 7, b.length), hex);
        return native_;
    }

    private static String v4(String dst) {
        return "45000014000000004001000a0a0a0001" + dst;
    }

    private static String v6(String dst) {
        return "6000000000003a40" + "fd000000000000000000000000000001" + dst;
    }

    @Test
    void multicastBroadcastAndLinkLocalNeverLeaveTheTun() {
        assertTrue(linkScoped(v4("e0000016")), "224.0.0.22 (IGMP)");
        assertTrue(linkScoped(v4("ffffffff")), "limited broadcast");
        assertFalse(linkScoped(v4("0a0a0002")), "unicast 10.10.0.2");
        assertFalse(linkScoped(v4("fffffffe")), "255.255.255.254 is not the limited broadcast");
        assertTrue(linkScoped(v6("ff020000000000000000000000000016")), "ff02::16 (MLD)");
        assertTrue(linkScoped(v6("fe800000000000000000000000000001")), "fe80::1");
        assertTrue(linkScoped(v6("febf0000000000000000000000000001")), "febf::1 is still fe80::/10");
        assertFalse(linkScoped(v6("fec00000000000000000000000000001")), "fec0::1 is outside fe80::/10");
        assertFalse(linkScoped(v6("fd000000000000000000000000000002")), "unique local unicast");
    }

    @Test
    void shortOrUnknownPacketsAreNotLinkScoped() {
        assertFalse(linkScoped(""));
        assertFalse(linkScoped("45"));
        assertFalse(linkScoped("6000000000003a40fd00"), "IPv6 shorter than its header");
        assertFalse(linkScoped("00".repeat(40)), "version 0");
    }

    @Test
    void optionsRefuseValuesOutOfRange() {
        GatewayOptions o = GatewayOptions.defaults(Path.of("/tmp/x"));
        assertEquals("jipsec0", o.tunName());
        assertEquals(0x99, o.mark());
        assertEquals(4500, o.natTPort());
        assertTrue(o.offload());
        assertThrows(IllegalArgumentException.class, () -> o.withMtu(100));
        assertThrows(IllegalArgumentException.class, () -> o.withMtu(70000));
        assertThrows(IllegalArgumentException.class, () -> o.withNatTPort(70000));
        assertEquals(1280, o.withMtu(1280).mtu());
        assertFalse(o.withOffload(false).offload());
        assertEquals("ipsec1", o.withTun("ipsec1").tunName());
    }

    /** Any bytes from the TUN: an answer, never an exception. */
    @FuzzTest
    void linkScopedAcceptsAnyBytes(FuzzedDataProvider data) {
        byte[] b = data.consumeRemainingAsBytes();
        org.jipsec.core.net.IpView.linkScopedDestination(MemorySegment.ofArray(b), b.length);
    }

    @Test
    void batchClockAnswersOneInstantWhileHeld() {
        java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
        java.time.InstantSource ticking =
                () -> java.time.Instant.ofEpochSecond(1_700_000_000L + reads.incrementAndGet());
        BatchClock c = new BatchClock(ticking);
        assertEquals(1_700_000_001L, c.instant().getEpochSecond(), "not held: the source's own reading");
        c.hold();
        assertEquals(1_700_000_002L, c.instant().getEpochSecond());
        assertEquals(1_700_000_002L, c.instant().getEpochSecond(), "held: the same instant, no new read");
        assertEquals(1_700_000_002_000L, c.millis());
        assertEquals(2, reads.get());
        c.release();
        assertEquals(1_700_000_003L, c.instant().getEpochSecond(), "released: reads the source again");
    }
}
