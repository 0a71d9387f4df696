package org.jipsec.core.ike.admission;

import java.util.List;
import java.util.random.RandomGenerator;
import org.jipsec.core.ike.codec.ExchangeType;
import org.jipsec.core.ike.codec.IkeHeader;
import org.jipsec.core.ike.codec.IkeMessage;
import org.jipsec.core.ike.codec.IkeMessageCodec;
import org.jipsec.core.ike.codec.NoncePayload;
import org.jipsec.core.ike.codec.NotifyPayload;
import org.jipsec.core.ike.codec.NotifyType;

/**
 * Whether the responder takes a new IKE_SA_INIT request (RFC 7296 §2.6), in the order strongSwan's receiver applies
 * its checks: over {@code cookie_threshold} half-open IKE SAs in all, or {@code cookie_threshold_ip} from the
 * request's address, a request without a valid COOKIE gets one and no state; with {@code block_threshold} half-open
 * IKE SAs from its address already, or {@code init_limit_half_open} in all (and never more than
 * {@link DaemonLimits#MAX_HALF_OPEN}), it is dropped. Counts every refusal. Pure; not thread-safe.
 */
public final class InitAdmission {

    /** What to do with one IKE_SA_INIT request. */
    public sealed interface Decision {
        /** Create the responder's half-open IKE SA. */
        record Accept() implements Decision {}

        /** Answer with N(COOKIE) carrying {@code cookie} and keep nothing (§2.6). */
        record DemandCookie(byte[] cookie, boolean presentedInvalid) implements Decision {
            /** §2.6: the stateless answer to the request with {@code spiI}: N(COOKIE) alone, SPIr zero. */
            public byte[] response(long spiI) {
                IkeHeader h = new IkeHeader(spiI, 0, 0, ExchangeType.IKE_SA_INIT, IkeHeader.FLAG_RESPONSE, 0);
                return IkeMessageCodec.encode(new IkeMessage(h, List.of(NotifyPayload.of(NotifyType.COOKIE, cookie))));
            }
        }

        /** Drop without an answer; {@code reason} names the limit, for the (rate-limited) log. */
        record Drop(String reason) implements Decision {}
    }

    private final DaemonLimits limits;
    private final Cookies cookies;
    private long cookiesSent, invalidCookies, blocked, overLimit;

    public InitAdmission(DaemonLimits limits, RandomGenerator random) {
        this.limits = limits;
        this.cookies = new Cookies(random, limits.cookieRotateMillis());
    }

    /**
     * The decision for an IKE_SA_INIT {@code request} from {@code ipi}: its nonce, SPIi and COOKIE notify (if any) go
     * to {@link #decide(long, byte[], byte[], long, byte[], int, int)}. A request without a nonce is let through: the
     * engine refuses it with a log line naming what is missing.
     */
    public Decision decide(long now, IkeMessage request, byte[] ipi, int halfOpen, int halfOpenFromIp) {
        var nonce = request.first(NoncePayload.class);
        if (nonce.isEmpty()) return new Decision.Accept();
        byte[] cookie =
                request.notify(NotifyType.COOKIE).map(NotifyPayload::data).orElse(null);
        return decide(now, nonce.get().data(), ipi, request.header().spiI(), cookie, halfOpen, halfOpenFromIp);
    }

    /**
     * The decision for an IKE_SA_INIT request, from its parts.
     *
     * @param ni             the request's nonce
     * @param ipi            the initiator's address octets (4 or 16)
     * @param cookie         the data of the request's COOKIE notify, or null without one
     * @param halfOpen       half-open IKE SAs now, in all
     * @param halfOpenFromIp half-open IKE SAs now from the request's address
     */
    public Decision decide(
            long now, byte[] ni, byte[] ipi, long spiI, byte[] cookie, int halfOpen, int halfOpenFromIp) {
        if (limits.dosProtection()
                && (halfOpen >= limits.cookieThreshold() || halfOpenFromIp >= limits.cookieThresholdIp())) {
            if (cookie == null || !cookies.valid(now, cookie, ni, ipi, spiI)) {
                boolean invalid = cookie != null;
                if (invalid) invalidCookies++;
                cookiesSent++;
                return new Decision.DemandCookie(cookies.make(now, ni, ipi, spiI), invalid);
            }
        }
        if (limits.blockThreshold() > 0 && halfOpenFromIp >= limits.blockThreshold()) {
            blocked++;
            return new Decision.Drop(
                    "block_threshold (" + limits.blockThreshold() + " half-open IKE SAs from one address)");
        }
        int limit = limits.initLimitHalfOpen() > 0
                ? Math.min(limits.initLimitHalfOpen(), DaemonLimits.MAX_HALF_OPEN)
                : DaemonLimits.MAX_HALF_OPEN;
        if (halfOpen >= limit) {
            overLimit++;
            return new Decision.Drop("init_limit_half_open (" + limit + " half-open IKE SAs)");
        }
        return new Decision.Accept();
    }

    /** IKE_SA_INIT requests answered with a COOKIE. */
    public long cookiesSent() {
        return cookiesSent;
    }

    /** Requests whose COOKIE was not one we made (forged, stale, or for another SPI/nonce/address). */
    public long invalidCookies() {
        return invalidCookies;
    }

    /** Requests dropped by {@code block_threshold}. */
    public long blocked() {
        return blocked;
    }

    /** Requests dropped by {@code init_limit_half_open} or the hard bound. */
    public long overLimit() {
        return overLimit;
    }
}
