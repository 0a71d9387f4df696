package org.jipsec.core.ike.admission;

/**
 * The daemon-wide settings of {@code jipsec iked} — the responder's DoS limits, the IKE fragment size and the
 * retransmission timing — with strongSwan's names and defaults (strongswan.conf(5), 5.9.8):
 *
 * @param dosProtection      {@code charon.dos_protection} [yes]: cookies under load (RFC 7296 §2.6)
 * @param cookieThreshold    {@code charon.cookie_threshold} [30]: half-open IKE SAs in all that activate cookies
 * @param cookieThresholdIp  {@code charon.cookie_threshold_ip} [3]: the same from one peer address
 * @param blockThreshold     {@code charon.block_threshold} [5]: most half-open IKE SAs from one address (0: none)
 * @param initLimitHalfOpen  {@code charon.init_limit_half_open} [0]: most half-open IKE SAs in all (0: only
 *                           {@link #MAX_HALF_OPEN})
 * @param halfOpenTimeoutMillis {@code charon.half_open_timeout} [30 s]: a responder drops an IKE SA not established
 * @param cookieRotateMillis how often the cookie secret is replaced (not a strongSwan setting; 60 s)
 * @param fragmentSize       {@code charon.fragment_size} [1280]: the largest IP datagram of a sent IKE fragment
 *                           (RFC 7383 §2.5.1)
 * @param retransmitTimeoutMillis {@code charon.retransmit_timeout} [4 s]; a request is retransmitted after
 *                           timeout × base^n (strongswan.conf(5) "IKEv2 RETRANSMISSION")
 * @param retransmitBase     {@code charon.retransmit_base} [1.8]
 * @param retransmitTries    {@code charon.retransmit_tries} [5]: retransmissions before the peer is given up on
 */
public record DaemonLimits(
        boolean dosProtection,
        int cookieThreshold,
        int cookieThresholdIp,
        int blockThreshold,
        int initLimitHalfOpen,
        long halfOpenTimeoutMillis,
        long cookieRotateMillis,
        int fragmentSize,
        long retransmitTimeoutMillis,
        double retransmitBase,
        int retransmitTries) {

    /** The hard bound on half-open responder IKE SAs, whatever the settings say. */
    public static final int MAX_HALF_OPEN = 1024;

    public static final DaemonLimits DEFAULTS = new DaemonLimits(true, 30, 3, 5, 0, 30_000, 60_000);

    /** The smallest fragment size that still carries IKE fragments over IPv6 (RFC 7383 §2.5.1 discusses 576). */
    public static final int MIN_FRAGMENT_SIZE = 576;

    public DaemonLimits {
        if (cookieThreshold < 0
                || cookieThresholdIp < 0
                || blockThreshold < 0
                || initLimitHalfOpen < 0
                || halfOpenTimeoutMillis <= 0
                || cookieRotateMillis <= 0
                || fragmentSize < MIN_FRAGMENT_SIZE
                || fragmentSize > 65535
                || retransmitTimeoutMillis <= 0
                || !(retransmitBase >= 1.0)
                || retransmitBase > 100
                || retransmitTries < 0
                || retransmitTries > 100) {
            throw new IllegalArgumentException("DoS limits must not be negative, timeouts positive, fragment_size "
                    + "576-65535, retransmit_base 1-100, retransmit_tries 0-100");
        }
    }

    /** With strongSwan's retransmission defaults (4 s, 1.8, 5 tries). */
    public DaemonLimits(
            boolean dosProtection,
            int cookieThreshold,
            int cookieThresholdIp,
            int blockThreshold,
            int initLimitHalfOpen,
            long halfOpenTimeoutMillis,
            long cookieRotateMillis,
            int fragmentSize) {
        this(
                dosProtection,
                cookieThreshold,
                cookieThresholdIp,
                blockThreshold,
                initLimitHalfOpen,
                halfOpenTimeoutMillis,
                cookieRotateMillis,
                fragmentSize,
                4_000,
                1.8,
                5);
    }

    /** With strongSwan's default fragment_size, 1280. */
    public DaemonLimits(
            boolean dosProtection,
            int cookieThreshold,
            int cookieThresholdIp,
            int blockThreshold,
            int initLimitHalfOpen,
            long halfOpenTimeoutMillis,
            long cookieRotateMillis) {
        this(
                dosProtection,
                cookieThreshold,
                cookieThresholdIp,
                blockThreshold,
                initLimitHalfOpen,
                halfOpenTimeoutMillis,
                cookieRotateMillis,
                1280);
    }
}
