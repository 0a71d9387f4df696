package org.jipsec.core.ike.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** RFC 7296 §2.6 cookies and the responder's admission, on an injected clock and seeded randomness. */
class CookiesTest {

    static final byte[] NI = new byte[32], IP = {10, 0, 0, 1}, IP2 = {10, 0, 0, 2};
    static final long SPI = 0x1122334455667788L;

    @Test
    void aCookieIsBoundToNonceAddressAndSpi() {
        Cookies c = new Cookies(new Random(1), 60_000);
        byte[] k = c.make(0, NI, IP, SPI);
        assertEquals(Cookies.LENGTH, k.length);
        assertTrue(c.valid(10, k, NI, IP, SPI));
        assertFalse(c.valid(10, k, NI, IP2, SPI), "another address");
        assertFalse(c.valid(10, k, NI, IP, SPI + 1), "another SPIi");
        byte[] ni2 = NI.clone();
        ni2[31] = 1;
        assertFalse(c.valid(10, k, ni2, IP, SPI), "another nonce");
        byte[] forged = k.clone();
        forged[20] ^= 1;
        assertFalse(c.valid(10, forged, NI, IP, SPI));
        assertFalse(c.valid(10, Arrays.copyOf(k, 20), NI, IP, SPI), "truncated");
        assertFalse(c.valid(10, null, NI, IP, SPI));
    }

    @Test
    void theSecretRotatesAndThePreviousOneIsAcceptedForOnePeriod() {
        Cookies c = new Cookies(new Random(2), 60_000);
        byte[] k = c.make(0, NI, IP, SPI);
        assertEquals(1, c.version());
        byte[] k2 = c.make(60_000, NI, IP, SPI); // rotated
        assertEquals(2, c.version());
        assertNotEquals(Arrays.toString(k), Arrays.toString(k2));
        assertTrue(c.valid(60_001, k, NI, IP, SPI), "previous secret, within its grace");
        assertTrue(c.valid(60_001, k2, NI, IP, SPI));
        assertFalse(c.valid(120_000, k, NI, IP, SPI), "two rotations later");
        assertTrue(c.valid(120_000, k2, NI, IP, SPI));
    }

    @Test
    void afterALongQuietPeriodNoOldCookieIsAccepted() {
        Cookies c = new Cookies(new Random(3), 60_000);
        byte[] k = c.make(0, NI, IP, SPI);
        assertFalse(c.valid(500_000, k, NI, IP, SPI));
    }

    @Test
    void admissionFollowsStrongSwansOrderOfChecks() {
        InitAdmission a = new InitAdmission(DaemonLimits.DEFAULTS, new Random(4));
        assertInstanceOf(InitAdmission.Decision.Accept.class, a.decide(0, NI, IP, SPI, null, 29, 2));
        var d = assertInstanceOf(InitAdmission.Decision.DemandCookie.class, a.decide(0, NI, IP, SPI, null, 30, 0));
        assertFalse(d.presentedInvalid());
        assertInstanceOf(
                InitAdmission.Decision.DemandCookie.class, a.decide(0, NI, IP, SPI, null, 0, 3), "cookie_threshold_ip");
        assertInstanceOf(
                InitAdmission.Decision.Accept.class,
                a.decide(1, NI, IP, SPI, d.cookie(), 30, 0),
                "a valid cookie passes");
        var again = assertInstanceOf(
                InitAdmission.Decision.DemandCookie.class,
                a.decide(1, NI, IP2, SPI, d.cookie(), 30, 0),
                "someone else's cookie");
        assertTrue(again.presentedInvalid());
        assertInstanceOf(
                InitAdmission.Decision.Drop.class,
                a.decide(1, NI, IP, SPI, d.cookie(), 30, 5),
                "block_threshold holds even with a valid cookie");
        assertInstanceOf(
                InitAdmission.Decision.Drop.class,
                a.decide(1, NI, IP, SPI, d.cookie(), DaemonLimits.MAX_HALF_OPEN, 0),
                "the hard bound");
        assertEquals(3, a.cookiesSent());
        assertEquals(1, a.invalidCookies());
        assertEquals(1, a.blocked());
        assertEquals(1, a.overLimit());
    }

    @Test
    void withoutDosProtectionNoCookiesButTheBoundsStay() {
        InitAdmission a = new InitAdmission(new DaemonLimits(false, 30, 3, 5, 40, 30_000, 60_000), new Random(5));
        assertInstanceOf(InitAdmission.Decision.Accept.class, a.decide(0, NI, IP, SPI, null, 35, 4));
        assertInstanceOf(
                InitAdmission.Decision.Drop.class, a.decide(0, NI, IP, SPI, null, 40, 0), "init_limit_half_open");
        assertEquals(0, a.cookiesSent());
    }
}
