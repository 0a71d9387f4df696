package org.jipsec.core.spd;

import java.util.Objects;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.ipsec.PolicyType;
import org.jipsec.core.ipsec.XPolicy;
import org.jipsec.core.spd.SpdException.Errno;

/**
 * Per-socket policy (spec §4.2; NetBSD {@code ipsec_set_policy}/{@code ipsec_getpolicybysock}), as
 * pure functions: the setsockopt validation, and the resolution of a socket's policy against the SPD
 * and the system default.
 *
 * <pre>
 * socket        socket SP type     result
 * privileged    BYPASS or IPSEC    socket SP (SPD not consulted)
 * privileged    ENTRUST            SPD match, else system default
 * unprivileged  any                SPD match wins
 * unprivileged  ENTRUST            (no SPD match) system default
 * unprivileged  IPSEC              (no SPD match) socket SP
 * unprivileged  BYPASS             (no SPD match) EINVAL, packet not sent
 * </pre>
 */
public final class SocketPolicyResolver {

    private SocketPolicyResolver() {}

    /** Where the effective policy came from. */
    public enum Source {
        SOCKET,
        SPD,
        SYSTEM_DEFAULT
    }

    /** The result of a resolution. */
    public sealed interface Resolution permits Effective, Refused {}

    /** The policy to apply; {@code spdEntry} is present when it came from the SPD. */
    public record Effective(Source source, XPolicy policy, Optional<SecurityPolicy> spdEntry) implements Resolution {}

    /** The packet must not be sent; errno as the socket call would see it. */
    public record Refused(Errno errno, String reason) implements Resolution {}

    /** The initial per-socket policy: ENTRUST in that direction. */
    public static XPolicy entrust(PolicyDirection direction) {
        return new XPolicy(PolicyType.ENTRUST, direction, 0, 0, java.util.List.of());
    }

    /**
     * setsockopt({@code IP_IPSEC_POLICY}) validation (spec §4.2, §1.12): direction in/out (EINVAL),
     * DISCARD/NONE refused (EINVAL), BYPASS only for a privileged socket (EPERM, the kauth refusal),
     * then the request rules of {@link PolicyRequests#normalize}. Returns the policy to store.
     */
    public static XPolicy validateForSocket(XPolicy requested, boolean privileged, IntSupplier newReqid)
            throws SpdException {
        Objects.requireNonNull(requested);
        if (requested.direction() != PolicyDirection.INBOUND && requested.direction() != PolicyDirection.OUTBOUND) {
            throw new SpdException(Errno.EINVAL, "socket policy direction must be in or out");
        }
        switch (requested.type()) {
            case DISCARD, NONE ->
                throw new SpdException(
                        Errno.EINVAL,
                        "socket policy may not be " + requested.type().keyword());
            case BYPASS -> {
                if (!privileged) throw new SpdException(Errno.EPERM, "bypass policy needs a privileged socket");
            }
            case IPSEC, ENTRUST -> {}
        }
        return PolicyRequests.normalize(requested, newReqid);
    }

    /**
     * ipsec_getpolicybysock for one direction.
     *
     * @param socketPolicy  the socket's policy in that direction (ENTRUST unless set)
     * @param privileged    fixed at socket creation
     * @param spdLookup     the SPD lookup for the packet (only called when the table says so)
     * @param systemDefault the system default policy for that direction and family
     */
    public static Resolution resolve(
            XPolicy socketPolicy,
            boolean privileged,
            Supplier<Optional<SecurityPolicy>> spdLookup,
            XPolicy systemDefault) {
        Objects.requireNonNull(socketPolicy);
        Objects.requireNonNull(systemDefault);
        PolicyType t = socketPolicy.type();
        if (privileged) {
            switch (t) {
                case BYPASS, IPSEC -> {
                    return new Effective(Source.SOCKET, socketPolicy, Optional.empty());
                }
                case ENTRUST -> {
                    return spdOrElse(
                            spdLookup.get(), new Effective(Source.SYSTEM_DEFAULT, systemDefault, Optional.empty()));
                }
                default -> {
                    return new Refused(Errno.EINVAL, "invalid socket policy type " + t.keyword());
                }
            }
        }
        Optional<SecurityPolicy> match = spdLookup.get();
        if (match.isPresent()) return new Effective(Source.SPD, match.get().policy(), match);
        return switch (t) {
            case ENTRUST -> new Effective(Source.SYSTEM_DEFAULT, systemDefault, Optional.empty());
            case IPSEC -> new Effective(Source.SOCKET, socketPolicy, Optional.empty());
            case BYPASS -> new Refused(Errno.EINVAL, "bypass policy on an unprivileged socket");
            default -> new Refused(Errno.EINVAL, "invalid socket policy type " + t.keyword());
        };
    }

    private static Resolution spdOrElse(Optional<SecurityPolicy> match, Effective fallback) {
        return match.<Resolution>map(sp -> new Effective(Source.SPD, sp.policy(), Optional.of(sp)))
                .orElse(fallback);
    }
}
